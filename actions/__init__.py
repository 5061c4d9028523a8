"""The dialogue layer. Importing it (the Rasa server does, for the NLU components; the action
server does, for the actions) masks dates and amounts in every log record of the process
unless LOG_UNREDACTED=1 (actions/log_redaction.py)."""
from actions import log_redaction as _log_redaction

_log_redaction.install()
