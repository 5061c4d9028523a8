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
