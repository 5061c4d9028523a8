"""Designated Roth money in a failed or offset loan (IRC 402A; 72(e)(8); Treas. Reg. 1.402A-1).

Default: a distribution from a designated Roth account that is not a qualified distribution
is taxed only on its earnings share. The Roth account is a separate contract, so the part that
comes back as basis (the Roth contributions) is the distribution times basis over the account
balance, and the rest is income (IRC 72(e)(8), pro rata).
Exceptions, in the law's order:
  1. a deemed distribution under 72(p) is never a qualified distribution (Treas. Reg.
     1.402A-1, Q&A-2(c) and Q&A-11): the earnings share is always income;
  2. an actual distribution, such as a plan loan offset, is qualified, and wholly tax-free,
     once the five-taxable-year period that starts with the first Roth contribution year has
     ended and the participant has reached 59½, died or become disabled (IRC 402A(d)(2)).
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, Optional

from ..parameters import parameter

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class RothVerdict(NamedTuple):
    """qualified True/False, or None with the fact that would decide it."""

    qualified: Optional[bool]
    needs: Optional[str] = None


def qualified_distribution(deemed: bool, on: date, at_59_half: Optional[bool], death: bool,
                           disability: bool, first_contribution_year: Any) -> RothVerdict:
    """Default: not qualified. A deemed distribution never is (Reg. 1.402A-1 Q&A-2(c), -11);
    an offset is once the five-taxable-year period has run and a triggering event (59½,
    death, disability) has happened. Source: IRC 402A(d)(2)."""
    if deemed:
        return RothVerdict(False)
    trigger = True if (at_59_half or death or disability) else (None if at_59_half is None else False)
    if trigger is False:
        return RothVerdict(False)
    if trigger is None:
        return RothVerdict(None, "birth_date")
    if not isinstance(first_contribution_year, int):
        return RothVerdict(None, "roth_first_contribution_year")
    years = parameter("roth_nonexclusion_years", on)
    return RothVerdict(on.year >= first_contribution_year + years)


def earnings_share(amount: Decimal, basis: Decimal, account_balance: Decimal) -> Decimal:
    """The taxable part of a nonqualified Roth distribution: amount x (1 - basis / balance),
    never below zero nor above the amount; rounded to the cent, half up.
    interpretation: the balance is the Roth account's on the distribution date, the loan
    included (it is an asset of the account); a basis at or above the balance (a loss)
    leaves nothing taxable. Source: IRC 72(e)(8)(A)-(B); 402A(d)."""
    if account_balance <= 0 or basis >= account_balance:
        return ZERO
    share = amount * (account_balance - basis) / account_balance
    return min(amount, max(ZERO, share)).quantize(CENT, ROUND_HALF_UP)
