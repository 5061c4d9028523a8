"""What a missed installment has become, and failures at issuance."""
from datetime import date

import pytest

from rules_core.facts import UNKNOWN
from rules_core.law import deemed_distribution as dd

DUE = date(2025, 8, 31)           # cure deadline with the maximum period: 2025-12-31


@pytest.mark.parametrize("caught_up, as_of, status", [
    (date(2025, 12, 31), date(2026, 1, 5), dd.CURED),        # on the last day
    (date(2025, 9, 15), date(2025, 9, 20), dd.CURED),
    (date(2026, 1, 1), date(2026, 1, 5), dd.DEEMED),         # one day late
    (None, date(2025, 12, 31), dd.WINDOW_OPEN),              # not yet, deadline today
    (None, date(2026, 1, 1), dd.DEEMED),                     # not caught up, day after
    (UNKNOWN, date(2025, 10, 1), dd.WINDOW_OPEN),
    (UNKNOWN, date(2026, 1, 1), dd.UNKNOWN_CURE),            # must ask whether they caught up
])
def test_missed_installment_outcomes(caught_up, as_of, status):
    assert dd.missed_installment(DUE, "max", caught_up, as_of).status == status


def test_deemed_on_the_last_day_of_the_cure_period():
    outcome = dd.missed_installment(DUE, "max", None, date(2026, 2, 1))
    assert outcome.deemed_on.date == date(2025, 12, 31)
    assert outcome.deemed_on.rule == "deemed.cure_end"


def test_q4_miss_is_deemed_in_the_next_year():
    outcome = dd.missed_installment(date(2025, 11, 30), "max", None, date(2026, 6, 1))
    assert outcome.deemed_on.date == date(2026, 3, 31)


def test_no_cure_period_deems_on_the_due_date():
    outcome = dd.missed_installment(DUE, "none", None, date(2025, 9, 1))
    assert outcome.status == dd.DEEMED and outcome.deemed_on.date == DUE


@pytest.mark.parametrize("term, residence, payments, deemed", [
    (60, UNKNOWN, 12, False), (61, UNKNOWN, 12, True), (61, False, 12, True),
    (180, True, 12, False), (60, UNKNOWN, 4, False), (60, UNKNOWN, 3, True),
    (UNKNOWN, UNKNOWN, UNKNOWN, False),
])
def test_bad_terms_deem_the_whole_loan_on_the_loan_date(term, residence, payments, deemed):
    result = dd.deemed_at_issuance(date(2024, 5, 1), term, residence, payments)
    assert (result is not None) is deemed
    if deemed:
        assert result.date == date(2024, 5, 1) and result.rule == "deemed.issuance_terms"
