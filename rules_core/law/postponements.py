"""Postponed deadlines: IRC 7508A and Treas. Reg. 301.7508A-1.

After a federally declared disaster (or a nationwide emergency) the IRS may postpone
time-sensitive acts. Which acts a postponement covers is listed in Rev. Proc. 2018-58 §8 and
named in each announcement: for us, rolling over a distribution (60-day and QPLO), making a
plan loan repayment (with its cure period), and filing the income-tax return.

Default: a deadline stays where the rules put it. Exceptions, in this order:
  1. a nationwide postponement in data/postponements.yaml that covers the act and whose
     window holds the deadline (Notice 2020-23: April 1 - July 14, 2020 -> July 15, 2020);
  2. an area postponement the person told us of (its first day, the day acts are postponed
     to, and the announcement's id): a covered deadline on or after the first day and before
     the postponed-to day moves to that day.
The moved date keeps the original and names the announcement, so the timeline shows both.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, Optional, Tuple

from .ruled import RuledDate
from ..yaml_data import load_yaml

ROLLOVER, LOAN_REPAYMENT, RETURN_ORIGINAL, RETURN_EXTENDED = (
    "rollover", "loan_repayment", "return_original", "return_extended")
# The acts a date is the deadline of. A QPLO rollover ends with the return's due date, so a
# postponement of either moves it.
ROLLOVER_ONLY = frozenset({ROLLOVER})
CURE = frozenset({LOAN_REPAYMENT})
RETURN_DUE = frozenset({RETURN_ORIGINAL})
QPLO_ORIGINAL = frozenset({ROLLOVER, RETURN_ORIGINAL})
QPLO_EXTENDED = frozenset({ROLLOVER, RETURN_EXTENDED})
# interpretation: an area postponement reaches rollovers and returns (the acts the person asks
# about); whether a given announcement also covers plan loan repayments varies and is not
# assumed.
DISASTER_ACTS = frozenset({ROLLOVER, RETURN_ORIGINAL, RETURN_EXTENDED})


class Postponement(NamedTuple):
    announcement: str
    first_day: date
    last_day: date          # the last original deadline it reaches
    postponed_to: date
    acts: frozenset
    rule: str


@lru_cache(maxsize=1)
def _data() -> dict:
    return load_yaml((Path(__file__).parents[1] / "data" / "postponements.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def nationwide() -> Tuple[Postponement, ...]:
    return tuple(Postponement(p["announcement"], p["first_day"], p["last_day"], p["postponed_to"],
                              frozenset(p["acts"]), p["rule"]) for p in _data()["nationwide"])


def disaster(start: Any, postponed_to: Any, announcement: Any) -> Optional[Postponement]:
    """The area postponement the person told us of, or None without both dates. Source: IRC
    7508A(a); Treas. Reg. 301.7508A-1(b) (acts due in the postponement period)."""
    if not (isinstance(start, date) and isinstance(postponed_to, date)):
        return None
    name = announcement if isinstance(announcement, str) else "an IRS disaster relief announcement"
    # the period runs from its first day up to the postponed-to day; an act already due on
    # that day gains nothing
    return Postponement(name, start, date.fromordinal(postponed_to.toordinal() - 1), postponed_to,
                        DISASTER_ACTS, "postponed.disaster")


def postpone(ruled: RuledDate, acts: frozenset, area: Optional[Postponement] = None) -> RuledDate:
    """`ruled` moved by the first postponement that covers one of `acts` (the acts the date
    is the deadline of) and holds its date, else unchanged. Nationwide ones first, then the
    area one."""
    day = ruled.date
    first, last = _nationwide_span()
    if first <= day <= last:  # the common case, a day no nationwide postponement reaches, skips this
        for p in nationwide():
            if acts & p.acts and p.first_day <= day <= p.last_day:
                return _moved(ruled, p)
    if area is not None and acts & area.acts and area.first_day <= day <= area.last_day:
        return _moved(ruled, area)
    return ruled


@lru_cache(maxsize=1)
def _nationwide_span() -> Tuple[date, date]:
    every = nationwide()
    return min(p.first_day for p in every), max(p.last_day for p in every)


def _moved(ruled: RuledDate, p: Postponement) -> RuledDate:
    if p.rule == "postponed.disaster":
        return RuledDate(ruled.name, p.postponed_to, "postponed.disaster", ruled.certainty,
                         "relief.postponed_disaster", ruled.date, p.announcement)
    if p.rule == "postponed.notice_2020_23":
        return RuledDate(ruled.name, p.postponed_to, "postponed.notice_2020_23", ruled.certainty,
                         "relief.postponed_nationwide", ruled.date, p.announcement)
    raise ValueError(f"postponement rule {p.rule!r} has no explanation")


@lru_cache(maxsize=1)
def _cares_window() -> Tuple[date, date]:
    window = _data()["cares_loan_suspension"]
    return window["first_due"], window["last_due"]


def cares_suspension_possible(due: date) -> bool:
    """A repayment due March 27 - December 31, 2020 is one a plan could have suspended for a
    qualified individual for up to a year. Source: CARES Act §2202(b)(2); Notice 2020-50."""
    first, last = _cares_window()
    return first <= due <= last
