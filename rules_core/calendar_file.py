"""An assessment's deadlines as an iCalendar file: one all-day event per deadline still ahead,
each with the rule that sets it, its sources, and a reminder a week before.

The one place that writes calendars: the chat's "Add deadlines to my calendar" and the batch
command's --ics both call `deadline_calendar`. Built with the icalendar library (imported here
only, so the core's other commands do not need it); the words live in data/calendar.yaml.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional


from icalendar import Alarm, Calendar, Event

from .render import certainty_flag, long_date
from .yaml_data import load_yaml

PRODUCT_ID = "-//401k loan assistant//deadline calendar//EN"


@lru_cache(maxsize=1)
def words() -> Dict[str, Any]:
    return load_yaml((Path(__file__).parent / "data" / "calendar.yaml").read_text(encoding="utf-8"))


def calendar_deadlines(assessment: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The timeline's deadlines on or after the assessment's date, one per day."""
    as_of = date.fromisoformat(assessment["as_of"]) if assessment.get("as_of") else date.min
    names = set(words()["deadlines"])
    found: Dict[str, Dict[str, Any]] = {}
    for entry in assessment.get("timeline") or ():
        if entry["name"] in names and date.fromisoformat(entry["date"]) >= as_of:
            found.setdefault(entry["date"], entry)
    return sorted(found.values(), key=lambda e: e["date"])


def _event(entry: Dict[str, Any], stamp: datetime) -> Event:
    w, day = words(), date.fromisoformat(entry["date"])
    sources = "; ".join(f"{c['label']} {c['url']}".strip() for c in entry.get("citations", ())) or "-"
    event = Event.new(
        uid=f"{entry['name']}-{entry['date']}@loan-assistant",  # stable: importing again updates
        stamp=stamp, start=day, end=day + timedelta(days=1),
        summary=w["summary"].format(label=entry["label"]),
        description=w["description"].format(says=entry["says"], flag=certainty_flag(entry.get("certainty")),
                                             sources=sources),
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
