"""Turning values into what people read: dates, money, timeline entries."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Optional

from .citations import cite_all
from .law.ruled import RuledDate
from .rules import rule
from .yaml_data import load_yaml

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def long_date(day: date) -> str:
    """June 30, 2025 (locale-independent, unlike strftime)."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def money(amount: Optional[Decimal]) -> Optional[str]:
    """Money on the wire: a string with two decimals, never a float."""
    return None if amount is None else f"{amount:.2f}"


def dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


class Values(dict):
    """Placeholder values for explanation templates, already formatted for reading."""

    def add_date(self, name: str, day: date) -> None:
        self[name] = f"{MONTHS[day.month - 1]} {day.day}, {day.year}"  # long_date(), inlined

    def add_money(self, name: str, amount: Decimal) -> None:
        self[name] = f"${amount:,.2f}"  # dollars(), inlined: a few per assessment


@lru_cache(maxsize=1)
def date_names() -> dict:
    return load_yaml((Path(__file__).parent / "data" / "date_names.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _certainty_flags() -> dict:
    return load_yaml((Path(__file__).parent / "data" / "certainty.yaml").read_text(encoding="utf-8"))


def certainty_flag(certainty: Optional[str]) -> str:
    """What a date's certainty adds after it ('' for a settled date)."""
    return _certainty_flags().get(certainty or "", "")


_ENTRY_BASES: dict = {}


def _entry_base(name: str, rule_id: str) -> tuple:
    """What a timeline entry takes from the data for a date name and a rule: (label, says,
    citations), looked up once per pair."""
    base = _ENTRY_BASES.get((name, rule_id))
    if base is None:
        r = rule(rule_id)
        base = _ENTRY_BASES[(name, rule_id)] = (date_names()[name], r.says, cite_all(r.citations))
    return base


def timeline_entry(ruled: RuledDate) -> dict:
    return timeline((ruled,))[0]


def timeline(dated: Iterable[RuledDate]) -> List[dict]:
    """A timeline entry for each date, in one call (an assessment has several): the date
    with its label, the rule that produced it, what that rule says, its citations, its
    certainty and note, and the date it had before a postponement moved it."""
    bases, out = _ENTRY_BASES, []
    for name, day, rule_id, certainty, note, original, postponed_by in dated:
        label, says, citations = bases.get((name, rule_id)) or _entry_base(name, rule_id)
        if original is None:
            out.append({"name": name, "label": label, "date": day.isoformat(), "rule": rule_id, "says": says,
                        "citations": list(citations), "certainty": certainty, "note": note,
                        "original_date": None, "postponed_by": None})
        else:
            out.append({"name": name, "label": label, "date": day.isoformat(), "rule": rule_id, "says": says,
                        "citations": list(citations), "certainty": certainty, "note": note,
                        "original_date": original.isoformat(), "postponed_by": postponed_by})
    return out
