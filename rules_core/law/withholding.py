"""Mandatory 20% withholding (IRC 3405(c)) as it meets plan loans.

An offset is an eligible rollover distribution, so 20% is computed on the offset amount
plus any cash paid with it and not directly rolled over, but no more can be withheld than
that cash (Treas. Reg. 31.3405(c)-1, Q&A-11). A deemed distribution is not an eligible
rollover distribution; withholding is required only if cash leaves the plan at the same
time (Treas. Reg. 1.72(p)-1, Q&A-15), which a default normally does not involve.
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..parameters import parameter

CENT = Decimal("0.01")


def offset_withholding(offset_amount: Decimal, cash_not_rolled: Decimal, on: date) -> Decimal:
    """min(20% x (offset + cash paid and not directly rolled over), that cash).
    Source: Treas. Reg. 31.3405(c)-1, Q&A-11; 1.402(c)-2, Q&A-9 example."""
    rate = parameter("mandatory_withholding_rate", on)
    computed = ((offset_amount + cash_not_rolled) * rate).quantize(CENT, ROUND_HALF_UP)
    return min(computed, cash_not_rolled)
