"""Death and beneficiaries (IRC 72(t)(2)(A)(ii), 402(c)(9), 402(c)(11)), the RMD part of an
offset (Treas. Reg. 1.402(c)-2 Q&A-7, Q&A-9) and planned dates."""
from datetime import date
from decimal import Decimal

import pytest

from rules_core.facts import UNKNOWN, parse_facts
from rules_core.law import death
from rules_core.law.planned_events import planned_events
from rules_core.law.required_minimum import split_offset

D = Decimal


@pytest.mark.parametrize("died, paid_after", [
    (date(2026, 3, 2), False), (date(2026, 3, 1), True), (date(2026, 2, 28), True), (UNKNOWN, False)])
def test_paid_after_death_boundary(died, paid_after):
    assert death.paid_after_death(died, date(2026, 3, 1)) is paid_after


@pytest.mark.parametrize("beneficiary, may", [
    ("spouse", True), ("non_spouse", False), ("estate_or_trust", False), (UNKNOWN, None)])
def test_who_may_roll_over(beneficiary, may):
    assert death.beneficiary_may_roll_over(beneficiary) is may


@pytest.mark.parametrize("offset, rmd, rmd_part, rollable", [
    ("10000", "4000", "4000", "6000"), ("3000", "4000", "3000", "0"), ("5000", "0", "0", "5000")])
def test_the_first_dollars_are_the_rmd(offset, rmd, rmd_part, rollable):
    assert split_offset(D(offset), D(rmd)) == (D(rmd_part), D(rollable))


@pytest.mark.parametrize("offset, planned", [
    ("2026-12-04", ()), ("2026-12-05", ()), ("2026-12-06", ("offset_date",))])
def test_only_dates_after_as_of_are_plans(offset, planned):
    f = parse_facts({"as_of": "2026-12-05", "offset_date": offset, "separation_date": "2026-11-30"})
    assert planned_events(f, f.as_of) == planned


def test_every_plannable_date_has_a_planned_name():
    from rules_core.law.planned_events import PLANNABLE
    from rules_core.messages import message
    assert all(message("planned." + name) for name in PLANNABLE)
