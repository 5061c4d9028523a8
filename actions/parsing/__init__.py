"""Pure-Python readers for what users type: dates, amounts, ages, box 7 codes, tax rates,
plan kinds.

No Rasa here: the dialogue layer and the rule-based entity extractor (actions.extraction)
call these, and the tests run without Rasa. Each reader takes text and returns plain values
(dates, Decimal money, small frozen dataclasses); none guesses silently.
"""
from .ages import AgeReading, find_age_spans, parse_age
from .amounts import AmountReading, find_amount_spans, number_from_words, parse_amount, read_amount
from .codes import find_box7_spans, parse_box7
from .dates import DateReading, RelativeDate, find_date_spans, parse_date, resolve_relative
from .plans import find_plan_kind_spans, parse_plan_kind
from .rates import find_rate_spans, parse_rate

__all__ = [
    "AgeReading", "AmountReading", "DateReading", "RelativeDate", "find_age_spans", "find_amount_spans",
    "find_box7_spans", "find_date_spans", "find_plan_kind_spans", "find_rate_spans", "number_from_words",
    "parse_age", "parse_amount", "parse_box7", "parse_date", "parse_plan_kind", "parse_rate", "read_amount",
    "resolve_relative",
]
