"""Turning values into what people read: dates, money, timeline entries."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from .citations import cite_all
from .law.ruled import RuledDate
from .rules import rule

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def long_date(day: date) -> str:
    """June 30, 2025 (locale-independent, unlike strftime)."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def money(amount: Optional[Decimal]) -> Optional[str]:
    """Money on the wire: a string with two decimals, never a float."""
    return None if amount is None else f"{amount:.2f}"


def dollars(amount: Decimal) -> str:
    return f"${amount:,.2f}"


class Values(dict):
    """Placeholder values for explanation templates, already formatted for reading."""

    def add_date(self, name: str, day: date) -> None:
        self[name] = long_date(day)

    def add_money(self, name: str, amount: Decimal) -> None:
        self[name] = dollars(amount)


@lru_cache(maxsize=1)
def date_names() -> dict:
    return yaml.safe_load((Path(__file__).parent / "data" / "date_names.yaml").read_text(encoding="utf-8"))


_ENTRY_BASES: dict = {}


def _entry_base(name: str, rule_id: str) -> dict:
    base = _ENTRY_BASES.get((name, rule_id))
    if base is None:
        r = rule(rule_id)
        base = _ENTRY_BASES[(name, rule_id)] = {
            "name": name, "label": date_names()[name], "date": None, "rule": rule_id, "says": r.says,
            "citations": cite_all(r.citations), "certainty": None, "note": None,
            "original_date": None, "postponed_by": None}
    return base


def timeline_entry(ruled: RuledDate) -> dict:
    entry = _entry_base(ruled.name, ruled.rule).copy()
    entry["date"] = ruled.date.isoformat()
    entry["citations"] = list(entry["citations"])
    entry["certainty"] = ruled.certainty
    entry["note"] = ruled.note
    if ruled.original is not None:
        entry["original_date"] = ruled.original.isoformat()
        entry["postponed_by"] = ruled.postponed_by
    return entry
