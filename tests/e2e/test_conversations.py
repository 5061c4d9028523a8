"""Conversations over the REST channel, through the real Rasa server and action server, on the
model the run command serves. Each asserts what a user reads and the `custom` assessment."""
import pytest

from tests.rasa_support import Chat, Servers, trained_model

pytestmark = pytest.mark.e2e
TODAY = "2025-11-01"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with Servers(trained_model(), tmp_path_factory.mktemp("e2e")) as s:
        yield s


def chat(servers, name):
    return Chat(servers, f"e2e-{name}", today=TODAY)


def last_assessment(c: Chat):
    for reply in reversed(c.replies):
        found = Chat.assessment(reply)
        if found:
            return found
    return None


def test_default_while_employed(servers):
    c = chat(servers, "default")
    reply = c.say("I still work there but I missed my 401k loan payment that was due March 31")
    assert "made up the missed payment" in Chat.texts(reply)
    c.say("no, not yet")
    c.say("I was born on May 5, 1980")
    reply = c.say("about 8k")
    a = Chat.assessment(reply)
    assert (a["classification"], a["event_date"], a["tax_year"], a["form_1099r_box7"]) == \
        ("deemed_distribution", "2025-06-30", 2025, "L1")
    said = Chat.texts(reply)
    assert "June 30, 2025" in said and "not an eligible rollover distribution" in said


def test_qplo_after_a_layoff_told_in_one_message(servers):
    c = chat(servers, "qplo")
    reply = c.say("left my job 3/14, they offset the loan on June 30, I'm 41, owed about 12k")
    assert "up to date" in Chat.texts(reply)
    reply = c.say("yes")
    a = Chat.assessment(reply)
    assert a["classification"] == "qualified_plan_loan_offset"
    assert (a["rollover_deadline"], a["rollover_deadline_without_extension"]) == ("2026-10-15", "2026-04-15")
    assert a["form_1099r_box7"] == "M1" and a["taxable_amount"] == "12000.00"
    assert "October 15, 2026" in Chat.texts(reply)


def test_a_correction_re_assesses_and_a_what_if_leaves_the_facts_alone(servers):
    c = chat(servers, "correct")
    c.say("I got laid off on March 14 and they offset my loan on June 30, I am 41 and owed about 12k")
    c.say("yes")
    reply = c.say("actually I left on June 3rd")
    a = Chat.assessment(reply)
    assert a["qplo_window_end"] == "2026-06-03" and a["classification"] == "qualified_plan_loan_offset"
    reply = c.say("what if I roll over half?")
    assert "$12,000.00 → $6,000.00" in Chat.texts(reply)
    reply = c.say("so what does this mean for me?")
    assert Chat.assessment(reply)["taxable_amount"] == "12000.00"  # the real facts are unchanged


def test_ordinary_offset_more_than_a_year_after_leaving(servers):
    c = chat(servers, "ordinary")
    c.say("I left my job on 2024-03-14 and the plan offset my loan on 2025-06-30")
    c.say("yes")  # in good standing
    c.say("I'm 45")
    reply = c.say("the balance was $9,000")
    a = last_assessment(c)
    assert a["classification"] == "plan_loan_offset", Chat.texts(reply)
    assert a["rollover_deadline"] == "2025-08-29" and a["form_1099r_box7"] == "1"


def test_plan_termination_offset(servers):
    c = chat(servers, "termination")
    c.say("my employer terminated the 401k plan and offset my loan on September 1st. I still work there")
    c.say("yes")  # up to date
    c.say("I'm 62")
    c.say("it was 5k")
    a = last_assessment(c)
    assert a["classification"] == "qualified_plan_loan_offset", [Chat.texts(r) for r in c.replies]
    assert a["rollover_deadline"] == "2026-10-15" and a["form_1099r_box7"] == "M7"


def test_code_decode(servers):
    reply = chat(servers, "code").say("what does code 1M on my 1099-R mean?")
    said = Chat.texts(reply)
    assert "Code M1" in said and "loan offset" in said


def test_general_question_then_disclaimer_only_once(servers):
    c = chat(servers, "faq")
    first = Chat.texts(c.say("what is a qualified plan loan offset?"))
    second = Chat.texts(c.say("what's the 60 day rule about?"))
    assert "not tax or legal advice" in first and "not tax or legal advice" not in second


def test_bad_input_gets_a_friendly_re_ask_and_the_conversation_goes_on(servers):
    c = chat(servers, "bad")
    reply = c.say("I left my job on February 30, 2025")
    said = Chat.texts(reply)
    assert "February 2025 has only 28 days" in said and "Traceback" not in said
    reply = c.say("I'm 300 years old")
    assert "not possible" in Chat.texts(reply)
    reply = c.say("asdfgh qwerty zxcv")
    assert Chat.texts(reply)  # a rephrase prompt, not silence
    reply = c.say("March 3rd")
    assert "offset" in Chat.texts(reply).lower()  # the form goes on to the next fact


def test_small_talk_and_start_over(servers):
    c = chat(servers, "talk")
    assert "401(k)" in Chat.texts(c.say("hello"))
    assert "bot" in Chat.texts(c.say("am I talking to a real person?")).lower()
    c.say("I left my job in May")
    c.say("start over")
    reply = c.say("hi")
    assert "401(k)" in Chat.texts(reply)
