"""Due dates of an individual's income-tax return (Form 1040, calendar-year filers).

The statutory date is the one the Code and regulations name; the date that counts is that
day moved past Saturdays, Sundays and legal holidays (DC holidays included) under IRC 7503.
Both are kept: a QPLO rollover runs to the return's due date with extensions, and whether
7503's roll-forward reaches the rollover itself is unsettled, so callers need the calendar
date as well as the moved one.

Outside the calculation: disaster postponements under IRC 7508A (such as the nationwide
COVID postponements for the 2019 and 2020 returns), the extra day Maine and Massachusetts
filers have had when Patriots' Day blocks the deadline, fiscal-year filers, and the
extension for taxpayers abroad. A caller who has a postponement must apply it separately.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..parameters import parameter
from .dates import add_months
from .legal_holidays import next_business_day
from .ruled import RuledDate

# interpretation: the loan rules the engine applies (IRC 72(p) as amended in 1986) start in
# 1987; 2100 bounds how far the present calendar and due-date rules are projected.
FIRST_TAX_YEAR = 1987
LAST_TAX_YEAR = 2100


@dataclass(frozen=True)
class ReturnDueDates:
    """A tax year's return due dates: statutory and as moved by IRC 7503.

    `extended_statutory` is the last day of the automatic extension: October 15 for tax years
    from 2005, August 15 before that (the automatic extension was then four months).
    """

    tax_year: int
    original_statutory: date
    original: date
    extended_statutory: date
    extended: date

    @property
    def original_ruled(self) -> RuledDate:
        return original_due_ruled(self.tax_year)

    @property
    def extended_ruled(self) -> RuledDate:
        return RuledDate(
            name="return_due_date_extended", date=self.extended, rule="return_due.extended"
        )


def _check_tax_year(tax_year: int) -> None:
    if isinstance(tax_year, bool) or not isinstance(tax_year, int):
        raise TypeError(f"tax_year must be an int, not {type(tax_year).__name__}")
    if not FIRST_TAX_YEAR <= tax_year <= LAST_TAX_YEAR:
        raise ValueError(
            f"tax year {tax_year} is outside the supported range "
            f"{FIRST_TAX_YEAR}..{LAST_TAX_YEAR}"
        )


def statutory_due_date(tax_year: int) -> date:
    """The day the Code names for filing the return: the 15th day of the 4th month after the
    tax year ends, i.e. April 15 of the next year for a calendar year. IRC 6072(a)."""
    year_end_next = date(tax_year + 1, 1, 1)
    month = parameter("return_due_month", year_end_next)
    day = parameter("return_due_day", year_end_next)
    return date(tax_year + 1, month, day)


def statutory_extended_due_date(original_statutory: date) -> date:
    """The last day of the automatic extension a timely Form 4868 gives: the statutory due
    date plus six months (October 15) for requests made from 2006, four months (August 15)
    before. Counted from the 15th, so no month-end rounding arises. Treas. Reg. 1.6081-4."""
    months = parameter("automatic_extension_months", original_statutory)
    shifted = add_months(original_statutory, months)
    if shifted.clamped:  # only if the due day parameter ever moved past the 28th
        raise ValueError(f"extension from {original_statutory} lands past a month end")
    return shifted.date


@lru_cache(maxsize=256, typed=True)  # typed: 2024.0 must not hit 2024
def return_due_dates(tax_year: int) -> ReturnDueDates:
    """The return due dates for `tax_year`, statutory and moved.

    Each statutory date that falls on a Saturday, Sunday or legal holiday (DC holidays
    included) moves to the next day that is none of those. IRC 6072(a); Treas. Reg.
    1.6081-4; IRC 7503.
    """
    _check_tax_year(tax_year)
    original = statutory_due_date(tax_year)
    extended = statutory_extended_due_date(original)
    return ReturnDueDates(
        tax_year=tax_year,
        original_statutory=original,
        original=next_business_day(original),
        extended_statutory=extended,
        extended=next_business_day(extended),
    )


@lru_cache(maxsize=256, typed=True)
def original_due_ruled(tax_year: int) -> RuledDate:
    """The return's due date (as moved by IRC 7503) as a timeline date, made once per year."""
    return RuledDate(name="return_due_date", date=return_due_dates(tax_year).original, rule="return_due.original")
