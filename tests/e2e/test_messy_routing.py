"""Routing of messy messages over REST, through the real Rasa server and action server: facts
win over the classifier's verdict and are normalised in the same turn, the question beside
them is answered, unsure questions get a "did you mean", and "idk" is an answer. Slots are
read back through Rasa's HTTP API (`--enable-api`), so raw text left in a slot is seen."""
import json
import re
import urllib.request

import pytest

from tests.rasa_support import Chat, Servers, trained_model

pytestmark = pytest.mark.e2e
FALLBACK_WORDS = ("not sure i follow", "couldn't use that")
# What a fact slot may hold after a turn: a canonical value or a marker, never what was typed.
CANONICAL = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "money": re.compile(r"^\d+\.\d{2}$"),
    "code": re.compile(r"^[0-9A-Z]{1,2}$"),
}
KINDS = {**{s: "date" for s in ("separation_date", "offset_date", "missed_payment_due_date", "caught_up_on",
                               "birth_date", "plan_termination_date", "loan_date")},
         **{s: "money" for s in ("loan_balance", "amount_rolled_over", "cash_paid_not_rolled_over")},
         "box7_code": "code"}
MARKERS = {"declined", "not_caught_up", "caught_up_date_unknown"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with Servers(trained_model(), tmp_path_factory.mktemp("routing")) as s:
        yield s


def slots(servers, c: Chat) -> dict:
    with urllib.request.urlopen(f"{servers.url}/conversations/{c.sender}/tracker", timeout=30) as r:
        return json.loads(r.read())["slots"]


def assert_no_raw_text(values: dict) -> None:
    for name, kind in KINDS.items():
        value = values.get(name)
        assert value is None or value in MARKERS or CANONICAL[kind].match(str(value)), (name, value)
    for name in ("left_job", "plan_terminated", "loan_in_good_standing"):
        assert values.get(name) in (None, True, False, "declined"), (name, values.get(name))
    assert values.get("plan_kind") in (None, "401k", "403b", "457b", "tsp"), values.get("plan_kind")
    age, rate = values.get("age"), values.get("marginal_tax_rate")
    assert age is None or str(age).isdigit(), age
    assert rate is None or re.match(r"^0(\.\d+)?$|^1$", str(rate)), rate


def no_fallback(reply) -> None:
    said = Chat.texts(reply)
    assert said and not any(words in said.lower() for words in FALLBACK_WORDS), said


def test_the_commonest_opener_gets_the_next_question_and_the_question_part_answered(servers):
    # In February 2027 a payment missed since August 2026 is past its cure deadline (December 31,
    # 2026): the rules core needs to know whether it was made up, so the form asks.
    c = Chat(servers, "routing-opener", today="2027-02-10")
    reply = c.say("hi, I missed my 401k loan payments since August, what happens?")
    no_fallback(reply)
    texts = [m["text"] for m in reply if m.get("text")]
    assert texts[0].startswith("Start by pinning down what happened")  # the question part, first
    assert "?" in texts[-1] and "made up" in texts[-1]  # then the form's question
    values = slots(servers, c)
    assert values["missed_payment_due_date"] == "2026-08-31"
    assert values["requested_slot"] == "caught_up_on"
    assert_no_raw_text(values)


def test_the_same_opener_inside_the_cure_window_is_answered_at_once(servers):
    c = Chat(servers, "routing-opener-open", today="2026-12-05")
    reply = c.say("hi, I missed my 401k loan payments since August, what happens?")
    no_fallback(reply)
    assessment = Chat.assessment(reply)
    assert (assessment["classification"], assessment["cure_deadline"]) == ("cure_window_open", "2026-12-31")
    assert "Start by pinning down" not in Chat.texts(reply)  # the answer itself says what happens
    assert_no_raw_text(slots(servers, c))


def test_facts_in_a_question_the_classifier_reads_as_general_are_kept_and_normalised(servers):
    c = Chat(servers, "routing-faq-facts", today="2025-11-01")
    reply = c.say("I got laid off on March 14 and owed about 9k, when will they offset my loan?")
    no_fallback(reply)
    values = slots(servers, c)
    assert (values["separation_date"], values["loan_balance"], values["left_job"]) == ("2025-03-14", "9000.00", True)
    assert_no_raw_text(values)


def test_a_general_question_with_a_number_stores_nothing(servers):
    c = Chat(servers, "routing-general", today="2025-11-01")
    reply = c.say("when do I reach 59 1/2?")
    assert "Sources:" in Chat.texts(reply)
    values = slots(servers, c)
    assert values["age"] is None and values["birth_date"] is None


def test_an_unsure_question_gets_did_you_mean_and_a_button_answers_its_topic(servers):
    c = Chat(servers, "routing-did-you-mean", today="2025-11-01")
    reply = c.say("what about the taxes on it")
    buttons = [b for m in reply for b in m.get("buttons") or []]
    assert "Did you mean" in Chat.texts(reply) and 2 <= len(buttons) <= 3, Chat.texts(reply)
    assert all(re.match(r"^/(faq|sponsor)_[a-z0-9_]+$", b["payload"]) for b in buttons)
    answer = c.say(buttons[0]["payload"])
    said = Chat.texts(answer)
    assert "Sources:" in said and "Did you mean" not in said
    no_fallback(answer)


def test_dont_know_to_a_question_moves_the_form_on_and_is_not_a_no(servers):
    c = Chat(servers, "routing-idk", today="2025-11-01")
    c.say("I missed a payment on my 401k loan in March and I still work there")
    assert slots(servers, c)["requested_slot"] == "caught_up_on"
    reply = c.say("idk")
    no_fallback(reply)
    values = slots(servers, c)
    assert values["caught_up_on"] == "declined"  # unknown: "no" would be not_caught_up
    assert values["requested_slot"] != "caught_up_on"
    assert_no_raw_text(values)


def test_the_code_on_their_own_form_is_explained_and_kept_canonical(servers):
    c = Chat(servers, "routing-own-code", today="2025-11-01")
    reply = c.say("my 1099-R says 1M, what is that")
    assert "Code M1" in Chat.texts(reply)
    assert slots(servers, c)["box7_code"] == "M1"
    other = Chat(servers, "routing-general-code", today="2025-11-01")
    other.say("what does code L1 mean?")
    assert slots(servers, other)["box7_code"] is None  # asked about, not theirs


def test_a_what_if_amount_while_the_form_asks_for_the_balance_fills_nothing(servers):
    c = Chat(servers, "routing-what-if-in-form", today="2025-11-01")
    c.say("I got laid off March 14 and they offset my loan June 30, I'm 41")
    c.say("yes")  # in good standing
    assert slots(servers, c)["requested_slot"] == "loan_balance"
    c.say("what if I roll over 5k?")
    values = slots(servers, c)
    assert values["loan_balance"] is None and values["amount_rolled_over"] is None
    assert_no_raw_text(values)


def test_information_the_form_cannot_store_gets_the_question_again_not_a_sorry(servers):
    c = Chat(servers, "routing-unstorable", today="2025-11-01")
    question = Chat.texts(c.say("I missed a loan payment in March")).splitlines()[-1]
    reply = c.say("its a 403(b) thru the school district")
    no_fallback(reply)
    assert Chat.texts(reply).splitlines()[-1] == question
    values = slots(servers, c)
    assert values["plan_kind"] == "403b" and values["requested_slot"] == "caught_up_on"
    reply = c.say("I'm about to retire next month, what happens to my loan?")
    no_fallback(reply)
    assert "plan" in Chat.texts(reply) and Chat.texts(reply).splitlines()[-1] == question
    assert slots(servers, c)["separation_date"] is None  # a plan is not a fact
