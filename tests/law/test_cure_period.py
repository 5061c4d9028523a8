"""Cure deadlines (Treas. Reg. 1.72(p)-1 Q&A-10): the legal maximum, a shorter plan period, none."""
from datetime import date

import pytest

from rules_core.law.cure_period import cure_deadline, cured_in_time, latest_cure_deadline


@pytest.mark.parametrize("due, expected", [
    (date(2025, 3, 31), date(2025, 6, 30)),   # last day of a quarter: only 91 days
    (date(2025, 4, 1), date(2025, 9, 30)),    # first day of a quarter: 182 days
    (date(2025, 10, 1), date(2026, 3, 31)),   # Q4 lands in the next year
    (date(2025, 12, 31), date(2026, 3, 31)),
    (date(2024, 2, 29), date(2024, 6, 30)),   # leap day
    (date(2003, 8, 31), date(2003, 12, 31)),  # Q&A-10(c) with the maximum period
])
def test_maximum_cure_period_ends_with_the_next_quarter(due, expected):
    assert latest_cure_deadline(due) == expected
    ruled = cure_deadline(due, "max")
    assert (ruled.date, ruled.rule, ruled.name) == (expected, "cure.max", "cure_deadline")


def test_no_cure_period_means_the_due_date_itself():
    ruled = cure_deadline(date(2025, 5, 15), "none")
    assert (ruled.date, ruled.rule) == (date(2025, 5, 15), "cure.none")


def test_a_shorter_plan_period_counts_days_and_is_flagged():
    ruled = cure_deadline(date(2003, 8, 31), 91)  # the Q&A-10(c) three-month period
    assert (ruled.date, ruled.rule, ruled.note) == (date(2003, 11, 30), "cure.plan_days", "cure.plan_shorter")


def test_a_plan_period_longer_than_the_law_allows_is_cut_to_the_legal_limit():
    assert cure_deadline(date(2025, 3, 31), 120).date == date(2025, 6, 30)
    assert cure_deadline(date(2025, 3, 31), 120).rule == "cure.max"
    assert cure_deadline(date(2025, 3, 31), 91).date == date(2025, 6, 30)  # exactly the limit


@pytest.mark.parametrize("paid, cured", [
    (date(2025, 6, 29), True), (date(2025, 6, 30), True), (date(2025, 7, 1), False),
])
def test_boundary_trio_on_the_cure_deadline(paid, cured):
    assert cured_in_time(paid, date(2025, 6, 30)) is cured
