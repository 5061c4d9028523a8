"""What to do next: picks next-step topics for a finding. The prose lives in explanations/.

Each branch follows the fix options the law gives for that outcome: catching up inside the
cure period (Q&A-10), the employer's EPCRS corrections while the loan term has not run out
(Rev. Proc. 2021-30 §6.07), rollovers for offsets (402(c)), and reporting.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List

from . import classify as c
from .facts import Facts, known
from .law.loan_terms import max_term_end


def select_steps(f: Facts, finding: c.Finding, out: Dict[str, Any], values: Dict[str, str]) -> List[str]:
    kind = finding.classification
    chooser = _CHOOSERS.get(kind)
    steps = chooser(f, finding, out) if chooser else []
    if kind in (c.OFFSET, c.QPLO) and out.get("rollover_eligible") is False:
        # a beneficiary who may not roll over (IRC 402(c)(11)): no rollover steps to take
        steps = ["step.beneficiary_reports_income"]
    if out.get("planned_events") and finding.cure_deadline is not None \
            and finding.cure_deadline.date >= f.as_of and "step.catch_up_before_cure" not in steps:
        steps.insert(0, "step.catch_up_before_cure")  # the planned answer assumes this catch-up
    if out.get("additional_tax") and out["additional_tax"]["applies"] is True:
        steps.append("step.claim_exception_5329")
    return steps


def _window_open(f: Facts, finding: c.Finding, out) -> List[str]:
    return ["step.catch_up_before_cure", "step.check_plan_cure_period", *_correction(f, out)]


def _cured(f: Facts, finding: c.Finding, out) -> List[str]:
    return ["step.keep_paying_after_leaving"] if f.separated is True and finding.window_end else []


def _deemed(f: Facts, finding: c.Finding, out) -> List[str]:
    return [*_correction(f, out), "step.deemed_loan_still_owed", "step.repayments_create_basis"]


def _offset_after_deemed(f: Facts, finding: c.Finding, out) -> List[str]:
    # The offset paid the loan off: nothing is still owed and nothing is left to repay
    # (Q&A-13); what is left is to keep the record of the earlier tax (issue 10).
    return ["step.offset_settled_deemed_loan"]


def _qplo(f: Facts, finding: c.Finding, out) -> List[str]:
    steps = ["step.rollover_qplo", "step.ira_cannot_take_loan", "step.file_extension",
             "step.partial_rollover", "step.report_rollover"]
    if known(f.cash_paid_not_rolled_over) and f.cash_paid_not_rolled_over > 0:
        steps.append("step.direct_vs_indirect")
    return steps + ([] if known(f.disaster_postponed_to) else ["step.check_disaster_relief"])


def _offset(f: Facts, finding: c.Finding, out) -> List[str]:
    deadline = out["rollover_deadline"]
    if deadline is None:
        return []
    # ISO dates (YYYY-MM-DD, four-digit years) compare as the days they name: no parsing back
    steps = ["step.self_certification"] if f.as_of.isoformat() > deadline else ["step.rollover_sixty"]
    steps += ["step.ira_cannot_take_loan", "step.partial_rollover", "step.report_rollover"]
    if known(f.cash_paid_not_rolled_over) and f.cash_paid_not_rolled_over > 0:
        steps.append("step.direct_vs_indirect")
    if not known(f.disaster_postponed_to):
        steps.append("step.check_disaster_relief")  # a postponement can reach the 60th day too
    return steps


def _needs_more(f: Facts, finding: c.Finding, out) -> List[str]:
    if finding.window_end is not None and not known(f.offset_date):
        return ["step.keep_paying_after_leaving"]
    return []


def _correction(f: Facts, out) -> List[str]:
    """The employer can correct a missed payment by catch-up or re-amortization only while
    the longest legal term has not run out (Rev. Proc. 2021-30 §6.07); military service moves
    that term out by its length (IRC 414(u)(4))."""
    if isinstance(f.loan_date, date):
        end = max_term_end(f.loan_date, f.loan_term_months, f.principal_residence_loan)
        extended = [s["repay_by"] for s in out.get("repayment_suspensions") or () if s["repay_by"]]
        last = max([end.date] + [date.fromisoformat(d) for d in extended]) if end is not None else None
        if last is not None and f.as_of > last:
            return ["step.correction_gone_term_expired"]
    return ["step.employer_correction"]


_CHOOSERS = {
    c.WINDOW_OPEN: _window_open, c.CURED: _cured, c.DEEMED: _deemed,
    c.OFFSET_AFTER_DEEMED: _offset_after_deemed, c.QPLO: _qplo, c.OFFSET: _offset,
    c.NEEDS_MORE: _needs_more,
}
