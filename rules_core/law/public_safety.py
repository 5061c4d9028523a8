"""Public safety employees and the separation-age exception: IRC 72(t)(10).

Default: the separation exception of 72(t)(2)(A)(v) starts in the calendar year of age 55.
Exception, as Congress widened it step by step, each step dated by the distributions it
reaches:
  1. a qualified public safety employee of a State or local government (police protection,
     firefighting, emergency medical services) in a governmental *defined-benefit* plan, for
     distributions after August 17, 2006 (PPA 2006 §828). A 401(k)-type loan lives in a
     defined-contribution plan, so this step never reaches it;
  2. the same employees in a governmental *defined-contribution* plan (governmental 401(k),
     403(b), 457(b)), for distributions after December 31, 2015 (Pub. L. 114-26 §2);
  3. firefighters of a private employer, in a 401(a)/403(a)/403(b) plan, for distributions
     after December 29, 2022 (SECURE 2.0 §308); State and local corrections officers and
     forensic security employees from the same day (SECURE 2.0 §330);
  4. from that day too, "age 50 or 25 years of service under the plan, whichever is earlier"
     (SECURE 2.0 §329).
Who is covered on which day is a dated parameter (parameters/distributions.yaml), not an `if`.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date
from functools import lru_cache
from typing import Any, List, NamedTuple, Optional, Tuple

from ..parameters import change_days, parameter

# The roles that are public-safety work under 72(t)(10)(B); "none" is any other job.
ROLES: Tuple[str, ...] = ("police", "firefighter", "emt", "corrections", "private_firefighter")
PLAN_TYPES: Tuple[str, ...] = ("governmental", "private")


class PublicSafety(NamedTuple):
    """Whether 72(t)(10) covers this distribution: True/False, or None with the fact that
    would decide it (`needs`)."""

    covered: Optional[bool]
    needs: Optional[str] = None


NOT_COVERED = PublicSafety(False)


@lru_cache(maxsize=4096)
def covered_roles(plan_type: str, on: date) -> Tuple[str, ...]:
    """The roles 72(t)(10) reaches for a defined-contribution plan of this type on `on`."""
    return tuple(parameter(f"public_safety_roles_{plan_type}_dc", on))


def _possible_plans(plan_type: Any, role: Any) -> Tuple[str, ...]:
    if plan_type in PLAN_TYPES:
        return (plan_type,)
    if role == "private_firefighter":
        return ("private",)
    return PLAN_TYPES


def coverage(on: date, employee: Any, role: Any, plan_type: Any) -> PublicSafety:
    """Is a distribution on `on` one 72(t)(10) covers? Decided when every reading the unknown
    facts leave open agrees; else the first fact that would decide it, in the order a person
    answers them (are you public safety, which plan, which job)."""
    if employee is False or role == "none":
        return NOT_COVERED
    # The day matters only through the roles covered on it, which change on a few days in
    # the law's history: the answer is worked out once per period between them.
    starts = _PERIOD_STARTS or _period_starts()
    period = bisect_right(starts, on)
    return _coverage_in_period(starts[period - 1] if period else on, employee, role, plan_type)


_PERIOD_STARTS: List[date] = []


def _period_starts() -> List[date]:
    _PERIOD_STARTS.extend(change_days("public_safety_roles_governmental_dc", "public_safety_roles_private_dc"))
    return _PERIOD_STARTS


@lru_cache(maxsize=1024)  # a few periods times the few values of three facts
def _coverage_in_period(on: date, employee: Any, role: Any, plan_type: Any) -> PublicSafety:
    """coverage() for a period of unchanged covered roles, `on` its first day."""
    plans = _possible_plans(plan_type, role)
    verdicts = {r in covered_roles(p, on) for p in plans for r in _possible_roles(role, p)}
    if len(verdicts) == 1 and (employee is True or role in ROLES or verdicts == {False}):
        return PublicSafety(verdicts.pop())
    if employee is not True and role not in ROLES:
        return PublicSafety(None, "public_safety_employee")
    by_plan = {p: {r in covered_roles(p, on) for r in _possible_roles(role, p)} for p in plans}
    if len(plans) > 1 and by_plan["governmental"] != by_plan["private"]:
        return PublicSafety(None, "plan_type")
    return PublicSafety(None, "public_safety_role")


def _possible_roles(role: Any, plan_type: str) -> Tuple[str, ...]:
    if role in ROLES:
        return (role,)
    # a governmental plan's firefighter is a public one
    return ROLES if plan_type == "private" else tuple(r for r in ROLES if r != "private_firefighter")


def separation_age(on: date) -> int:
    """Age 50 in place of 55. Source: IRC 72(t)(10)(A)."""
    return parameter("public_safety_separation_age", on)


def service_years_rule(on: date) -> Optional[int]:
    """The years of service under the plan that also open the exception (25, for
    distributions after December 29, 2022), or None before. Source: SECURE 2.0 §329."""
    return parameter("public_safety_service_years", on)


def by_service(on: date, years_of_service: Any) -> Optional[bool]:
    """True/False when the years of service decide the service alternative; None when the
    rule is in force but the years are not known."""
    needed = service_years_rule(on)
    if needed is None:
        return False
    if isinstance(years_of_service, int):
        return years_of_service >= needed
    return None
