"""Structure of the explanation topics in rules_core/explanations/*.md.

TABLE below is the single source for which topics the engine selects for a user's facts:
topic id -> (kind, placeholders the engine guarantees when it selects the topic). A topic
may use all of its allowed placeholders or only some of them, never others.
FAQ / sponsor / myth topics are static: they get the generic checks but are not listed here.
"""
from __future__ import annotations

import re

import pytest

from rules_core.citations import registry
from rules_core.explain import KINDS, PLACEHOLDERS, STATIC_KINDS, render, render_question, topics

CODES = frozenset({"given_code", "box7_code"})

TABLE = {
    # Conclusions
    "result.cure_window_open": ("conclusion", {"missed_payment_due_date", "cure_deadline"}),
    "result.cured": ("conclusion", {"missed_payment_due_date", "caught_up_on", "cure_deadline"}),
    "result.deemed_distribution": (
        "conclusion", {"missed_payment_due_date", "cure_deadline", "event_date", "tax_year"}),
    "result.deemed_at_issuance": ("conclusion", {"loan_date", "tax_year"}),
    "result.plan_loan_offset": ("conclusion", {"offset_date", "tax_year", "rollover_deadline"}),
    "result.qplo_severance": (
        "conclusion", {"separation_date", "offset_date", "qplo_window_end", "tax_year",
                       "rollover_deadline", "rollover_deadline_without_extension"}),
    "result.qplo_plan_termination": (
        "conclusion", {"offset_date", "tax_year", "rollover_deadline",
                       "rollover_deadline_without_extension"}),
    "result.offset_after_deemed": ("conclusion", {"event_date", "tax_year", "offset_date"}),
    "result.needs_more_facts": ("conclusion", {"missing_facts"}),
    "result.offset_outside_window": (
        "conclusion", {"separation_date", "qplo_window_end", "offset_date"}),
    "result.offset_not_good_standing": ("conclusion", set()),
    "result.offset_other_reason": ("conclusion", set()),
    "result.offset_before_qplo_rules": ("conclusion", {"offset_date"}),
    "result.separated_awaiting_offset": ("conclusion", {"separation_date", "qplo_window_end"}),
    # Tax
    "amount.taxable": ("conclusion", {"taxable_amount", "tax_year"}),
    "tax.additional_applies": ("conclusion", set()),
    "tax.additional_amount": ("conclusion", {"additional_tax_amount"}),
    "tax.exempt_59_half": ("conclusion", {"age_59_half_date"}),
    "tax.exempt_59_half_by_age": ("conclusion", set()),
    "tax.exempt_age_55": ("conclusion", {"separation_date"}),
    "tax.exempt_public_safety_50": ("conclusion", {"separation_date"}),
    # IRC 72(t)(9): governmental 457(b) payouts
    "tax.exempt_governmental_457b": ("conclusion", set()),
    "tax.assumed_no_rolled_in": ("conclusion", set()),
    "tax.governmental_457b_rolled_in": ("conclusion", {"rolled_in_amount"}),
    "tax.no_age_55_while_employed": ("conclusion", set()),
    "tax.exception_claimed": ("conclusion", {"exceptions"}),
    "tax.unknown_age": ("conclusion", set()),
    "tax.unknown_public_safety": ("conclusion", set()),
    # issue 10: assumptions stated, cash with the offset, designated Roth money
    "amount.assumed_pre_tax": ("conclusion", set()),
    "result.long_term_needs_purpose": ("conclusion", set()),
    "relief.postponed_nationwide": ("flag", set()),
    "relief.postponed_disaster": ("flag", {"disaster_relief_id", "disaster_postponed_to"}),
    "relief.cares_loan_suspension": ("conclusion", set()),
    "relief.disaster_needs_start": ("conclusion", set()),
    "amount.cash_not_counted": ("conclusion", set()),
    "amount.cash_included": ("conclusion", {"cash_paid_not_rolled_over"}),
    "cure.assumed_max": ("flag", {"cure_deadline"}),
    "roth.deemed_never_qualified": ("conclusion", set()),
    "roth.not_qualified": ("conclusion", set()),
    "roth.qualified": ("conclusion", set()),
    "roth.qualified_unknown": ("conclusion", set()),
    "roth.earnings_share_unknown": ("conclusion", set()),
    "roth.earnings_share": ("conclusion", {"roth_basis", "roth_account_balance", "roth_distribution",
                                           "taxable_amount"}),
    "tax.rolled_over_not_taxed": ("conclusion", {"amount_rolled_over"}),
    "tax.estimate": ("conclusion", {"estimated_income_tax", "estimated_total"}),
    "tax.age_59_half_month_end": ("flag", {"age_59_half_date"}),
    # Rollover, withholding, windows, cure
    "rollover.not_eligible_deemed": ("conclusion", set()),
    "rollover.sixty_day_weekend": ("flag", {"rollover_deadline"}),
    "rollover.qplo_extension": (
        "conclusion", {"rollover_deadline", "rollover_deadline_without_extension"}),
    "rollover.qplo_weekend": ("flag", {"rollover_deadline"}),
    "withholding.offset": ("conclusion", {"withholding_amount", "cash_paid_not_rolled_over"}),
    "withholding.none": ("conclusion", set()),
    "window.anniversary_feb29": ("flag", {"qplo_window_end"}),
    "cure.plan_shorter": ("flag", {"cure_deadline", "cure_period_days"}),
    "cure.rolling": ("flag", set()),
    # Box 7 codes
    "code.expected": ("conclusion", {"box7_code"}),
    "code.consistent": ("conclusion", {"given_code"}),
    "code_check.l_but_offset": ("code_check", CODES),
    "code_check.missing_m": ("code_check", CODES),
    "code_check.unexpected_m": ("code_check", CODES),
    "code_check.offset_but_deemed": ("code_check", CODES),
    "code_check.age_digit": ("code_check", CODES),
    "code_check.roth": ("code_check", CODES),
    "code_check.invalid": ("code_check", CODES),
    "code_check.generic": ("code_check", CODES),
    # Next steps
    "step.catch_up_before_cure": ("next_step", {"cure_deadline"}),
    "step.check_plan_cure_period": ("next_step", set()),
    "step.employer_correction": ("next_step", set()),
    "step.correction_gone_term_expired": ("next_step", {"max_term_end"}),
    "step.repayments_create_basis": ("next_step", set()),
    "step.deemed_loan_still_owed": ("next_step", set()),
    "step.offset_settled_deemed_loan": ("next_step", set()),
    "step.rollover_qplo": ("next_step", {"rollover_deadline"}),
    "step.rollover_sixty": ("next_step", {"rollover_deadline"}),
    "step.ira_cannot_take_loan": ("next_step", set()),
    "step.direct_vs_indirect": ("next_step", set()),
    "step.partial_rollover": ("next_step", set()),
    "step.report_rollover": ("next_step", set()),
    "step.file_extension": (
        "next_step", {"rollover_deadline_without_extension", "rollover_deadline"}),
    "step.self_certification": ("next_step", set()),
    "step.contact_plan_about_code": ("next_step", set()),
    "step.claim_exception_5329": ("next_step", set()),
    "step.check_disaster_relief": ("next_step", set()),
    "step.keep_paying_after_leaving": ("next_step", {"qplo_window_end"}),
    # Issue 10: the situations
    "result.planned_event": ("flag", {"planned_events"}),
    "result.deemed_excess_at_issuance": (
        "conclusion", {"loan_date", "counted_loans", "loan_limit_cap", "deemed_excess", "tax_year"}),
    "amount.excess_already_taxed": ("flag", {"deemed_excess", "loan_year"}),
    "limit.replacement_counts_both": ("conclusion", {"replaced_loan_term_end", "counted_loans", "loan_limit_cap"}),
    "limit.replacement_within_term": ("conclusion", {"replaced_loan_term_end", "counted_loans", "loan_limit_cap"}),
    "limit.replacement_term_unknown": ("flag", {"replaced_loan_term_end"}),
    "limit.within_at_issuance": ("conclusion", {"loan_date", "counted_loans", "loan_limit_cap"}),
    "limit.assumed_no_other_loans": ("flag", set()),
    "result.installment_suspended": ("conclusion", {"missed_payment_due_date"}),
    "result.history_no_missed": ("conclusion", set()),
    "result.offset_at_death": ("conclusion", {"offset_date"}),
    "result.several_loans_offset": ("conclusion", {"good_standing_balance", "already_deemed_balance"}),
    "suspension.unpaid_leave": ("conclusion", {"suspension_end"}),
    "suspension.military_service": ("conclusion", set()),
    "rollover.beneficiary_not_spouse": ("conclusion", set()),
    "rollover.depends_on_beneficiary": ("flag", set()),
    "rollover.surviving_spouse": ("conclusion", set()),
    "rollover.rmd_part_not_rollable": ("conclusion", {"rmd_part", "rollover_eligible_amount"}),
    "rollover.rmd_rolled_in_excess": ("flag", {"rollover_eligible_amount"}),
    "step.beneficiary_reports_income": ("next_step", set()),
    "result.planned.qplo_severance": (
        "conclusion", {"separation_date", "offset_date", "qplo_window_end", "tax_year",
                       "rollover_deadline", "rollover_deadline_without_extension"}),
    "result.planned.plan_loan_offset": ("conclusion", {"offset_date", "tax_year", "rollover_deadline"}),
    "result.planned.separation": ("conclusion", {"separation_date", "qplo_window_end"}),
    "result.planned.offset_outside_window": ("conclusion", {"separation_date", "qplo_window_end", "offset_date"}),
}

# One sample value per placeholder, shaped as the engine renders them.
SAMPLES = {
    "missed_payment_due_date": "March 31, 2025", "cure_deadline": "June 30, 2025",
    "caught_up_on": "June 12, 2025", "event_date": "June 30, 2025", "tax_year": "2025",
    "taxable_amount": "$1,234.00", "loan_balance": "$1,234.00",
    "separation_date": "June 30, 2025", "offset_date": "June 30, 2025",
    "plan_termination_date": "June 30, 2025", "qplo_window_end": "June 30, 2026",
    "rollover_deadline": "October 15, 2026",
    "rollover_deadline_without_extension": "April 15, 2026",
    "return_due_date": "April 15, 2026", "box7_code": "M1", "given_code": "L1",
    "age_59_half_date": "June 30, 2025", "additional_tax_amount": "$1,234.00",
    "withholding_amount": "$1,234.00", "amount_rolled_over": "$1,234.00",
    "cash_paid_not_rolled_over": "$1,234.00", "max_term_end": "June 30, 2025",
    "loan_date": "June 30, 2020", "exceptions": "total and permanent disability",
    "missing_facts": "your birth date and the date of the offset",
    "estimated_income_tax": "$1,234.00", "estimated_total": "$1,234.00",
    "planned_events": "loan offset on January 31, 2027", "deemed_excess": "$30,000.00",
    "loan_limit_cap": "$50,000.00", "counted_loans": "$80,000.00", "loan_year": "2025",
    "replaced_loan_term_end": "January 1, 2010", "suspension_end": "August 31, 2026",
    "good_standing_balance": "$6,000.00", "already_deemed_balance": "$4,000.00",
    "rmd_part": "$4,000.00", "rollover_eligible_amount": "$6,000.00",
    "cure_period_days": "30", "roth_distribution": "$1,234.00", "roth_basis": "$1,000.00",
    "roth_account_balance": "$4,000.00", "disaster_relief_id": "FL-2024-07",
    "disaster_postponed_to": "May 1, 2025", "original_deadline": "October 15, 2024",
    "rolled_in_amount": "$4,000.00",
}

MAX_WORDS = 180
ALL = topics()


def _words(text: str) -> int:
    return len(re.findall(r"\S+", text))


def test_samples_cover_every_placeholder():
    assert set(SAMPLES) == set(PLACEHOLDERS)


def test_table_only_uses_known_placeholders_and_kinds():
    for tid, (kind, allowed) in TABLE.items():
        assert kind in KINDS and kind not in STATIC_KINDS, tid
        assert set(allowed) <= PLACEHOLDERS, (tid, set(allowed) - PLACEHOLDERS)


@pytest.mark.parametrize("tid", sorted(TABLE))
def test_listed_topic_exists_with_allowed_placeholders(tid):
    assert tid in ALL, f"missing explanation topic {tid}.md"
    kind, allowed = TABLE[tid]
    t = ALL[tid]
    assert t.kind == kind, (tid, t.kind, kind)
    extra = t.placeholders - set(allowed)
    assert not extra, f"{tid} uses placeholders the engine does not guarantee: {sorted(extra)}"


def test_every_situational_topic_is_listed():
    """A conclusion, flag, next step or code check the table does not know is never selected
    with guaranteed values, so it must not exist unlisted."""
    unlisted = sorted(tid for tid, t in ALL.items()
                      if t.kind not in STATIC_KINDS and tid not in TABLE)
    assert not unlisted


@pytest.mark.parametrize("tid", sorted(ALL))
def test_topic_structure(tid):
    t = ALL[tid]
    assert t.title and t.title.strip(), tid
    assert t.kind in KINDS, (tid, t.kind)
    assert t.audience in ("participant", "sponsor"), (tid, t.audience)
    assert t.citations, f"{tid} has no citation"
    known = registry()
    assert all(cid in known for cid in t.citations), (tid, t.citations)
    assert t.placeholders <= PLACEHOLDERS, (tid, sorted(t.placeholders - PLACEHOLDERS))
    if t.kind in STATIC_KINDS:
        assert not t.placeholders, f"{tid} is static but uses {sorted(t.placeholders)}"
    if t.kind == "code_check":
        assert t.question and t.question.strip(), f"{tid} needs a question"
    assert t.body.strip(), f"{tid} has an empty body"
    assert _words(t.body) <= MAX_WORDS, (tid, _words(t.body))


@pytest.mark.parametrize("tid", sorted(ALL))
def test_topic_renders_without_braces(tid):
    t = ALL[tid]
    values = {name: SAMPLES[name] for name in t.placeholders}
    out = render(tid, values)
    assert out["topic"] == tid and out["title"] == t.title
    assert out["text"].strip()
    assert "{" not in out["text"] and "}" not in out["text"], tid
    assert [c["id"] for c in out["citations"]] == list(t.citations)
    question = render_question(tid, values)
    if question is not None:
        assert "{" not in question and "}" not in question, tid
