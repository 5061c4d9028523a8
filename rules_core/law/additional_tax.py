"""The 10% additional tax on early distributions, IRC 72(t), as it touches plan loans.

Default: a distribution (deemed or actual) before age 59½ owes 10% of its taxable part.
Exceptions, in the order the law lists the ones a plan can know of:
  1. age 59½ reached on the distribution date             (72(t)(2)(A)(i))
  2. separation from service in or after the year of 55   (72(t)(2)(A)(v); 50, or 25 years
     of service, for the public safety employees 72(t)(10) covers: public_safety.py); needs
     a separation, so never for someone still employed
  3. exceptions only the taxpayer can show (disability, medical, ...): the plan codes 1
     and the person claims them on Form 5329.
And one rule of scope: a distribution from a governmental 457(b) plan is reached by 72(t) only
to the extent it is attributable to money rolled into the plan from a plan or IRA that is not
a governmental 457(b) (72(t)(9)); the rest owes no 10% whatever the age.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple, Optional, Tuple

from ..parameters import parameter
from . import public_safety as ps
from .dates import add_months, add_years
from .public_safety import PublicSafety
from .ruled import RuledDate

# The exceptions a 401(k) participant can claim (IRS "exceptions to tax on early
# distributions"); names are the fact vocabulary for `exceptions_claimed`.
EXCEPTIONS = frozenset({
    "death", "disability", "sepp", "qdro", "medical_expenses", "irs_levy",
    "qualified_reservist", "birth_or_adoption", "terminal_illness", "emergency_expense",
    "domestic_abuse", "qualified_disaster", "corrective_distribution", "esop_dividends",
    "eaca_withdrawal",
})
# These exist only for IRAs; naming one for a 401(k) is an input error, said so plainly.
IRA_ONLY_EXCEPTIONS = frozenset({"first_home", "higher_education", "health_insurance_unemployed"})


class AgeFacts(NamedTuple):
    """What we know of the participant's age: an exact birth date beats a whole-year age,
    which is the age on the event date."""

    birth_date: Any  # date or UNKNOWN
    age_at_event: Any  # int or UNKNOWN
    half_date: Optional[RuledDate] = None  # age_59_half_date(birth_date), when already computed


@lru_cache(maxsize=65536)  # pure in the birth date, which recurs across users
def age_59_half_date(birth_date: date) -> RuledDate:
    """Age 59½ is reached on the 59th birthday plus 6 calendar months, keeping the day of
    the month. A birthday on the 29th-31st (or Feb 29) has no exact counterpart six months
    on; we take that month's last day and flag it, as no primary rule settles it.
    Source: IRC 72(t)(2)(A)(i); by analogy Treas. Reg. 1.401(a)(9)-2 (age 70½)."""
    fifty_nine = add_years(birth_date, 59).date  # the age rule in force when it is reached
    shifted = add_months(birth_date, parameter("early_distribution_age_months", fifty_nine))
    if shifted.clamped or (birth_date.month == 2 and birth_date.day == 29):
        return RuledDate("age_59_half_date", shifted.date, "age.fifty_nine_half", "unsettled",
                         "tax.age_59_half_month_end")
    return RuledDate("age_59_half_date", shifted.date, "age.fifty_nine_half")


def reached_59_half(age: AgeFacts, on: date) -> Optional[bool]:
    """True/False when the facts decide it, None when only a whole age of 59 is known."""
    if isinstance(age.birth_date, date):
        return on >= (age.half_date or age_59_half_date(age.birth_date)).date
    if isinstance(age.age_at_event, int):
        if age.age_at_event >= 60:
            return True
        if age.age_at_event <= 58:
            return False
    return None


def separated_in_or_after_year_of(age: AgeFacts, event: date, separation: date,
                                  threshold: int) -> Optional[bool]:
    """Separation in or after the calendar year the participant reaches `threshold` (55; 50
    for a public safety employee the rule covers). The birthday may fall after the separation
    date if it is in the same year. Source: IRC 72(t)(2)(A)(v), 72(t)(10); Notice 87-13 Q&A-20."""
    if isinstance(age.birth_date, date):
        return separation.year >= age.birth_date.year + threshold
    if isinstance(age.age_at_event, int):
        # Born in (event.year - age - 1) or (event.year - age): decide only if both agree.
        earliest_year = event.year - age.age_at_event - 1
        if_earliest = separation.year >= earliest_year + threshold
        return if_earliest if if_earliest == (separation.year >= earliest_year + 1 + threshold) else None
    return None


# The facts 72(t)(10) turns on; an answer waiting for one of them says so in its own words.
PUBLIC_SAFETY_FACTS = frozenset({"public_safety_employee", "plan_type", "public_safety_role",
                                 "years_of_service"})


class AdditionalTax(NamedTuple):
    applies: Optional[bool]
    topic: str          # explanation topic that gives the reason
    exception: Optional[str] = None
    at_59_half: Optional[bool] = None
    needs: Optional[str] = None  # the fact that would decide an unknown outcome


class SeparationRule(NamedTuple):
    """The separation exception's verdict: exempt True/False/None, the topic that explains
    an exemption, and the fact that would decide an unknown."""

    exempt: Optional[bool]
    topic: Optional[str] = None
    needs: Optional[str] = None


def separation_exception(age: AgeFacts, event: date, separation: date, safety: PublicSafety,
                         years_of_service: Any) -> SeparationRule:
    """Default: separation in or after the year of 55. Exception (72(t)(10)): a covered
    public safety employee from the year of 50, or with 25 years of service under the plan.
    The public-safety facts are asked for only when they can change the answer: the
    separation falls in the year of 50 or later (but before 55), or the person is covered
    and the service alternative could reach a younger age."""
    at_55 = separated_in_or_after_year_of(age, event, separation, parameter("separation_exception_age", event))
    if at_55:
        return SeparationRule(True, "tax.exempt_age_55")
    if safety.covered is False:
        return SeparationRule(at_55, needs="birth_date" if at_55 is None else None)
    at_50 = separated_in_or_after_year_of(age, event, separation, ps.separation_age(event))
    if safety.covered is None:
        if at_50 is False:
            return SeparationRule(at_55, needs="birth_date" if at_55 is None else None)
        # the age first: it may settle the answer or make the public-safety questions moot
        return SeparationRule(None, needs="birth_date" if at_55 is None else safety.needs)
    service = ps.by_service(event, years_of_service)
    if at_50 or service:
        return SeparationRule(True, "tax.exempt_public_safety_50")
    if at_50 is None:
        return SeparationRule(None, needs="birth_date")
    if service is None:
        return SeparationRule(None, needs="years_of_service")
    return SeparationRule(False)


def additional_tax(age: AgeFacts, event: date, separation: Any, still_employed: Optional[bool],
                   safety: PublicSafety, claimed: tuple, years_of_service: Any = None) -> AdditionalTax:
    """Whether the 10% applies to a distribution on `event`, following the module's order.
    `separation` is the separation date if the participant left on or before the event;
    None when they left but we do not know when (unknown, never "not separated")."""
    at_59_half = reached_59_half(age, event)
    if "death" in claimed:
        return AdditionalTax(False, "tax.exception_claimed", "death", at_59_half)
    if at_59_half:
        topic = "tax.exempt_59_half" if isinstance(age.birth_date, date) else "tax.exempt_59_half_by_age"
        return AdditionalTax(False, topic, "age_59_half", True)
    needs = None
    if separation is None and still_employed is not True:
        # Left on an unknown date: the rule may apply unless even a separation on the event
        # date itself would be too early.
        could = separation_exception(age, event, event, safety, years_of_service)
        if could.exempt is not False and not claimed:
            return AdditionalTax(None, "tax.unknown_age", None, at_59_half, "separation_date")
    if isinstance(separation, date):
        rule = separation_exception(age, event, separation, safety, years_of_service)
        if rule.exempt:
            return AdditionalTax(False, rule.topic, "separation_age_55", at_59_half)
        needs = rule.needs if rule.exempt is None else None
    if claimed:
        return AdditionalTax(False, "tax.exception_claimed", claimed[0], at_59_half)
    if at_59_half is None or needs:
        topic = "tax.unknown_public_safety" if needs in PUBLIC_SAFETY_FACTS else "tax.unknown_age"
        return AdditionalTax(None, topic, None, at_59_half, needs or "birth_date")
    if still_employed:
        return _APPLIES_WHILE_EMPLOYED
    return _APPLIES


_APPLIES_WHILE_EMPLOYED = AdditionalTax(True, "tax.no_age_55_while_employed", None, False)
_APPLIES = AdditionalTax(True, "tax.additional_applies", None, False)


# ---- governmental 457(b) plans: IRC 72(t)(9) ----------------------------------------------------
GOVERNMENTAL_457B = "governmental_457b"


def from_governmental_457b(plan_kind: Any, plan_type: Any) -> bool:
    """A loan from a 457(b) plan is read as one from a governmental 457(b): the loan rules
    reach a 457(b) plan as a governmental plan (72(p)(4)), and a private or tax-exempt
    employer's 457(b) is refused at input (facts.py). Source: IRC 72(p)(4), 457(e)(1)(A)."""
    return plan_kind == "457b" and plan_type != "private"


def governmental_457b(tax: AdditionalTax, rolled_in: Any,
                      taxable: Optional[Decimal]) -> Tuple[AdditionalTax, Optional[Decimal]]:
    """The 10% on a governmental 457(b) distribution. Default: none of it, since such a
    distribution is not one from a qualified retirement plan for 72(t). Exception: the part
    attributable to money rolled in from a plan or IRA that is not a governmental 457(b) is
    treated as one, so the age and separation rules (the verdict `tax`) apply to that part.
    Returns the verdict and the base of the 10%: 0 when nothing was rolled in (or nothing is
    known of it: none is assumed, and the caller says so and asks), the rolled-in part when
    it is smaller than the taxable amount, None (all of it) otherwise.
    Source: IRC 72(t)(9); 457(e)(16); Instructions for Forms 1099-R ("Governmental section
    457(b) plan distributions")."""
    if tax.applies is False or tax.exception == "death":
        return tax, None  # another rule already frees all of it
    if not isinstance(rolled_in, Decimal) or rolled_in == 0:
        return AdditionalTax(False, "tax.exempt_governmental_457b", GOVERNMENTAL_457B, tax.at_59_half), ZERO
    if taxable is not None and rolled_in >= taxable:
        return tax, None
    if tax.applies:
        tax = tax._replace(topic="tax.governmental_457b_rolled_in")
    return tax, rolled_in


ZERO = Decimal("0.00")


def age_code(tax: AdditionalTax) -> Optional[str]:
    """The Box 7 digit a plan would use: 4 death, 7 at 59½, 2 for an exception the plan
    knows (the separation-age rule), 1 otherwise (including exceptions only the taxpayer can
    prove). None when the age is unknown. Source: Instructions for Form 1099-R, codes 1/2/4/7."""
    if tax.exception == "death":
        return "4"
    if tax.at_59_half:
        return "7"
    if tax.exception in ("separation_age_55", GOVERNMENTAL_457B):
        # a governmental 457(b) payout free of the 10%: code 2 (Instructions for Forms 1099-R)
        return "2"
    if tax.at_59_half is None or tax.applies is None:
        # interpretation: while the 10% is undecided, so is the digit (1 or 2): asserting 1
        # would call a correct code 2 inconsistent (issue 10, item 4)
        return None
    return "1"
