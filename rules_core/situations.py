"""What the issue-10 facts mean before classification: one pass, in the law's order.

Suspensions first (an installment inside one is not due), then the payment history reduced
to the installment that decides (rolling cure), the amount limit at issuance (several loans,
refinancing), the loans offset together, death, and the dates that are still plans. The
result is a `Situation` (derived values, kept apart from what the user said) and, where a
derived value stands in for a fact the rules already read (the missed installment, the
offset balance), a Facts copy carrying it; `derived_facts` names those.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple, Optional, Tuple

from .facts import FACT_TABLE, UNKNOWN, Facts, known
from .law import death
from .law import rolling_cure as rc
from .law import several_loans as sl
from .law import suspension as sp
from .law.cure_period import cure_deadline
from .law.dates import add_months
from .law.planned_events import planned_events

_NEW_FACTS = ("payment_history", "vested_balance", "offset_loans", "unpaid_leave_start",
              "military_service_start", "death_date", "rmd_not_yet_distributed")
_NEW_INDEX = tuple(i for i, spec in enumerate(FACT_TABLE) if spec.name in _NEW_FACTS)
_PLANNABLE_INDEX = tuple(i for i, spec in enumerate(FACT_TABLE)
                         if spec.name in ("separation_date", "offset_date", "plan_termination_date"))

_new_facts, _plannable = itemgetter(*_NEW_INDEX), itemgetter(*_PLANNABLE_INDEX)
_NONE_GIVEN = (UNKNOWN,) * len(_NEW_INDEX)


class Situation(NamedTuple):
    suspensions: Tuple[sp.Suspension, ...] = ()
    history: Optional[rc.HistoryOutcome] = None
    due_suspended: bool = False                 # the missed installment fell inside a suspension
    limit: Optional[sl.IssuanceLimit] = None
    offset_split: Optional[Tuple[Decimal, Decimal]] = None   # (good standing, already deemed)
    after_death: bool = False                   # the offset or deemed date is on/after the death
    planned: Tuple[str, ...] = ()
    derived_facts: Tuple[str, ...] = ()

    @property
    def repay_by(self):
        """The latest repayment date a suspension sets (military service extends it)."""
        if not self.suspensions:
            return None
        dates = [s.repay_by for s in self.suspensions if s.repay_by is not None]
        military = [d for d in dates if d.rule == "suspension.military_term_extended"]
        return (military or dates or [None])[0]


NOTHING = Situation()


def read(f: Facts) -> Tuple[Facts, Situation]:
    """The derived situation, and the facts with derived stand-ins. The common case (none of
    the new facts, nothing planned) costs a few index checks."""
    if _new_facts(f) == _NONE_GIVEN:
        as_of = f.as_of
        for day in _plannable(f):
            if type(day) is date and day > as_of:
                break
        else:
            return f, NOTHING
    changes = {}
    suspensions = _suspensions(f)
    suspended = lambda due: any(sp.is_suspended(due, s) for s in suspensions)  # noqa: E731
    history = None
    if known(f.payment_history):
        history = rc.read_history(f.payment_history, f.as_of, lambda due: cure_deadline(due, _cure(f)), suspended)
        if history.deciding_due is not None:
            changes["missed_payment_due_date"] = history.deciding_due
            changes["caught_up_on"] = history.deciding_paid_on
    due_suspended = known(f.missed_payment_due_date) and suspended(f.missed_payment_due_date)
    split = None
    if known(f.offset_loans):
        split = sl.split_offset(f.offset_loans)
        good, failed = split
        changes["loan_balance"] = good if good > 0 else failed
        changes["loan_in_good_standing"] = good > 0
    event_day = f.offset_date if known(f.offset_date) else None
    situation = Situation(
        suspensions=suspensions, history=history, due_suspended=due_suspended,
        limit=_limit(f), offset_split=split,
        after_death=event_day is not None and death.paid_after_death(f.death_date, event_day),
        planned=planned_events(f, f.as_of), derived_facts=tuple(changes))
    return (f._replace(**changes) if changes else f), situation


def _cure(f: Facts):
    # an unknown cure period (UNKNOWN) is read as the legal maximum, as classify does
    return f.plan_cure_period


def _suspensions(f: Facts) -> Tuple[sp.Suspension, ...]:
    found = []
    if known(f.unpaid_leave_start):
        found.append(sp.leave_suspension(f.unpaid_leave_start, f.unpaid_leave_end, f.loan_date,
                                         f.loan_term_months, f.principal_residence_loan))
    if known(f.military_service_start):
        found.append(sp.military_suspension(f.military_service_start, f.military_service_end,
                                            f.loan_date, f.loan_term_months))
    return tuple(found)


def _limit(f: Facts) -> Optional[sl.IssuanceLimit]:
    """The amount test needs the loan, its date and the vested benefit; it runs only when the
    vested benefit was given (the sign that the question is about the loan's size)."""
    if not (known(f.vested_balance) and known(f.loan_amount) and known(f.loan_date)):
        return None
    term_end = add_months(f.loan_date, f.loan_term_months).date if isinstance(f.loan_term_months, int) else None
    return sl.issuance_limit(f.loan_date, f.loan_amount, f.vested_balance, f.other_loans_balance,
                             f.highest_loan_balance_12m, f.replaced_loan_balance, f.replaced_loan_date,
                             term_end)
