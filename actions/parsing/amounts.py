"""Reading an amount of money the way people type it, and finding amounts in a message.

Accepted: "$12k", "12k", "12K", "~20K", "12,450.88", "$12,450", "$3,000.50", "15000",
"1.5k", "12 thousand", "about 12 thousand", "twelve grand", "fifteen thousand dollars",
"fifteen hundred", "2.5 million", and "nothing" / "none" / "zero" (0.00).

Read, but to be confirmed (`needs_confirmation` "decimal_comma", `alternatives` the
readings to offer, the decimal-comma one first and also the `value`): a decimal comma
("9,5k" = 9,500 or a mistyped 95k; "~14,5k"; "1.234,56" = 1,234.56), dots as thousands
separators ("12.500" = 12,500 or 12.50) and spaces ("$9 500", found only with its sign).
A range ("10-12k", "$10k-$12k") is read with `needs_confirmation` "range", its two ends as
`alternatives` and its low end as `value`. interpretation: a comma followed by exactly three
digits is a US thousands separator ("12,450") and is not asked about.

API: `read_amount(text)` returns None when the text is not an amount at all; otherwise an
AmountReading. Its `error` says why an amount-looking text cannot be used (a negative
number), so the caller can tell the user. `parse_amount(text)` is the shortcut that returns
only a usable value (Decimal, 2 places) or None.

interpretation: "2.5 million" is read as 2,500,000.00, not refused: whether an amount is
plausible for a plan loan is the rules core's call (rules_core.facts refuses amounts over
100 million; the loan limits are law), not the parser's.

The number-words reader lives here because amounts are its main user; ages and dates
borrow it for "fifty-four" and "two weeks ago".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import List, Optional, Tuple

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"thousand": 1000, "thou": 1000, "grand": 1000, "k": 1000, "million": 1_000_000, "mil": 1_000_000,
           "m": 1_000_000}
# One number word, longest spellings first so "fourteen" is not read as "four".
NUMBER_WORD = r"(?:%s)" % "|".join(sorted(_UNITS, key=len, reverse=True))
_CENT = Decimal("0.01")


def number_from_words(text: str) -> Optional[int]:
    """ "fifty-four" -> 54, "twelve thousand five hundred" -> 12500, "a thousand" -> 1000.
    None when any word is not a number word (so "fifty bucks" is not silently 50)."""
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", text.lower().strip()):
        if word == "and" and seen:
            continue
        if word in ("a", "an") and not seen:
            current, seen = 1, True
        elif word in _UNITS:
            current, seen = current + _UNITS[word], True
        elif word == "hundred" and seen:
            current = (current or 1) * 100
        elif word in ("thousand", "thou", "grand", "million") and seen:
            total, current = total + (current or 1) * _SCALES[word], 0
        else:
            return None
    return total + current if seen else None


@dataclass(frozen=True)
class AmountReading:
    """`value` in dollars, 2 decimals, None when `error` says why it cannot be used.
    `approximate`: the user hedged ("about", "~", "roughly", "12k+")."""

    value: Optional[Decimal]
    approximate: bool = False
    error: Optional[str] = None
    needs_confirmation: Optional[str] = None
    alternatives: Tuple[Decimal, ...] = ()


_APPROX = re.compile(
    r"^(?:about|around|roughly|approximately|approx\.?|~|≈|like|maybe|almost|nearly|close\s+to|"
    r"just\s+(?:under|over)|over|under|some(?:where)?\s+around|est\.?)\s*")
_CURRENCY = re.compile(r"^(?:\$|usd)\s*|\s*(?:dollars?|bucks|usd)$")
_NUMERIC = re.compile(
    r"(?P<n>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)\s*(?P<s>k|grand|thousand|thou|million|mil|m)?")
DECIMAL_COMMA = "decimal_comma"
RANGE = "range"
# "10-12k", "$10k-$12k", "10 to 12 thousand": a range, to be confirmed (value: its low end)
_RANGE = re.compile(r"\$?(?P<a>\d{1,3}(?:\.\d+)?)\s?(?P<sa>k|grand|thousand|thou)?\s?(?:-|–|to)\s?\$?(?P<b>\d{1,3}(?:\.\d+)?)"
                    r"\s?(?P<sb>k|grand|thousand|thou)")
_SCALE = r"\s*(?P<s>k|grand|thousand|thou|million|mil|m)?"
# "9,5k", "1.234,56", "12,50": a comma before one or two digits is a decimal comma
_COMMA_DECIMAL = re.compile(r"(?P<i>\d{1,3}(?:\.\d{3})+|\d+),(?P<f>\d{1,2})" + _SCALE)
# "12.500", "1.234.567": dots between groups of three are thousands separators in most of Europe;
# "9 500": so are spaces (French, Scandinavian)
_DOT_GROUPS = re.compile(r"(?P<i>\d{1,3}(?:\.\d{3})+)" + _SCALE)
_SPACE_GROUPS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+")
_NOTHING = frozenset({"nothing", "none", "zero", "nada", "zilch"})
NEGATIVE = "an amount cannot be negative"


def read_amount(text: str) -> Optional[AmountReading]:
    """Read one amount; see the module docstring for the forms and the API."""
    if not isinstance(text, str):
        return None
    cleaned, approximate = _clean(text)
    negative = re.match(r"^(?:-|minus\s+|negative\s+)\s*", cleaned)
    if negative:
        cleaned = _CURRENCY.sub("", cleaned[negative.end():])
    spread = _RANGE.fullmatch(cleaned)
    if spread and not negative:
        scale = _SCALES[spread["sb"]]
        low, high = (Decimal(spread["a"]) * _SCALES.get(spread["sa"] or spread["sb"]), Decimal(spread["b"]) * scale)
        if low < high:
            readings = tuple(r.quantize(_CENT, rounding=ROUND_HALF_UP) for r in (low, high))
            return AmountReading(readings[0], True, None, RANGE, readings)
    confirm = _foreign_separators(cleaned)
    if confirm:
        readings = tuple(r.quantize(_CENT, rounding=ROUND_HALF_UP) for r in confirm)
        return AmountReading(readings[0], approximate, None if not negative else NEGATIVE,
                             DECIMAL_COMMA, readings) if not negative else AmountReading(None, approximate, NEGATIVE)
    value = _value(cleaned)
    if value is None:
        return None
    if negative and value:
        return AmountReading(None, approximate, NEGATIVE)
    return AmountReading(value.quantize(_CENT, rounding=ROUND_HALF_UP), approximate)


def parse_amount(text: str) -> Optional[Decimal]:
    """The amount in `text` as Decimal dollars (2 places), or None if there is no usable one."""
    reading = read_amount(text)
    return reading.value if reading else None


def _clean(text: str) -> Tuple[str, bool]:
    cleaned = " ".join(text.lower().split()).rstrip(" .!?")
    approximate = cleaned.endswith("+") or cleaned.endswith("ish")
    cleaned = re.sub(r"(?:\+|ish)$", "", cleaned).strip()
    match = _APPROX.match(cleaned)
    if match:
        approximate, cleaned = True, cleaned[match.end():]
    for _ in range(2):  # "$12k dollars" has a currency mark at both ends
        cleaned = _CURRENCY.sub("", cleaned).strip()
    return cleaned, approximate


def _foreign_separators(cleaned: str) -> Tuple[Decimal, ...]:
    """The readings of a number written with a decimal comma or dotted thousands, the
    European way first; () for any other text."""
    match = _COMMA_DECIMAL.fullmatch(cleaned)
    scale = _SCALES.get(match["s"] or "", 1) if match else 1
    if match:
        whole = match["i"].replace(".", "")
        readings = [Decimal(f"{whole}.{match['f']}") * scale]
        if "." not in match["i"]:
            readings.append(Decimal(whole + match["f"]) * scale)  # a mistyped thousands comma
        return tuple(readings)
    if _SPACE_GROUPS.fullmatch(cleaned):
        return (Decimal(re.sub(r"\D", "", cleaned)),)
    match = _DOT_GROUPS.fullmatch(cleaned)
    if match and (match["i"].count(".") > 1 or not match["s"]):
        scale = _SCALES.get(match["s"] or "", 1)
        readings = [Decimal(match["i"].replace(".", "")) * scale]
        if match["i"].count(".") == 1:
            readings.append(Decimal(match["i"]) * scale)
        return tuple(readings)
    return ()


def _value(cleaned: str) -> Optional[Decimal]:
    if cleaned in _NOTHING:
        return Decimal(0)
    match = _NUMERIC.fullmatch(cleaned)
    if match:
        try:
            number = Decimal(match["n"].replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only admits digits
            return None
        return number * _SCALES.get(match["s"] or "", 1)
    words = number_from_words(cleaned)
    return Decimal(words) if words is not None else None


# ---- finding amounts in a message ------------------------------------------------------
# Units that make a bare number something other than money ("60 days", "26 payments").
_NOT_MONEY_AFTER = (r"(?!\s*(?:%|percent|days?\b|weeks?\b|months?\b|years?\b|yrs?\b|payments?\b|"
                    r"installments?\b|times\b|hours?\b|minutes?\b|loans?\b|paychecks?\b|people\b|"
                    r"employees\b|miles\b|am\b|pm\b))")
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_WORDS = NUMBER_WORD + r"(?:[\s-]+(?:and\s+)?(?:" + NUMBER_WORD + r"|hundred))*"
_FINDERS = tuple(re.compile(p, re.IGNORECASE) for p in (
    # "$12k", "$3,000.50", "$1.2M": the dollar sign is part of the span
    r"\$\s?" + _NUMBER + r"(?:\s?(?:k|grand|thousand|thou|million|mil|m)\b)?",
    # "9,5k", "$1.234,56", "12.500": European separators, read and confirmed
    r"(?<![\w.,])\$?\s?\d{1,3},\d{1,2}\s?(?:k|grand|thousand|thou)\b",
    r"\$\s?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])",  # "$9 500": with its sign only
    r"(?<![\w.,$])\$?\d{1,3}(?:\.\d+)?\s?(?:k|grand|thousand|thou)?\s?(?:-|–|to)\s?\$?\d{1,3}(?:\.\d+)?\s?(?:k|grand|thousand|thou)\b",
    r"(?<![\w.,])\$?\s?\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?(?![\d.]|,\d|\s?%)",
    # "12k", "1.5 k", "12 grand", "2.5 million"; never the "401k" of a plan name
    r"(?<![\w$.,])(?!40[13]\s?k\b)" + _NUMBER + r"\s?(?:k\b|grand\b|thousand\b|thou\b|million\b)",
    # "12,450.88", "12,450": digit groups say money even without a sign
    r"(?<![\w$.,])\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?!\d|,\d|%)",
    # "450.88": cents say money
    r"(?<![\w$.,/-])\d+\.\d{2}(?![\d.%/])",
    # "15000": a bare number of at least 3 digits that is not followed by a unit
    r"(?<![\w$.,/:-])\d{3,}(?![\w.,/:%-])" + _NOT_MONEY_AFTER,
    # "twelve grand", "fifteen thousand", "twelve thousand five hundred", "fifteen hundred"
    r"\b" + _WORDS + r"\s+(?:grand|thousand|thou|million|hundred)\b(?:(?:\s+and)?\s+" + _WORDS
    + r"(?:\s+hundred)?\b)?",
    r"\ba\s+(?:grand|thousand)\b",
    # "fifty dollars": number words before a currency word
    r"\b" + _WORDS + r"(?=\s+(?:dollars|bucks)\b)",
))


def find_amount_spans(text: str) -> List[Tuple[int, int]]:
    """Candidate amount spans (start, end), possibly overlapping; the extractor keeps the
    longest. Surrounding words are not part of a span: "about 12k" -> "12k", "~20K" -> "20K",
    "fifteen thousand dollars" -> "fifteen thousand"."""
    spans = []
    for pattern in _FINDERS:
        for match in pattern.finditer(text):
            if read_amount(match.group()) is not None:
                spans.append(match.span())
    return spans
