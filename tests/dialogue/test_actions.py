"""Every custom action, run with real rasa_sdk Tracker and CollectingDispatcher objects."""
import asyncio
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAssess, ActionDecodeCode, ActionFaq
from actions.asking import ASK_ACTIONS
from actions.session import ActionSessionStart
from actions.validation import ValidateLoanForm
from actions.what_if import ActionWhatIf
from tests.rasa_support import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
TODAY = "2025-11-01"
LAYOFF = {"as_of": TODAY, "left_job": True, "separation_date": "2025-03-14", "offset_date": "2025-06-30",
          "age": "41", "loan_balance": "12000.00", "loan_in_good_standing": True}


def tracker(slots: Optional[Dict[str, Any]] = None, text: str = "", intent: str = "inform",
            entities: Optional[List[dict]] = None, events: Optional[List[dict]] = None,
            metadata: Optional[dict] = None, active_loop: Optional[str] = None) -> Tracker:
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or [],
              "metadata": metadata or {}}
    return Tracker("tester", all_slots, latest, events or [], False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, events


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def custom(messages) -> Dict[str, Any]:
    return next(m["custom"] for m in messages if m.get("custom"))


# ---- the assessment ------------------------------------------------------------------------
def test_assess_presents_a_qplo_with_dates_rules_code_and_the_full_assessment():
    messages, events = run(ActionAssess(), tracker(LAYOFF))
    assessment = custom(messages)["assessment"]
    assert assessment["classification"] == "qualified_plan_loan_offset"
    said = texts(messages)
    assert "qualified plan loan offset" in said
    assert "October 15, 2026" in said and "April 15, 2026" in said
    assert "code M1" in said
    assert "Sources:" in said and "402(c)(3)(C)" in said
    assert "not tax or legal advice" in said
    assert {"event": "slot", "name": "disclaimer_shown", "value": True, "timestamp": None} in events


def test_the_disclaimer_is_shown_once_per_conversation():
    messages, _ = run(ActionAssess(), tracker({**LAYOFF, "disclaimer_shown": True}))
    assert "not tax or legal advice" not in texts(messages)


def test_assess_says_what_clashes_instead_of_failing():
    messages, events = run(ActionAssess(), tracker({**LAYOFF, "offset_date": "2025-03-01"}))
    assert "before you left" in texts(messages)
    assert any(e["name"] == "offset_date" and e["value"] is None for e in events)


def test_not_caught_up_marker_becomes_an_explicit_null():
    slots = {"as_of": TODAY, "left_job": False, "missed_payment_due_date": "2025-03-31",
             "caught_up_on": "not_caught_up", "age": "45", "loan_balance": "8000.00"}
    assessment = custom(run(ActionAssess(), tracker(slots))[0])["assessment"]
    assert (assessment["classification"], assessment["event_date"]) == ("deemed_distribution", "2025-06-30")


# ---- FAQ and codes ---------------------------------------------------------------------------
def test_faq_answers_from_the_explanation_topic_named_by_the_intent():
    messages, _ = run(ActionFaq(), tracker(intent="faq_what_is_qplo", text="what is a qplo"))
    said = texts(messages)
    assert "qualified plan loan offset" in said.lower() and "Sources:" in said


def test_unknown_faq_intent_asks_to_rephrase():
    messages, _ = run(ActionFaq(), tracker(intent="faq_nonexistent"))
    assert messages[0]["response"] == "utter_rephrase"


def test_decode_code_in_any_order_and_case():
    t = tracker(intent="decode_code", text="what does 1m mean", entities=[{"entity": "box7_code", "value": "1m"}])
    messages, _ = run(ActionDecodeCode(), t)
    assert "Code M1" in texts(messages)
    assert next(m["custom"]["box7"] for m in messages if m.get("custom"))["valid"] is True


def test_decode_code_rejects_lm_with_the_reason():
    t = tracker(intent="decode_code", entities=[{"entity": "box7_code", "value": "LM"}])
    assert "L and M" in texts(run(ActionDecodeCode(), t)[0])


def test_decode_code_without_a_code_asks_for_it():
    assert "Which code" in texts(run(ActionDecodeCode(), tracker(intent="decode_code"))[0])


# ---- what-if ----------------------------------------------------------------------------------
def test_what_if_half_rolled_over_halves_the_taxable_amount_without_touching_the_facts():
    t = tracker(LAYOFF, text="what if I roll over half?", intent="what_if")
    messages, events = run(ActionWhatIf(), t)
    assert "$12,000.00 → $6,000.00" in texts(messages)
    assert custom(messages)["what_if"]["changes"] == {"amount_rolled_over": "6000.00"}
    assert events == []


def test_what_if_waiting_past_the_deadline():
    t = tracker(LAYOFF, text="what if I wait until November 2026?", intent="what_if",
                entities=[{"entity": "date", "value": "November 2026"}])
    assert "would miss your rollover deadline of October 15, 2026" in texts(run(ActionWhatIf(), t)[0])


def test_what_if_a_different_separation_date():
    t = tracker(LAYOFF, text="what if I had left on 2024-05-01", intent="what_if",
                entities=[{"entity": "separation_date", "value": "2024-05-01"}])
    said = texts(run(ActionWhatIf(), t)[0])
    assert "ordinary plan loan offset" in said and "August 29, 2025" in said


def test_unclear_what_if_says_what_it_can_compare():
    assert "what if I roll over half" in texts(run(ActionWhatIf(), tracker(LAYOFF, text="what if", intent="what_if"))[0])


# ---- session and questions ------------------------------------------------------------------------
def test_session_start_takes_the_conversation_date_from_metadata():
    t = tracker({"session_started_metadata": {"today": "2025-02-01"}})
    _, events = run(ActionSessionStart(), t)
    assert {"event": "slot", "name": "as_of", "value": "2025-02-01", "timestamp": None} in events


@pytest.mark.parametrize("fact", sorted(ASK_ACTIONS))
def test_every_question_says_why_it_matters(fact):
    messages, _ = run(ASK_ACTIONS[fact](), tracker())
    assert len(messages[0]["text"]) > 40 and "?" in messages[0]["text"]


# ---- validation ---------------------------------------------------------------------------------------
def validate(slot_events: Dict[str, Any], slots=None, text=""):
    """Runs the form's validation the way Rasa calls it: the message's slot candidates last."""
    events = [{"event": "user", "text": text}] + [{"event": "slot", "name": k, "value": v} for k, v in slot_events.items()]
    t = tracker({"as_of": TODAY, **(slots or {}), **slot_events}, events=events, text=text, active_loop="loan_form")
    messages, result = run(ValidateLoanForm(), t)
    return texts(messages), {e["name"]: e["value"] for e in result if e.get("event") == "slot"}


@pytest.mark.parametrize("raw, iso", [("March 14", "2025-03-14"), ("3/14/2025", "2025-03-14"),
                                      ("2025-03-14", "2025-03-14"), ("last Friday", "2025-10-31"),
                                      ("14/03/2025", "2025-03-14")])
def test_dates_are_read_against_the_conversation_date(raw, iso):
    _, slots = validate({"separation_date": raw})
    assert slots["separation_date"] == iso and slots["left_job"] is True


def test_an_impossible_date_gets_a_friendly_re_ask():
    said, slots = validate({"birth_date": "February 30 1980"})
    assert slots["birth_date"] is None
    assert "February 1980 has only 29 days" in said


def test_an_ambiguous_numeric_date_is_confirmed_not_guessed():
    said, slots = validate({"offset_date": "03/05/2025"})
    assert slots["offset_date"] is None and "March 5, 2025" in said and "May 3, 2025" in said


def test_a_day_first_writer_is_remembered():
    _, slots = validate({"offset_date": "03/05/2025"}, slots={"day_first": True})
    assert slots["offset_date"] == "2025-05-03"


def test_a_month_alone_asks_for_the_day_except_for_a_missed_payment():
    said, slots = validate({"offset_date": "June"})
    assert slots["offset_date"] is None and "Which day in June 2025" in said
    said, slots = validate({"missed_payment_due_date": "June"})
    assert slots["missed_payment_due_date"] == "2025-06-30" and "only the calendar quarter" in said


def test_a_future_last_day_at_work_is_refused():
    said, slots = validate({"separation_date": "2026-01-10"})
    assert slots["separation_date"] is None and "still ahead" in said


@pytest.mark.parametrize("raw, value", [("$12k", "12000.00"), ("12,450.88", "12450.88"), ("twelve grand", "12000.00"),
                                        ("~20K", "20000.00")])
def test_amounts(raw, value):
    assert validate({"loan_balance": raw})[1]["loan_balance"] == value


def test_a_negative_amount_is_refused_with_the_reason():
    said, slots = validate({"loan_balance": "-500"})
    assert slots["loan_balance"] is None and "negative" in said


@pytest.mark.parametrize("raw, years", [("41", "41"), ("54 and a half", "54"), ("59 1/2", "59")])
def test_ages(raw, years):
    assert validate({"age": raw})[1]["age"] == years


def test_age_300_is_refused():
    said, slots = validate({"age": "300"})
    assert slots["age"] is None and "not possible" in said


def test_a_new_fact_that_contradicts_the_others_is_re_asked():
    said, slots = validate({"offset_date": "2025-03-01"}, slots={"separation_date": "2025-03-14", "left_job": True})
    assert slots["offset_date"] is None and "before you left" in said


def test_a_correction_wins_and_the_older_fact_it_breaks_is_asked_again():
    said, slots = validate({"separation_date": "2025-07-10"}, slots={"offset_date": "2025-06-30", "left_job": True})
    assert slots["separation_date"] == "2025-07-10" and slots["offset_date"] is None
    assert "ask about that again" in said


def test_still_working_there_means_not_left():
    assert validate({"left_job": "still work there"})[1]["left_job"] is False


def test_the_form_asks_only_what_the_rules_core_still_needs():
    slots = {k: v for k, v in LAYOFF.items() if k != "loan_in_good_standing"}
    _, result = validate({}, slots=slots)
    assert result["requested_slot"] == "loan_in_good_standing"
    _, result = validate({}, slots=LAYOFF)
    assert result["requested_slot"] is None  # nothing missing: the form ends and the answer follows


def test_a_declined_question_is_not_asked_again():
    slots = {**LAYOFF, "age": None, "birth_date": "declined"}
    _, result = validate({}, slots=slots)
    assert result["requested_slot"] is None


def test_an_unexpected_failure_is_a_plain_message_not_a_trace(monkeypatch):
    import actions.answers as answers

    def broken(facts):
        raise RuntimeError("boom")

    monkeypatch.setattr(answers.api, "assess", broken)
    messages, events = run(ActionAssess(), tracker(LAYOFF))
    said = texts(messages)
    assert "went wrong on my side" in said and "boom" not in said and events == []


def test_the_action_server_registers_exactly_the_domain_actions():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions.actions")
    custom = {a if isinstance(a, str) else next(iter(a)) for a in DOMAIN["actions"]}
    assert set(executor.actions) == custom


# ---- after the first answer: what changed ------------------------------------------------------
def first_answer(slots):
    """The full answer's events as Rasa would apply them: the snapshot and the disclaimer flag."""
    _, events = run(ActionAssess(), tracker(slots))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_a_correction_after_the_answer_says_only_what_changed_with_the_rule_behind_each_date():
    remembered = first_answer(LAYOFF)
    corrected = {**LAYOFF, **remembered, "separation_date": "2025-06-03"}
    messages, events = run(ActionAssess(), tracker(corrected, text="actually I left on June 3rd"))
    said = texts(messages)
    # Treas. Reg. §1.402(c)-3: the QPLO window ends on the first anniversary of the last day
    assert "March 14, 2025 → June 3, 2025" in said
    assert "March 14, 2026 → June 3, 2026" in said and "first anniversary" in said
    assert "Sources:" not in said and "Form 1099-R, box 7" not in said  # not the whole answer again
    assert len([m for m in messages if m.get("text")]) <= 2
    assert messages[-2]["buttons"] == [{"title": "Show the full answer", "payload": "/show_full_answer"}]
    assert custom(messages)["assessment"]["qplo_window_end"] == "2026-06-03"  # the card still goes out
    snapshot_now = next(e["value"] for e in events if e.get("name") == "last_answer")
    assert snapshot_now["dates"]["separation_date"]["date"] == "2025-06-03"


def test_a_new_fact_that_changes_nothing_is_said_briefly():
    remembered = first_answer(LAYOFF)
    messages, _ = run(ActionAssess(), tracker({**LAYOFF, **remembered, "marginal_tax_rate": None}))
    said = texts(messages)
    assert "doesn't change anything" in said and len(said) < 200
    assert custom(messages)["assessment"]["classification"] == "qualified_plan_loan_offset"


def test_a_changed_classification_gives_the_new_conclusion_and_the_new_code():
    remembered = first_answer(LAYOFF)
    # left in 2024: the June 30, 2025 offset is past the first anniversary, so an ordinary offset
    # (code 1 for a 41-year-old, 1099-R instructions) with 60 days to roll over (IRC §402(c)(3)(A)):
    # June 30 + 60 days = August 29, 2025.
    messages, _ = run(ActionAssess(), tracker({**LAYOFF, **remembered, "separation_date": "2024-05-01"}))
    said = texts(messages)
    assert "M1 → 1" in said and "October 15, 2026 → August 29, 2025" in said
    assert "What this means now" in said and "ordinary plan loan offset" in said


def test_the_full_answer_button_gives_the_full_answer_again():
    remembered = first_answer(LAYOFF)
    messages, _ = run(ActionAssess(), tracker({**LAYOFF, **remembered}, intent="show_full_answer"))
    said = texts(messages)
    assert "Sources:" in said and "code M1" in said and "October 15, 2026" in said
    assert "not tax or legal advice" not in said  # the disclaimer stays once per conversation


# ---- what-if before the facts ------------------------------------------------------------------------
def test_a_what_if_before_any_facts_asks_for_the_facts_and_keeps_the_question():
    t = tracker({"as_of": TODAY}, text="What if I only roll over 5k of the offset?", intent="what_if",
                entities=[{"entity": "amount", "value": "5k"}])
    messages, events = run(ActionWhatIf(), t)
    said = texts(messages)
    assert "What if I only" not in said and "roll over 5k" not in said  # never the user's words back
    assert "whether you left the employer" in said
    kept = next(e["value"] for e in events if e.get("name") == "pending_what_if")
    assert kept["entities"] == [{"entity": "amount", "value": "5k"}]
    assert {"event": "followup", "name": "loan_form", "timestamp": None} in events


def test_the_pending_what_if_is_answered_once_the_facts_are_in():
    kept = {"text": "What if I only roll over 5k of the offset?", "entities": [{"entity": "amount", "value": "5k"}]}
    messages, events = run(ActionAssess(), tracker({**LAYOFF, "pending_what_if": kept}))
    said = texts(messages)
    assert "earlier what-if" in said and "$12,000.00 → $7,000.00" in said
    assert {"event": "slot", "name": "pending_what_if", "value": None, "timestamp": None} in events
    assert custom(messages)["assessment"]["taxable_amount"] == "12000.00"  # the real facts are unchanged


# ---- plans -------------------------------------------------------------------------------------------
PLANNED_LAYOFF = [{"entity": "left_job", "value": "lose my job", "role": "planned"},
                  {"entity": "date", "value": "next month", "role": "planned"}]


def test_a_planned_job_loss_is_answered_as_a_plan_and_stored_nowhere():
    t = tracker({"as_of": TODAY}, text="I'm about to lose my job next month", entities=PLANNED_LAYOFF)
    messages, events = run(ASK_ACTIONS["left_job"](), t)
    said = texts(messages)
    assert "plan" in said and "haven't recorded" in said
    # "next month" on November 1, 2025 is December 2025, read as its first day; the QPLO window
    # ends on the first anniversary of the last day (Treas. Reg. §1.402(c)-3): December 1, 2026
    assert "December 1, 2025" in said and "December 1, 2026" in said
    assert custom(messages)["plan"]["changes"] == {"left_job": True, "separation_date": "2025-12-01"}
    assert events == []
    assert messages[-1]["text"].startswith("Have you left the employer")  # then the form's question


def test_a_planned_offset_is_answered_by_the_core_as_a_plan_with_its_dates():
    slots = {**LAYOFF, "offset_date": None, "separation_date": "2025-10-15"}
    entities = [{"entity": "offset_date", "value": "January 15, 2026", "role": "planned"}]
    messages, events = run(ActionAssess(), tracker(slots, text="they will offset it January 15 2026", entities=entities))
    plan = next(m["custom"]["plan"] for m in messages if (m.get("custom") or {}).get("plan"))
    assert plan["assessment"]["planned_events"] == ["offset_date"]
    # a QPLO in 2026 (within a year of October 15, 2025): rollover until the 2026 return's
    # extended due date, October 15, 2027 (IRC §402(c)(3)(C), §6081; a Friday)
    assert plan["assessment"]["rollover_deadline"] == "2027-10-15"
    assert "October 15, 2027" in texts(messages)
    assert not any(e.get("name") == "offset_date" and e.get("value") for e in events)  # nothing recorded


# ---- the kind of plan ------------------------------------------------------------------------------------
def test_a_tsp_loan_gets_the_tsp_repayment_window_note():
    said = texts(run(ActionAssess(), tracker({**LAYOFF, "plan_kind": "tsp"}))[0])
    assert "Thrift Savings Plan" in said and "90 days" in said and "tsp.gov" in said


@pytest.mark.parametrize("kind", ["403b", "457b"])
def test_403b_and_457b_loans_follow_the_same_federal_rules(kind):
    said = texts(run(ActionAssess(), tracker({**LAYOFF, "plan_kind": kind}))[0])
    assert "same federal rules" in said and "90 days" not in said


def test_a_401k_loan_gets_no_plan_kind_note():
    said = texts(run(ActionAssess(), tracker({**LAYOFF, "plan_kind": "401k"}))[0])
    assert "same federal rules" not in said and "Thrift Savings Plan" not in said


# ---- every question is a sentence, for every shape of date ------------------------------------------
DATE_SHAPES = {  # (what the user wrote, the shape), read on November 1, 2025
    "August 2022": "month", "June": "month without a year", "Q3 2024": "quarter", "2023": "year",
    "summer 2024": "season", "early March 2025": "early part of a month", "mid 2024": "middle of a year",
    "late 2024": "late part of a year", "last month": "relative month", "two years ago in may": "relative",
    "9 months after separation_date": "tied to another event", "03/05/2025": "day/month order",
    "February 30 2025": "impossible day", "2026-01-10": "future day", "tomorrow": "relative future day",
}
DATE_SLOTS = ("separation_date", "offset_date", "missed_payment_due_date", "caught_up_on", "birth_date",
              "plan_termination_date", "loan_date")


def assert_sentences(said: str):
    """No doubled words, no placeholders left, each line a capitalised sentence."""
    import re
    assert said.strip(), "no question was asked"
    for line in filter(None, (part.strip() for part in said.split("\n"))):
        assert not re.search(r"\b(\w+) \1\b", line, re.I), line          # "in in", "the the"
        assert "{" not in line and "}" not in line, line
        assert not re.search(r"\b(in|on|between|as|was|be) (that period|whether|when)\b", line), line
        if not line.startswith(("\"", "“")):  # the user's own words, quoted, may open a line
            first = line.lstrip("•- ")[0]
            assert not first.isalpha() or first.isupper(), line
        assert line.rstrip("\"”").endswith(("?", ".", ":")), line


@pytest.mark.parametrize("raw", sorted(DATE_SHAPES))
@pytest.mark.parametrize("slot", DATE_SLOTS)
def test_every_date_question_is_a_grammatical_sentence(slot, raw):
    said, slots = validate({slot: raw})
    if slots.get(slot) not in (None, "declined") and not said:
        return  # read without a question (a missed payment's month end is said, and checked below)
    assert_sentences(said)


@pytest.mark.parametrize("raw, expected", [
    ("August 2022", "Which day in August 2022 was your last day at work?"),
    ("Q3 2024", "Which day between July 1 and September 30, 2024 was your last day at work?"),
    ("2023", "Which day in 2023 was your last day at work?"),
    ("early March 2025", "Which day between March 1 and March 10, 2025 was your last day at work?"),
])
def test_a_partial_date_question_names_the_period_in_words(raw, expected):
    assert expected in validate({"separation_date": raw})[0]


def test_the_catch_up_question_is_not_the_old_broken_one():
    said = validate({"caught_up_on": "August 2022"})[0]
    assert said.startswith("Which day in August 2022 was your make-up payment?")


@pytest.mark.parametrize("fact", sorted(ASK_ACTIONS))
def test_every_form_question_is_a_sentence(fact):
    assert_sentences(texts(run(ASK_ACTIONS[fact](), tracker())[0]))


def test_every_validation_message_renders_with_any_date_shape():
    from actions.presenting import words
    values = dict(text="next spring", reason="that is not a date I can read", what="your last day at work",
                  first="March 5, 2025", second="May 3, 2025", date="December 1, 2025",
                  period="between June 1 and August 31, 2024", hint=" Your loan statement shows it.")
    for template in words()["validation"].values():
        assert_sentences(template.format(**values))


def test_no_nothing_changed_line_while_a_date_the_user_just_gave_is_being_confirmed():
    remembered = first_answer(LAYOFF)
    events = [{"event": "user", "text": "born 6/10/1969"}, {"event": "slot", "name": "birth_date", "value": None}]
    messages, _ = run(ActionAssess(), tracker({**LAYOFF, **remembered}, events=events))
    assert texts(messages) == "" and custom(messages)["assessment"]


# ---- the comparison itself (actions/changes.py, pure) ------------------------------------------------
def test_differences_list_values_then_dates_and_say_when_a_date_no_longer_applies():
    from actions.changes import differences, snapshot
    from rules_core import api
    facts = {k: v for k, v in LAYOFF.items()}
    before = snapshot(api.assess(facts))
    after = snapshot(api.assess({**facts, "separation_date": "2024-05-01"}))
    changes = differences(before, after, {"classification": "What happened"})
    names = [c.name for c in changes]
    assert names[0] == "classification" and names.index("form_1099r_box7") < names.index("separation_date")
    gone = next(c for c in changes if c.name == "rollover_deadline_without_extension")
    assert (gone.before, gone.after) == ("2026-04-15", None)  # an ordinary offset has no such date
    assert differences(before, before, {}) == []


@pytest.mark.parametrize("raw, kind", [("TSP", "tsp"), ("thrift savings plan", "tsp"), ("403(b)", "403b"),
                                       ("457", "457b"), ("401k", "401k")])
def test_the_plan_kind_is_stored_canonical(raw, kind):
    assert validate({"plan_kind": raw})[1]["plan_kind"] == kind


def _answer_after(before: Dict[str, Any], text: str, candidates: Dict[str, Any]):
    """The form's validation of `text` given what the conversation held before it."""
    events = ([{"event": "slot", "name": k, "value": v} for k, v in before.items()] + [{"event": "user", "text": text}]
              + [{"event": "slot", "name": k, "value": v} for k, v in candidates.items()])
    t = tracker({"as_of": TODAY, **before, **candidates}, events=events, text=text, active_loop="loan_form")
    _, result = run(ValidateLoanForm(), t)
    return {e["name"]: e["value"] for e in result if e.get("event") == "slot"}


def test_nope_still_there_is_the_job_when_asked_about_it_and_the_loan_otherwise():
    from actions.extraction import BARE_STILL_THERE
    # asked "have you left the employer?" (or told first): still employed
    slots = _answer_after({"requested_slot": "left_job"}, "nope still there", {"left_job": BARE_STILL_THERE})
    assert slots["left_job"] is False
    # asked about the offset by someone who said they were laid off: the loan is still there
    slots = _answer_after({"left_job": True, "separation_date": "2025-06-03", "requested_slot": "offset_date"},
                          "nope still there", {"left_job": BARE_STILL_THERE})
    assert slots["left_job"] is True
