"""The fact vocabulary: one table of every fact the core understands, and input validation.

Facts the user gave are kept apart from what the core derives. A fact that was not given is
`UNKNOWN`, never a silent False or a default date: the logic answers `needs_more_facts`
naming it. The one exception is `caught_up_on`, where an explicit null means "not caught
up" and absence means "we don't know".

Validation collects every problem at once, keyed by fact name, in words a person can act on.
"""
from __future__ import annotations

import calendar
import math
import re
from collections import namedtuple
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Dict, FrozenSet, Mapping, Optional, Tuple

from .law.additional_tax import EXCEPTIONS, IRA_ONLY_EXCEPTIONS
from .law.rolling_cure import Installment, Payment, PaymentHistory
from .law.several_loans import OffsetLoan
from .law.due_dates import FIRST_TAX_YEAR, LAST_TAX_YEAR

OFFSET_REASONS = ("severance", "plan_termination", "other")
PLAN_TYPES = ("governmental", "private")
# The kind of plan the loan is from (the chat's plan kinds). The loan rules are the same for all
# of them (IRC 72(p)(4)); a governmental 457(b) differs in the 10% additional tax (72(t)(9)).
PLAN_KINDS = ("401k", "403b", "457b", "tsp")
# The jobs IRC 72(t)(10) names (police protection, firefighting, emergency medical services,
# corrections/forensic security for a State or local government; firefighters at a private
# employer), and "none" for any other job.
PUBLIC_SAFETY_ROLES = ("police", "firefighter", "emt", "corrections", "private_firefighter", "none")
MAX_AGE = 120
MAX_YEARS_OF_SERVICE = 80
MAX_CURE_DAYS = 3660
# interpretation: the engine applies IRC 72(p) as amended in 1986 (first tax year 1987) and
# projects today's calendar and due-date rules no further than tax year 2100 (due_dates.py);
# an event outside these days is refused by name rather than answered from rules that did
# not exist, or may not exist, on it. The last year leaves room for a cure period or a
# deemed distribution that ends in the next year.
FIRST_EVENT_DATE = date(FIRST_TAX_YEAR, 1, 1)
LAST_EVENT_DATE = date(LAST_TAX_YEAR - 1, 12, 31)
# The first designated Roth contributions could be made in 2006 (IRC 402A, EGTRRA §617).
FIRST_ROTH_YEAR = 2006


class _Unknown:
    """The value of a fact nobody told us. Falsy, but never equal to False or None."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class FactsError(ValueError):
    """Bad input: `errors` maps each bad field to why it was refused."""

    def __init__(self, errors: Dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class _Bad(Exception):
    pass


# ---- parsers: raw JSON value -> Python value, or _Bad(reason) ---------------------------
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(raw: Any) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and len(raw) == 10:
        try:  # fast path; Python 3.10's fromisoformat accepts exactly YYYY-MM-DD
            parsed = date.fromisoformat(raw)
        except ValueError:
            pass  # the slow path below says what is wrong
        else:
            if parsed.year >= 1900:
                return parsed
    if not isinstance(raw, str):
        raise _Bad("expected a date written YYYY-MM-DD")
    match = _ISO_DATE.match(raw.strip())
    if not match:
        raise _Bad(f"{raw!r} is not a date written YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise _Bad(f"{raw} has no month {month}")
    if year < 1900:
        raise _Bad(f"{raw} is too far in the past to be a plan loan date")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise _Bad(f"{raw} is not a real date: {calendar.month_name[month]} {year} has {last} days")
    return date(year, month, day)


def parse_event_date(raw: Any) -> date:
    """A date of something that happened (or a deadline): within the years the engine covers."""
    if type(raw) is str and len(raw) == 10:  # fast path, as in parse_date (hot: every date fact)
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            if FIRST_EVENT_DATE <= day <= LAST_EVENT_DATE:
                return day
    day = parse_date(raw)
    if not FIRST_EVENT_DATE <= day <= LAST_EVENT_DATE:
        raise _Bad(f"{day.isoformat()} is outside the years this tool covers "
                   f"({FIRST_EVENT_DATE.year} to {LAST_EVENT_DATE.year})")
    return day


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    raise _Bad("expected true or false")


_CENT = Decimal("0.01")
_MONEY_CEILING = Decimal("100000000")
_MONEY_CEILING_DOLLARS = int(_MONEY_CEILING)


def parse_money(raw: Any) -> Decimal:
    if type(raw) is int and 0 <= raw <= _MONEY_CEILING_DOLLARS:  # fast path: whole dollars (not bool)
        return Decimal(raw).quantize(_CENT)
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise _Bad("expected an amount in dollars, such as 12000 or 12000.50")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise _Bad("expected a finite amount")
    try:
        value = Decimal(str(raw).strip().replace(",", "")) if isinstance(raw, str) else Decimal(str(raw))
    except InvalidOperation:
        raise _Bad(f"{raw!r} is not an amount in dollars") from None
    if not value.is_finite():
        raise _Bad("expected a finite amount")
    if value < 0:
        raise _Bad("an amount cannot be negative")
    if value > _MONEY_CEILING:
        raise _Bad("that amount is far larger than any plan loan")
    return value.quantize(_CENT)


def _whole_number(raw: Any, what: str) -> int:
    if isinstance(raw, bool):
        raise _Bad(f"expected {what}")
    if isinstance(raw, (float, Decimal)) and math.isfinite(raw) and raw == int(raw):
        raw = int(raw)
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int):
        raise _Bad(f"expected {what}")
    return raw


def parse_age(raw: Any) -> int:
    age = _whole_number(raw, "a whole number of years")
    if not 0 <= age <= MAX_AGE:
        raise _Bad(f"an age of {age} is not possible; expected 0 to {MAX_AGE}")
    return age


def parse_cure_period(raw: Any):
    if raw in ("max", "none"):
        return raw
    days = _whole_number(raw, '"max", "none" or a whole number of days')
    if days < 0:
        raise _Bad("a cure period cannot be negative")
    if days > MAX_CURE_DAYS:
        # the law ends any cure period within about six months (Q&A-10(a)); a longer plan
        # period is cut to that limit, but a figure of decades is a typing error
        raise _Bad(f"a cure period of {days} days is not possible; expected at most {MAX_CURE_DAYS} days")
    return "none" if days == 0 else days


def parse_offset_reason(raw: Any) -> str:
    if raw not in OFFSET_REASONS:
        raise _Bad(f"expected one of {', '.join(OFFSET_REASONS)}")
    return raw


def parse_plan_type(raw: Any) -> str:
    if raw not in PLAN_TYPES:
        raise _Bad(f"expected one of {', '.join(PLAN_TYPES)}")
    return raw


def parse_plan_kind(raw: Any) -> str:
    if raw not in PLAN_KINDS:
        raise _Bad(f"expected one of {', '.join(PLAN_KINDS)}")
    return raw


def parse_public_safety_role(raw: Any) -> str:
    if raw not in PUBLIC_SAFETY_ROLES:
        raise _Bad(f"expected one of {', '.join(PUBLIC_SAFETY_ROLES)}")
    return raw


def parse_years_of_service(raw: Any) -> int:
    years = _whole_number(raw, "a whole number of years of service")
    if not 0 <= years <= MAX_YEARS_OF_SERVICE:
        raise _Bad(f"expected 0 to {MAX_YEARS_OF_SERVICE} years of service")
    return years


def parse_roth_year(raw: Any) -> int:
    year = _whole_number(raw, "a year such as 2012")
    if not FIRST_ROTH_YEAR <= year <= LAST_EVENT_DATE.year:
        raise _Bad(f"designated Roth contributions began in {FIRST_ROTH_YEAR}; expected "
                   f"{FIRST_ROTH_YEAR} to {LAST_EVENT_DATE.year}")
    return year


# An IRS relief announcement's id as the IRS prints it ("FL-2024-07", "IR-2024-255").
_ANNOUNCEMENT_ID = re.compile(r"^[A-Za-z]{2,4}-\d{4}-\d{1,4}$")


def parse_announcement_id(raw: Any) -> str:
    if not isinstance(raw, str) or not _ANNOUNCEMENT_ID.match(raw.strip()):
        raise _Bad('expected the IRS announcement id as printed, such as "FL-2024-07" or "IR-2024-255"')
    return raw.strip().upper()


def parse_rate(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise _Bad("expected a rate between 0 and 1, such as 0.22")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _Bad(f"{raw!r} is not a rate") from None
    if not value.is_finite() or not 0 <= value <= 1:
        raise _Bad("expected a rate between 0 and 1, such as 0.22 for 22%")
    return value


# Anything a person might type is passed to the decoder, which explains what is wrong with it,
# except markup characters that could reach a rendered message.
_CODE_TEXT = re.compile(r"^[^{}<>\\\x00-\x1f\x7f]+$")


def parse_code(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _Bad("expected the code as printed in box 7, such as \"M1\"")
    if len(raw) > 20:
        raise _Bad("box 7 holds at most two characters")
    if not _CODE_TEXT.match(raw):
        raise _Bad("write the code as printed in box 7, letters and digits only, such as \"M1\"")
    return raw.strip()


def parse_exceptions(raw: Any) -> Tuple[str, ...]:
    if not isinstance(raw, (list, tuple)) or not all(isinstance(x, str) for x in raw):
        raise _Bad("expected a list of exception names")
    for name in raw:
        if name in IRA_ONLY_EXCEPTIONS:
            raise _Bad(f"{name!r} applies to IRA distributions only, not to 401(k) loans")
        if name not in EXCEPTIONS:
            raise _Bad(f"{name!r} is not a known exception; known: {', '.join(sorted(EXCEPTIONS))}")
    return tuple(dict.fromkeys(raw))


BENEFICIARIES = ("spouse", "non_spouse", "estate_or_trust")
# Sizes no real loan reaches (a 30-year residence loan paid weekly has 1,560 installments);
# they bound the work one request can ask for.
MAX_INSTALLMENTS, MAX_PAYMENTS, MAX_OFFSET_LOANS = 1600, 3200, 20


def parse_beneficiary(raw: Any) -> str:
    if raw not in BENEFICIARIES:
        raise _Bad(f"expected one of {', '.join(BENEFICIARIES)}")
    return raw


def _entries(raw: Any, what: str, limit: int) -> list:
    if not isinstance(raw, (list, tuple)):
        raise _Bad(f"expected a list of {what}")
    if len(raw) > limit:
        raise _Bad(f"at most {limit} {what}")
    return list(raw)


def _entry(item: Any, position: str, fields: Tuple[Tuple[str, Callable[[Any], Any]], ...]) -> tuple:
    """One list entry: a mapping with exactly `fields`, each parsed; the reason names the entry."""
    if (type(item) is not dict and not isinstance(item, Mapping)) or len(item) != len(fields) \
            or any(name not in item for name, _ in fields):
        raise _Bad(f"{position}: expected exactly the fields {', '.join(name for name, _ in fields)}")
    try:
        return tuple([parser(item[name]) for name, parser in fields])
    except _Bad as bad:
        bad_name = next(name for name, parser in fields if not _parses(parser, item[name]))
        raise _Bad(f"{position}, {bad_name}: {bad}") from None


def _parses(parser: Callable[[Any], Any], raw: Any) -> bool:
    try:
        parser(raw)
    except _Bad:
        return False
    return True


def _positive_money(raw: Any) -> Decimal:
    value = parse_money(raw)
    if value <= 0:
        raise _Bad("must be more than zero")
    return value


_INSTALLMENT_FIELDS = (("due_date", parse_event_date), ("amount_due", _positive_money))
_PAYMENT_FIELDS = (("date", parse_event_date), ("amount", _positive_money))


def parse_payment_history(raw: Any) -> PaymentHistory:
    """{"installments": [{due_date, amount_due}], "payments": [{date, amount}]}: the loan's
    schedule and what was paid, for the rolling cure (law/rolling_cure.py)."""
    if not isinstance(raw, Mapping) or set(raw) - {"installments", "payments"} or "installments" not in raw:
        raise _Bad('expected {"installments": [...], "payments": [...]}')
    installments = tuple(
        Installment(*_entry(item, f"installment {i}", _INSTALLMENT_FIELDS))
        for i, item in enumerate(_entries(raw["installments"], "installments", MAX_INSTALLMENTS), 1))
    if not installments:
        raise _Bad("give at least one installment")
    if len({i.due_date for i in installments}) != len(installments):
        raise _Bad("two installments share a due date; give each installment once")
    payments = tuple(
        Payment(*_entry(item, f"payment {i}", _PAYMENT_FIELDS))
        for i, item in enumerate(_entries(raw.get("payments") or [], "payments", MAX_PAYMENTS), 1))
    return PaymentHistory(installments, payments)


def parse_offset_loans(raw: Any) -> Tuple[OffsetLoan, ...]:
    """[{balance, in_good_standing}]: every loan the plan offset on the offset date."""
    loans = tuple(OffsetLoan(*_entry(item, f"loan {i}", (("balance", parse_money), ("in_good_standing", parse_bool))))
                  for i, item in enumerate(_entries(raw, "loans", MAX_OFFSET_LOANS), 1))
    if len(loans) < 2:
        raise _Bad("list every loan offset, at least two (for one loan use loan_balance)")
    return loans


def parse_term_months(raw: Any) -> int:
    months = _whole_number(raw, "a whole number of months")
    if not 1 <= months <= 600:
        raise _Bad("expected a loan term of 1 to 600 months")
    return months


def parse_payments_per_year(raw: Any) -> int:
    count = _whole_number(raw, "a whole number of payments per year")
    if not 1 <= count <= 365:
        raise _Bad("expected 1 to 365 payments per year")
    return count


# ---- the fact table ---------------------------------------------------------------------
@dataclass(frozen=True)
class FactSpec:
    name: str
    kind: str
    parser: Callable[[Any], Any]
    nullable: bool = False  # null is a meaningful value (only caught_up_on)
    default: Any = UNKNOWN  # the value when the fact is not given


FACT_TABLE: Tuple[FactSpec, ...] = (
    FactSpec("as_of", "date", parse_event_date),
    FactSpec("birth_date", "date", parse_date),
    FactSpec("age", "age", parse_age),
    FactSpec("left_job", "bool", parse_bool),
    FactSpec("separation_date", "date", parse_event_date),
    FactSpec("plan_terminated", "bool", parse_bool),
    FactSpec("plan_termination_date", "date", parse_event_date),
    FactSpec("offset_date", "date", parse_event_date),
    FactSpec("offset_reason", "enum", parse_offset_reason),
    FactSpec("missed_payment_due_date", "date", parse_event_date),
    FactSpec("caught_up_on", "date", parse_event_date, nullable=True),
    # Not given: the legal maximum is assumed and the answer says so (assess.py).
    FactSpec("cure_period", "cure_period", parse_cure_period),
    FactSpec("loan_balance", "money", parse_money),
    FactSpec("loan_in_good_standing", "bool", parse_bool),
    FactSpec("amount_rolled_over", "money", parse_money),
    FactSpec("cash_paid_not_rolled_over", "money", parse_money),
    FactSpec("designated_roth", "bool", parse_bool),
    FactSpec("box7_code", "code", parse_code),
    FactSpec("public_safety_employee", "bool", parse_bool),
    # IRC 72(t)(10): who may use age 50 (or 25 years of service) depends on the plan and the job.
    FactSpec("plan_type", "enum", parse_plan_type),
    FactSpec("public_safety_role", "enum", parse_public_safety_role),
    FactSpec("years_of_service", "years", parse_years_of_service),
    FactSpec("exceptions_claimed", "list", parse_exceptions, default=()),
    FactSpec("marginal_tax_rate", "rate", parse_rate),
    # Issue 10, situations. The payment history decides the rolling cure (CCA 201736022).
    FactSpec("payment_history", "history", parse_payment_history),
    # Several loans (Treas. Reg. 1.72(p)-1, Q&A-19, Q&A-20): the limit at issuance and the loans
    # offset together.
    FactSpec("vested_balance", "money", parse_money),
    FactSpec("other_loans_balance", "money", parse_money),
    FactSpec("highest_loan_balance_12m", "money", parse_money),
    FactSpec("replaced_loan_balance", "money", parse_money),
    FactSpec("replaced_loan_date", "date", parse_event_date),
    FactSpec("offset_loans", "loans", parse_offset_loans),
    # Repayments suspended for unpaid leave (Q&A-9(a)) or military service (IRC 414(u)(4)).
    FactSpec("unpaid_leave_start", "date", parse_event_date),
    FactSpec("unpaid_leave_end", "date", parse_event_date),
    FactSpec("military_service_start", "date", parse_event_date),
    FactSpec("military_service_end", "date", parse_event_date),
    # The participant's death and who inherits (IRC 402(c)(9), 402(c)(11)).
    FactSpec("death_date", "date", parse_event_date),
    FactSpec("beneficiary", "enum", parse_beneficiary),
    # The required minimum distribution of the offset's year still undistributed before it.
    FactSpec("rmd_not_yet_distributed", "money", parse_money),
    # Loan terms, for the 72(p)(2)(B)/(C) checks and the end of the correction window.
    FactSpec("loan_date", "date", parse_event_date),
    FactSpec("loan_amount", "money", parse_money),
    FactSpec("loan_term_months", "months", parse_term_months),
    FactSpec("principal_residence_loan", "bool", parse_bool),
    FactSpec("payments_per_year", "count", parse_payments_per_year),
    # Designated Roth money (IRC 402A, 72(e)(8)): contributions (basis) and the Roth
    # account's balance on the distribution date; the first Roth contribution year starts the
    # five-taxable-year period of a qualified distribution (IRC 402A(d)(2)(B)).
    FactSpec("roth_basis", "money", parse_money),
    FactSpec("roth_account_balance", "money", parse_money),
    FactSpec("roth_first_contribution_year", "year", parse_roth_year),
    # An IRS disaster postponement (IRC 7508A): its first day, the day acts are postponed to,
    # and the announcement that grants it.
    FactSpec("disaster_relief_start", "date", parse_event_date),
    FactSpec("disaster_postponed_to", "date", parse_event_date),
    FactSpec("disaster_relief_id", "announcement", parse_announcement_id),
    # The kind of plan, and for a governmental 457(b) the part of this distribution that comes
    # from money rolled into the plan from a plan or IRA that is not a governmental 457(b):
    # the only part the 10% additional tax reaches there (IRC 72(t)(9)).
    FactSpec("plan_kind", "enum", parse_plan_kind),
    FactSpec("rolled_in_amount", "money", parse_money),
)
FACT_NAMES: FrozenSet[str] = frozenset(spec.name for spec in FACT_TABLE)
_SPECS: Dict[str, FactSpec] = {spec.name: spec for spec in FACT_TABLE}


class Facts(namedtuple("_FactValues", [spec.name for spec in FACT_TABLE],
                       defaults=[spec.default for spec in FACT_TABLE[1:]])):
    """What the user told us, validated: one field per row of FACT_TABLE, in its order.
    Every fact not given is UNKNOWN (exceptions_claimed defaults to none). Immutable; a
    named tuple because this many fields cost a frozen dataclass several microseconds per
    assessment."""

    __slots__ = ()

    @property
    def separated(self) -> Any:
        """True/False/UNKNOWN: did the participant leave the employer?"""
        if self.separation_date is not UNKNOWN:
            return True
        return self.left_job

    @property
    def plan_cure_period(self) -> Any:
        """The cure period the rules apply: the plan's, or the legal maximum when not given
        (an assumption the answer states, never a silent default)."""
        return "max" if self.cure_period is UNKNOWN else self.cure_period



_POSITION: Dict[str, int] = {spec.name: i for i, spec in enumerate(FACT_TABLE)}
_PARSERS: Dict[str, Callable[[Any], Any]] = {spec.name: spec.parser for spec in FACT_TABLE}
_NULLABLE: FrozenSet[str] = frozenset(spec.name for spec in FACT_TABLE if spec.nullable)
_DEFAULT_ROW = tuple(spec.default for spec in FACT_TABLE)


def known(value: Any) -> bool:
    return value is not UNKNOWN


# ---- validation -------------------------------------------------------------------------
def parse_facts(raw: Mapping[str, Any], today: Optional[date] = None) -> Facts:
    """Validate a mapping of fact name -> JSON value. Raises FactsError listing every problem."""
    if type(raw) is not dict and not isinstance(raw, Mapping):  # dict first: ABC checks are slow
        raise FactsError({"facts": "expected a JSON object of facts"})
    errors: Dict[str, str] = {}
    values: Dict[str, Any] = {}
    for name, value in raw.items():
        parser = _PARSERS.get(name)
        if parser is None:
            errors[str(name)] = "unknown field"
            continue
        if value is None:
            if name in _NULLABLE:
                values[name] = None
            continue  # null means "not known" for every other fact
        try:
            values[name] = parser(value)
        except _Bad as bad:
            errors[name] = str(bad)
    if "as_of" not in values and "as_of" not in errors:
        values["as_of"] = today or date.today()
    if not errors:
        errors.update(_contradictions(values))
    if errors:
        raise FactsError(errors)
    row = list(_DEFAULT_ROW)  # by position: much cheaper than 40 keyword arguments
    for name, value in values.items():
        row[_POSITION[name]] = value
    return tuple.__new__(Facts, row)  # Facts._make without its length check: one slot per row


def _public_safety_contradictions(v: Dict[str, Any]) -> Dict[str, str]:
    role, employee = v["public_safety_role"], v.get("public_safety_employee")
    if employee is not None and (role == "none") == employee:
        return {"public_safety_role": "that job does not match your answer about public safety work"
                if employee else "you said you do no public safety work"}
    if role == "private_firefighter" and v.get("plan_type") == "governmental":
        return {"public_safety_role": "a private-sector firefighter's plan is not a governmental plan"}
    return {}


def _roth_contradictions(v: Dict[str, Any]) -> Dict[str, str]:
    errors: Dict[str, str] = {}
    if v["designated_roth"] is False:
        if "roth_basis" in v or "roth_account_balance" in v:
            errors["designated_roth"] = "you gave Roth account figures but said the loan is not from Roth money"
        return errors
    for name in ("loan_date", "offset_date", "missed_payment_due_date"):
        if v.get(name) and v[name].year < FIRST_ROTH_YEAR:
            errors[name] = f"designated Roth accounts exist only from {FIRST_ROTH_YEAR}; check this date"
    return errors


def _contradictions(v: Dict[str, Any]) -> Dict[str, str]:
    """Facts that cannot all be true. Each message names the conflict so it can be re-asked."""
    errors: Dict[str, str] = {}
    as_of, get = v["as_of"], v.get
    birth, separation, offset = get("birth_date"), get("separation_date"), get("offset_date")
    due, caught_up, loan_date = get("missed_payment_due_date"), get("caught_up_on"), get("loan_date")
    if birth:
        if birth > as_of:
            errors["birth_date"] = "a birth date cannot be in the future"
        elif (as_of.year - birth.year) > MAX_AGE + 1:
            errors["birth_date"] = f"that would make you older than {MAX_AGE}"
        for name in ("separation_date", "offset_date", "missed_payment_due_date", "loan_date",
                     "plan_termination_date"):
            if get(name) and v[name] < birth:
                errors[name] = "this date is before your birth date"
    if caught_up and caught_up > as_of:
        errors["caught_up_on"] = "a catch-up payment cannot be in the future"
    if caught_up and due and caught_up < due:
        errors["caught_up_on"] = "the catch-up date is before the missed payment was due"
    if "caught_up_on" in v and not due:
        errors.setdefault("missed_payment_due_date", "needed when caught_up_on is given")
    if separation and get("left_job") is False and separation <= as_of:
        # a separation dated after as_of is a plan (planned_events.py): not having left yet is
        # exactly what the person says
        errors["left_job"] = "you gave a separation date but also said you did not leave the job"
    if get("plan_termination_date") and get("plan_terminated") is False and v["plan_termination_date"] <= as_of:
        errors["plan_terminated"] = "you gave a plan termination date but said the plan did not terminate"
    if get("offset_reason") == "severance" and get("left_job") is False and not (separation and separation > as_of):
        errors["offset_reason"] = "a severance offset needs you to have left the job"
    if get("offset_reason") == "plan_termination" and get("plan_terminated") is False:
        errors["offset_reason"] = "a plan-termination offset needs the plan to have terminated"
    if offset and separation and offset < separation and get("offset_reason") in (None, "severance"):
        errors["offset_date"] = "the offset is dated before you left the job; check both dates"
    if offset and due and offset < due:
        errors["offset_date"] = "the loan was offset before the missed payment was due; check both dates"
    if loan_date and due and due < loan_date:
        errors["missed_payment_due_date"] = "the missed payment is dated before the loan was made"
    if loan_date and offset and offset < loan_date:
        errors["offset_date"] = "the offset is dated before the loan was made"
    if "public_safety_role" in v:
        errors.update(_public_safety_contradictions(v))
    if v.get("plan_kind") == "457b" and v.get("plan_type") == "private":
        # a tax-exempt employer's 457(b) is not a qualified employer plan (IRC 72(p)(4)); its
        # rules are outside this tool
        errors["plan_kind"] = "a 457(b) plan of a private or tax-exempt employer is not covered; this tool covers governmental 457(b) plans"
    if "designated_roth" in v:
        errors.update(_roth_contradictions(v))
    start, postponed_to = get("disaster_relief_start"), get("disaster_postponed_to")
    if start and postponed_to and postponed_to <= start:
        errors["disaster_postponed_to"] = "the postponed-to date must come after the disaster period starts"
    rolled, balance = get("amount_rolled_over"), get("loan_balance")
    if rolled is not None and balance is not None and rolled > balance:
        errors["amount_rolled_over"] = "more than the loan balance that was offset"
    rolled_in = get("rolled_in_amount")
    if rolled_in is not None and balance is not None and rolled_in > balance + (get("cash_paid_not_rolled_over") or 0):
        errors["rolled_in_amount"] = "more than the distribution itself (the loan balance and any cash paid with it)"
    if not _SITUATION_FACTS.isdisjoint(v):  # the common case, kept cheap: none of these was given
        errors.update(_situation_contradictions(v))
    return errors


_SITUATION_FACTS = frozenset({
    "payment_history", "offset_loans", "unpaid_leave_start", "unpaid_leave_end", "military_service_start",
    "military_service_end", "death_date", "beneficiary", "replaced_loan_date", "replaced_loan_balance"})


def _situation_contradictions(v: Dict[str, Any]) -> Dict[str, str]:
    """The issue-10 facts (history, several loans, suspensions, death) against the others."""
    if _SITUATION_FACTS.isdisjoint(v):
        return {}  # the common case, kept cheap: none of these facts was given
    errors: Dict[str, str] = {}
    as_of, birth = v["as_of"], v.get("birth_date")
    history = v.get("payment_history")
    if history is not None:
        errors.update(_history_contradictions(history, v))
    loans = v.get("offset_loans")
    if loans is not None:
        total = sum((loan.balance for loan in loans), Decimal("0.00"))
        if "loan_in_good_standing" in v:
            errors["loan_in_good_standing"] = "with several loans offset, say it for each loan in offset_loans"
        if v.get("loan_balance") is not None and v["loan_balance"] != total:
            errors["loan_balance"] = f"differs from the offset loans' total ({total:,.2f}); give one or the other"
        if v.get("amount_rolled_over") is not None and v["amount_rolled_over"] > total:
            errors["amount_rolled_over"] = "more than the loan balances that were offset"
        if "offset_date" not in v:
            errors["offset_date"] = "needed when offset_loans is given"
    for start_name, end_name in (("unpaid_leave_start", "unpaid_leave_end"),
                                 ("military_service_start", "military_service_end")):
        start, end = v.get(start_name), v.get(end_name)
        if end and not start:
            errors[start_name] = f"needed when {end_name} is given"
        elif start and end and end < start:
            errors[end_name] = "the end is before the start; check both dates"
        if start and v.get("loan_date") and end and end < v["loan_date"]:
            errors[end_name] = "this ended before the loan was made, so it cannot have paused its payments"
    death = v.get("death_date")
    if death and death > as_of:
        errors["death_date"] = "a date of death cannot be in the future"
    elif death and birth and death < birth:
        errors["death_date"] = "this date is before the birth date"
    if "beneficiary" in v and not death:
        errors["death_date"] = "needed when beneficiary is given"
    replaced = v.get("replaced_loan_date")
    if replaced and v.get("loan_date") and replaced >= v["loan_date"]:
        errors["replaced_loan_date"] = "the replaced loan must have been made before the new loan"
    if ("replaced_loan_date" in v) != ("replaced_loan_balance" in v):
        missing = "replaced_loan_balance" if "replaced_loan_date" in v else "replaced_loan_date"
        errors[missing] = "a refinancing needs both the replaced loan's date and its balance"
    return errors


def _history_contradictions(history: Any, v: Dict[str, Any]) -> Dict[str, str]:
    if "missed_payment_due_date" in v or "caught_up_on" in v:
        return {"payment_history": "give either the payment history or a missed payment date, not both"}
    late = [p.date for p in history.payments if p.date > v["as_of"]]
    if late:
        return {"payment_history": f"a payment dated {late[0].isoformat()} is in the future"}
    loan_date = v.get("loan_date")
    early = [i.due_date for i in history.installments if loan_date and i.due_date < loan_date]
    if early:
        return {"payment_history": f"an installment due {early[0].isoformat()} is before the loan was made"}
    return {}
