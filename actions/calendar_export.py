"""The assessment's deadlines as an iCalendar file: one all-day event per deadline still ahead,
each with the rule that sets it, its sources, and a reminder a week before. Built with the
icalendar library; the words live in calendar.yml."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from icalendar import Alarm, Calendar, Event

from rules_core.law.due_dates import return_due_dates
from rules_core.render import long_date, timeline_entry

from .presenting import words as presentation_words

PRODUCT_ID = "-//401k loan assistant//deadline calendar//EN"
# Answers where the event is income of a tax year, so that year's return is a date to keep.
TAXED = {"deemed_distribution", "plan_loan_offset", "qualified_plan_loan_offset"}


@lru_cache(maxsize=1)
def words() -> Dict[str, Any]:
    return yaml.safe_load((Path(__file__).parent / "calendar.yml").read_text(encoding="utf-8"))


def related_dates(assessment: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Dates the answer depends on that the assessment's timeline leaves out, as timeline entries
    from the rules core: the due date of the return that reports the taxable event."""
    year, timeline = assessment.get("tax_year"), assessment.get("timeline") or ()
    if not year or assessment.get("classification") not in TAXED \
            or any(e["name"] == "return_due_date" for e in timeline):
        return []
    try:
        return [timeline_entry(return_due_dates(int(year)).original_ruled)]
    except (TypeError, ValueError):  # a year the core has no calendar for
        return []


def calendar_deadlines(assessment: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The deadlines on or after the conversation's date: the timeline's and the related dates,
    one per day (the QPLO deadline without an extension *is* the return's due date)."""
    as_of = date.fromisoformat(assessment["as_of"]) if assessment.get("as_of") else date.min
    names = set(words()["deadlines"])
    found: Dict[str, Dict[str, Any]] = {}
    for entry in [*(assessment.get("timeline") or ()), *related_dates(assessment)]:
        if entry["name"] in names and date.fromisoformat(entry["date"]) >= as_of:
            found.setdefault(entry["date"], entry)
    return sorted(found.values(), key=lambda e: e["date"])


def _event(entry: Dict[str, Any], stamp: datetime) -> Event:
    w, day = words(), date.fromisoformat(entry["date"])
    sources = "; ".join(f"{c['label']} {c['url']}".strip() for c in entry.get("citations", ())) or "-"
    flag = presentation_words()["date_flag"].get(entry.get("certainty"), "")
    event = Event.new(
        uid=f"{entry['name']}-{entry['date']}@loan-assistant",  # stable: importing again updates
        stamp=stamp, start=day, end=day + timedelta(days=1),
        summary=w["summary"].format(label=entry["label"]),
        description=w["description"].format(says=entry["says"], flag=flag, sources=sources),
    )
    event.add("transp", "TRANSPARENT")  # a deadline, not a busy slot
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-int(w["reminder_days_before"])))
    alarm.add("description", w["reminder"].format(label=entry["label"], date=long_date(day)))
    event.add_component(alarm)
    return event


def deadline_calendar(assessment: Dict[str, Any], now: Optional[datetime] = None) -> Optional[Dict[str, Any]]:
    """{"filename", "ics", "events"} for the deadlines still ahead, or None when there are none."""
    deadlines = calendar_deadlines(assessment)
    if not deadlines:
        return None
    stamp = now or datetime.now(timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", words()["calendar_name"])
    for entry in deadlines:
        calendar.add_component(_event(entry, stamp))
    return {"filename": words()["filename"], "ics": calendar.to_ical().decode("utf-8"), "events": len(deadlines)}
