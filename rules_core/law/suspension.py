"""Repayments suspended for a leave of absence or military service.

1. Unpaid leave (Treas. Reg. 1.72(p)-1, Q&A-9(a)): a plan may stop requiring installments
   while the participant is on a bona fide leave of absence without pay (or with pay, after
   withholding, below the installment), for no longer than one year. The loan, with the
   interest that accrued meanwhile, must still be repaid by its latest permissible term
   (5 years from the loan date unless it bought a principal residence), so the installments
   after the leave are at least the original ones and usually larger.
2. Military service (IRC 414(u)(4); Q&A-9(b)): a plan may suspend repayments for the whole
   period of uniformed service, even beyond a year. Payments resume when the service ends, at
   least as often and as large as before, and the loan must be repaid by the end of its
   original term plus the period of service.
Either way, an installment that falls inside the suspension is not due, so it cannot be
missed. Plans may, not must, suspend; the answer says it assumes the plan did.
"""
from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple, Optional

from ..parameters import parameter
from .dates import add_days, add_months
from .loan_terms import max_term_end
from .ruled import RuledDate

LEAVE, MILITARY = "unpaid_leave", "military_service"


class Suspension(NamedTuple):
    kind: str
    start: date
    end: Optional[RuledDate]          # last day installments are suspended; None: still serving
    repay_by: Optional[RuledDate]     # the latest day the loan must be repaid


def leave_suspension(start: date, leave_end: Any, loan_date: Any, term_months: Any,
                     principal_residence: Any) -> Suspension:
    """Suspended from the first day of the leave to its end, never past one year after it
    began; repaid by the loan's latest permissible term, which the leave does not move.
    Source: Treas. Reg. 1.72(p)-1, Q&A-9(a)."""
    limit = add_months(start, parameter("leave_suspension_max_months", start))
    # interpretation: "not longer than one year" counted as ending the day before the
    # anniversary of the first day of leave (a one-year period starting on that day)
    last_day = add_days(limit.date, -1)
    if isinstance(leave_end, date) and leave_end < last_day:
        end = RuledDate("suspension_end", leave_end, "suspension.leave_end")
    else:
        end = RuledDate("suspension_end", last_day, "suspension.leave_one_year")
    latest = max_term_end(loan_date, term_months, principal_residence) if isinstance(loan_date, date) else None
    return Suspension(LEAVE, start, end, latest)


def military_suspension(start: date, service_end: Any, loan_date: Any, term_months: Any) -> Suspension:
    """Suspended for the whole period of service; the loan is due by its original term plus
    the length of the service. Without the end of service the new date is not known yet.
    Source: IRC 414(u)(4); Treas. Reg. 1.72(p)-1, Q&A-9(b)."""
    if not isinstance(service_end, date):
        return Suspension(MILITARY, start, None, None)
    end = RuledDate("suspension_end", service_end, "suspension.military_end")
    repay_by = None
    if isinstance(loan_date, date):
        # interpretation: the original term is the loan's own (loan_term_months); without it,
        # the longest a general-purpose loan may run (5 years)
        months = term_months if isinstance(term_months, int) else parameter("loan_max_term_months", loan_date)
        original_end = add_months(loan_date, months).date
        service_days = (service_end - start).days + 1
        repay_by = RuledDate("max_term_end", add_days(original_end, service_days), "suspension.military_term_extended")
    return Suspension(MILITARY, start, end, repay_by)


def is_suspended(due: date, suspension: Suspension) -> bool:
    """Whether an installment due on `due` falls inside the suspension (first to last day)."""
    if due < suspension.start:
        return False
    return suspension.end is None or due <= suspension.end.date
