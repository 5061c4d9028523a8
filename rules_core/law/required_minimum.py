"""The part of a plan loan offset that is a required minimum distribution (RMD).

A plan loan offset is an actual distribution, so it counts toward the year's RMD (Treas.
Reg. 1.401(a)(9)-5, Q&A-9(a)). An RMD is never an eligible rollover distribution (IRC
402(c)(4)(B)), and the first dollars distributed in a year are treated as the RMD until the
year's RMD has been paid (Treas. Reg. 1.402(c)-2, Q&A-7(a)). So the offset may be rolled over
only in the amount by which it exceeds the RMD still unpaid when it happens (Q&A-9).
"""
from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

ZERO = Decimal("0.00")


class RmdSplit(NamedTuple):
    rmd_part: Decimal        # counts toward the RMD: taxable, never rollable
    rollable: Decimal        # what may be rolled over


def split_offset(offset_amount: Decimal, rmd_not_yet_distributed: Decimal) -> RmdSplit:
    """First dollars out are the RMD. interpretation: the whole remaining RMD is charged to
    the offset, not to cash paid beside it; the plan's own allocation may differ, and the
    answer says so. Source: Treas. Reg. 1.402(c)-2, Q&A-7(a), Q&A-9."""
    rmd_part = min(offset_amount, rmd_not_yet_distributed)
    return RmdSplit(rmd_part, offset_amount - rmd_part)
