"""Orchestration: facts in, one assessment out. The one place the law modules meet.

Order: validate the facts, classify (classify.py), then derive in the law's order the
taxable amount, the Box 7 code, the 10% additional tax, withholding, the rollover deadlines,
the code check, next steps and explanations. Dates carry the rule that produced them.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from operator import itemgetter
from decimal import Decimal
from typing import Any, Dict, List, Mapping, Optional

from . import classify as c
from . import situations
from .explain import Rendered
from .facts import UNKNOWN, Facts, known, parse_facts
from .law import additional_tax as at
from .law import plan_loan_offset as plo
from .law import designated_roth as roth
from .law import public_safety as ps
from .law import qplo
from .law import death
from .law import required_minimum as rmd
from .law import rolling_cure as rc
from .law.additional_tax import reached_59_half
from .law.box7_codes import decode_box7, expected_box7
from .law.due_dates import original_due_ruled
from .law.code_check import check_code
from .law.loan_terms import max_term_end
from .law.postponements import (QPLO_EXTENDED, QPLO_ORIGINAL, RETURN_DUE, ROLLOVER_ONLY, Postponement,
                                 cares_suspension_possible, disaster, postpone)
from .law.ruled import RuledDate
from .law.withholding import offset_withholding
from .messages import message
from .next_steps import select_steps
from .parameters import parameter
from .render import MONTHS, Values, long_date, money, timeline

# The contract's field order, so the JSON reads top-down.
FIELD_ORDER = (
    "classification", "as_of", "event_date", "tax_year", "taxable_amount", "cure_deadline",
    "qplo_window_end", "rollover_eligible", "rollover_deadline", "rollover_deadline_without_extension",
    "form_1099r_box7", "additional_tax", "withholding", "code_check", "estimated_cost",
    "next_steps", "missing_facts", "explanations", "timeline", "disclaimer",
    # issue 10, additive: the situations (planned dates, rolling cure, several loans,
    # suspensions, RMDs and beneficiaries)
    "planned_events", "rollover_eligible_amount", "installments", "loan_limit", "offset_loans",
    "repayment_suspensions",
)
_BLANK = dict.fromkeys(FIELD_ORDER)  # copied, not rebuilt key by key, for each assessment
CENT = ZERO = Decimal("0.00")
TAXABLE = (c.DEEMED, c.OFFSET, c.QPLO, c.OFFSET_AFTER_DEEMED)
OFFSETS = (c.OFFSET, c.QPLO)


def assess(raw: Mapping[str, Any], today: Optional[date] = None, prose: bool = True) -> Dict[str, Any]:
    """Assess a mapping of facts (JSON names and values). Raises FactsError on bad input.
    prose=False leaves explanations, next_steps and timeline empty (see api.assess_figures)."""
    return assess_facts(parse_facts(raw, today), prose)


def assess_facts(f: Facts, prose: bool = True) -> Dict[str, Any]:
    f, situation = situations.read(f)
    finding = c.classify(f, situation)
    return _Assessment(f, finding, situation).build(prose)


class _Assessment:
    """Collects the pieces of one assessment; each method adds one concern."""

    def __init__(self, f: Facts, finding: c.Finding, situation: situations.Situation = situations.NOTHING):
        self.f, self.finding, self.s = f, finding, situation
        self.dates: List[RuledDate] = []
        self.topics: List[str] = list(finding.topics)
        self.steps: List[str] = []
        self.missing: List[str] = list(finding.missing)
        self.values = Values()
        self.rendered = Rendered()  # each topic rendered once, however often quoted
        self.rendered.values = self.values
        self.out: Dict[str, Any] = _BLANK.copy()  # fields filled in place, in order
        self.two_forms = False  # the distribution is reported on two Forms 1099-R (72(t)(9))

    # -- build ---------------------------------------------------------------------------
    def build(self, prose: bool = True) -> Dict[str, Any]:
        f, finding = self.f, self.finding
        event = finding.event if finding.classification in TAXABLE else None
        self._user_dates()
        for ruled in (finding.cure_deadline, finding.offset, finding.window_end):
            if ruled is not None:
                self._date(ruled)
        if event is not None:
            if event is not finding.offset:
                self._date(event)
            self.values.add_date("event_date", event.date)
            self.values["tax_year"] = str(event.date.year)
        taxable = self._taxable(event)
        tax = self._additional_tax(event, taxable)
        code = self._box7(tax)
        self._rollover(event)
        self._withholding()
        self._code_check(code)
        self._estimate(taxable, tax)
        if self.s is not situations.NOTHING:
            self._situations()
        else:
            self.out["planned_events"] = []
        if prose:
            self._steps(event)
        out = self.out
        out["classification"] = finding.classification
        out["as_of"] = f.as_of.isoformat()
        if event is not None:
            out["event_date"] = event.date.isoformat()
            out["tax_year"] = event.date.year
        if finding.cure_deadline is not None:
            out["cure_deadline"] = finding.cure_deadline.date.isoformat()
        if finding.window_end is not None:
            out["qplo_window_end"] = finding.window_end.date.isoformat()
        out["form_1099r_box7"] = code
        out["missing_facts"] = list(dict.fromkeys(self.missing))
        if prose:
            self._explain()
            out["timeline"] = timeline(sorted(self.dates, key=_by_date))
        else:  # the figures only: the topics, steps and dated rules are not rendered
            out["next_steps"], out["explanations"], out["timeline"] = [], [], []
        out["disclaimer"] = _disclaimer()
        return out

    # -- dates ---------------------------------------------------------------------------
    def _date(self, ruled: RuledDate) -> None:
        self.dates.append(ruled)
        day = ruled.date
        self.values[ruled.name] = f"{MONTHS[day.month - 1]} {day.day}, {day.year}"  # long_date(), inlined: hot
        if ruled.note:
            self.topics.append(ruled.note)

    def _user_dates(self) -> None:
        f = self.f
        if isinstance(f.cure_period, int):
            self.values["cure_period_days"] = str(f.cure_period)
        # the offset date comes in with its rule (offset.event) from the finding
        derived, planned = self.s.derived_facts, self.s.planned
        for name, value in zip(_USER_DATES, (f.loan_date, f.missed_payment_due_date, f.caught_up_on,
                                             f.separation_date, f.plan_termination_date)):
            if type(value) is not date:
                continue
            if derived or planned:
                self._date(_derived_date(name, value) if name in derived else _user_date(name, value, name in planned))
            else:
                self._date(_new(RuledDate, (name, value, "user_fact", "settled", None, None, None)))
        repay_by = self.s.repay_by if self.s.suspensions else None
        if repay_by is not None:
            self._date(repay_by)
        elif isinstance(f.loan_date, date):
            end = max_term_end(f.loan_date, f.loan_term_months, f.principal_residence_loan)
            if end is not None:
                self._date(end)
        if isinstance(f.missed_payment_due_date, date) and cares_suspension_possible(f.missed_payment_due_date):
            self.topics.append("relief.cares_loan_suspension")

    # -- amounts and tax -------------------------------------------------------------------
    def _taxable(self, event: Optional[RuledDate]) -> Optional[Decimal]:
        """The income of the event: the amount distributed, less what was rolled over, plus
        cash paid with an offset and not rolled over; for designated Roth money only the
        earnings share (or nothing for a qualified distribution)."""
        f, kind = self.f, self.finding.classification
        self.out["taxable_amount"] = None
        if event is None:
            return None
        amount = f.loan_balance
        limit = self.s.limit
        if event.rule == "deemed.issuance_terms" and f.loan_amount is not UNKNOWN:
            amount = f.loan_amount
        elif event.rule == "deemed.issuance_amount":
            amount = limit.deemed_amount
        if amount is UNKNOWN:
            self.missing.append("loan_balance")
            return None
        if limit is not None and limit.deemed_amount > 0 and event.rule != "deemed.issuance_amount" \
                and event.rule != "deemed.issuance_terms":
            # interpretation: the excess was income on the loan date and is taxed once; the
            # later event's amount is taken to include it, still unpaid (the topic says so)
            amount = max(ZERO, amount - limit.deemed_amount)
            self.values.add_money("deemed_excess", limit.deemed_amount)
            self.values["loan_year"] = str(f.loan_date.year)
            self.topics.append("amount.excess_already_taxed")
        if kind in OFFSETS:
            amount = self._offset_income(amount)
        if f.designated_roth is True:
            amount = self._roth_share(amount, event)
        elif kind in TAXABLE and f.designated_roth is UNKNOWN:
            # unknown is not "no": pre-tax money is assumed, said so, and asked
            self.topics.append("amount.assumed_pre_tax")
            self.missing.append("designated_roth")
        if amount is None:
            return None
        self.values.add_money("taxable_amount", amount)
        self.topics.append("amount.taxable")
        self.out["taxable_amount"] = money(amount)
        return amount

    def _offset_income(self, offset: Decimal) -> Decimal:
        """An offset less the part rolled over, plus cash paid with it and not rolled over:
        that cash is a distribution too (Treas. Reg. 1.402(c)-2 Q&A-9; IRC 402(a))."""
        f = self.f
        amount = offset
        if f.amount_rolled_over is not UNKNOWN:
            rolled = f.amount_rolled_over
            if self._beneficiary_may_roll_over() is False:
                rolled = ZERO  # IRC 402(c)(11): no 60-day rollover for this beneficiary
            elif f.rmd_not_yet_distributed is not UNKNOWN:
                # the RMD part of the offset cannot be rolled over (1.402(c)-2 Q&A-7, Q&A-9)
                rolled = min(rolled, rmd.split_offset(offset, f.rmd_not_yet_distributed).rollable)
            amount = amount - rolled
            self.values.add_money("amount_rolled_over", rolled)
            self.topics.append("tax.rolled_over_not_taxed")
        if f.cash_paid_not_rolled_over is UNKNOWN:
            self.topics.append("amount.cash_not_counted")
        elif f.cash_paid_not_rolled_over > 0:
            amount = amount + f.cash_paid_not_rolled_over
            self.values.add_money("cash_paid_not_rolled_over", f.cash_paid_not_rolled_over)
            self.topics.append("amount.cash_included")
        return amount

    def _roth_share(self, amount: Decimal, event: RuledDate) -> Optional[Decimal]:
        f = self.f
        deemed = event.rule.startswith("deemed.")
        half = reached_59_half(at.AgeFacts(f.birth_date, f.age), event.date)
        claimed = tuple(f.exceptions_claimed)
        verdict = roth.qualified_distribution(deemed, event.date, half, "death" in claimed,
                                              "disability" in claimed, f.roth_first_contribution_year)
        if verdict.qualified:
            self.topics.append("roth.qualified")
            return ZERO
        if verdict.qualified is None:
            self.topics.append("roth.qualified_unknown")
            self.missing.append(verdict.needs)
            return None
        self.topics.append("roth.deemed_never_qualified" if deemed else "roth.not_qualified")
        if not (f.roth_basis is not UNKNOWN and f.roth_account_balance is not UNKNOWN):
            self.topics.append("roth.earnings_share_unknown")
            self.missing.extend(name for name in ("roth_basis", "roth_account_balance") if not known(getattr(f, name)))
            return None
        share = roth.earnings_share(amount, f.roth_basis, f.roth_account_balance)
        self.values.add_money("roth_distribution", amount)
        self.values.add_money("roth_basis", f.roth_basis)
        self.values.add_money("roth_account_balance", f.roth_account_balance)
        self.topics.append("roth.earnings_share")
        return share

    def _additional_tax(self, event: Optional[RuledDate], taxable: Optional[Decimal]) -> Optional[at.AdditionalTax]:
        f = self.f
        if event is None:
            self.out["additional_tax"] = None
            return None
        half = None
        if isinstance(f.birth_date, date):
            half = at.age_59_half_date(f.birth_date)
            self._date(half)
        age = _new(at.AgeFacts, (f.birth_date, f.age, half))
        separation = UNKNOWN
        if f.separation_date is not UNKNOWN:
            separation = f.separation_date if f.separation_date <= event.date else UNKNOWN
            still_employed = f.separation_date > event.date
        else:
            separation = None if f.left_job is True else UNKNOWN  # None: left, date unknown
            still_employed = True if f.left_job is False else None
        claimed = tuple(f.exceptions_claimed)
        if f.death_date is not UNKNOWN and death.paid_after_death(f.death_date, event.date) and "death" not in claimed:
            claimed = ("death",) + claimed  # paid to a beneficiary: IRC 72(t)(2)(A)(ii)
        safety = ps.coverage(event.date, f.public_safety_employee, f.public_safety_role, f.plan_type)
        tax = at.additional_tax(age, event.date, separation, still_employed, safety,
                                claimed, f.years_of_service)
        base, after = taxable, ()
        if at.from_governmental_457b(f.plan_kind, f.plan_type):
            tax, base, after = self._governmental_457b(tax, taxable)
        if tax.applies is None:
            self.missing.append(tax.needs or "birth_date")
        if taxable == 0 and tax.applies is not False and "amount_rolled_over" in self.values:
            tax = at.AdditionalTax(False, "tax.rolled_over_not_taxed", "rolled_over", tax.at_59_half)
        if tax.exception and tax.exception in claimed:
            self.values["exceptions"] = ", ".join(x.replace("_", " ") for x in claimed)
        self.topics.append(tax.topic)
        self.topics.extend(after)
        amount = None
        if taxable is not None and tax.applies is not None:
            amount = (base * parameter("additional_tax_rate", event.date)).quantize(CENT) if tax.applies else ZERO
        self.additional_tax_amount = amount
        if tax.applies and amount is not None:
            self.values.add_money("additional_tax_amount", amount)
            self.topics.append("tax.additional_amount")
        self.out["additional_tax"] = {
            "applies": tax.applies, "reason": self.rendered[tax.topic]["text"],
            "amount": money(amount) if amount is not None else None, "exception": tax.exception,
        }
        return tax

    def _governmental_457b(self, tax: at.AdditionalTax, taxable: Optional[Decimal]):
        """IRC 72(t)(9): the verdict, the base of the 10% and the topics that follow the
        verdict's. Unknown is not "none": with no word on rolled-in money none is assumed (the
        usual case), said so, and asked. A part rolled in, smaller than the whole, is reported
        on its own Form 1099-R, so no single expected code can be given."""
        f = self.f
        verdict, part = at.governmental_457b(tax, f.rolled_in_amount, taxable)
        if verdict.exception == at.GOVERNMENTAL_457B:
            if f.rolled_in_amount is UNKNOWN:
                self.missing.append("rolled_in_amount")
                return verdict, ZERO, ("tax.assumed_no_rolled_in",)
            return verdict, ZERO, ()
        if verdict is tax and verdict.applies is False:
            return verdict, taxable, ()  # freed by another rule (59½, separation age, ...)
        shown = f.rolled_in_amount if taxable is None else min(f.rolled_in_amount, taxable)
        self.values.add_money("rolled_in_amount", shown)
        if part is not None:
            self.two_forms = True
        after = () if verdict.topic == "tax.governmental_457b_rolled_in" else ("tax.governmental_457b_rolled_in",)
        return verdict, (taxable if part is None else part), after

    def _box7(self, tax: Optional[at.AdditionalTax]) -> Optional[str]:
        kind = self.finding.classification
        if tax is None or self.two_forms:
            return None
        digit = at.age_code(tax)
        if digit is None:
            return None
        event_type = c.DEEMED if kind == c.OFFSET_AFTER_DEEMED else kind
        code = expected_box7(event_type, digit, self.f.designated_roth is True)
        self.values["box7_code"] = code
        self.topics.append("code.expected")
        return code

    # -- rollover and withholding ---------------------------------------------------------
    def _beneficiary_may_roll_over(self) -> Optional[bool]:
        """True when no death is involved; else whether this beneficiary may roll over."""
        if not self.s.after_death:
            return True
        return death.beneficiary_may_roll_over(self.f.beneficiary)

    def _rollover(self, event: Optional[RuledDate]) -> None:
        kind, out = self.finding.classification, self.out
        out["rollover_eligible"] = True if kind in OFFSETS else (False if kind in (c.DEEMED, c.OFFSET_AFTER_DEEMED) else None)
        out["rollover_deadline"] = out["rollover_deadline_without_extension"] = None
        if kind in (c.DEEMED, c.OFFSET_AFTER_DEEMED):
            self.topics.append("rollover.not_eligible_deemed")
        area = self._disaster() if self.f.disaster_postponed_to is not UNKNOWN else None
        may = self._beneficiary_may_roll_over() if self.s.after_death and kind in OFFSETS else True
        if may is not True:
            out["rollover_eligible"] = may
            self.topics.append("rollover.beneficiary_not_spouse" if may is False else "rollover.depends_on_beneficiary")
            if may is None:
                self.missing.append("beneficiary")
        elif self.s.after_death and kind in OFFSETS:
            self.topics.append("rollover.surviving_spouse")
        if may is False:
            # no deadline to give: this beneficiary cannot roll the offset over, so the
            # conclusions that name one give way to the one about the death
            self.topics = [t for t in self.topics if t not in _ROLLOVER_CONCLUSIONS]
            if "result.offset_at_death" not in self.topics:
                self.topics.insert(0, "rollover.beneficiary_not_spouse")
        elif kind == c.QPLO:
            deadlines = qplo.qplo_rollover_deadlines(self.f.offset_date)
            with_extension = postpone(deadlines.with_extension, QPLO_EXTENDED, area)
            without_extension = postpone(deadlines.without_extension, QPLO_ORIGINAL, area)
            self._date(with_extension)
            self._date(without_extension)
            self.values.add_date("return_due_date", without_extension.date)
            self.topics.append("rollover.qplo_extension")
            out["rollover_deadline"] = with_extension.date.isoformat()
            out["rollover_deadline_without_extension"] = without_extension.date.isoformat()
        elif kind == c.OFFSET:
            deadline = postpone(plo.sixty_day_deadline(self.f.offset_date), ROLLOVER_ONLY, area)
            self._date(deadline)
            out["rollover_deadline"] = deadline.date.isoformat()
        if event is not None and kind in (c.DEEMED, c.OFFSET, c.QPLO):
            # The event is income of its year: the return that reports it is a date to keep
            # (for a QPLO it is also the rollover deadline without an extension).
            self._date(postpone(original_due_ruled(event.date.year), RETURN_DUE, area))

    def _disaster(self) -> Optional[Postponement]:
        """The area postponement the person told us of (IRC 7508A), once its period is known."""
        f = self.f
        self.values.add_date("disaster_postponed_to", f.disaster_postponed_to)
        self.values["disaster_relief_id"] = f.disaster_relief_id if f.disaster_relief_id is not UNKNOWN \
            else "(announcement id not given)"
        if f.disaster_relief_start is UNKNOWN:
            self.topics.append("relief.disaster_needs_start")
            self.missing.append("disaster_relief_start")
            return None
        return disaster(f.disaster_relief_start, f.disaster_postponed_to, f.disaster_relief_id)

    def _withholding(self) -> None:
        f = self.f
        self.out["withholding"] = None
        if self.finding.classification not in OFFSETS or f.cash_paid_not_rolled_over is UNKNOWN \
                or f.loan_balance is UNKNOWN:
            return
        rate = parameter("mandatory_withholding_rate", f.offset_date)
        if rate is None:
            return
        amount = offset_withholding(f.loan_balance, f.cash_paid_not_rolled_over, f.offset_date)
        self.values.add_money("withholding_amount", amount)
        self.values.add_money("cash_paid_not_rolled_over", f.cash_paid_not_rolled_over)
        topic = "withholding.offset" if f.cash_paid_not_rolled_over > 0 else "withholding.none"
        self.topics.append(topic)
        self.out["withholding"] = {
            "amount": money(amount), "rate": str(rate),
            "base": money(f.loan_balance + f.cash_paid_not_rolled_over),
            "reason": self.rendered[topic]["text"],
        }

    # -- code check and estimate ------------------------------------------------------------
    def _code_check(self, expected: Optional[str]) -> None:
        f = self.f
        if f.box7_code is UNKNOWN:
            self.out["code_check"] = None
            return
        result = check_code(decode_box7(f.box7_code), expected, self.finding.classification)
        self.values["given_code"] = result.given
        if expected is None and "box7_code" not in self.values:
            self.values["box7_code"] = "unknown until we know more"
        note = self.rendered[result.topic]["text"] if result.topic else None
        question = result.question(self.values)
        if result.consistent is False:
            self.steps.append("step.contact_plan_about_code")
        self.out["code_check"] = {"given": result.given, "expected": expected, "consistent": result.consistent,
                                  "note": note, "question_for_plan": question}

    def _estimate(self, taxable: Optional[Decimal], tax: Optional[at.AdditionalTax]) -> None:
        f = self.f
        self.out["estimated_cost"] = None
        if taxable is None or f.marginal_tax_rate is UNKNOWN:
            return
        income_tax = (taxable * f.marginal_tax_rate).quantize(CENT)
        extra = None
        if tax is not None and tax.applies is not None:
            extra = self.additional_tax_amount  # the 10% on this taxable amount (_additional_tax)
        total = income_tax + (extra or ZERO)
        self.values.add_money("estimated_income_tax", income_tax)
        self.values.add_money("estimated_total", total)
        self.out["estimated_cost"] = {
            "income_tax": money(income_tax), "additional_tax": money(extra) if extra is not None else None,
            "total": money(total), "federal_only": True, "note": self.rendered["tax.estimate"]["text"],
        }

    # -- the issue-10 situations (additive fields) ---------------------------------------------
    def _situations(self) -> None:
        s, out, f = self.s, self.out, self.f
        out["planned_events"] = list(s.planned)
        if s.planned:
            self.values["planned_events"] = "; ".join(
                f"{message('planned.' + name)} on {long_date(getattr(f, name))}" for name in s.planned)
            self.topics.insert(0, "result.planned_event")
            # the conclusions in the future tense: nothing has happened yet
            self.topics = [_PLANNED_WORDING.get(t, t) for t in self.topics]
        if s.history is not None:
            out["installments"] = rc.as_dicts(s.history)
            if any(i.status in (rc.CURED, rc.FAILED, rc.OPEN) for i in s.history.installments):
                self.topics.append("cure.rolling")
        if s.limit is not None:
            self._loan_limit(s.limit)
        if s.offset_split is not None:
            self._offset_loans(s.offset_split)
        if s.suspensions:
            self._suspensions(s.suspensions)
        if type(f.death_date) is date:
            self._date(RuledDate("death_date", f.death_date, "user_fact"))
        self._rmd()

    def _loan_limit(self, limit) -> None:
        f, values = self.f, self.values
        values.add_money("loan_limit_cap", limit.cap)
        values.add_money("counted_loans", limit.counted_total)
        values.add_money("deemed_excess", limit.deemed_amount)
        values.add_date("loan_date", f.loan_date)
        if limit.replaced_term_end is not None:
            self._date(limit.replaced_term_end)
            self.topics.append({True: "limit.replacement_counts_both", False: "limit.replacement_within_term",
                                None: "limit.replacement_term_unknown"}[limit.replaced_counts])
            if limit.replaced_counts is None:
                self.missing.append("loan_term_months")
        if limit.deemed_amount == 0:
            self.topics.append("limit.within_at_issuance")
        if limit.assumed:
            self.missing.extend(limit.assumed)
            self.topics.append("limit.assumed_no_other_loans")
        self.out["loan_limit"] = {
            "cap": money(limit.cap), "counted_total": money(limit.counted_total),
            "deemed_amount": money(limit.deemed_amount), "replaced_loan_counted": limit.replaced_counts,
            "assumed_zero": list(limit.assumed)}

    def _offset_loans(self, split) -> None:
        good, failed = split
        kind = self.finding.classification
        treatment = kind if kind in OFFSETS else None
        self.values.add_money("good_standing_balance", good)
        self.values.add_money("already_deemed_balance", failed)
        self.topics.append("result.several_loans_offset")
        self.out["offset_loans"] = [
            {"balance": money(loan.balance), "in_good_standing": loan.in_good_standing,
             "treatment": treatment if loan.in_good_standing else "already_deemed"}
            for loan in self.f.offset_loans]

    def _suspensions(self, suspensions) -> None:
        entries = []
        for suspension in suspensions:
            self._date(_user_date(suspension.kind + "_start", suspension.start, suspension.start > self.f.as_of))
            if suspension.end is not None:
                self._date(suspension.end)
            self.topics.append("suspension." + suspension.kind)
            entries.append({"kind": suspension.kind, "start": suspension.start.isoformat(),
                            "end": _iso(suspension.end), "repay_by": _iso(suspension.repay_by)})
        if suspensions[-1].kind == "military_service" and suspensions[-1].end is None:
            self.missing.append("military_service_end")
        self.out["repayment_suspensions"] = entries

    def _rmd(self) -> None:
        f, out = self.f, self.out
        if self.finding.classification not in OFFSETS or f.loan_balance is UNKNOWN:
            return
        may = self._beneficiary_may_roll_over()
        if may is False:
            out["rollover_eligible_amount"] = money(ZERO)
            return
        if f.rmd_not_yet_distributed is UNKNOWN:
            return
        split = rmd.split_offset(f.loan_balance, f.rmd_not_yet_distributed)
        self.values.add_money("rmd_part", split.rmd_part)
        self.values.add_money("rollover_eligible_amount", split.rollable)
        self.topics.append("rollover.rmd_part_not_rollable")
        if f.amount_rolled_over is not UNKNOWN and f.amount_rolled_over > split.rollable:
            self.topics.append("rollover.rmd_rolled_in_excess")
        out["rollover_eligible_amount"] = money(split.rollable)

    # -- next steps and explanations --------------------------------------------------------
    def _steps(self, event: Optional[RuledDate]) -> None:
        self.steps[:0] = select_steps(self.f, self.finding, self.out, self.values)

    def _explain(self) -> None:
        values = self.values
        if "missing_facts" not in values:
            values["missing_facts"] = ", ".join([m.replace("_", " ") for m in self.out["missing_facts"]]) or "nothing more"
        self.out["next_steps"] = self.rendered.entries(dict.fromkeys(self.steps))
        self.out["explanations"] = self.rendered.entries(dict.fromkeys(self.topics))




_by_date = itemgetter(1)  # RuledDate.date
_new = tuple.__new__  # a NamedTuple from all its fields, without the Python-level __new__
_PLANNED_WORDING = {
    "result.qplo_severance": "result.planned.qplo_severance",
    "result.plan_loan_offset": "result.planned.plan_loan_offset",
    "result.separated_awaiting_offset": "result.planned.separation",
    "result.offset_outside_window": "result.planned.offset_outside_window",
}
_ROLLOVER_CONCLUSIONS = frozenset({"result.plan_loan_offset", "result.qplo_severance", "result.qplo_plan_termination"})


def _user_date(name: str, day: date, planned: bool) -> RuledDate:
    """A date the user gave: a fact, or a plan when it lies after as_of (planned_events.py)."""
    if planned:
        return RuledDate(name, day, "user_plan")
    return RuledDate(name, day, "user_fact")


def _derived_date(name: str, day: date) -> RuledDate:
    """A date the payment history decided in place of the user's (situations.py)."""
    if name == "caught_up_on":
        return RuledDate(name, day, "cure.history_paid_in_full")
    return RuledDate(name, day, "cure.history_deciding")


_USER_DATES = ("loan_date", "missed_payment_due_date", "caught_up_on", "separation_date", "plan_termination_date")


@lru_cache(maxsize=1)
def _disclaimer() -> str:
    return message("disclaimer")


def _iso(ruled: Optional[RuledDate]) -> Optional[str]:
    return ruled.date.isoformat() if ruled is not None else None
