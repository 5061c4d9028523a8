"""The action server's registry: `rasa run actions --actions actions.actions` loads this module
and the classes it imports, and nothing else (the NLU component in this package runs in the
Rasa server and must not pull Rasa into the action server)."""
from .answers import ActionAssess, ActionDecodeCode, ActionFaq  # noqa: F401
from .asking import ASK_ACTIONS  # noqa: F401
from .did_you_mean import ActionDidYouMean  # noqa: F401
from .session import ActionSessionStart  # noqa: F401
from .validation import ValidateLoanForm  # noqa: F401
from .what_if import ActionWhatIf  # noqa: F401
