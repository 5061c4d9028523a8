"""The cure period for a missed loan installment (Treas. Reg. 1.72(p)-1, Q&A-10).

A missed installment breaks the level-repayment rule of IRC 72(p)(2)(C) when it is
missed, but a plan administrator *may* allow a cure period: an installment made up by the
period's end is no failure at all. The period may not run past the last day of the calendar
quarter after the quarter in which the installment was due. Because the regulation is
permissive, a plan may allow a shorter period, or none.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Union

from .dates import add_days, last_day_of_following_quarter
from .postponements import CURE, postpone
from .ruled import RuledDate

CurePeriod = Union[str, int]  # "max", "none" or a whole number of days


def latest_cure_deadline(due: date) -> date:
    """The law's outer limit: the last day of the calendar quarter following the quarter of
    the due date (due Mar 31 -> Jun 30; due Apr 1 -> Sep 30; due in Q4 -> Mar 31 next year).
    Source: Treas. Reg. 1.72(p)-1, Q&A-10(a)."""
    return last_day_of_following_quarter(due)


@lru_cache(maxsize=16384)  # pure in its dates; the same calendar days recur across users
def cure_deadline(due: date, cure_period: CurePeriod) -> RuledDate:
    """The cure deadline, moved by a nationwide postponement of loan repayments when one
    holds it (Notice 2020-23: April 1 - July 14, 2020 -> July 15, 2020; postponements.py)."""
    return postpone(_cure_deadline(due, cure_period), CURE)


def _cure_deadline(due: date, cure_period: CurePeriod) -> RuledDate:
    """Default: the legal maximum. Exceptions, as the plan sets them: no cure period (the due
    date itself), or a plan period of N days, never past the legal maximum.
    Source: Treas. Reg. 1.72(p)-1, Q&A-10(a)."""
    latest = latest_cure_deadline(due)
    if cure_period == "max":
        return RuledDate("cure_deadline", latest, "cure.max")
    if cure_period == "none":
        return RuledDate("cure_deadline", due, "cure.none")
    plan_end = add_days(due, int(cure_period))
    if plan_end >= latest:
        # interpretation: a plan period longer than the law allows is cut to the legal limit
        return RuledDate("cure_deadline", latest, "cure.max")
    return RuledDate("cure_deadline", plan_end, "cure.plan_days", note="cure.plan_shorter")


def cured_in_time(caught_up_on: date, deadline: date) -> bool:
    """Made up on or before the last day of the cure period: no deemed distribution."""
    return caught_up_on <= deadline
