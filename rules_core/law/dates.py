"""Calendar arithmetic the law relies on, with month-end behaviour made explicit.

The rules count in calendar quarters, calendar months ("59th birthday + 6 months"),
anniversaries ("first anniversary of the severance date") and days ("the 60th day
following"). Adding months to a date is only well defined when the target month has the
same day number; everything here says what it does when it does not, and reports it so a
caller can flag the result instead of presenting it as settled.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import NamedTuple


class ShiftedDate(NamedTuple):
    """A date moved by whole months or years.

    `clamped` is true when the original day number does not exist in the target month
    (Aug 31 + 6 months, Feb 29 + 1 year) and the result was pulled back to that month's
    last day. The law gives no rule for that case, so callers must flag it.
    """

    date: date
    clamped: bool


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """Like calendar.monthrange(year, month)[1], without computing the weekday."""
    if month == 2 and calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month - 1]


def add_months(start: date, months: int) -> ShiftedDate:
    """`start` plus whole calendar months, keeping the day of the month.

    Month end: when the target month is shorter, the result is its last day and
    `clamped` is set (Aug 31 + 6 months -> Feb 28/29, clamped).
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = days_in_month(year, month0 + 1)
    if start.day <= last:
        return ShiftedDate(date(year, month0 + 1, start.day), False)
    return ShiftedDate(date(year, month0 + 1, last), True)


def add_years(start: date, years: int) -> ShiftedDate:
    """`start` plus whole years; Feb 29 in a non-leap target year becomes Feb 28, clamped."""
    return add_months(start, 12 * years)


def add_days(start: date, days: int) -> date:
    return start + timedelta(days=days)


def quarter_of(day: date) -> int:
    """Calendar quarter (1..4) that contains `day`."""
    return (day.month - 1) // 3 + 1


def last_day_of_quarter(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, days_in_month(year, month))


def last_day_of_following_quarter(day: date) -> date:
    """Last day of the calendar quarter after the one containing `day` (Q4 -> next March 31)."""
    quarter = quarter_of(day)
    if quarter == 4:
        return date(day.year + 1, 3, 31)
    return last_day_of_quarter(day.year, quarter + 1)


def is_weekend(day: date) -> bool:
    return day.weekday() >= 5
