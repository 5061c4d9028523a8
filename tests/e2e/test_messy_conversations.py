"""Conversations in the words real people use (typos, run-ons, several facts at once, "~12k",
"1099r", a greeting first, HR asking about an employee, a plan not yet carried out), over the
REST channel through the real Rasa server and action server.

Every expected date is worked out here from the law, not read off the bot: the comment next
to each says which rule gives it. The conversation date is November 1, 2025 throughout.
"""
import json
import urllib.request
from typing import Dict, List, Optional

import pytest

from tests.rasa_support import Chat, Servers, trained_model

pytestmark = pytest.mark.e2e
TODAY = "2025-11-01"
FULL_ANSWER = "/show_full_answer"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with Servers(trained_model(), tmp_path_factory.mktemp("messy")) as s:
        yield s


def chat(servers, name) -> Chat:
    return Chat(servers, f"messy-{name}", today=TODAY)


def said(c: Chat) -> str:
    return Chat.texts(c.replies[-1])


def assessment(c: Chat) -> Optional[dict]:
    for reply in reversed(c.replies):
        found = Chat.assessment(reply)
        if found:
            return found
    return None


def custom(reply: List[dict], key: str) -> Optional[dict]:
    return next(((m.get("custom") or {})[key] for m in reply if key in (m.get("custom") or {})), None)


def finish(c: Chat, answers: Dict[str, str], turns: int = 6) -> dict:
    """Answers whatever the form asks (matched by a word of the question) until the assessment
    comes; the order of the questions is the rules core's business, not the test's."""
    for _ in range(turns):
        found = Chat.assessment(c.replies[-1])
        if found and found["classification"] != "needs_more_facts":
            return found
        question = said(c)
        answer = next((a for cue, a in answers.items() if cue.lower() in question.lower()), None)
        assert answer is not None, f"unexpected question: {question}"
        c.say(answer)
    raise AssertionError(f"no answer after {turns} turns: {said(c)}")


def slots(servers, c: Chat) -> dict:
    with urllib.request.urlopen(f"{servers.url}/conversations/{c.sender}/tracker", timeout=30) as r:
        return json.loads(r.read())["slots"]


def texts_of(reply) -> List[str]:
    return [m["text"] for m in reply if m.get("text")]


LAYOFF_ANSWERS = {"up to date": "yep i was current", "date of birth": "im 41", "owed": "about 12k"}


# 1 -----------------------------------------------------------------------------------------------
def test_a_greeting_then_missed_payments_since_august(servers):
    c = chat(servers, "since-august")
    c.say("hi, I missed my 401k loan payments since August, what happens?")
    a = finish(c, {"made up": "nope", "date of birth": "im 45", "owed": "about 8 grand"})
    # a missed installment can be made up until the last day of the calendar quarter after the
    # quarter it was due (Treas. Reg. §1.72(p)-1, Q&A-10): due in August (Q3) -> December 31
    assert (a["classification"], a["cure_deadline"]) == ("cure_window_open", "2025-12-31")
    assert "December 31, 2025" in Chat.texts(c.replies[0]) + said(c)


# 2 -----------------------------------------------------------------------------------------------
def test_a_run_on_with_a_foreign_greeting_ends_in_a_deemed_distribution(servers):
    c = chat(servers, "deemed")
    c.say("hola! i stopped paying my 401k loan, the payment due 2/28/2025 was missed and i never "
          "caught up. im 35, still employed there, balance 4k")
    a = finish(c, {"made up": "no", "left the employer": "no i still work there", "owed": "4k"})
    # due in Q1 2025, cure period ends with Q2: June 30, 2025 (Q&A-10); unpaid, the balance is a
    # deemed distribution that day (Q&A-4); under 59½: code L1 (Form 1099-R instructions, box 7)
    assert (a["classification"], a["event_date"], a["tax_year"]) == ("deemed_distribution", "2025-06-30", 2025)
    assert (a["form_1099r_box7"], a["taxable_amount"]) == ("L1", "4000.00")


# 3 and 4 ------------------------------------------------------------------------------------------
def test_a_layoff_with_a_tilde_amount_then_a_correction_answered_with_what_changed(servers):
    c = chat(servers, "correction")
    c.say("hey. got laid off march 14 2025 and they offset my 401k loan june 30 2025, about ~12k left "
          "on it. my 1099r says code M1, im 41")
    a = finish(c, LAYOFF_ANSWERS)
    # offset within a year of leaving, loan in good standing: a QPLO (IRC §402(c)(3)(C), Treas. Reg.
    # §1.402(c)-3); rollover until the 2025 return's due date with extensions: October 15, 2026
    # (IRC §6072(a), 6-month extension, a Thursday), otherwise April 15, 2026 (a Wednesday)
    assert a["classification"] == "qualified_plan_loan_offset"
    assert (a["rollover_deadline"], a["rollover_deadline_without_extension"]) == ("2026-10-15", "2026-04-15")
    assert (a["form_1099r_box7"], a["taxable_amount"], a["qplo_window_end"]) == ("M1", "12000.00", "2026-03-14")
    full = said(c)
    assert "Sources:" in full

    reply = c.say("actually i left on june 3rd 2025 not march")
    texts = texts_of(reply)
    assert len(texts) <= 2, texts  # what changed, not the whole answer again
    change = "\n".join(texts)
    # the 12-month window now ends on the first anniversary of June 3, 2025
    assert "March 14, 2025 → June 3, 2025" in change and "March 14, 2026 → June 3, 2026" in change
    assert "first anniversary" in change and "Sources:" not in change
    assert any(b["payload"] == FULL_ANSWER for m in reply for b in m.get("buttons") or [])
    assert Chat.assessment(reply)["qplo_window_end"] == "2026-06-03"  # the card still goes out

    reply = c.say(FULL_ANSWER)
    assert "Sources:" in Chat.texts(reply) and "June 3, 2026" in Chat.texts(reply)


# 5 -----------------------------------------------------------------------------------------------
def test_a_what_if_before_any_facts_asks_for_them_then_answers_it(servers):
    c = chat(servers, "what-if-first")
    reply = c.say("What if I only roll over 5k of the offset?")
    first = Chat.texts(reply)
    assert "what if i only" not in first.lower() and "nothing in the answer changes" not in first.lower()
    assert "whether you left the employer" in first and "left the employer that sponsors" in first
    c.say("yes")
    c.say("got laid off march 14 2025, plan offset the loan june 30 2025, 12k")
    finish(c, LAYOFF_ANSWERS)
    what_if = custom(c.replies[-1], "what_if")
    assert what_if and what_if["changes"] == {"amount_rolled_over": "5000.00"}
    # 5,000 of a 12,000 QPLO rolled over: 7,000 stays taxable (IRC §402(c)(1)); 10% of it is 700
    assert "$12,000.00 → $7,000.00" in said(c) and "$1,200.00 → $700.00" in said(c)
    assert assessment(c)["taxable_amount"] == "12000.00"  # the real facts are unchanged


# 6 -----------------------------------------------------------------------------------------------
def test_an_unsure_question_offers_did_you_mean_and_the_pick_is_answered(servers):
    c = chat(servers, "did-you-mean")
    reply = c.say("what about the loan thing")  # too vague for one topic (actions/did_you_mean.py)
    buttons = [b for m in reply for b in m.get("buttons") or []]
    assert "Did you mean" in Chat.texts(reply) and 2 <= len(buttons) <= 3, Chat.texts(reply)
    assert all(b["payload"].startswith(("/faq_", "/sponsor_")) for b in buttons)
    pick = buttons[0]
    answer = Chat.texts(c.say(pick["payload"]))
    assert "Sources:" in answer and "Did you mean" not in answer and "not sure I follow" not in answer


# 7 -----------------------------------------------------------------------------------------------
def test_a_tsp_loan_gets_the_answer_and_the_tsp_repayment_window(servers):
    c = chat(servers, "tsp")
    c.say("i have a TSP loan. retired from federal service on 2025-03-31, the tsp offset my loan on "
          "2025-07-15, it was 9k. loan was current. im 56")
    a = finish(c, {"up to date": "yes", "date of birth": "im 56", "owed": "9k"})
    # separated in (or after) the year of turning 55: no 10% tax (IRC §72(t)(2)(A)(v)), so the
    # code is 2 with M for the offset (Form 1099-R instructions); a QPLO within the year after
    # leaving, rollover until October 15, 2026
    assert (a["classification"], a["form_1099r_box7"]) == ("qualified_plan_loan_offset", "M2")
    assert (a["rollover_deadline"], a["qplo_window_end"]) == ("2026-10-15", "2026-03-31")
    everything = "\n".join(Chat.texts(r) for r in c.replies)
    assert "Thrift Savings Plan" in everything and "90 days" in everything


# 8 -----------------------------------------------------------------------------------------------
def test_hr_asking_about_an_employee(servers):
    c = chat(servers, "hr")
    c.say("HR here - my employee was laid off 2025-02-28 and the plan offset her 401(k) loan on 2025-05-15. "
          "balance 6,500. she is 38, loan was current before she left")
    a = finish(c, {"up to date": "yes she was", "date of birth": "38", "owed": "6500"})
    # the window ends on the first anniversary of February 28, 2025; QPLO in 2025: October 15, 2026
    assert (a["classification"], a["qplo_window_end"]) == ("qualified_plan_loan_offset", "2026-02-28")
    assert (a["rollover_deadline"], a["form_1099r_box7"], a["taxable_amount"]) == ("2026-10-15", "M1", "6500.00")


# 9 -----------------------------------------------------------------------------------------------
def test_a_planned_job_loss_is_answered_as_a_plan_and_not_recorded(servers):
    c = chat(servers, "plan")
    reply = c.say("I'm about to lose my job next month, i have a 401k loan of 10k, what happens?")
    plan = custom(reply, "plan")
    assert plan is not None, Chat.texts(reply)
    # "next month" on November 1, 2025: December 2025, read as its first day; an offset because
    # of leaving is a QPLO only by the first anniversary of the last day (Treas. Reg. §1.402(c)-3)
    assert plan["changes"]["separation_date"] == "2025-12-01"
    assert plan["assessment"]["qplo_window_end"] == "2026-12-01"
    text = Chat.texts(reply)
    assert "plan" in text and "haven't recorded" in text and "December 1, 2026" in text
    stored = slots(servers, c)
    assert stored["separation_date"] is None and stored["left_job"] is not True


# 10 ----------------------------------------------------------------------------------------------
def test_an_offset_more_than_a_year_after_quitting_is_an_ordinary_offset(servers):
    c = chat(servers, "ordinary")
    c.say("i quit on 01/15/2024 and the plan offset my loan on 2025-03-10, owed $9,500, im 45")
    a = finish(c, {"up to date": "yes", "date of birth": "45", "owed": "9500"})
    # March 10, 2025 is after January 15, 2025 (the first anniversary): an ordinary offset with 60
    # days to roll over (IRC §402(c)(3)(A)): day 1 is March 11, day 60 is May 9, 2025; code 1
    assert (a["classification"], a["rollover_deadline"]) == ("plan_loan_offset", "2025-05-09")
    assert (a["form_1099r_box7"], a["event_date"]) == ("1", "2025-03-10")


# 11 ----------------------------------------------------------------------------------------------
def test_a_plan_termination_offset_while_still_employed(servers):
    c = chat(servers, "termination")
    c.say("my company terminated the 401k plan on 2025-04-01 and offset my loan on 2025-05-01, "
          "I still work there, im 62, 5k")
    a = finish(c, {"up to date": "yes", "date of birth": "62", "owed": "5k"})
    # an offset because the plan ended is a QPLO (IRC §402(c)(3)(C)(ii)(I)); past 59½: code 7
    # with M; rollover until the 2025 return's extended due date, October 15, 2026
    assert (a["classification"], a["form_1099r_box7"]) == ("qualified_plan_loan_offset", "M7")
    assert (a["rollover_deadline"], a["event_date"]) == ("2026-10-15", "2025-05-01")


# 12 ----------------------------------------------------------------------------------------------
def test_a_what_if_with_the_facts_compares_and_a_403b_loan_follows_the_same_rules(servers):
    c = chat(servers, "403b")
    c.say("laid off 3/14/2025 from the school, they offset my 403(b) loan on june 30 2025, ~12k, i'm 41")
    finish(c, LAYOFF_ANSWERS)
    everything = "\n".join(Chat.texts(r) for r in c.replies)
    assert "same federal rules" in everything
    reply = c.say("what if i wait till november 2026 to roll it over")
    # the QPLO's deadline is October 15, 2026 (see above): November is too late
    assert "would miss your rollover deadline of October 15, 2026" in Chat.texts(reply)
    assert assessment(c)["rollover_deadline"] == "2026-10-15"


# 13 ----------------------------------------------------------------------------------------------
def test_a_new_fact_after_the_answer_that_changes_the_code(servers):
    c = chat(servers, "new-fact")
    c.say("Laid off March 14 2025, plan offset my 401k loan June 30 2025. owed ~12k")
    finish(c, {"up to date": "yes", "date of birth": "idk", "owed": "12k", "age": "idk"})
    a = assessment(c)
    assert a["classification"] == "qualified_plan_loan_offset"
    reply = c.say("oh and im 57")
    # separated in 2025, the year of turning 57 (55 or older): code 2 with M, no 10% tax
    # (IRC §72(t)(2)(A)(v); Form 1099-R instructions)
    a = Chat.assessment(reply)
    assert a["form_1099r_box7"] == "M2"
    assert len(texts_of(reply)) <= 2 and "→ M2" in Chat.texts(reply)


# 13 ----------------------------------------------------------------------------------------------
def test_two_dates_asked_back_are_answered_in_one_message_and_reach_the_qplo_deadline(servers):
    c = chat(servers, "order")
    c.say("they let me go 3/6 and my 401k loan got offset on 5/1, about 9k. im 41")
    asked = said(c)
    assert "March 6, 2025" in asked and "June 3, 2025" in asked and "May 1, 2025" in asked
    assert slots(servers, c)["offset_date"] is None  # nothing guessed
    c.say("march 6 and may 1")
    s = slots(servers, c)
    assert (s["separation_date"], s["offset_date"]) == ("2025-03-06", "2025-05-01")
    a = finish(c, {"up to date": "yes i was current"})
    # a good-standing loan offset within 12 months of leaving, because of leaving, is a QPLO
    # (Treas. Reg. §1.402(c)-3(c)): rollover until the 2025 return's due date with extensions,
    # October 15, 2026 (IRC 402(c)(3)(C); IRC 6081 six-month extension of April 15)
    assert (a["classification"], a["rollover_deadline"]) == ("qualified_plan_loan_offset", "2026-10-15")


# 14 ----------------------------------------------------------------------------------------------
LAID_OFF_AT_52 = ("im 52, got laid off march 14 2025 and they offset my 401k loan june 30 2025, about 12k. "
                  "i was current on it")

def test_a_laid_off_police_officer_at_52_is_asked_what_the_age_50_rule_needs(servers):
    c = chat(servers, "public-safety")
    c.say(LAID_OFF_AT_52)
    # separated at 52: only the public-safety rule (IRC 72(t)(10)) can lift the 10%, so it is asked
    assert "public safety" in said(c).lower()
    c.say("yes")
    assert "governmental" in said(c).lower()
    c.say("governmental")
    c.say("police")  # asked only if the core still needs it; a no-op otherwise
    a = assessment(c)
    # a police officer of a State or local government, in a governmental plan, separated in or
    # after the year of turning 50, distribution after 2015: no 10% (IRC 72(t)(10), Pub. L. 114-26)
    assert a["classification"] == "qualified_plan_loan_offset"
    assert a["additional_tax"]["applies"] is False
    s = slots(servers, c)
    assert (s["public_safety_employee"], s["plan_type"]) == (True, "governmental")


def test_a_private_sector_worker_at_52_says_no_and_owes_the_10_percent(servers):
    c = chat(servers, "not-public-safety")
    c.say(LAID_OFF_AT_52)
    assert "public safety" in said(c).lower()
    c.say("no")
    a = assessment(c)
    # under 55 in the year of separation, no exception: the 10% applies (IRC 72(t)(1), (t)(2)(A)(v))
    assert a["additional_tax"]["applies"] is True and a["additional_tax"]["amount"] == "1200.00"


# 15 ----------------------------------------------------------------------------------------------
def test_a_457b_loan_offset_at_45_carries_no_10_percent(servers):
    c = chat(servers, "457b")
    c.say("city employee, 457b loan. got laid off march 14 2025 at 45, they offset it june 30 2025, "
          "about 12k left, i was current")
    a = finish(c, {"rolled into": "none of it"})
    # no 10% on a governmental 457(b) distribution (IRC 72(t)(9)); the rolled-in part, unknown,
    # is taken as none and asked about in the answer (missing_facts)
    assert a["classification"] == "qualified_plan_loan_offset"
    assert a["additional_tax"]["applies"] is False and a["form_1099r_box7"] == "M2"
    assert "457(b)" in Chat.texts(c.replies[-1]) + said(c)
