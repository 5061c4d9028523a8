"""Tracker slots <-> rules-core facts. The one place the dialogue's vocabulary meets the core's.

Slots carry the core's fact names. Validation (validation.py) has already turned what the
user wrote into canonical values (ISO dates, decimal strings, booleans, canonical codes), so
this module only drops what is not a fact yet: unanswered slots and the markers the form
records when the user cannot answer a question.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping

from rules_core.facts import FACT_NAMES

# Markers a slot can hold instead of a value (domain.yml from_intent mappings).
DECLINED = "declined"                    # "no" / "I don't know" to the question for this fact
NOT_CAUGHT_UP = "not_caught_up"          # "no" to "have you made up the missed payment?"
CAUGHT_UP_DATE_UNKNOWN = "caught_up_date_unknown"  # "yes", but no date yet
MARKERS = frozenset({DECLINED, NOT_CAUGHT_UP, CAUGHT_UP_DATE_UNKNOWN})

# Slots that are facts: every core fact that has a slot of the same name.
FACT_SLOTS = (
    "as_of", "birth_date", "age", "left_job", "separation_date", "plan_terminated",
    "plan_termination_date", "offset_date", "missed_payment_due_date", "caught_up_on",
    "cure_period", "loan_balance", "loan_in_good_standing", "amount_rolled_over",
    "cash_paid_not_rolled_over", "designated_roth", "box7_code", "public_safety_employee",
    "marginal_tax_rate", "loan_date", "loan_amount", "plan_type", "public_safety_role", "years_of_service",
    "plan_kind",
)
assert set(FACT_SLOTS) <= FACT_NAMES


def facts_from_slots(slots: Mapping[str, Any]) -> Dict[str, Any]:
    """The core's facts from the tracker's slots (only what is actually known)."""
    facts: Dict[str, Any] = {}
    for name in FACT_SLOTS:
        value = slots.get(name)
        if value is None or value in (DECLINED, CAUGHT_UP_DATE_UNKNOWN):
            continue
        if name == "caught_up_on" and value == NOT_CAUGHT_UP:
            facts[name] = None  # explicit null: not caught up (absent would mean unknown)
            continue
        if name == "age":
            value = _whole_years(value)
        if name == "cure_period" and str(value).isdigit():
            value = int(value)
        facts[name] = value
    return facts


def _whole_years(value: Any) -> Any:
    """Whole years at the event ("54.5" was 54 and a half). Text not yet read as an age is
    passed on as it is, for the core to refuse by name."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return value


def unanswerable(slots: Mapping[str, Any]) -> List[str]:
    """Facts the user said they cannot give: the form must not ask for them again."""
    return [name for name in FACT_SLOTS if slots.get(name) == DECLINED]


def slots_to_ask(missing_facts: Iterable[str], slots: Mapping[str, Any], askable: Iterable[str]) -> List[str]:
    """The core's missing facts that the form can ask for, in the core's order."""
    askable = set(askable)
    declined = set(unanswerable(slots))
    return [name for name in missing_facts if name in askable and name not in declined]
