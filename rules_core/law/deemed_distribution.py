"""Deemed distributions: when a loan stops being a loan for tax purposes (IRC 72(p)(1)).

Two ways in, in the law's order:
  1. at issuance, terms that break 72(p)(2)(B)/(C) make the whole loan a deemed
     distribution on the loan date (Treas. Reg. 1.72(p)-1, Q&A-4);
  2. later, an installment not made up by the end of the cure period makes the whole
     outstanding balance, with accrued interest, a deemed distribution on the cure period's
     last day (Q&A-10(b)).
A deemed distribution is taxed once, cannot be rolled over (Q&A-12), and leaves the debt in
place: later repayments create basis (Q&A-21).
"""
from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple, Optional

from .cure_period import CurePeriod, cure_deadline, cured_in_time
from .loan_terms import terms_failure
from .ruled import RuledDate

# Outcomes of one missed installment
CURED, WINDOW_OPEN, DEEMED, UNKNOWN_CURE = "cured", "cure_window_open", "deemed", "unknown"


class MissedInstallment(NamedTuple):
    status: str                 # CURED, WINDOW_OPEN, DEEMED or UNKNOWN_CURE
    cure_deadline: RuledDate
    deemed_on: Optional[RuledDate] = None


def missed_installment(due: date, cure_period: CurePeriod, caught_up_on: Any,
                       as_of: date) -> MissedInstallment:
    """What a missed installment has become by `as_of`.

    `caught_up_on` is a date, None (not caught up) or anything else (unknown). A catch-up
    after the cure deadline does not undo the deemed distribution; it creates basis."""
    deadline = cure_deadline(due, cure_period)
    if isinstance(caught_up_on, date) and cured_in_time(caught_up_on, deadline.date):
        return MissedInstallment(CURED, deadline)
    failed = isinstance(caught_up_on, date) or caught_up_on is None
    if as_of <= deadline.date and not isinstance(caught_up_on, date):
        return MissedInstallment(WINDOW_OPEN, deadline)
    if failed:
        deemed = RuledDate("event_date", deadline.date, "deemed.cure_end")
        return MissedInstallment(DEEMED, deadline, deemed)
    return MissedInstallment(UNKNOWN_CURE, deadline)


def deemed_at_issuance(loan_date: Any, term_months: Any, principal_residence: Any,
                       payments_per_year: Any) -> Optional[RuledDate]:
    """A loan made on terms that break 72(p)(2)(B) or (C) is deemed distributed in full on
    the loan date. None when the terms are fine or not known."""
    if not isinstance(loan_date, date):
        return None
    if terms_failure(loan_date, term_months, principal_residence, payments_per_year) is None:
        return None
    return RuledDate("event_date", loan_date, "deemed.issuance_terms")
