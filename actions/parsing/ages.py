"""Reading an age in years, whole or half, and finding ages in a message.

Accepted: "41", "41 years old", "age 41", "I'm 41", "54 and a half", "59 1/2", "59½",
"59.5", "fifty-four", "fifty four and a half".

API: `parse_age(text)` returns None when the text is not an age at all; an AgeReading whose
`error` is set when it reads as an age that cannot be (negative, over MAX_AGE, or a
fraction other than a half: the rules only ever need "59½").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import List, Optional, Tuple

from rules_core.facts import MAX_AGE

from .amounts import number_from_words

# Ages written in words start at 13, so "I'm one of them" is not an age of 1.
_WORD_AGE = (r"(?:(?:twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety)"
             r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?|thirteen|fourteen|"
             r"fifteen|sixteen|seventeen|eighteen|nineteen|one\s+hundred)")
_KIN = (r"(?:husband|wife|spouse|partner|dad|mom|father|mother|son|daughter|brother|sister|"
        r"brother-in-law|sister-in-law|uncle|aunt|cousin|nephew|niece)")
_HALF = r"(?:\s*½|\s+1/2|\s+and\s+(?:a\s+)?half|\s+and\s+1/2|\.5)"
_AGE_VALUE = r"(?:\d{1,3}|" + _WORD_AGE + r")" + _HALF + r"?"
# What may not follow an age: money, a percentage, a unit of time, a clock time.
_NOT_AGE_AFTER = (r"(?![\d/%$½]|[.,]\d|\s*(?:k\b|grand|thousand|thou\b|dollars|bucks|percent|%|days?\b|"
                  r"weeks?\b|months?\b|payments?\b|installments?\b|times\b|hours?\b|minutes?\b|"
                  r"am\b|pm\b|in\s+debt|of\s+them))")
_FINDERS = tuple(re.compile(p, re.IGNORECASE) for p in (
    # cue before: "I'm 41", "age 41", "aged 54 and a half", "turned 55", "I was 54 when I left"
    # interpretation: a birthday to come is not the age ("I'm 54 and turn 55 in August" is
    # 54): "turn", "turning", "I'll be" are no age cues; "turned 55" is a birthday that came
    r"\b(?:i'?m|i\s+am|i\s+was|age(?:d)?(?:\s+is)?|turned)"
    r"(?:\s*[:=])?\s+(?:about|almost|nearly|only|now|just|currently|actually|really|like)?\s*(?P<v>"
    + _AGE_VALUE + r")(?!\w)" + _NOT_AGE_AFTER,
    # "retired at 56", "left at age 58": two digits after "at" (not a time, not a percentage)
    # ... but "retire at 20 yrs" is years of service
    r"\bat\s+(?:age\s+)?(?P<v>[1-9]\d(?:" + _HALF + r")?)(?!\w|\s*:|\s*(?:years?|yrs?)\b(?![\s-]*old))"
    + _NOT_AGE_AFTER,
    # a benefits person's client, or the relative a message is about: "Client is 57", "my
    # employee was 61 when", "my wife is 38", "my son (27) quit his job"
    r"\b(?:client|participant|employee|member|he|she|" + _KIN + r")(?:\s+(?:is|was|turned)|'s|\s*\(\s*(?=\d\d\s*\)))"
    r"\s*(?:now\s+)?(?P<v>[1-9]\d)(?!\w)" + _NOT_AGE_AFTER,
    # "hes 60", "shes 58": the apostrophe left out
    r"\b(?:hes|shes)\s+(?P<v>[1-9]\d)(?!\w)" + _NOT_AGE_AFTER,
    # "(was 57 at the time)": an age at the event
    r"\bwas\s+(?P<v>[1-9]\d)(?:" + _HALF + r")?\s+(?:at\s+the\s+time|then|when)\b",
    # the age as a list item: "63, FERS, 25 yrs" opening the message; "city firefighter, 52, left
    # the department" between commas, a verb after it
    r"^\s*(?P<v>1[89]|[2-9]\d)\s*(?:,|\s+w/)(?!\s*\d)",
    r"(?<=[a-z)]),\s*(?P<v>1[89]|[2-9]\d)\s*,\s*(?=(?:got|was|were|left|retired|retiring|quit|quitting|laid|fired|resigned|"
    r"took|borrowed|have|had|single|married|divorced|widowed|separated|separating|terminated|termed|rif'?d|thinking|"
    r"planning|about|leaving|just|and|still|owe|with|w/)\b)",
    # "59 yrs and 5 months old": whole years, the months dropped (the rules need 59½ at most)
    r"\b(?P<v>\d{2})[\s-]*(?:years?|yrs?)[\s,]+(?:and\s+)?\d{1,2}\s+months?[\s-]+old\b",
    # the whole message is a number under 100: the answer to "how old are you?"
    # interpretation: from 14, the youngest age a plan participant plausibly writes ("7" alone
    # answers something else, such as what box 7 shows)
    r"^\s*(?:i'?m\s+|about\s+|like\s+)?(?P<v>(?:1[4-9]|[2-9]\d|" + _WORD_AGE + r")(?:" + _HALF
    + r")?)\s*[.!?]*\s*$",
    # cue after: "41 years old", "41-year-old", "41yo", "41 y/o"
    r"\b(?P<v>" + _AGE_VALUE + r")(?:[\s-]*(?:years?|yrs?)[\s-]*(?:old|of\s+age)\b|\s*(?:yo|y/o)\b)",
    # half forms say age on their own: "59 1/2", "59½", "54 and a half"
    r"(?<![\d/.$])\b(?P<v>(?:\d{1,3}|" + _WORD_AGE + r")(?:\s*½|\s+1/2|\s+and\s+a\s+half))(?![\d/])",
))


@dataclass(frozen=True)
class AgeReading:
    """An age: whole `years`, plus a half year when `half`. `error` says why it cannot be
    used; `years` then holds what was read."""

    years: int
    half: bool = False
    error: Optional[str] = None

    @property
    def value(self) -> Decimal:
        return Decimal(self.years) + (Decimal("0.5") if self.half else 0)


_PREFIX = re.compile(r"^(?:i'?m|i\s+am|my\s+age\s+is|age(?:d)?(?:\s+is)?|turned|turning|about|"
                     r"almost|nearly|just|now)\s*[:=]?\s*")
_SUFFIX = re.compile(r"[\s-]*(?:(?:years?|yrs?)(?:[\s-]*(?:old|of\s+age))?|yo|y/o)$")
_BODY = re.compile(r"(?P<sign>-\s*)?(?P<n>\d+|[a-z][a-z\s-]*?)(?:\.(?P<f>\d+)|(?P<half>"
                   + _HALF + r"))?")


def parse_age(text: str) -> Optional[AgeReading]:
    """Read one age; see the module docstring."""
    if not isinstance(text, str):
        return None
    cleaned = _clean(text)
    match = _BODY.fullmatch(cleaned)
    if not match:
        return None
    years = int(match["n"]) if match["n"].isdigit() else number_from_words(match["n"])
    if years is None:
        return None
    half, error = _fraction(match["f"], bool(match["half"]))
    if match["sign"]:
        return AgeReading(-years, half, "an age cannot be negative")
    if years > MAX_AGE or (years == MAX_AGE and half):
        return AgeReading(years, half, f"an age of {years} is not possible; expected 0 to {MAX_AGE}")
    return AgeReading(years, half, error)


def _clean(text: str) -> str:
    cleaned = " ".join(text.lower().replace("’", "'").split()).rstrip(" .!?")
    for _ in range(3):  # "I'm about 41": more than one prefix word
        cleaned = _PREFIX.sub("", cleaned, count=1)
    return _SUFFIX.sub("", cleaned).strip()


def _fraction(digits: Optional[str], half: bool) -> Tuple[bool, Optional[str]]:
    """ "59.5" is a half; "59.0" is whole; "59.3" is refused rather than rounded."""
    if digits is None or not digits.strip("0"):
        return half, None
    if digits.rstrip("0") == "5":
        return True, None
    return False, "ages are read in whole or half years, such as 59 or 59½"


def find_age_spans(text: str) -> List[Tuple[int, int]]:
    """Candidate age spans: a number governed by an age cue ("I'm", "age", "turned",
    "years old", "at"), written with a half ("59 1/2"), or a whole message that is a number
    under 100 (the answer to "how old are you?", as docs/nlu-annotation.md annotates it).
    Only the number (and its half) is the span: "I'm 41" -> "41", "54 and a half years
    old" -> "54 and a half"."""
    spans = []
    for pattern in _FINDERS:
        for match in pattern.finditer(text):
            if parse_age(match["v"]) is not None:
                spans.append(match.span("v"))
    return spans
