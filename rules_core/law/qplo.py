"""Qualified plan loan offsets (IRC 402(c)(3)(C); Treas. Reg. 1.402(c)-3).

A plan loan offset is a QPLO when it happens solely because (I) the plan terminated, or
(II) the loan could not be repaid because the participant left the job, and only if the loan
was in good standing (met 72(p)(2)) right before. For the severance prong the offset must
come within the period that starts on the severance date and ends on its first anniversary.
A QPLO may be rolled over, in whole or part, until the due date including extensions of the
return for the year of the offset. The extended window exists for offsets in tax years
beginning after 2017 (Tax Cuts and Jobs Act §13613).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

from ..parameters import parameter
from .dates import add_years
from .due_dates import return_due_dates
from .ruled import RuledDate


@lru_cache(maxsize=16384)  # pure in its dates; the same calendar days recur across users
def qplo_window_end(separation_date: date) -> RuledDate:
    """The first anniversary of the severance date. For a Feb 29 severance the anniversary
    does not exist in a common year; we take Feb 28, the earlier (safe) day, and flag it.
    Source: Treas. Reg. 1.402(c)-3."""
    years = parameter("qplo_severance_window_years", max(separation_date, date(2018, 1, 1)))
    shifted = add_years(separation_date, years)
    if shifted.clamped:
        # interpretation: no source says whether Feb 28 or Mar 1 ends the window
        return RuledDate("qplo_window_end", shifted.date, "qplo.window_end", "unsettled",
                         "window.anniversary_feb29")
    return RuledDate("qplo_window_end", shifted.date, "qplo.window_end")


def within_window(offset_date: date, separation_date: date) -> bool:
    """On or after the severance date and on or before the first anniversary."""
    return separation_date <= offset_date <= qplo_window_end(separation_date).date


def extended_window_in_force(offset_date: date) -> bool:
    return bool(parameter("qplo_extended_rollover_available", offset_date))


class QploDeadlines(NamedTuple):
    with_extension: RuledDate
    without_extension: RuledDate


@lru_cache(maxsize=16384)  # pure in its dates; the same calendar days recur across users
def qplo_rollover_deadlines(offset_date: date) -> QploDeadlines:
    """The return due date for the offset year, with and without the extension. When
    October 15 fell on a weekend or holiday, the return filed the next business day is on
    time (IRC 7503); that the rollover gets the same day is likely but unconfirmed, so the
    moved date is flagged. Source: IRC 402(c)(3)(C)(ii); Treas. Reg. 301.9100-2(b)."""
    due = return_due_dates(offset_date.year)
    extended = RuledDate("rollover_deadline", due.extended, "rollover.qplo_extended")
    if due.extended != due.extended_statutory:
        extended = RuledDate("rollover_deadline", due.extended, "rollover.qplo_extended",
                             "likely", "rollover.qplo_weekend")
    original = RuledDate("rollover_deadline_without_extension", due.original, "rollover.qplo_original")
    return QploDeadlines(extended, original)
