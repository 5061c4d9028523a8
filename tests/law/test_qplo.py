"""Qualified plan loan offsets: the 12-month window and the extended rollover deadline."""
from datetime import date

import pytest

from rules_core.law import qplo


def test_window_ends_on_the_first_anniversary():
    end = qplo.qplo_window_end(date(2025, 3, 14))
    assert (end.date, end.rule, end.certainty) == (date(2026, 3, 14), "qplo.window_end", "settled")


@pytest.mark.parametrize("offset, inside", [
    (date(2025, 3, 13), False),  # before the severance: not a severance offset
    (date(2025, 3, 14), True),   # the severance day itself
    (date(2026, 3, 13), True),   # day before the anniversary
    (date(2026, 3, 14), True),   # the anniversary
    (date(2026, 3, 15), False),  # day after
])
def test_window_boundaries(offset, inside):
    assert qplo.within_window(offset, date(2025, 3, 14)) is inside


def test_feb_29_severance_window_ends_feb_28_and_is_flagged():
    end = qplo.qplo_window_end(date(2024, 2, 29))
    assert end.date == date(2025, 2, 28)
    assert (end.certainty, end.note) == ("unsettled", "window.anniversary_feb29")


@pytest.mark.parametrize("offset, extended, original, certainty", [
    (date(2025, 6, 30), date(2026, 10, 15), date(2026, 4, 15), "settled"),
    (date(2024, 1, 2), date(2025, 10, 15), date(2025, 4, 15), "settled"),
    (date(2022, 12, 31), date(2023, 10, 16), date(2023, 4, 18), "likely"),   # Oct 15 2023 a Sunday
    (date(2021, 7, 1), date(2022, 10, 17), date(2022, 4, 18), "likely"),     # Oct 15 2022 a Saturday
])
def test_rollover_deadline_is_the_return_due_date_for_the_offset_year(offset, extended, original, certainty):
    deadlines = qplo.qplo_rollover_deadlines(offset)
    assert deadlines.with_extension.date == extended
    assert deadlines.without_extension.date == original
    assert deadlines.with_extension.certainty == certainty
    assert deadlines.with_extension.rule == "rollover.qplo_extended"


@pytest.mark.parametrize("offset, available", [
    (date(2017, 12, 31), False), (date(2018, 1, 1), True), (date(2018, 1, 2), True),
])
def test_extended_window_exists_for_offsets_from_2018(offset, available):
    assert qplo.extended_window_in_force(offset) is available
