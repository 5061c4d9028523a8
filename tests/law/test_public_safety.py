"""IRC 72(t)(10) coverage by plan type, job and date: the boundary days of each law."""
from datetime import date

import pytest

from rules_core.facts import UNKNOWN
from rules_core.law import public_safety as ps

DC_2016 = date(2016, 1, 1)      # Pub. L. 114-26: distributions after Dec. 31, 2015
SECURE2 = date(2022, 12, 30)    # SECURE 2.0 §§308, 329, 330: distributions after Dec. 29, 2022


@pytest.mark.parametrize("on, covered", [
    (date(2015, 12, 31), False), (DC_2016, True), (date(2016, 1, 2), True),
])
def test_governmental_police_from_2016(on, covered):
    assert ps.coverage(on, True, "police", "governmental") == ps.PublicSafety(covered)


@pytest.mark.parametrize("on, covered", [
    (date(2022, 12, 29), False), (SECURE2, True), (date(2022, 12, 31), True),
])
def test_private_firefighters_after_december_29_2022(on, covered):
    assert ps.coverage(on, UNKNOWN, "private_firefighter", UNKNOWN).covered is covered
    assert ps.coverage(on, True, "firefighter", "private").covered is covered


def test_private_police_never():
    assert ps.coverage(date(2025, 6, 1), True, "police", "private") == ps.NOT_COVERED


def test_corrections_join_governmental_plans_with_secure_2():
    assert ps.coverage(date(2022, 12, 29), True, "corrections", "governmental").covered is False
    assert ps.coverage(SECURE2, True, "corrections", "governmental").covered is True


def test_no_and_none_are_not_covered_and_nothing_is_asked():
    assert ps.coverage(date(2025, 6, 1), False, UNKNOWN, UNKNOWN) == ps.NOT_COVERED
    assert ps.coverage(date(2025, 6, 1), UNKNOWN, "none", UNKNOWN) == ps.NOT_COVERED


@pytest.mark.parametrize("on, employee, role, plan, needs", [
    (date(2025, 6, 1), UNKNOWN, UNKNOWN, UNKNOWN, "public_safety_employee"),
    (date(2025, 6, 1), True, UNKNOWN, UNKNOWN, "plan_type"),           # police: governmental only
    (date(2020, 6, 1), True, UNKNOWN, "governmental", "public_safety_role"),  # corrections not yet
])
def test_the_fact_that_decides_is_asked(on, employee, role, plan, needs):
    assert ps.coverage(on, employee, role, plan) == ps.PublicSafety(None, needs)


def test_before_2006_nothing_is_covered_and_nothing_fails():
    assert ps.coverage(date(2005, 2, 1), True, "police", "governmental") == ps.NOT_COVERED


@pytest.mark.parametrize("on, years, verdict", [
    (date(2022, 12, 29), 30, False), (SECURE2, 24, False), (SECURE2, 25, True), (SECURE2, 26, True),
    (SECURE2, UNKNOWN, None),
])
def test_twenty_five_years_of_service(on, years, verdict):
    assert ps.by_service(on, years) is verdict
