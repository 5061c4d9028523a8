"""A loan offset after the participant's death: who receives it, and who may roll it over.

1. A distribution paid because of the participant's death goes to the beneficiary. It is
   exempt from the 10% additional tax at any age (IRC 72(t)(2)(A)(ii)) and box 7 carries
   code 4 (Instructions for Forms 1099-R, code 4), with M only for a qualified plan loan
   offset (M4).
2. A surviving spouse is treated as the employee for rollovers and may roll the offset over
   like the participant could have (IRC 402(c)(9)).
3. Any other beneficiary may move inherited plan money only by a direct trustee-to-trustee
   transfer to an inherited IRA (IRC 402(c)(11)); a 60-day rollover is not open to them, and
   an offset has no cash the plan could transfer, so the offset amount cannot be rolled over.
   An estate or trust is not an individual and cannot roll anything over.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

SPOUSE, NON_SPOUSE, ESTATE = "spouse", "non_spouse", "estate_or_trust"


def paid_after_death(death_date: Any, event: date) -> bool:
    """Whether the distribution on `event` was made on or after the participant's death."""
    return isinstance(death_date, date) and death_date <= event


def beneficiary_may_roll_over(beneficiary: Any) -> Optional[bool]:
    """True for a surviving spouse, False for anyone else, None when not known.
    Source: IRC 402(c)(9), 402(c)(11)."""
    if beneficiary == SPOUSE:
        return True
    if beneficiary in (NON_SPOUSE, ESTATE):
        return False
    return None
