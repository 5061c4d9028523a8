"""A date together with the rule that produced it: the unit every law module returns."""
from __future__ import annotations

from datetime import date
from typing import NamedTuple, Optional


class RuledDate(NamedTuple):
    """`name` says what the date is (cure_deadline, qplo_window_end, ...); `rule` is an id in
    data/rules.yaml; `certainty` is settled, likely or unsettled; `note` is an explanation
    topic id (explanations/) that says why a date is flagged, or None.

    A NamedTuple rather than a frozen dataclass: equally immutable, and three times cheaper
    to create, which matters at a dozen dates per assessment."""

    name: str
    date: date
    rule: str
    certainty: str = "settled"
    note: Optional[str] = None
    original: Optional[date] = None       # the date before a postponement moved it
    postponed_by: Optional[str] = None    # the announcement that moved it ("Notice 2020-23")
