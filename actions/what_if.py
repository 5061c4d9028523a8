"""What-if questions: run the rules core on changed facts, leaving the real ones untouched.

Reading the change is ours (which fact, what new value); deciding what follows is the core's.
Understood changes: a rollover amount ("half", "all of it", "5k", "60%"), a different date for
a fact ("what if I had left in May?"), a different age, and acting later ("what if I wait
until January?"), which is checked against the deadline the core computed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from rules_core import api
from rules_core.facts import FactsError
from rules_core.law.dates import add_years
from rules_core.render import long_date

from .changes import differences, snapshot
from .conversation import conversation_date
from .facts_adapter import facts_from_slots, slots_to_ask
from .parsing.ages import parse_age
from .parsing.amounts import parse_amount
from .parsing.dates import parse_date
from .presenting import change_lines, money, user_text, words
from .safe_action import SafeAction

FRACTIONS = {"half": Decimal("0.5"), "a third": Decimal(1) / 3, "a quarter": Decimal("0.25"),
             "all": Decimal(1), "everything": Decimal(1), "the whole": Decimal(1), "the full": Decimal(1),
             "none": Decimal(0), "nothing": Decimal(0)}
WAIT_WORDS = re.compile(r"\b(wait|until|till|hold off|later|delay)\b", re.I)
ROLL_WORDS = re.compile(r"\b(roll|rolled|rolling|rollover|ira|deposit)\b", re.I)
PERCENT = re.compile(r"(\d{1,3})\s*(%|percent)", re.I)
DATE_FACTS = ("separation_date", "offset_date", "missed_payment_due_date", "caught_up_on", "birth_date",
              "plan_termination_date")
PENDING_WHAT_IF = "pending_what_if"  # a what-if asked before the facts, answered after the form
FORM = "loan_form"
ASKABLE = ("left_job", "missed_payment_due_date", "caught_up_on", "separation_date", "offset_date",
           "plan_terminated", "loan_in_good_standing", "birth_date", "loan_balance")


@dataclass
class WhatIf:
    overrides: Dict[str, Any] = field(default_factory=dict)
    wait_until: Optional[date] = None
    notes: List[str] = field(default_factory=list)

    def describe(self) -> str:
        """The change in our words ("you rolled over $5,000.00"), never the user's text."""
        w = words()["what_if_describe"]
        parts = [w[name].format(value=_shown(name, value)) for name, value in self.overrides.items()
                 if name in w and value is not None]
        return " and ".join(parts)


def read_what_if(text: str, entities: List[Dict[str, Any]], facts: Dict[str, Any], today: date) -> WhatIf:
    """The change a what-if question asks about, as fact overrides or a later date to act on."""
    wi = WhatIf()
    lowered = text.lower()
    for entity in entities:
        _apply_entity(wi, entity, facts, today, lowered)
    if "amount_rolled_over" not in wi.overrides and ROLL_WORDS.search(lowered):
        share = _share(lowered)
        if share is not None and facts.get("loan_balance") is not None:
            wi.overrides["amount_rolled_over"] = str((Decimal(str(facts["loan_balance"])) * share).quantize(Decimal("0.01")))
    return wi


def _share(lowered: str) -> Optional[Decimal]:
    percent = PERCENT.search(lowered)
    if percent:
        return min(Decimal(percent.group(1)), Decimal(100)) / 100
    for words_, share in FRACTIONS.items():
        if re.search(rf"\b{words_}\b", lowered):
            return share
    return None


def _apply_entity(wi: WhatIf, entity: Dict[str, Any], facts: Dict[str, Any], today: date, lowered: str) -> None:
    label, raw = entity.get("entity"), str(entity.get("value", ""))
    if label in ("amount_rolled_over", "amount") and ROLL_WORDS.search(lowered):
        amount = _amount(raw)
        if amount is not None:
            wi.overrides["amount_rolled_over"] = str(amount)
    elif label == "age":
        reading = parse_age(raw)
        if reading is not None and not reading.error:
            wi.overrides["age"] = reading.years
            wi.overrides["birth_date"] = None
    elif label in DATE_FACTS or label == "date":
        _apply_date(wi, label, raw, today, lowered, ahead=entity.get("role") == "planned")


def _apply_date(wi: WhatIf, label: str, raw: str, today: date, lowered: str, ahead: bool = False) -> None:
    # a date the extractor marks as planned ("what if I quit in January") is the next one
    reading = parse_date(raw, today, ahead=ahead)
    day = reading.value or reading.end
    if day is None:
        return
    if label == "date" or WAIT_WORDS.search(lowered):
        # "wait until January": the next such date, not the last one
        if day <= today and not re.search(r"\b(19|20)\d\d\b", raw):
            day = add_years(day, 1).date
        wi.wait_until = day
        return
    if reading.value is None:
        wi.notes.append(f"I used {long_date(day)} for \"{user_text(raw)}\".")
    wi.overrides[label] = day.isoformat()
    if label == "separation_date":
        wi.overrides["left_job"] = True


def _amount(raw: str) -> Optional[Decimal]:
    return parse_amount(raw)


def _shown(name: str, value: Any) -> str:
    if name in DATE_FACTS:
        return long_date(date.fromisoformat(value))
    if name == "amount_rolled_over":
        return money(value)
    return str(value)


def compare(before: Dict[str, Any], after: Dict[str, Any]) -> List[str]:
    """What the what-if changes in the answer, one line per value or date, each with its rule."""
    return change_lines(differences(snapshot(before), snapshot(after), words()["fact_labels"]))


def wait_message(base: Dict[str, Any], when: date) -> str:
    w = words()
    deadline = base.get("rollover_deadline") or base.get("cure_deadline")
    if not deadline:
        reason = base["explanations"][0]["text"] if base.get("explanations") else ""
        return w["wait_until_no_deadline"].format(reason=reason)
    key = "wait_until_ok" if when <= date.fromisoformat(deadline) else "wait_until_late"
    return w[key].format(when=long_date(when), deadline=long_date(date.fromisoformat(deadline)))


def what_if_messages(facts: Dict[str, Any], wi: WhatIf) -> List[Dict[str, Any]]:
    """The answer to an understood what-if on known facts: what changes, and the hypothetical
    assessment for rich clients. Raises FactsError when the changed facts do not fit."""
    base = api.assess(facts)
    changed = api.assess({k: v for k, v in {**facts, **wi.overrides}.items() if v is not None})
    texts = list(wi.notes)
    if wi.wait_until is not None:
        texts.append(wait_message(base, wi.wait_until))
    if wi.overrides:
        lines = compare(base, changed) or [words()["what_if_same"]]
        texts.append("\n".join([words()["what_if_heading"].format(change=wi.describe())] + lines))
    messages: List[Dict[str, Any]] = [{"text": t} for t in texts]
    messages.append({"json_message": {"what_if": {
        "changes": wi.overrides, "wait_until": wi.wait_until.isoformat() if wi.wait_until else None,
        "assessment": changed}}})
    return messages


def needs_facts_message(facts: Dict[str, Any], wi: WhatIf, slots: Dict[str, Any]) -> str:
    """Which facts the core still needs to answer the what-if (for the facts as they would be)."""
    hypothetical = api.assess({k: v for k, v in {**facts, **wi.overrides}.items() if v is not None})
    missing = slots_to_ask(hypothetical["missing_facts"], slots, ASKABLE) or hypothetical["missing_facts"]
    names = [words()["fact_words"].get(name, name.replace("_", " ")) for name in missing]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return words()["what_if_needs_facts"].format(facts=listed)


def pending(text: str, entities: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A what-if kept for later: its words and values, read again once the facts are known."""
    kept = [{k: e.get(k) for k in ("entity", "value", "role") if e.get(k) is not None} for e in entities]
    return {"text": text[:500], "entities": kept}


class ActionWhatIf(SafeAction):
    def name(self) -> Text:
        return "action_what_if"

    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict]:
        slots = tracker.current_slot_values()
        facts = facts_from_slots(slots)
        today = conversation_date(slots, tracker.latest_message.get("metadata"))
        text = tracker.latest_message.get("text") or ""
        entities = tracker.latest_message.get("entities") or []
        wi = read_what_if(text, entities, facts, today)
        try:
            base = api.assess(facts)
            if base["classification"] == "needs_more_facts" and slots_to_ask(base["missing_facts"], slots, ASKABLE):
                # Before the facts: say what is needed, keep the what-if, and let the form ask.
                dispatcher.utter_message(text=needs_facts_message(facts, wi, slots))
                events: List[Dict] = [SlotSet(PENDING_WHAT_IF, pending(text, entities))]
                if tracker.active_loop_name != FORM:
                    events.append(FollowupAction(FORM))
                return events
            if not wi.overrides and wi.wait_until is None:
                dispatcher.utter_message(text=words()["what_if_unclear"])
                return []
            messages = what_if_messages(facts, wi)
        except FactsError as bad:
            dispatcher.utter_message(text=" ".join(f"{k.replace('_', ' ')}: {user_text(v, 400)}."
                                                  for k, v in bad.errors.items()))
            return []
        for message in messages:
            dispatcher.utter_message(**message)
        return []  # the real facts stay as they were
