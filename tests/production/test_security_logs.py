"""Conversation logs keep the user's birth dates and amounts out (actions/log_redaction.py),
unless LOG_UNREDACTED=1 is set for debugging."""
import logging
import subprocess
import sys

import pytest

from actions.log_redaction import redact
from tests.rasa_support import ROOT, Chat, Servers, trained_model

MASKED = [
    ("I was born on May 5, 1980", "I was born on [date]"),
    ("born 1980-05-05", "born [date]"),
    ("left 3/14, offset 03/14/2025, caught up 3-14-25", "left [date], offset [date], caught up [date]"),
    ("paid on 14.03.2025", "paid on [date]"),
    ("on the 14th of March 2025", "on the [date]"),
    ("Mar. 3rd", "[date]"),
    ("born in June 1984", "born in [date]"),
    ("owed $12k", "owed [amount]"),
    ("owed $ 12,450.88", "owed [amount]"),
    ("12,450.88 left", "[amount] left"),
    ("about 12k", "about [amount]"),
    ("about 12 grand", "about [amount]"),
    ("twelve grand", "[amount]"),
    ("twelve thousand dollars", "[amount]"),
    ("it was 9000", "it was [amount]"),
    ("it was 9000.", "it was [amount]."),
    ("loan_balance: 12000.00", "loan_balance: [amount]"),
    ("{'birth_date': '1980-05-05', 'loan_balance': '12000.00'}", "{'birth_date': '[date]', 'loan_balance': '[amount]'}"),
]
KEPT = ["Starting Rasa server on http://127.0.0.1:5005", "Predicted next action 'loan_form' with confidence 0.93",
        'File "actions/validation.py", line 1234, in run', "rasa 3.6.21 on 127.0.0.1", "form 1099-R code M1",
        "I left my job and they offset the loan", "Loading model models/model-6490f403f56ba8ce.tar.gz"]


@pytest.mark.parametrize("text,expected", MASKED)
def test_dates_and_amounts_are_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_operational_details_stay_readable(text):
    assert redact(text) == text


LOGGING_SNIPPET = """
import logging, actions
logging.basicConfig(level=logging.DEBUG, format="%(message)s")
log = logging.getLogger("conversation")
log.debug("Received user message %r", "I was born on May 5, 1980 and owe $12,450.88")
try:
    raise ValueError("'1980-05-05' is not valid")
except ValueError:
    log.exception("validation failed for 12k")
"""


@pytest.mark.parametrize("unredacted", [False, True])
def test_every_record_of_a_process_that_imports_actions_is_masked(unredacted):
    env = {"PATH": "/usr/bin:/bin", **({"LOG_UNREDACTED": "1"} if unredacted else {})}
    out = subprocess.run([sys.executable, "-c", LOGGING_SNIPPET], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60).stderr
    secrets = ["May 5, 1980", "12,450.88", "1980-05-05", "12k"]
    if unredacted:
        assert all(s in out for s in secrets), out
    else:
        assert not any(s in out for s in secrets), out
        assert out.count("[date]") == 2 and "ValueError: '[date]' is not valid" in out


def test_the_masking_is_installed_by_importing_actions():
    import actions  # noqa: F401

    record = logging.getLogRecordFactory()("x", logging.INFO, __file__, 1, "born %s", ("May 5, 1980",), None)
    assert record.getMessage() == "born [date]"


# -- the real servers, Rasa at DEBUG --------------------------------------------------------------
CONVERSATION = ["I left my job on 3/14/2025 and they offset my loan on June 30, 2025", "yes",
                "I was born on May 5, 1980", "the balance was $12,345.67"]
SECRETS = ["3/14/2025", "June 30, 2025", "May 5, 1980", "1980-05-05", "12,345.67", "12345.67", "2025-03-14"]


def converse_and_read_logs(tmp_path, unredacted: bool) -> str:
    env = {"LOG_UNREDACTED": "1"} if unredacted else {"LOG_UNREDACTED": ""}
    servers = Servers(trained_model(), tmp_path, extra_env=env, rasa_args=["--debug"])
    try:
        servers.start_actions()
        servers.start_rasa()
        chat = Chat(servers, "logs", today="2025-11-01")
        for text in CONVERSATION:
            chat.say(text)
        assert Chat.assessment(chat.replies[-1])["taxable_amount"] == "12345.67"  # the facts were used
    finally:
        servers.stop_all()
    return (tmp_path / "rasa.log").read_text(errors="replace") + (tmp_path / "actions.log").read_text(errors="replace")


@pytest.mark.e2e
def test_debug_logs_of_both_servers_hold_no_birth_date_or_amount(tmp_path):
    logs = converse_and_read_logs(tmp_path, unredacted=False)
    assert "parse_data_text" in logs and "[date]" in logs and "[amount]" in logs  # DEBUG was on
    leaked = [s for s in SECRETS if s in logs]
    assert not leaked, leaked


@pytest.mark.e2e
def test_with_the_debugging_switch_the_logs_show_them(tmp_path):
    logs = converse_and_read_logs(tmp_path, unredacted=True)
    assert "May 5, 1980" in logs and "12,345.67" in logs
