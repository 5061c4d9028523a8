"""rules_core: deterministic, cited rules for 401(k) plan loans gone off track.

Public API: assess, decode_box7, loan_limit, due_dates (see api.py); FactsError for bad input.
"""
from .api import assess, assessment_schema, decode_box7, due_dates, loan_limit
from .facts import FACT_NAMES, FactsError

__all__ = ["assess", "assessment_schema", "decode_box7", "due_dates", "loan_limit", "FACT_NAMES", "FactsError"]
