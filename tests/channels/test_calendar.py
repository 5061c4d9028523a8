"""The "Add deadlines to my calendar" file: built from the rules core's timeline with the
icalendar library, read back here with the same library the way a calendar app would."""
from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar

from rules_core.calendar_file import deadline_calendar
from actions.presenting import assessment_messages
from rules_core.api import assess

QPLO = {"as_of": "2025-11-01", "left_job": True, "separation_date": "2025-03-14", "offset_date": "2025-06-30",
        "birth_date": "1984-07-01", "loan_balance": 12000, "loan_in_good_standing": True}


def events(calendar):
    parsed = Calendar.from_ical(calendar["ics"])
    return {str(e["summary"]): e for e in parsed.walk("VEVENT")}


def test_one_all_day_event_per_deadline_ahead_with_a_reminder_a_week_before():
    calendar = deadline_calendar(assess(QPLO))
    found = events(calendar)
    assert calendar["events"] == 3 and calendar["filename"].endswith(".ics")
    assert {summary: e.decoded("dtstart") for summary, e in found.items()} == {
        "401(k) loan: End of the 12-month QPLO window": date(2026, 3, 14),
        "401(k) loan: Rollover deadline without an extension": date(2026, 4, 15),
        "401(k) loan: Rollover deadline": date(2026, 10, 15),
    }
    for event in found.values():
        assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(days=1)  # all day
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("trigger") == timedelta(days=-7) and str(alarm["action"]) == "DISPLAY"
        assert "In one week" in str(alarm["description"])
    extended = found["401(k) loan: Rollover deadline"]
    description = str(extended["description"])
    assert "rolled over until your tax return's due date" in description  # the rule behind the date
    assert "https://www.law.cornell.edu/uscode/text/26/402" in description  # and its source
    assert len({str(e["uid"]) for e in found.values()}) == 3


def test_past_deadlines_and_facts_are_not_events():
    later = dict(QPLO, as_of="2026-05-01")  # the window end and the unextended deadline have passed
    found = events(deadline_calendar(assess(later)))
    assert [e.decoded("dtstart") for e in found.values()] == [date(2026, 10, 15)]
    all_past = dict(QPLO, as_of="2026-11-01")
    assert deadline_calendar(assess(all_past)) is None


def test_a_cure_deadline_is_an_event():
    open_window = {"as_of": "2025-11-01", "left_job": False, "missed_payment_due_date": "2025-09-30",
                   "caught_up_on": None, "birth_date": "1980-05-05", "loan_balance": 8000}
    found = events(deadline_calendar(assess(open_window)))
    assert [(s, e.decoded("dtstart")) for s, e in found.items()] == [("401(k) loan: Cure deadline", date(2025, 12, 31))]


def return_due(assessment):
    return [e for e in assessment["timeline"] if e["name"] == "return_due_date"]


def test_the_return_due_date_is_an_event_unless_another_deadline_falls_that_day():
    deemed = {"as_of": "2025-11-01", "left_job": False, "missed_payment_due_date": "2025-03-31",
              "caught_up_on": None, "birth_date": "1980-05-05", "loan_balance": 8000}
    assessment = assess(deemed)  # the rules core lists the return that reports the income
    assert [e["date"] for e in return_due(assessment)] == ["2026-04-15"]
    assert "IRC §6072(a)" in [c["label"] for c in return_due(assessment)[0]["citations"]]
    found = events(deadline_calendar(assessment))  # the cure deadline has passed; the return is ahead
    assert [(s, e.decoded("dtstart")) for s, e in found.items()] == [("401(k) loan: Tax return due", date(2026, 4, 15))]
    qplo = assess(QPLO)  # its deadline without an extension is the same day: one event, not two
    assert [e["date"] for e in return_due(qplo)] == ["2026-04-15"]
    assert [e.decoded("dtstart") for e in events(deadline_calendar(qplo)).values()].count(date(2026, 4, 15)) == 1
    custom = assessment_messages(assessment, disclaimer=False)[-1]["json_message"]
    assert set(custom) == {"assessment", "calendar", "summary"}


def test_a_date_no_official_source_confirms_says_so_in_the_event():
    weekend = dict(QPLO, as_of="2027-11-01", separation_date="2027-03-14", offset_date="2027-06-30")
    found = events(deadline_calendar(assess(weekend)))
    extended = found["401(k) loan: Rollover deadline"]
    assert extended.decoded("dtstart") == date(2028, 10, 16)  # October 15, 2028 is a Sunday
    assert "no official source confirms it" in str(extended["description"])


def test_the_custom_answer_carries_the_calendar_only_when_there_are_deadlines():
    custom = assessment_messages(assess(QPLO), disclaimer=False)[-1]["json_message"]
    assert custom["assessment"]["classification"] == "qualified_plan_loan_offset"
    assert len(Calendar.from_ical(custom["calendar"]["ics"]).walk("VEVENT")) == 3
    past = assessment_messages(assess(dict(QPLO, as_of="2026-11-01")), disclaimer=False)[-1]["json_message"]
    assert "calendar" not in past and "assessment" in past


def test_the_custom_answer_carries_a_summary_token_only_when_it_decided_something():
    first, second = (assessment_messages(assess(QPLO), disclaimer=False)[-1]["json_message"] for _ in range(2))
    tokens = [custom["summary"]["token"] for custom in (first, second)]
    assert tokens[0] != tokens[1] and all(len(t) == 32 for t in tokens)  # one token per answer, 192 bits
    undecided = assessment_messages(assess({"as_of": "2025-11-01", "left_job": True}), disclaimer=False)[-1]
    assert undecided["json_message"]["assessment"]["classification"] == "needs_more_facts"
    assert "summary" not in undecided["json_message"]
