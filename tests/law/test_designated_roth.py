"""Designated Roth money: qualified or not, and the 72(e)(8) earnings share."""
from datetime import date
from decimal import Decimal

import pytest

from rules_core.law import designated_roth as roth

D = Decimal


def test_a_deemed_distribution_is_never_qualified():
    # Treas. Reg. 1.402A-1 Q&A-2(c), Q&A-11: whatever the age or the Roth years
    assert roth.qualified_distribution(True, date(2025, 6, 1), True, False, False, 2006) == roth.RothVerdict(False)


@pytest.mark.parametrize("first_year, qualified", [(2021, False), (2020, True), (2019, True)])
def test_five_taxable_years_for_an_offset_at_59_and_a_half(first_year, qualified):
    # IRC 402A(d)(2)(B): 2020-2024 are the five years for a 2020 first contribution
    assert roth.qualified_distribution(False, date(2025, 6, 1), True, False, False, first_year).qualified is qualified


def test_an_offset_before_59_and_a_half_without_death_or_disability_is_not_qualified():
    assert roth.qualified_distribution(False, date(2025, 6, 1), False, False, False, 2010).qualified is False
    assert roth.qualified_distribution(False, date(2025, 6, 1), False, False, True, 2010).qualified is True


def test_unknowns_are_asked():
    assert roth.qualified_distribution(False, date(2025, 6, 1), None, False, False, 2010).needs == "birth_date"
    assert roth.qualified_distribution(False, date(2025, 6, 1), True, False, False, None).needs == \
        "roth_first_contribution_year"


@pytest.mark.parametrize("amount, basis, balance, share", [
    (D("5000"), D("9400"), D("10000"), D("300.00")),    # IRS Roth FAQ example [M]
    (D("10000"), D("6000"), D("24000"), D("7500.00")),
    (D("10000"), D("24000"), D("24000"), D("0.00")),    # all basis
    (D("10000"), D("30000"), D("24000"), D("0.00")),    # a loss: nothing taxable
    (D("10000"), D("0"), D("24000"), D("10000.00")),    # no basis
    (D("100.00"), D("1"), D("3"), D("66.67")),          # half up to the cent
])
def test_earnings_share(amount, basis, balance, share):
    assert roth.earnings_share(amount, basis, balance) == share
