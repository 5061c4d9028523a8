"""IRC 72(p)(2)(A) limits and the 72(p)(2)(B)/(C) terms."""
from datetime import date
from decimal import Decimal as D

import pytest

from rules_core.law.loan_terms import loan_limit, max_term_end, terms_failure

ON = date(2025, 1, 1)


@pytest.mark.parametrize("vested, highest, outstanding, requested, cap, max_new, deemed", [
    (200000, 0, 0, 70000, 50000, 50000, 20000),          # Q&A-4: only the excess
    (30000, 0, 0, 20000, 15000, 15000, 5000),            # Q&A-4: half the vested balance
    (100000, 40000, 33322, 40000, 43322, 10000, 30000),  # Q&A-20 refinancing example
    (15000, 0, 0, 10000, 10000, 10000, 0),               # the $10,000 floor
    (15000, 0, 0, 10001, 10000, 10000, 1),
    (80000, 0, 45000, 10000, 40000, 0, 10000),           # already over: nothing more may be lent
])
def test_loan_limit(vested, highest, outstanding, requested, cap, max_new, deemed):
    result = loan_limit(D(vested), D(highest), D(outstanding), D(requested), ON)
    assert (result.cap, result.max_new_loan, result.deemed_amount) == (D(cap), D(max_new), D(deemed))
    assert result.reasons


def test_floor_note_appears_only_when_the_floor_lifts_the_limit():
    assert any("floor" in r for r in loan_limit(D(15000), D(0), D(0), D(1000), ON).reasons)
    assert not any("floor" in r for r in loan_limit(D(100000), D(0), D(0), D(1000), ON).reasons)


def test_a_term_over_five_years_deems_the_whole_loan_unless_for_a_home():
    assert loan_limit(D(100000), D(0), D(0), D(20000), ON, term_months=61).deemed_amount == D(20000)
    assert loan_limit(D(100000), D(0), D(0), D(20000), ON, term_months=61,
                      principal_residence=True).deemed_amount == D(0)


@pytest.mark.parametrize("term, residence, payments, failure", [
    (60, False, 12, None), (61, False, 12, "term"), (360, True, 12, None), (60, False, 4, None),
    (60, False, 2, "payments"), (60, False, 1, "payments"),
])
def test_terms_failure(term, residence, payments, failure):
    assert terms_failure(ON, term, residence, payments) == failure


def test_max_term_end_is_five_years_or_the_residence_term():
    assert max_term_end(date(2020, 8, 1), 36, False).date == date(2025, 8, 1)
    assert max_term_end(date(2020, 8, 1), 240, True).date == date(2040, 8, 1)
    assert max_term_end(date(2020, 8, 1), None, True) is None
