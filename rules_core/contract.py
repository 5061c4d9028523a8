"""The wire contract of an assessment, as pydantic models (works on pydantic 1.10 and 2.x).

The engine builds plain dicts for speed; these models state the shape that the bot, the web
widget and outside checks rely on, validate outputs in tests, and give the JSON Schema
(`python -m rules_core schema`). Field names are the contract: keep them.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pydantic
from pydantic import BaseModel

PYDANTIC_2 = pydantic.VERSION.startswith("2")


class _Strict(BaseModel):
    if PYDANTIC_2:
        model_config = {"extra": "forbid"}
    else:
        class Config:
            extra = "forbid"


class CitationOut(_Strict):
    id: str
    label: str
    title: str
    url: str


class ExplanationOut(_Strict):
    topic: str
    title: str
    text: str
    citations: List[CitationOut]


class AdditionalTaxOut(_Strict):
    applies: Optional[bool]
    reason: str
    amount: Optional[str]
    exception: Optional[str]


class WithholdingOut(_Strict):
    amount: str
    rate: str
    base: str
    reason: str


class CodeCheckOut(_Strict):
    given: str
    expected: Optional[str]
    consistent: Optional[bool]
    note: Optional[str]
    question_for_plan: Optional[str]


class EstimatedCostOut(_Strict):
    income_tax: str
    additional_tax: Optional[str]
    total: str
    federal_only: bool
    note: str


class TimelineEntryOut(_Strict):
    name: str
    label: str
    date: str
    rule: str
    says: str
    citations: List[CitationOut]
    certainty: str
    note: Optional[str]
    # issue 10: a postponed date keeps the date the rules gave and names the announcement
    original_date: Optional[str] = None
    postponed_by: Optional[str] = None


class InstallmentOut(_Strict):
    """One installment of a payment history, as the rolling cure read it."""
    due_date: str
    amount_due: str
    unpaid: str
    paid_in_full_on: Optional[str]
    cure_deadline: Optional[str]
    status: str  # on_time, cured, open, failed, suspended, not_yet_due


class LoanLimitOut(_Strict):
    """The IRC 72(p)(2)(A) test on the loan date, all loans counted."""
    cap: str
    counted_total: str
    deemed_amount: str
    replaced_loan_counted: Optional[bool]
    assumed_zero: List[str]


class OffsetLoanOut(_Strict):
    balance: str
    in_good_standing: bool
    treatment: Optional[str]  # the offset's classification, or already_deemed


class SuspensionOut(_Strict):
    kind: str  # unpaid_leave or military_service
    start: str
    end: Optional[str]
    repay_by: Optional[str]


class AssessmentOut(_Strict):
    classification: str
    as_of: str
    event_date: Optional[str]
    tax_year: Optional[int]
    taxable_amount: Optional[str]
    cure_deadline: Optional[str]
    qplo_window_end: Optional[str]
    rollover_eligible: Optional[bool]
    rollover_deadline: Optional[str]
    rollover_deadline_without_extension: Optional[str]
    form_1099r_box7: Optional[str]
    additional_tax: Optional[AdditionalTaxOut]
    withholding: Optional[WithholdingOut]
    code_check: Optional[CodeCheckOut]
    estimated_cost: Optional[EstimatedCostOut]
    next_steps: List[ExplanationOut]
    missing_facts: List[str]
    explanations: List[ExplanationOut]
    timeline: List[TimelineEntryOut]
    disclaimer: str
    # Issue 10, additive. planned_events names the given dates that lie after as_of: the
    # answer describes what will happen if they happen then.
    planned_events: List[str]
    rollover_eligible_amount: Optional[str]
    installments: Optional[List[InstallmentOut]]
    loan_limit: Optional[LoanLimitOut]
    offset_loans: Optional[List[OffsetLoanOut]]
    repayment_suspensions: Optional[List[SuspensionOut]]


def validate_assessment(data: Dict[str, Any]) -> AssessmentOut:
    """Raise a pydantic ValidationError unless `data` has exactly the contract's shape."""
    if PYDANTIC_2:
        return AssessmentOut.model_validate(data)
    return AssessmentOut.parse_obj(data)


def assessment_schema() -> Dict[str, Any]:
    return AssessmentOut.model_json_schema() if PYDANTIC_2 else AssessmentOut.schema()
