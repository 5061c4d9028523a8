"""Month arithmetic: known answers, month ends shown case by case."""
from datetime import date

import pytest

from rules_core.law.dates import add_months, add_years, last_day_of_following_quarter, quarter_of


@pytest.mark.parametrize("start, months, expected, clamped", [
    (date(2025, 3, 15), 6, date(2025, 9, 15), False),
    (date(2025, 6, 30), 6, date(2025, 12, 30), False),
    (date(2025, 7, 1), 6, date(2026, 1, 1), False),
    (date(2025, 8, 31), 6, date(2026, 2, 28), True),
    (date(2023, 8, 31), 6, date(2024, 2, 29), True),
    (date(2025, 8, 29), 6, date(2026, 2, 28), True),
    (date(2024, 8, 29), 6, date(2025, 2, 28), True),
    (date(2025, 12, 31), 2, date(2026, 2, 28), True),
    (date(2025, 1, 31), 1, date(2025, 2, 28), True),
    (date(2025, 1, 31), 12, date(2026, 1, 31), False),
    (date(2025, 5, 31), -3, date(2025, 2, 28), True),
])
def test_add_months_keeps_the_day_or_says_it_clamped(start, months, expected, clamped):
    shifted = add_months(start, months)
    assert (shifted.date, shifted.clamped) == (expected, clamped)


def test_feb_29_anniversary_is_feb_28_and_flagged_in_a_common_year():
    assert add_years(date(2024, 2, 29), 1).date == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 1).clamped
    leap_to_leap = add_years(date(2024, 2, 29), 4)
    assert (leap_to_leap.date, leap_to_leap.clamped) == (date(2028, 2, 29), False)


@pytest.mark.parametrize("day, quarter", [
    (date(2025, 1, 1), 1), (date(2025, 3, 31), 1), (date(2025, 4, 1), 2), (date(2025, 6, 30), 2),
    (date(2025, 7, 1), 3), (date(2025, 9, 30), 3), (date(2025, 10, 1), 4), (date(2025, 12, 31), 4),
])
def test_quarter_of_first_and_last_days(day, quarter):
    assert quarter_of(day) == quarter


@pytest.mark.parametrize("day, expected", [
    (date(2025, 1, 1), date(2025, 6, 30)), (date(2025, 3, 31), date(2025, 6, 30)),
    (date(2025, 4, 1), date(2025, 9, 30)), (date(2025, 9, 30), date(2025, 12, 31)),
    (date(2025, 10, 1), date(2026, 3, 31)), (date(2025, 12, 31), date(2026, 3, 31)),
    (date(2024, 2, 29), date(2024, 6, 30)),
])
def test_last_day_of_following_quarter(day, expected):
    assert last_day_of_following_quarter(day) == expected
