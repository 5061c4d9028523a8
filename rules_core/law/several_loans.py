"""Several loans: the amount limit at issuance, refinancing, and loans offset together.

1. The amount limit (IRC 72(p)(2)(A)) counts every loan from the employer's plans: the new
   loan plus the others outstanding on its date, against the lesser of $50,000 (less the
   12-month look-back) and the greater of half the vested benefit or $10,000. Only the excess
   is a deemed distribution, on the loan date (Treas. Reg. 1.72(p)-1, Q&A-4). A loan already
   deemed distributed but not repaid still counts as outstanding (Q&A-19(b)).
2. Refinancing (Q&A-20(a)(2)): when a replacement loan's term ends after the latest
   permissible term of the loan it replaces, both loans count as outstanding on the day of
   the refinancing; otherwise only the replacement loan does.
3. Loans offset together: each is its own plan loan offset. A loan in good standing follows
   the offset rules (a QPLO or an ordinary offset); a loan that had already failed 72(p)(2)
   was taxed when it was deemed distributed and is not taxed again at the offset (Q&A-13,
   the deemed loan is a debt the offset repays).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, Optional, Tuple

from ..parameters import parameter
from .dates import add_months
from .loan_terms import loan_cap
from .ruled import RuledDate

ZERO = Decimal("0.00")


class OffsetLoan(NamedTuple):
    balance: Decimal
    in_good_standing: bool


class IssuanceLimit(NamedTuple):
    cap: Decimal                    # the most all loans together may total on the loan date
    counted_total: Decimal          # what the test counts: new loan + others (+ replaced loan)
    deemed_amount: Decimal          # the excess, deemed distributed on the loan date
    replaced_counts: Optional[bool]  # None when no loan was replaced
    replaced_term_end: Optional[RuledDate]
    assumed: Tuple[str, ...]        # facts taken as zero because they were not given


def latest_permissible_term_end(loan_date: date) -> RuledDate:
    """The last day a general-purpose loan may be repaid: 5 years after it was made.
    interpretation: a replaced loan is taken to be a general-purpose loan (a residence loan's
    latest term is the plan's own). Source: IRC 72(p)(2)(B); Treas. Reg. 1.72(p)-1, Q&A-20."""
    months = parameter("loan_max_term_months", loan_date)
    return RuledDate("replaced_loan_term_end", add_months(loan_date, months).date, "refinance.replaced_term_end")


def replacement_counts_both(replacement_term_end: Optional[date], replaced_loan_date: date) -> Optional[bool]:
    """Q&A-20(a)(2): both loans count when the replacement's term ends after the replaced
    loan's latest permissible term. None when the replacement's term is not known."""
    if replacement_term_end is None:
        return None
    return replacement_term_end > latest_permissible_term_end(replaced_loan_date).date


def issuance_limit(loan_date: date, loan_amount: Decimal, vested: Decimal, other_loans: Any,
                   highest_12m: Any, replaced_balance: Any, replaced_date: Any,
                   replacement_term_end: Optional[date]) -> IssuanceLimit:
    """The 72(p)(2)(A) test on the loan date. Facts not given (other loans, the 12-month high)
    are taken as zero and named in `assumed`, so the answer can say so. The look-back uses the
    balance outstanding just before the loan, the replaced loan included (Q&A-20 Example 1)."""
    assumed = tuple(name for name, value in (("other_loans_balance", other_loans),
                                             ("highest_loan_balance_12m", highest_12m))
                    if not isinstance(value, Decimal))
    others = other_loans if isinstance(other_loans, Decimal) else ZERO
    replaced = replaced_balance if isinstance(replaced_balance, Decimal) else ZERO
    outstanding_before = others + replaced
    high = max(highest_12m if isinstance(highest_12m, Decimal) else ZERO, outstanding_before)
    cap, _, _ = loan_cap(vested, high, outstanding_before, loan_date)
    counts, term_end = None, None
    if isinstance(replaced_date, date):
        term_end = latest_permissible_term_end(replaced_date)
        counts = replacement_counts_both(replacement_term_end, replaced_date)
    # interpretation: with the replacement's term unknown, count only the replacement loan
    # (the reading that deems nothing); the answer names loan_term_months as missing
    counted = loan_amount + others + (replaced if counts else ZERO)
    return IssuanceLimit(cap, counted, max(ZERO, counted - cap), counts, term_end, assumed)


def split_offset(loans: Tuple[OffsetLoan, ...]) -> Tuple[Decimal, Decimal]:
    """(balance of the loans in good standing, balance of those already deemed distributed)."""
    good = sum((loan.balance for loan in loans if loan.in_good_standing), ZERO)
    failed = sum((loan.balance for loan in loans if not loan.in_good_standing), ZERO)
    return good, failed
