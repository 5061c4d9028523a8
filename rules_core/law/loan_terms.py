"""When a plan loan is a loan and not a distribution: IRC 72(p)(2).

A loan escapes being a distribution only if (A) it stays within the amount limit, (B) it
must be repaid within 5 years unless it buys the participant's principal residence, and
(C) it is repaid in substantially level payments at least quarterly. A failure of (B) or
(C) at issuance deems the whole loan distributed on the loan date; a failure of (A) deems
only the excess (Treas. Reg. 1.72(p)-1, Q&A-4).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, List, Optional, Tuple

from ..messages import message
from ..parameters import parameter
from .dates import add_months
from .ruled import RuledDate

ZERO = Decimal("0.00")


def _usd(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def terms_failure(on: date, term_months: Any, principal_residence: Any,
                  payments_per_year: Any) -> Optional[str]:
    """The first 72(p)(2) term that the loan breaks ("term" or "payments"), else None.
    Source: IRC 72(p)(2)(B) (5 years unless a principal residence), 72(p)(2)(C)."""
    max_term = parameter("loan_max_term_months", on)
    if isinstance(term_months, int) and term_months > max_term and principal_residence is not True:
        return "term"
    if isinstance(payments_per_year, int) and payments_per_year < parameter("loan_min_payments_per_year", on):
        return "payments"
    return None


def residence_decides(on: date, term_months: Any) -> bool:
    """A term longer than 5 years is allowed only for a loan to buy the principal residence,
    so whether it was one decides whether the loan failed at issuance. Source: IRC 72(p)(2)(B)."""
    return isinstance(term_months, int) and term_months > parameter("loan_max_term_months", on)


def max_term_end(loan_date: date, term_months: Any, principal_residence: Any) -> Optional[RuledDate]:
    """The last day the loan may be repaid by law: 5 years from the loan date, or the
    plan's term for a residence loan (unknown without it). After it, a default can no longer
    be corrected by re-amortizing (Rev. Proc. 2021-30 §6.07)."""
    if principal_residence is True:
        if not isinstance(term_months, int):
            return None
        return RuledDate("max_term_end", add_months(loan_date, term_months).date, "loan.max_term_end")
    if principal_residence is not False and residence_decides(loan_date, term_months):
        return None  # a residence loan's end is the plan's term; not known which this is
    months = parameter("loan_max_term_months", loan_date)
    return RuledDate("max_term_end", add_months(loan_date, months).date, "loan.max_term_end")


@dataclass(frozen=True)
class LoanLimit:
    cap: Decimal
    max_new_loan: Decimal
    deemed_amount: Decimal
    reasons: Tuple[str, ...]

    def to_dict(self) -> dict:
        return {"cap": str(self.cap), "max_new_loan": str(self.max_new_loan),
                "deemed_amount": str(self.deemed_amount), "reasons": list(self.reasons)}


def loan_cap(vested: Decimal, highest_12m: Decimal, outstanding: Decimal, on: date) -> Tuple[Decimal, Decimal, Decimal]:
    """72(p)(2)(A): the lesser of (i) $50,000 minus the excess of the highest balance in the
    year before the new loan over today's balance, and (ii) the greater of half the vested
    benefit and $10,000. Returns (cap, dollar cap, vested cap)."""
    lookback = max(ZERO, highest_12m - outstanding)
    cap_dollar = max(ZERO, parameter("loan_cap_dollars", on) - lookback)
    cap_vested = max(parameter("loan_vested_fraction", on) * vested, parameter("loan_floor_dollars", on))
    return min(cap_dollar, cap_vested).quantize(ZERO), cap_dollar.quantize(ZERO), cap_vested.quantize(ZERO)


def loan_limit(vested: Decimal, highest_12m: Decimal, outstanding: Decimal, requested: Decimal,
               on: date, term_months: Optional[int] = None,
               principal_residence: bool = False, payments_per_year: Optional[int] = None) -> LoanLimit:
    """The most a new loan may be, and what part of `requested` would be deemed distributed
    at issuance: only the excess for the amount test, the whole loan for a term failure."""
    highest_12m = max(highest_12m, outstanding)  # today's balance is part of the look-back year
    cap, cap_dollar, cap_vested = loan_cap(vested, highest_12m, outstanding, on)
    max_new = max(ZERO, cap - outstanding)
    excess = max(ZERO, requested - max_new)
    reasons: List[str] = [
        message("limit.cap_dollar", lookback_reduction=_usd(highest_12m - outstanding),
                highest_12m=_usd(highest_12m), outstanding=_usd(outstanding), cap_dollar=_usd(cap_dollar)),
        message("limit.cap_vested", half_vested=_usd(vested / 2), cap_vested=_usd(cap_vested)),
        message("limit.cap", cap=_usd(cap)),
        message("limit.room", outstanding=_usd(outstanding), max_new_loan=_usd(max_new)),
    ]
    if cap_vested > parameter("loan_vested_fraction", on) * vested:
        reasons.append(message("limit.floor_note"))
    failure = terms_failure(on, term_months, principal_residence, payments_per_year)
    if failure == "term":
        reasons.append(message("limit.term", term_months=term_months))
        return LoanLimit(cap, max_new, requested, tuple(reasons))
    if failure == "payments":
        reasons.append(message("limit.payments", payments_per_year=payments_per_year))
        return LoanLimit(cap, max_new, requested, tuple(reasons))
    if principal_residence and isinstance(term_months, int) and term_months > parameter("loan_max_term_months", on):
        reasons.append(message("limit.residence"))
    if excess > 0:
        reasons.append(message("limit.excess", requested=_usd(requested), deemed_amount=_usd(excess)))
    else:
        reasons.append(message("limit.within", requested=_usd(requested)))
    return LoanLimit(cap, max_new, excess, tuple(reasons))
