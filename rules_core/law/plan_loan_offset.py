"""Plan loan offsets: the account is reduced to repay the loan (Treas. Reg. 1.72(p)-1,
Q&A-13; 1.402(c)-2, Q&A-9).

An offset is an actual distribution, not a deemed one, so it can only happen at a
distributable event (leaving the job, plan termination, 59½ ...). It is an eligible
rollover distribution: by default the participant has until the 60th day after the offset
(IRC 402(c)(3)(A)); a qualified plan loan offset gets longer (qplo.py).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any, Optional
from ..parameters import parameter
from .dates import add_days
from .legal_holidays import is_legal_holiday
from .ruled import RuledDate

SEVERANCE, PLAN_TERMINATION, OTHER = "severance", "plan_termination", "other"


@lru_cache(maxsize=16384)  # pure in its dates; the same calendar days recur across users
def sixty_day_deadline(offset_date: date) -> RuledDate:
    """The 60th day after the offset; day 1 is the day after. No source settles whether a
    weekend or holiday moves it (IRC 7503 is not known to apply to rollovers), so we keep
    the calendar day and flag it. Source: IRC 402(c)(3)(A)."""
    deadline = add_days(offset_date, parameter("rollover_days", offset_date))
    if deadline.weekday() >= 5 or is_legal_holiday(deadline):
        return RuledDate("rollover_deadline", deadline, "rollover.sixty_days", "unsettled",
                         "rollover.sixty_day_weekend")
    return RuledDate("rollover_deadline", deadline, "rollover.sixty_days")


def offset_reason(stated: Any, offset_date: date, separated: Any, separation_date: Any,
                  plan_terminated: Any, plan_termination_date: Any) -> Optional[str]:
    """Why the loan was offset, as the QPLO rule asks it: the reason the user gave, else
    inferred. A plan that had terminated by the offset date points to plan termination;
    else a separation on or before the offset points to severance; having neither left nor
    seen the plan end by the offset means another reason. None when the facts cannot tell."""
    if stated in (SEVERANCE, PLAN_TERMINATION, OTHER):
        return stated
    terminated_by_offset = plan_terminated is True and (
        not isinstance(plan_termination_date, date) or plan_termination_date <= offset_date)
    if terminated_by_offset:
        return PLAN_TERMINATION
    if separated is True:
        if isinstance(separation_date, date) and separation_date > offset_date:
            return OTHER  # offset while still employed; the severance came later
        return SEVERANCE
    if separated is False and plan_terminated in (True, False):
        return OTHER  # still employed, and the plan either did not end or ended after the offset
    return None
