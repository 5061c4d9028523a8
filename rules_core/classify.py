"""Classification, in the law's order: issuance terms, missed installments, offsets.

Returns a `Finding`: what happened (classification), the taxable event, the dates that
matter, the conclusion topics that explain it, and the facts still missing. Amounts,
codes, taxes and next steps are derived from it in assess.py.
"""
from __future__ import annotations

from datetime import date
from typing import NamedTuple, Optional, Tuple

from .facts import UNKNOWN, Facts
from .law import deemed_distribution as dd
from .law.cure_period import cure_deadline
from .law.loan_terms import residence_decides
from .law import plan_loan_offset as plo
from .law import qplo
from .law.ruled import RuledDate
from .situations import NOTHING, Situation

DEEMED = "deemed_distribution"
OFFSET = "plan_loan_offset"
QPLO = "qualified_plan_loan_offset"
OFFSET_AFTER_DEEMED = "offset_after_deemed_distribution"
WINDOW_OPEN = "cure_window_open"
CURED = "cured"
NEEDS_MORE = "needs_more_facts"
CLASSIFICATIONS = (DEEMED, OFFSET, QPLO, OFFSET_AFTER_DEEMED, WINDOW_OPEN, CURED, NEEDS_MORE)


class Finding(NamedTuple):
    classification: str
    topics: Tuple[str, ...]
    missing: Tuple[str, ...] = ()
    event: Optional[RuledDate] = None          # the taxable event (deemed date or offset)
    offset: Optional[RuledDate] = None
    offset_reason: Optional[str] = None
    cure_deadline: Optional[RuledDate] = None
    window_end: Optional[RuledDate] = None


def classify(f: Facts, s: Situation = NOTHING) -> Finding:
    cure = None
    if f.missed_payment_due_date is not UNKNOWN and not s.due_suspended:
        cure = cure_deadline(f.missed_payment_due_date, f.plan_cure_period)
    window = qplo.qplo_window_end(f.separation_date) if f.separation_date is not UNKNOWN else None
    issuance = dd.deemed_at_issuance(f.loan_date, f.loan_term_months, f.principal_residence_loan,
                                     f.payments_per_year)
    excess = _excess_at_issuance(f, s) if issuance is None and s.limit is not None else None
    missed = _missed(f, window) if cure is not None and f.offset_date is UNKNOWN else None
    if isinstance(f.loan_date, date) and residence_decides(f.loan_date, f.loan_term_months) \
            and f.principal_residence_loan is UNKNOWN:
        # unknown is not "no": a long term is fine for a home purchase, a failure otherwise
        finding = Finding(NEEDS_MORE, ("result.long_term_needs_purpose", "result.needs_more_facts"),
                          ("principal_residence_loan",))
    elif f.offset_date is not UNKNOWN:
        finding = _offset(f, cure, window, issuance, s)
    elif issuance is not None:
        finding = Finding(DEEMED, ("result.deemed_at_issuance",), event=issuance)
    elif missed is not None and (missed.classification == DEEMED or excess is None):
        finding = missed
    elif excess is not None:
        # Only the excess failed; a later cure or open window does not change that it was
        # income on the loan date (Treas. Reg. 1.72(p)-1, Q&A-4).
        finding = Finding(DEEMED, ("result.deemed_excess_at_issuance",) + (missed.topics if missed else ()),
                          event=excess)
    elif s.due_suspended:
        finding = Finding(CURED, ("result.installment_suspended",))
    elif s.history is not None:
        finding = Finding(CURED, ("result.history_no_missed",))
    else:
        finding = _nothing_yet(f, window)
    if finding.cure_deadline is None and cure is not None:
        finding = _with(finding, cure_deadline=cure)
    if finding.window_end is None and window is not None:
        finding = _with(finding, window_end=window)
    if cure is not None and f.cure_period is UNKNOWN:
        finding = _with_cure_assumption(f, finding, s, cure, issuance)
    return finding


def _with_cure_assumption(f: Facts, finding: Finding, s: Situation, longest: RuledDate,
                          issuance: Optional[RuledDate]) -> Finding:
    """The plan's cure period was not given: the legal maximum was applied; say so, and ask
    for it when a plan with no cure period would change the outcome or its tax year.
    `longest` is the cure deadline the finding used (the legal maximum) and `issuance` the
    deemed distribution at issuance it found, if any.
    Source: Treas. Reg. 1.72(p)-1, Q&A-10(a) (a plan may allow a shorter period, or none)."""
    topics = finding.topics + ("cure.assumed_max",)
    if _none_would_change(f, finding, s, longest, issuance):
        return _with(finding, topics=topics, missing=finding.missing + ("cure_period",))
    return _with(finding, topics=topics)


def _none_would_change(f: Facts, finding: Finding, s: Situation, longest_cure: RuledDate,
                       issuance: Optional[RuledDate]) -> bool:
    """Would a plan with no cure period give another classification or tax year? Without an
    offset only the missed installment decides, so that alone is re-run (cheap, and the
    common case); with an offset the failure before the offset is compared, and only when
    that does not settle it is the whole classification run again."""
    if "principal_residence_loan" in finding.missing or (
            finding.event is not None and finding.event.rule == "deemed.issuance_terms"):
        return False  # decided before any installment: the cure period cannot change it
    if f.offset_date is not UNKNOWN:
        # with an offset the cure period matters only through a failure before the offset
        longest = _deemed_before_offset(f, longest_cure, issuance)
        shortest = _deemed_before_offset(f, cure_deadline(f.missed_payment_due_date, "none"), issuance)
        if isinstance(longest, RuledDate) and isinstance(shortest, RuledDate):
            return longest.date.year != shortest.date.year
        if longest is shortest:  # both None (no failure before the offset) or both UNKNOWN
            return False
    if f.offset_date is not UNKNOWN or finding.classification not in (DEEMED, WINDOW_OPEN, CURED):
        strict = classify(f._replace(cure_period="none"), s)
        return strict.classification != finding.classification or _year(strict.event) != _year(finding.event)
    outcome = dd.missed_installment(f.missed_payment_due_date, "none", f.caught_up_on, f.as_of)
    strict_status = _CLASSIFICATION_OF.get(outcome.status)
    strict_year = outcome.deemed_on.date.year if outcome.deemed_on is not None else None
    return strict_status != finding.classification or strict_year != _year(finding.event)


_CLASSIFICATION_OF = {dd.DEEMED: DEEMED, dd.WINDOW_OPEN: WINDOW_OPEN, dd.CURED: CURED}  # a missed installment's


def _year(event: Optional[RuledDate]) -> Optional[int]:
    return event.date.year if event is not None else None


_FIELD_INDEX = {name: i for i, name in enumerate(Finding._fields)}


def _with(finding: Finding, **changes) -> Finding:
    """The finding with some fields changed (NamedTuple._replace, without its generality:
    this runs for most findings)."""
    values = list(finding)
    for name, value in changes.items():
        values[_FIELD_INDEX[name]] = value
    return tuple.__new__(Finding, values)


def _missed(f: Facts, window: Optional[RuledDate]) -> Finding:
    outcome = dd.missed_installment(f.missed_payment_due_date, f.plan_cure_period, f.caught_up_on, f.as_of)
    base = dict(cure_deadline=outcome.cure_deadline)
    if outcome.status == dd.DEEMED:
        return Finding(DEEMED, ("result.deemed_distribution",), event=outcome.deemed_on, **base)
    if outcome.status == dd.WINDOW_OPEN:
        return Finding(WINDOW_OPEN, ("result.cure_window_open",), **base)
    if outcome.status == dd.CURED:
        topics = ("result.cured",)
        if f.separated is True and window is not None:
            topics += ("result.separated_awaiting_offset",)
        return Finding(CURED, topics, **base)
    return Finding(NEEDS_MORE, ("result.needs_more_facts",), ("caught_up_on",), **base)


def _nothing_yet(f: Facts, window: Optional[RuledDate]) -> Finding:
    """No offset, no missed payment, no bad terms: say what we still need to know."""
    if f.separated is True:
        missing = ("offset_date",) if window is not None else ("separation_date", "offset_date")
        topics = ("result.separated_awaiting_offset",) if window is not None else ()
        return Finding(NEEDS_MORE, topics + ("result.needs_more_facts",), missing)
    if f.plan_terminated is True:
        return Finding(NEEDS_MORE, ("result.needs_more_facts",), ("offset_date",))
    if f.separated is False:
        return Finding(NEEDS_MORE, ("result.needs_more_facts",), ("missed_payment_due_date",))
    return Finding(NEEDS_MORE, ("result.needs_more_facts",), ("left_job", "missed_payment_due_date"))


def _excess_at_issuance(f: Facts, s: Situation) -> Optional[RuledDate]:
    """The loan date, when the loans together exceeded the 72(p)(2)(A) limit."""
    if s.limit is None or s.limit.deemed_amount <= 0:
        return None
    return RuledDate("event_date", f.loan_date, "deemed.issuance_amount")


def _offset(f: Facts, cure: Optional[RuledDate], window: Optional[RuledDate],
            issuance: Optional[RuledDate], s: Situation = NOTHING) -> Finding:
    offset = RuledDate("offset_date", f.offset_date, "offset.event")
    deemed_before = _deemed_before_offset(f, cure, issuance)
    if deemed_before is UNKNOWN:
        return Finding(NEEDS_MORE, ("result.needs_more_facts",), ("caught_up_on",), offset=offset)
    if deemed_before is not None:
        return Finding(OFFSET_AFTER_DEEMED, ("result.offset_after_deemed",), event=deemed_before, offset=offset)
    if s.after_death and f.offset_reason is UNKNOWN:
        # interpretation: an offset after the participant's death is made because of the death,
        # not solely because of a severance or the plan's end, so it is an ordinary offset
        # (code 4, no M) unless the user says otherwise. Source: IRC 402(c)(3)(C)(ii).
        return Finding(OFFSET, ("result.offset_at_death",),
                       event=offset, offset=offset, offset_reason=plo.OTHER)
    reason = plo.offset_reason(f.offset_reason, f.offset_date, f.separated, f.separation_date,
                               f.plan_terminated, f.plan_termination_date)
    base = dict(event=offset, offset=offset, offset_reason=reason)
    if reason is None:
        missing = ("left_job",) if f.separated is UNKNOWN else ("plan_terminated",)
        return Finding(NEEDS_MORE, ("result.needs_more_facts",), missing, offset=offset)
    if not qplo.extended_window_in_force(f.offset_date):
        return Finding(OFFSET, ("result.plan_loan_offset", "result.offset_before_qplo_rules"), **base)
    if reason == plo.OTHER:
        return Finding(OFFSET, ("result.plan_loan_offset", "result.offset_other_reason"), **base)
    good = _good_standing(f, cure)
    if good is False:
        # Not in good standing means 72(p)(1) already applied: a deemed distribution came
        # first; its date needs the missed installment.
        return Finding(OFFSET_AFTER_DEEMED, ("result.offset_not_good_standing",),
                       _failure_date_question(f, s), offset=offset, offset_reason=reason)
    if good is None:
        return Finding(NEEDS_MORE, ("result.needs_more_facts",), ("loan_in_good_standing",), offset=offset)
    if reason == plo.PLAN_TERMINATION:
        return Finding(QPLO, ("result.qplo_plan_termination",), **base)
    return _severance_offset(f, window, base)


def _failure_date_question(f: Facts, s: Situation) -> Tuple[str, ...]:
    """What to ask to date the failure of a loan said not to be in good standing: the missed
    installment; the payment history when the installment we were given was suspended (it
    was not the failure); nothing more when the history itself was given."""
    if s.history is not None:
        return ()
    if s.due_suspended:
        return ("payment_history",)
    return ("missed_payment_due_date",)


def _severance_offset(f: Facts, window: Optional[RuledDate], base: dict) -> Finding:
    if window is None:
        return Finding(NEEDS_MORE, ("result.needs_more_facts",), ("separation_date",), offset=base["offset"])
    if f.offset_date > window.date:
        return Finding(OFFSET, ("result.plan_loan_offset", "result.offset_outside_window"), window_end=window, **base)
    return Finding(QPLO, ("result.qplo_severance",), window_end=window, **base)


def _deemed_before_offset(f: Facts, cure: Optional[RuledDate], issuance: Optional[RuledDate]):
    """The deemed distribution that happened on or before the offset, None if none did,
    UNKNOWN if it depends on a catch-up we were not told about."""
    if issuance is not None and issuance.date <= f.offset_date:
        return issuance
    if cure is None or f.offset_date <= cure.date:
        # interpretation: an offset inside the cure period comes before any failure
        return None
    caught_up = f.caught_up_on
    if isinstance(caught_up, date) and caught_up <= cure.date:
        return None
    if caught_up is UNKNOWN and cure.date >= f.as_of:
        # interpretation: a planned offset after a cure deadline still to come: the catch-up
        # has not happened yet and cannot be asked about; answer as if it is made (the next
        # steps say by when), which is the only outcome the person can still choose
        return None
    if caught_up is None or isinstance(caught_up, date):
        return RuledDate("event_date", cure.date, "deemed.cure_end")
    return UNKNOWN


def _good_standing(f: Facts, cure: Optional[RuledDate]) -> Optional[bool]:
    """Met 72(p)(2) right before the severance or termination. A known missed installment
    decides it by the cure-period rule; else what the user said; with nothing known we must
    ask. Source: Treas. Reg. 1.402(c)-3; 1.72(p)-1 Q&A-10."""
    if cure is not None:
        # interpretation: an installment still inside its cure period (or cured) is no
        # failure yet, whatever the user calls it; a failure before the offset was already
        # caught by _deemed_before_offset
        return True
    if f.loan_in_good_standing is not UNKNOWN:
        return f.loan_in_good_standing
    return None
