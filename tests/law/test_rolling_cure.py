"""The rolling cure (IRS CCA 201736022): late payments go to the oldest unpaid installment, and
each installment has its own cure deadline (Treas. Reg. 1.72(p)-1 Q&A-10)."""
from datetime import date
from decimal import Decimal

import pytest

from rules_core.law import rolling_cure as rc
from rules_core.law.cure_period import cure_deadline

D = Decimal


def history(dues, payments, amount="500"):
    return rc.PaymentHistory(tuple(rc.Installment(d, D(amount)) for d in dues),
                             tuple(rc.Payment(d, D(a)) for d, a in payments))


def read(h, as_of, suspended=lambda due: False):
    return rc.read_history(h, as_of, lambda due: cure_deadline(due, "max"), suspended)


MONTH_ENDS_2019 = [date(2019, m, d) for m, d in ((3, 31), (4, 30), (5, 31), (6, 30), (7, 31))]


def test_cca_situation_1_payments_go_to_the_oldest_installment_and_all_are_cured():
    # missed 3/31 and 4/30; single payments 5/31 and 6/30; a triple payment on 7/31
    h = history(MONTH_ENDS_2019, [(date(2019, 5, 31), "500"), (date(2019, 6, 30), "500"),
                                  (date(2019, 7, 31), "1500")])
    paid = [p for p, _ in rc.paid_in_full_dates(h)]
    assert paid == [date(2019, 5, 31), date(2019, 6, 30), date(2019, 7, 31), date(2019, 7, 31), date(2019, 7, 31)]
    outcome = read(h, date(2019, 12, 31))
    assert [s.status for s in outcome.installments] == ["cured", "cured", "cured", "cured", "on_time"]


def test_payments_are_applied_in_date_order_whatever_order_they_are_given():
    h1 = history(MONTH_ENDS_2019[:2], [(date(2019, 5, 31), "500"), (date(2019, 4, 30), "500")])
    h2 = history(MONTH_ENDS_2019[:2], [(date(2019, 4, 30), "500"), (date(2019, 5, 31), "500")])
    assert rc.paid_in_full_dates(h1) == rc.paid_in_full_dates(h2)


def test_a_partial_payment_leaves_the_installment_unpaid_with_what_is_still_owed():
    h = history(MONTH_ENDS_2019[:1], [(date(2019, 5, 31), "300")])
    (paid_on, unpaid), = rc.paid_in_full_dates(h)
    assert paid_on is None and unpaid == D("200")


def test_money_beyond_the_last_installment_settles_nothing_more():
    h = history(MONTH_ENDS_2019[:1], [(date(2019, 3, 31), "900")])
    assert rc.paid_in_full_dates(h) == ((date(2019, 3, 31), D("0")),)


@pytest.mark.parametrize("as_of, status", [
    (date(2019, 6, 29), "open"),    # the day before the March installment's deadline
    (date(2019, 6, 30), "open"),    # the deadline itself: still curable
    (date(2019, 7, 1), "failed"),   # the day after
])
def test_an_unpaid_installment_fails_the_day_after_its_own_deadline(as_of, status):
    outcome = read(history(MONTH_ENDS_2019[:1], []), as_of)
    assert outcome.installments[0].status == status
    assert outcome.deciding_due == date(2019, 3, 31) and outcome.deciding_paid_on is None


@pytest.mark.parametrize("paid_on, status", [
    (date(2019, 6, 29), "cured"), (date(2019, 6, 30), "cured"), (date(2019, 7, 1), "failed"),
])
def test_a_late_payment_cures_only_up_to_the_deadline(paid_on, status):
    outcome = read(history(MONTH_ENDS_2019[:1], [(paid_on, "500")]), date(2019, 8, 1))
    assert outcome.installments[0].status == status


def test_the_first_failure_decides_before_any_open_installment():
    # March unpaid (deadline June 30) and April unpaid (deadline September 30), as of July 1
    outcome = read(history(MONTH_ENDS_2019[:2], []), date(2019, 7, 1))
    assert [s.status for s in outcome.installments] == ["failed", "open"]
    assert outcome.deciding_due == date(2019, 3, 31)


def test_an_installment_due_today_or_later_is_not_yet_missed():
    outcome = read(history([date(2019, 3, 31)], []), date(2019, 3, 31))
    assert outcome.installments[0].status == "not_yet_due" and outcome.deciding_due is None


def test_installments_inside_a_suspension_are_not_due():
    outcome = read(history(MONTH_ENDS_2019[:2], []), date(2019, 12, 31),
                   suspended=lambda due: due <= date(2019, 4, 30))
    assert [s.status for s in outcome.installments] == ["suspended", "suspended"]
    assert outcome.deciding_due is None and outcome.installments[0].cure_deadline is None
