"""Repayments suspended for unpaid leave (Treas. Reg. 1.72(p)-1 Q&A-9(a)) and military service
(IRC 414(u)(4); Q&A-9(b))."""
from datetime import date

import pytest

from rules_core.law import suspension as sp


def test_leave_suspends_for_at_most_one_year_and_keeps_the_5_year_date():
    s = sp.leave_suspension(date(2025, 9, 1), None, date(2024, 1, 15), None, None)
    assert (s.end.date, s.end.rule) == (date(2026, 8, 31), "suspension.leave_one_year")
    assert s.repay_by.date == date(2029, 1, 15) and s.repay_by.rule == "loan.max_term_end"


def test_a_short_leave_ends_the_suspension_when_it_ends():
    s = sp.leave_suspension(date(2025, 9, 1), date(2025, 12, 31), date(2024, 1, 15), None, None)
    assert (s.end.date, s.end.rule) == (date(2025, 12, 31), "suspension.leave_end")


@pytest.mark.parametrize("due, suspended", [
    (date(2025, 8, 31), False),   # the day before the leave
    (date(2025, 9, 1), True),     # its first day
    (date(2026, 8, 31), True),    # the last day of the one-year limit
    (date(2026, 9, 1), False),    # the day after
])
def test_which_installments_the_leave_suspends(due, suspended):
    s = sp.leave_suspension(date(2025, 9, 1), date(2027, 1, 1), date(2024, 1, 15), None, None)
    assert sp.is_suspended(due, s) is suspended


def test_military_service_extends_the_original_term_by_the_service():
    # 5-year loan of 2023-01-15; 365 days of service
    s = sp.military_suspension(date(2024, 3, 1), date(2025, 2, 28), date(2023, 1, 15), 60)
    assert s.repay_by.date == date(2029, 1, 14) and s.repay_by.rule == "suspension.military_term_extended"
    assert sp.is_suspended(date(2025, 2, 28), s) and not sp.is_suspended(date(2025, 3, 1), s)


def test_military_service_may_run_past_a_year():
    s = sp.military_suspension(date(2024, 3, 1), date(2026, 2, 28), date(2023, 1, 15), 36)
    assert sp.is_suspended(date(2026, 1, 31), s)
    # 3-year term ends 2026-01-15; 730 days of service (2024-03-01 through 2026-02-28) move it on
    assert s.repay_by.date == date(2028, 1, 15)


def test_service_still_going_suspends_everything_after_it_began_and_leaves_the_date_open():
    s = sp.military_suspension(date(2024, 3, 1), None, date(2023, 1, 15), 60)
    assert s.end is None and s.repay_by is None
    assert sp.is_suspended(date(2030, 1, 1), s)
