"""The rolling cure: a payment history read installment by installment (IRS CCA 201736022).

The clause, in our words: each missed installment has its own cure period (Treas. Reg.
1.72(p)-1, Q&A-10(a)), and a late payment goes to the oldest installment still unpaid. A
person who keeps paying late can therefore stay cured, as long as every installment is paid
in full by the end of its own cure period; a partial payment leaves the installment unpaid.
The first installment still unpaid when its cure period ends decides the deemed
distribution: it happens on that last day (Q&A-10(b)). Source: CCA 201736022 (Situation 1);
IRS Issue Snapshot "Plan Loan Cure Period"; Treas. Reg. 1.72(p)-1, Q&A-10.

The history is reduced to the two facts the single-installment rule already reads: the due
date of the installment that decides, and the day it was paid in full (None: not yet).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Callable, NamedTuple, Optional, Tuple

from .ruled import RuledDate

ZERO = Decimal("0.00")
# Status of one installment on the as-of date
ON_TIME, CURED, OPEN, FAILED = "on_time", "cured", "open", "failed"
SUSPENDED, NOT_DUE = "suspended", "not_yet_due"


class Installment(NamedTuple):
    due_date: date
    amount_due: Decimal


class Payment(NamedTuple):
    date: date
    amount: Decimal


class PaymentHistory(NamedTuple):
    installments: Tuple[Installment, ...]
    payments: Tuple[Payment, ...]


class InstallmentStatus(NamedTuple):
    due_date: date
    amount_due: Decimal
    unpaid: Decimal                 # still owed on the as-of date
    paid_in_full_on: Optional[date]
    cure_deadline: Optional[date]   # None while repayments were suspended (suspension.py)
    status: str


class HistoryOutcome(NamedTuple):
    """What the history comes to: the installment that decides (None when every installment
    was paid on time or suspended) and the day it was paid in full (None: not paid)."""

    installments: Tuple[InstallmentStatus, ...]
    deciding_due: Optional[date]
    deciding_paid_on: Optional[date]


def paid_in_full_dates(history: PaymentHistory) -> Tuple[Tuple[Optional[date], Decimal], ...]:
    """For each installment in due-date order: the day it was paid in full (None if never)
    and what is still unpaid, applying each payment, in date order, to the oldest
    installment with something unpaid. Money left after the last installment is a
    prepayment and settles nothing. Source: CCA 201736022."""
    installments = sorted(history.installments)
    unpaid = [i.amount_due for i in installments]
    paid_on: list = [None] * len(installments)
    oldest = 0
    for payment in sorted(history.payments):
        left = payment.amount
        while left > 0 and oldest < len(installments):
            applied = min(left, unpaid[oldest])
            unpaid[oldest] -= applied
            left -= applied
            if unpaid[oldest] == 0:
                paid_on[oldest] = payment.date
                oldest += 1
    return tuple(zip(paid_on, unpaid))


def read_history(history: PaymentHistory, as_of: date, deadline_of: Callable[[date], RuledDate],
                 suspended: Callable[[date], bool]) -> HistoryOutcome:
    """Each installment's status on `as_of`, and the installment that decides the loan:
    the first to fail (unpaid at the end of its cure period), else the oldest still open,
    else the last one made up late (a cure), else none. Installments due while repayments
    were suspended are not due at all (Q&A-9; IRC 414(u)(4))."""
    statuses = []
    # A suspended installment is not due and takes no payment: the plan re-amortizes it after
    # the suspension, so payments go to the installments that were due (Q&A-9).
    paused = frozenset(i for i in history.installments if suspended(i.due_date))
    due_ones = tuple(i for i in history.installments if i not in paused) if paused else history.installments
    for installment in paused:
        statuses.append(InstallmentStatus(installment.due_date, installment.amount_due, installment.amount_due,
                                          None, None, SUSPENDED))
    applied = paid_in_full_dates(PaymentHistory(due_ones, history.payments))
    for installment, (paid_on, unpaid) in zip(sorted(due_ones), applied):
        due = installment.due_date
        deadline = deadline_of(due).date
        statuses.append(InstallmentStatus(due, installment.amount_due, unpaid, paid_on, deadline,
                                          _status(due, deadline, paid_on, as_of)))
    statuses.sort(key=lambda s: s.due_date)
    return HistoryOutcome(tuple(statuses), *_deciding(statuses))


def _status(due: date, deadline: date, paid_on: Optional[date], as_of: date) -> str:
    if paid_on is not None and paid_on <= due:
        return ON_TIME
    if paid_on is None and due >= as_of:
        return NOT_DUE  # interpretation: an installment is missed only once its due date has passed
    if paid_on is not None and paid_on <= deadline:
        return CURED
    return OPEN if as_of <= deadline else FAILED


def _deciding(statuses: list) -> Tuple[Optional[date], Optional[date]]:
    for wanted in (FAILED, OPEN):
        found = [s for s in statuses if s.status == wanted]
        if found:
            first = min(found, key=lambda s: s.cure_deadline)
            return first.due_date, first.paid_in_full_on
    cured = [s for s in statuses if s.status == CURED]
    if cured:
        last = max(cured, key=lambda s: s.paid_in_full_on)
        return last.due_date, last.paid_in_full_on
    return None, None


def as_dicts(outcome: HistoryOutcome) -> list:
    """The installments for the output contract (money as strings with two decimals)."""
    return [{"due_date": s.due_date.isoformat(), "amount_due": f"{s.amount_due:.2f}",
             "unpaid": f"{s.unpaid:.2f}",
             "paid_in_full_on": s.paid_in_full_on.isoformat() if s.paid_in_full_on else None,
             "cure_deadline": s.cure_deadline.isoformat() if s.cure_deadline else None,
             "status": s.status} for s in outcome.installments]
