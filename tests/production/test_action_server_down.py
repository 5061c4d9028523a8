"""The action server goes away in the middle of a conversation and comes back on the same port.

The user is told plainly to try again (never silence, never a 5xx), everything they said
before and during the outage is kept, and the next message after the restart continues the
form and answers with all of it (actions/action_server_outage.py)."""
import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.rasa_support import Chat, Servers, trained_model

pytestmark = pytest.mark.e2e
TODAY = "2025-11-01"
TROUBLE = "having trouble reaching my calculation service"
FAILED = "something went wrong on my side with that message"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with Servers(trained_model(), tmp_path_factory.mktemp("outage"), extra_env={"ACTION_TIMEOUT_SECONDS": "3"}) as s:
        yield s


def up(servers):
    if "actions" not in servers.processes:
        servers.start_actions()  # same port: Servers keeps its action_port


@pytest.fixture(autouse=True)
def action_server_up_after_each_test(servers):
    yield
    up(servers)


def test_facts_given_before_and_during_an_outage_reach_the_answer(servers):
    c = Chat(servers, "outage-form", today=TODAY)
    reply = c.say("I left my job on March 14 and they offset my loan on June 30")
    assert "up to date" in Chat.texts(reply)

    servers.stop("actions")
    reply = c.say("yes")  # up to date
    assert TROUBLE in Chat.texts(reply) and "nothing you told me is lost" in Chat.texts(reply)
    reply = c.say("I was born on May 5, 1980")
    assert TROUBLE in Chat.texts(reply)
    reply = c.say("what is a qualified plan loan offset?")
    assert TROUBLE in Chat.texts(reply)

    up(servers)
    reply = c.say("the balance was about $12,000")
    a = Chat.assessment(reply)
    assert a is not None, Chat.texts(reply)
    assert a["classification"] == "qualified_plan_loan_offset"  # good standing, said during the outage
    assert a["taxable_amount"] == "12000.00" and a["form_1099r_box7"] == "M1"  # birth date said during it
    assert a["additional_tax"]["amount"] == "1200.00"
    reply = c.say("what is a qualified plan loan offset?")
    assert "qualified plan loan offset" in Chat.texts(reply).lower() and TROUBLE not in Chat.texts(reply)


def test_an_outage_on_the_first_message_keeps_its_facts_and_starts_the_form(servers):
    c = Chat(servers, "outage-first", today=TODAY)
    servers.stop("actions")
    reply = c.say("I got laid off on March 14 and they offset my loan on June 30, I'm 41 and owed about 12k")
    assert TROUBLE in Chat.texts(reply)
    up(servers)
    reply = c.say("ok, try again")
    assert TROUBLE not in Chat.texts(reply)
    assert "up to date" in Chat.texts(reply), Chat.texts(reply)  # the form goes on with the earlier facts
    a = Chat.assessment(c.say("yes"))
    assert (a["classification"], a["event_date"], a["taxable_amount"], a["form_1099r_box7"]) == \
        ("qualified_plan_loan_offset", "2025-06-30", "12000.00", "M1")


def test_a_correction_after_the_outage_wins_over_what_was_said_during_it(servers):
    c = Chat(servers, "outage-correct", today=TODAY)
    c.say("I left my job on March 14 and they offset my loan on June 30")
    servers.stop("actions")
    assert TROUBLE in Chat.texts(c.say("yes, it was up to date. the balance was 9k"))
    up(servers)
    reply = c.say("sorry, the balance was actually $12,500 and I'm 41")
    a = Chat.assessment(reply)
    assert a is not None, Chat.texts(reply)
    assert a["taxable_amount"] == "12500.00" and a["classification"] == "qualified_plan_loan_offset"


@contextlib.contextmanager
def stand_in_answering(servers, status):
    """In place of the action server, on its port: every action call gets `status` (500: an
    action crashed; 503: a gateway in front of the action servers found none; None: no answer)."""
    released = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if status is None:  # hangs: accepts the call and never answers
                released.wait(120)
                return
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"error": "stand-in"}')

        def log_message(self, *args):
            pass

    servers.stop("actions")
    stand_in = ThreadingHTTPServer(("127.0.0.1", servers.action_port), Handler)
    thread = threading.Thread(target=stand_in.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        released.set()
        stand_in.shutdown()
        stand_in.server_close()


def test_a_gateway_without_action_servers_counts_as_an_outage(servers):
    c = Chat(servers, "outage-503", today=TODAY)
    c.say("I left my job on March 14 and they offset my loan on June 30")
    with stand_in_answering(servers, 503):
        assert TROUBLE in Chat.texts(c.say("yes"))
    up(servers)
    a = Chat.assessment(c.say("I'm 41 and the balance was 12k"))
    assert a is not None and a["classification"] == "qualified_plan_loan_offset"  # "yes" was kept


def test_an_action_that_fails_gets_a_plain_reply_and_the_earlier_facts_stay(servers):
    c = Chat(servers, "failure-500", today=TODAY)
    c.say("I left my job on March 14 and they offset my loan on June 30")
    with stand_in_answering(servers, 500):
        reply = c.say("yes")
        assert FAILED in Chat.texts(reply) and TROUBLE not in Chat.texts(reply)
    up(servers)
    reply = c.say("I'm 41 and the balance was 12k")
    assert "up to date" in Chat.texts(reply)  # the failed answer is asked again; the dates are still known
    a = Chat.assessment(c.say("yes"))
    assert (a["classification"], a["event_date"], a["taxable_amount"]) == \
        ("qualified_plan_loan_offset", "2025-06-30", "12000.00")


def test_a_hung_action_server_is_an_outage_after_the_timeout(servers):
    c = Chat(servers, "outage-hung", today=TODAY)
    c.say("I left my job on March 14 and they offset my loan on June 30")
    with stand_in_answering(servers, None):
        started = time.monotonic()
        assert TROUBLE in Chat.texts(c.say("yes"))
        assert time.monotonic() - started < 20  # ACTION_TIMEOUT_SECONDS=3 here; Rasa alone waits 300 s
    up(servers)
    a = Chat.assessment(c.say("I'm 41 and the balance was 12k"))
    assert a is not None and a["classification"] == "qualified_plan_loan_offset"
