"""The 10% additional tax: 59½ computed exactly, the separation-year-of-55 rule, claims."""
from datetime import date
from decimal import Decimal

import pytest

from rules_core.facts import UNKNOWN
from rules_core.law import additional_tax as at
from rules_core.law.public_safety import PublicSafety


def ages(birth=UNKNOWN, age=UNKNOWN):
    return at.AgeFacts(birth, age)


@pytest.mark.parametrize("birth, half", [
    (date(1966, 3, 15), date(2025, 9, 15)),
    (date(1966, 6, 30), date(2025, 12, 30)),
    (date(1966, 7, 1), date(2026, 1, 1)),
])
def test_59_and_a_half_is_six_calendar_months_after_the_59th_birthday(birth, half):
    ruled = at.age_59_half_date(birth)
    assert (ruled.date, ruled.certainty) == (half, "settled")


@pytest.mark.parametrize("birth, half", [
    (date(1966, 8, 31), date(2026, 2, 28)),
    (date(1964, 2, 29), date(2023, 8, 29)),
])
def test_month_end_and_leap_day_birthdays_are_flagged(birth, half):
    ruled = at.age_59_half_date(birth)
    assert (ruled.date, ruled.certainty, ruled.note) == (half, "unsettled", "tax.age_59_half_month_end")


@pytest.mark.parametrize("on, reached", [
    (date(2025, 9, 14), False), (date(2025, 9, 15), True), (date(2025, 9, 16), True),
])
def test_one_day_either_side_of_59_and_a_half(on, reached):
    assert at.reached_59_half(ages(date(1966, 3, 15)), on) is reached


@pytest.mark.parametrize("age, reached", [(58, False), (59, None), (60, True)])
def test_a_whole_age_of_59_cannot_decide(age, reached):
    assert at.reached_59_half(ages(age=age), date(2025, 6, 1)) is reached


@pytest.mark.parametrize("birth, separation, public_safety, qualifies", [
    (date(1970, 12, 31), date(2025, 1, 2), False, True),   # turns 55 later in the separation year
    (date(1970, 12, 31), date(2024, 12, 31), False, False),  # separated the year before
    (date(1975, 6, 1), date(2025, 3, 1), True, True),     # public safety: year of 50
    (date(1975, 6, 1), date(2024, 3, 1), True, False),
    (date(1975, 6, 1), date(2025, 3, 1), False, False),
])
def test_separation_in_or_after_the_year_of_55(birth, separation, public_safety, qualifies):
    threshold = 50 if public_safety else 55
    assert at.separated_in_or_after_year_of(ages(birth), date(2025, 6, 1), separation, threshold) is qualifies


def test_separation_year_from_a_whole_age_decides_only_when_both_birth_years_agree():
    event, separation = date(2025, 6, 1), date(2025, 2, 1)
    assert at.separated_in_or_after_year_of(ages(age=57), event, separation, 55) is True
    assert at.separated_in_or_after_year_of(ages(age=55), event, separation, 55) is True
    assert at.separated_in_or_after_year_of(ages(age=54), event, separation, 55) is None
    assert at.separated_in_or_after_year_of(ages(age=53), event, separation, 55) is False


def outcome(birth=UNKNOWN, age=UNKNOWN, separation=UNKNOWN, employed=None, claimed=(), public_safety=False):
    safety = PublicSafety(True) if public_safety else PublicSafety(False)
    return at.additional_tax(ages(birth, age), date(2025, 6, 1), separation, employed, safety, claimed)


def test_under_59_and_a_half_still_employed_owes_and_age_55_cannot_help():
    tax = outcome(birth=date(1969, 1, 1), employed=True)
    assert (tax.applies, tax.topic, at.age_code(tax)) == (True, "tax.no_age_55_while_employed", "1")


def test_left_in_the_year_of_55_is_exempt_with_code_2():
    tax = outcome(birth=date(1970, 3, 1), separation=date(2025, 1, 15), employed=False)
    assert (tax.applies, tax.exception, at.age_code(tax)) == (False, "separation_age_55", "2")


def test_59_and_a_half_is_exempt_with_code_7():
    tax = outcome(birth=date(1960, 1, 1), employed=True)
    assert (tax.applies, at.age_code(tax)) == (False, "7")


def test_a_claimed_exception_removes_the_tax_but_the_plan_still_codes_1():
    tax = outcome(birth=date(1980, 1, 1), employed=False, claimed=("disability",))
    assert (tax.applies, tax.topic, at.age_code(tax)) == (False, "tax.exception_claimed", "1")


def test_death_is_code_4_at_any_age():
    tax = outcome(birth=date(1980, 1, 1), claimed=("death",))
    assert (tax.applies, at.age_code(tax)) == (False, "4")


def test_unknown_age_is_unknown_not_false():
    tax = outcome()
    assert (tax.applies, tax.topic, at.age_code(tax)) == (None, "tax.unknown_age", None)


# ---- governmental 457(b): IRC 72(t)(9) -------------------------------------------------------
APPLIES = at.AdditionalTax(True, "tax.additional_applies", None, False)
UNDECIDED = at.AdditionalTax(None, "tax.unknown_age", None, None, "birth_date")


@pytest.mark.parametrize("kind, plan_type, governmental", [
    ("457b", UNKNOWN, True), ("457b", "governmental", True), ("401k", "governmental", False),
    ("403b", UNKNOWN, False), ("tsp", UNKNOWN, False), (UNKNOWN, "governmental", False),
])
def test_only_a_457b_plan_of_a_government_takes_the_rule(kind, plan_type, governmental):
    assert at.from_governmental_457b(kind, plan_type) is governmental


@pytest.mark.parametrize("rolled_in", [UNKNOWN, Decimal("0.00")])
def test_nothing_rolled_in_means_no_10_percent_and_code_2(rolled_in):
    for verdict in (APPLIES, UNDECIDED):
        tax, base = at.governmental_457b(verdict, rolled_in, Decimal("12000.00"))
        assert (tax.applies, tax.exception, base) == (False, "governmental_457b", Decimal("0.00"))
        assert at.age_code(tax) == "2"


def test_a_rolled_in_part_is_the_only_base_of_the_10_percent():
    tax, base = at.governmental_457b(APPLIES, Decimal("5000.00"), Decimal("12000.00"))
    assert tax.applies is True and tax.topic == "tax.governmental_457b_rolled_in" and base == Decimal("5000.00")


def test_all_of_it_rolled_in_keeps_the_usual_verdict_on_the_whole():
    assert at.governmental_457b(APPLIES, Decimal("12000.00"), Decimal("12000.00")) == (APPLIES, None)


def test_another_exception_frees_the_rolled_in_part_too():
    at_59_half = at.AdditionalTax(False, "tax.exempt_59_half", "age_59_half", True)
    assert at.governmental_457b(at_59_half, Decimal("5000.00"), Decimal("12000.00")) == (at_59_half, None)
