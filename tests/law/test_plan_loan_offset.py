"""Ordinary plan loan offsets: the 60-day deadline and why an offset happened."""
from datetime import date

import pytest

from rules_core.facts import UNKNOWN
from rules_core.law import plan_loan_offset as plo


@pytest.mark.parametrize("offset, deadline", [
    (date(2025, 6, 30), date(2025, 8, 29)),
    (date(2024, 12, 31), date(2025, 3, 1)),   # counts through a short February
    (date(2023, 12, 31), date(2024, 2, 29)),  # and a leap day
])
def test_sixtieth_day_after_the_offset(offset, deadline):
    ruled = plo.sixty_day_deadline(offset)
    assert (ruled.date, ruled.rule) == (deadline, "rollover.sixty_days")


def test_a_weekend_sixtieth_day_is_kept_and_flagged():
    ruled = plo.sixty_day_deadline(date(2024, 12, 31))  # 2025-03-01 is a Saturday
    assert ruled.date == date(2025, 3, 1)
    assert (ruled.certainty, ruled.note) == ("unsettled", "rollover.sixty_day_weekend")


def test_a_weekday_sixtieth_day_is_settled():
    assert plo.sixty_day_deadline(date(2025, 6, 30)).certainty == "settled"


OFFSET = date(2025, 6, 30)


@pytest.mark.parametrize("stated, separated, separation, terminated, termination, expected", [
    ("other", True, date(2025, 3, 1), UNKNOWN, UNKNOWN, "other"),             # what the user said wins
    (UNKNOWN, True, date(2025, 3, 1), UNKNOWN, UNKNOWN, "severance"),
    (UNKNOWN, True, UNKNOWN, UNKNOWN, UNKNOWN, "severance"),
    (UNKNOWN, UNKNOWN, UNKNOWN, True, date(2025, 5, 1), "plan_termination"),
    (UNKNOWN, UNKNOWN, UNKNOWN, True, date(2025, 7, 1), None),               # plan ended later; left job?
    (UNKNOWN, False, UNKNOWN, True, date(2025, 7, 1), "other"),               # plan ended after the offset
    (UNKNOWN, True, date(2025, 8, 1), UNKNOWN, UNKNOWN, "other"),             # offset while still employed
    (UNKNOWN, False, UNKNOWN, False, UNKNOWN, "other"),
    (UNKNOWN, False, UNKNOWN, UNKNOWN, UNKNOWN, None),                        # must ask about the plan
    (UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, None),
])
def test_offset_reason_is_inferred_only_when_the_facts_tell(stated, separated, separation, terminated,
                                                           termination, expected):
    assert plo.offset_reason(stated, OFFSET, separated, separation, terminated, termination) == expected
