"""Reading a marginal tax rate ("22%", "22 percent", "0.22", "the 24% bracket"), and
finding percentages in a message.

interpretation: a number with "%" / "percent", or a bare number above 1, is a percentage
("22" -> 0.22); a bare number at most 1 is already a fraction ("0.22", ".22", "1" -> 1.00).
Anything outside 0..1 after that is not a rate (None).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import List, Optional, Tuple

from .amounts import number_from_words

_NOISE = re.compile(r"^(?:(?:i'?m|i\s+am|in|the|my|about|around|roughly|maybe|federal|marginal|"
                    r"tax|rate|bracket|is|of)\s+)*|(?:\s+(?:federal|marginal|tax|rate|bracket|"
                    r"range))*$")
_RATE = re.compile(r"(?P<n>\d+(?:\.\d+)?|\.\d+|[a-z][a-z\s-]*?)\s*(?P<p>%|percent|pct)?")


def parse_rate(text: str) -> Optional[Decimal]:
    """The rate as a fraction (Decimal("0.22")), or None."""
    if not isinstance(text, str):
        return None
    cleaned = _NOISE.sub("", " ".join(text.lower().split()).strip(" .!?"))
    match = _RATE.fullmatch(cleaned.strip())
    if not match:
        return None
    number = _number(match["n"])
    if number is None:
        return None
    rate = number / 100 if (match["p"] or number > 1) else number
    return rate if 0 <= rate <= 1 else None


def _number(text: str) -> Optional[Decimal]:
    if text[0].isalpha():
        words = number_from_words(text)
        return Decimal(words) if words is not None else None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern only admits digits
        return None


_WORD_PERCENT = (r"(?:twenty|thirty)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|"
                 r"ten|twelve|fifteen")
_FINDERS = tuple((re.compile(p, re.IGNORECASE), explicit) for p, explicit in (
    (r"(?<![\w.$])(?P<v>\d{1,3}(?:\.\d+)?\s?(?:%|percent\b|pct\b))", True),  # "22%", "22 percent"
    (r"\b(?P<v>(?:" + _WORD_PERCENT + r")\s+percent)\b", True),               # "twenty-two percent"
    (r"(?<![\w.$])(?P<v>\d{1,2})(?=\s+(?:tax\s+)?bracket\b)", True),          # "the 22 bracket"
    (r"(?<![\w.$,])(?P<v>0?\.\d{1,3})(?![\d%.]|\s?k\b)", False),              # "0.22": only with a cue
))


def find_rate_spans(text: str) -> List[Tuple[int, int, bool]]:
    """Candidate rate spans (start, end, explicit). `explicit`: the text itself says it is a
    percentage or a bracket; a bare fraction ("0.22") needs a cue word from the extractor."""
    spans = []
    for pattern, explicit in _FINDERS:
        for match in pattern.finditer(text):
            if parse_rate(match["v"]) is not None:
                spans.append((match.start("v"), match.end("v"), explicit))
    return spans
