"""Planned events: dates after `as_of` are what someone expects, not what happened.

A separation or an offset dated after the day of the question has not happened yet. The
core answers what will follow if it happens on that day (the classification, deadlines and
codes are those of that future event) and names the planned dates, so no answer presents a
plan as a fact. Source: ours (the dialogue's contract: the core accepts planned dates).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Tuple

# The facts that may be planned, in the order people plan them.
PLANNABLE = ("unpaid_leave_start", "military_service_start", "separation_date", "plan_termination_date",
             "offset_date")


def planned_events(facts: Any, as_of: date) -> Tuple[str, ...]:
    """The names of the plannable dates that fall after `as_of`."""
    found = []
    for name in PLANNABLE:
        day = getattr(facts, name)
        if type(day) is date and day > as_of:
            found.append(name)
    return tuple(found)
