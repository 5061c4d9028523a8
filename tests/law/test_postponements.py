"""Postponed deadlines: Notice 2020-23 and area disaster relief (IRC 7508A)."""
from datetime import date

import pytest

from rules_core.law import postponements as pp
from rules_core.law.ruled import RuledDate


def ruled(day):
    return RuledDate("rollover_deadline", day, "rollover.sixty_days")


@pytest.mark.parametrize("day, moved", [
    (date(2020, 3, 31), date(2020, 3, 31)), (date(2020, 4, 1), date(2020, 7, 15)),
    (date(2020, 7, 14), date(2020, 7, 15)), (date(2020, 7, 15), date(2020, 7, 15)),
])
def test_notice_2020_23_window(day, moved):
    out = pp.postpone(ruled(day), pp.ROLLOVER_ONLY)
    assert out.date == moved
    if moved != day:
        assert (out.rule, out.original, out.postponed_by) == ("postponed.notice_2020_23", day, "Notice 2020-23")


def test_notice_2020_23_does_not_reach_the_extended_return_date():
    assert pp.postpone(ruled(date(2020, 7, 1)), frozenset({pp.RETURN_EXTENDED})).date == date(2020, 7, 1)


def test_an_area_postponement_covers_its_period_only():
    area = pp.disaster(date(2024, 9, 24), date(2025, 5, 1), "FL-2024-07")
    assert pp.postpone(ruled(date(2024, 9, 23)), pp.ROLLOVER_ONLY, area).date == date(2024, 9, 23)
    assert pp.postpone(ruled(date(2024, 9, 24)), pp.ROLLOVER_ONLY, area).date == date(2025, 5, 1)
    assert pp.postpone(ruled(date(2025, 4, 30)), pp.ROLLOVER_ONLY, area).date == date(2025, 5, 1)
    assert pp.postpone(ruled(date(2025, 5, 1)), pp.ROLLOVER_ONLY, area).rule == "rollover.sixty_days"
    assert pp.postpone(ruled(date(2024, 10, 31)), pp.CURE, area).date == date(2024, 10, 31)


def test_no_area_postponement_without_both_dates():
    assert pp.disaster(None, date(2025, 5, 1), "FL-2024-07") is None


@pytest.mark.parametrize("due, possible", [
    (date(2020, 3, 26), False), (date(2020, 3, 27), True), (date(2020, 12, 31), True), (date(2021, 1, 1), False),
])
def test_cares_act_window(due, possible):
    assert pp.cares_suspension_possible(due) is possible
