"""The public API: what the actions, the command line and other programs call."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Dict, Mapping, Optional

from .assess import assess as _assess
from .facts import FactsError, parse_date, _Bad
from .law.box7_codes import decode_box7 as _decode
from .law.due_dates import return_due_dates
from .law.loan_terms import loan_limit as _loan_limit


def assess(facts: Mapping[str, Any], today: Optional[date] = None) -> Dict[str, Any]:
    """One assessment (a JSON-ready dict) for a mapping of facts. Raises FactsError."""
    return _assess(facts, today)


def assess_figures(facts: Mapping[str, Any], today: Optional[date] = None) -> Dict[str, Any]:
    """`assess` without its prose: every field the same, except that explanations, next_steps
    and timeline are empty lists. Rendering those is about a third of an assessment's time;
    batch triage, which writes only the figures, uses this. Raises FactsError."""
    return _assess(facts, today, prose=False)


def decode_box7(code: str) -> Dict[str, Any]:
    return _decode(code).to_dict()


def due_dates(tax_year: int) -> Dict[str, Any]:
    due = return_due_dates(tax_year)
    return {"tax_year": tax_year, "original": due.original.isoformat(), "extended": due.extended.isoformat(),
            "original_statutory": due.original_statutory.isoformat(),
            "extended_statutory": due.extended_statutory.isoformat()}


def loan_limit(vested: Decimal, highest_12m: Decimal, outstanding: Decimal, requested: Decimal,
               term_months: Optional[int] = None, payments_per_year: Optional[int] = None,
               principal_residence: bool = False, as_of: Optional[str] = None) -> Dict[str, Any]:
    try:
        on = parse_date(as_of) if as_of else date.today()
    except _Bad as bad:
        raise FactsError({"as_of": str(bad)}) from None
    return _loan_limit(vested, highest_12m, outstanding, requested, on, term_months,
                       principal_residence, payments_per_year).to_dict()


def assessment_schema() -> Dict[str, Any]:
    from .contract import assessment_schema as schema  # pydantic: imported only for the schema

    return schema()
