"""Plans: events the user says have not happened yet ("I'm about to lose my job next month",
"once I quit in January"). The extractor marks them with the entity role "planned"; Rasa's
slot mappings take no role, so a plan never fills a fact slot. Here a plan is answered the
way a what-if is: the rules core runs on the facts as they would be, and the answer says what
would follow and by when, plainly as a plan.

The rules core takes an offset, a last day at work or a plan's end after `as_of` as a planned
event (its `planned_events`), so it runs as of today. If the plan contradicts the facts the
core refuses them, and the answer says why, without dates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Sequence

from rules_core import api
from rules_core.facts import FactsError
from rules_core.render import long_date

from .parsing.dates import parse_date
from .presenting import by_prefix, dates_message, user_text, words

PLANNED = "planned"  # the entity role (actions/extraction.py)
# A planned date's label, and the yes/no fact it implies.
DATE_FACTS = {"separation_date": "left_job", "offset_date": None, "plan_termination_date": "plan_terminated",
              "missed_payment_due_date": None}
EVENT_FACTS = ("left_job", "plan_terminated")
# A plain "date" in a plan belongs to the planned event it comes with.
DATE_OF_EVENT = {"left_job": "separation_date", "plan_terminated": "plan_termination_date"}


@dataclass
class Plan:
    changes: Dict[str, Any] = field(default_factory=dict)  # fact -> value as it would be
    notes: List[str] = field(default_factory=list)         # which day a period was read as
    parts: List[str] = field(default_factory=list)          # the plan in our words


def planned_entities(entities: Optional[Sequence[Mapping[str, Any]]]) -> List[Mapping[str, Any]]:
    return [e for e in entities or () if e.get("role") == PLANNED]


def read_plan(entities: Sequence[Mapping[str, Any]], today: date) -> Plan:
    """The facts as they would be after the planned events in `entities` (role "planned")."""
    plan = Plan()
    planned = planned_entities(entities)
    events = {e["entity"] for e in planned if e.get("entity") in EVENT_FACTS}
    for entity in planned:
        label, raw = entity.get("entity"), str(entity.get("value", ""))
        if label == "date" and len(events) == 1:
            label = DATE_OF_EVENT[next(iter(events))]
        if label in DATE_FACTS:
            _read_date(plan, label, raw, today)
        elif label in EVENT_FACTS:
            plan.changes.setdefault(label, True)
    for label, implied in DATE_FACTS.items():
        if implied and label in plan.changes:
            plan.changes[implied] = True
    w = words()["plan_describe"]
    for name in ("separation_date", "left_job", "plan_termination_date", "plan_terminated", "offset_date",
                 "missed_payment_due_date"):
        if name in plan.changes and not (name in EVENT_FACTS and DATE_OF_EVENT[name] in plan.changes):
            value = plan.changes[name]
            plan.parts.append(w[name].format(value=long_date(date.fromisoformat(value)) if name in DATE_FACTS else ""))
    return plan


def _read_date(plan: Plan, label: str, raw: str, today: date) -> None:
    reading = parse_date(raw, today, ahead=True)
    day = reading.value or reading.start
    if day is None:
        return
    if reading.value is None:
        # interpretation: a plan's month or season is read as its first day, so every
        # deadline that follows is the earliest it could be (never a day too late)
        plan.notes.append(words()["plan_period_used"].format(text=user_text(raw), date=long_date(day)))
    plan.changes[label] = day.isoformat()


def assess_plan(facts: Mapping[str, Any], plan: Plan) -> Dict[str, Any]:
    """The rules core on the facts as they would be: {"assessment": ..., "as_of": the date it
    was read as of}, or {"refused": reasons}."""
    merged = {k: v for k, v in {**facts, **plan.changes}.items() if v is not None}
    try:
        return {"assessment": api.assess(merged), "as_of": merged.get("as_of")}
    except FactsError as bad:
        return {"refused": bad.errors}


def plan_messages(facts: Mapping[str, Any], entities: Optional[Sequence[Mapping[str, Any]]],
                  today: date) -> List[Dict[str, Any]]:
    """What the planned events in a message would lead to ([] when the message states no plan)."""
    if not planned_entities(entities):
        return []
    plan = read_plan(entities or (), today)
    if not plan.changes:
        return []
    w = words()
    outcome = assess_plan(facts, plan)
    heading = w["plan_heading"].format(plan=" and ".join(plan.parts))
    if "refused" in outcome:
        reason = "; ".join(user_text(v, 200) for v in outcome["refused"].values())
        return [{"text": "\n\n".join([heading, *plan.notes, w["plan_no_dates"].format(reason=reason)])}]
    result = outcome["assessment"]
    conclusions = by_prefix(result["explanations"], "result.")
    if len(conclusions) > 1:  # what would follow matters more than what is still unknown
        conclusions = [e for e in conclusions if e["topic"] != "result.needs_more_facts"]
    texts = ["\n\n".join([heading, *plan.notes, *(e["text"] for e in conclusions)]), dates_message(result)]
    messages: List[Dict[str, Any]] = [{"text": t} for t in texts if t]
    messages.append({"json_message": {"plan": {"changes": plan.changes, "as_of": outcome["as_of"],
                                               "assessment": result}}})
    return messages
