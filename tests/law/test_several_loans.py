"""Several loans: the 72(p)(2)(A) limit at issuance with other and replaced loans (Treas. Reg.
1.72(p)-1 Q&A-4, Q&A-19, Q&A-20), and loans offset together."""
from datetime import date
from decimal import Decimal

import pytest

from rules_core.law import several_loans as sl

D = Decimal


def test_an_80000_loan_against_a_large_vested_balance_deems_the_30000_excess():
    limit = sl.issuance_limit(date(2025, 3, 1), D("80000"), D("200000"), D("0"), D("0"), None, None, None)
    assert (limit.cap, limit.counted_total, limit.deemed_amount) == (D("50000"), D("80000"), D("30000"))
    assert limit.assumed == ()


@pytest.mark.parametrize("amount, excess", [("49999.99", "0"), ("50000", "0"), ("50000.01", "0.01")])
def test_the_cap_boundary(amount, excess):
    limit = sl.issuance_limit(date(2025, 3, 1), D(amount), D("200000"), D("0"), D("0"), None, None, None)
    assert limit.deemed_amount == D(excess)


def test_qa20_example_1_counts_both_loans_when_the_replacement_runs_past_the_old_term():
    limit = sl.issuance_limit(date(2006, 1, 1), D("40000"), D("200000"), D("0"), D("40000"),
                              D("33322"), date(2005, 1, 1), date(2011, 1, 1))
    assert (limit.cap, limit.counted_total, limit.deemed_amount) == (D("43322"), D("73322"), D("30000"))
    assert limit.replaced_counts is True
    assert limit.replaced_term_end.date == date(2010, 1, 1)


@pytest.mark.parametrize("replacement_end, counts", [
    (date(2009, 12, 31), False),  # the day before the replaced loan's latest term ends
    (date(2010, 1, 1), False),    # the day itself: not after it
    (date(2010, 1, 2), True),     # the day after
])
def test_replacement_counts_both_only_when_it_ends_after_the_old_latest_term(replacement_end, counts):
    assert sl.replacement_counts_both(replacement_end, date(2005, 1, 1)) is counts


def test_an_unknown_replacement_term_counts_only_the_new_loan_and_says_so():
    limit = sl.issuance_limit(date(2006, 1, 1), D("40000"), D("200000"), D("0"), D("40000"),
                              D("33322"), date(2005, 1, 1), None)
    assert limit.replaced_counts is None and limit.counted_total == D("40000")


def test_unknown_other_loans_are_assumed_zero_and_named():
    limit = sl.issuance_limit(date(2025, 3, 1), D("20000"), D("30000"), None, None, None, None, None)
    assert limit.assumed == ("other_loans_balance", "highest_loan_balance_12m")
    assert (limit.cap, limit.deemed_amount) == (D("15000"), D("5000"))


def test_loans_offset_together_split_by_standing():
    loans = (sl.OffsetLoan(D("6000"), True), sl.OffsetLoan(D("4000"), False), sl.OffsetLoan(D("1"), True))
    assert sl.split_offset(loans) == (D("6001"), D("4000"))
