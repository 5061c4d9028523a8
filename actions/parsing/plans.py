"""Which kind of plan a loan is from: "403(b)", "457b", "TSP", "thrift savings plan", "401k".

The rules core treats 403(b) and governmental 457(b) loans like 401(k) loans (IRC 72(p) covers
every qualified employer plan, 403(b) and governmental 457(b) plans: 72(p)(4)); the TSP runs
its own loan rules beside them, so the answer names it. Values: "401k", "403b", "457b", "tsp".

interpretation: a bare "457" is a 457(b) plan only where it names a plan ("a 457", "my 457
loan", "457 plan"); elsewhere it is a number ("I owe 457"). A 457(f) or 401(a) plan is not
one of ours: no value.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

_I = re.IGNORECASE
_KINDS = (
    ("401k", r"401\s?[-(]?\s?k\s?\)?"),
    ("403b", r"403\s?[-(]?\s?b\s?\)?"),
    ("457b", r"457\s?[-(]?\s?b\s?\)?"),
    ("tsp", r"tsp|thrift\s+savings(?:\s+plan)?"),
)
_WHOLE = tuple((kind, re.compile(r"(?:(?:an?|my|the|our|his|her|their)\s+)?(?:" + p + r")(?:\s+(?:plan|account|loan))?", _I))
               for kind, p in _KINDS)
_BARE_457 = re.compile(r"(?:(?:an?|my|the|our|his|her|their|governmental|gov(?:ernment)?|deferred\s+comp(?:ensation)?|"
                       r"city|county|state|municipal)\s+)?457"
                       r"(?:\s+(?:plan|account|loan))?", _I)


def parse_plan_kind(text: str) -> Optional[str]:
    """ "403(b)" -> "403b", "457" -> "457b", "Thrift Savings Plan" -> "tsp"; None otherwise."""
    if not isinstance(text, str):
        return None
    cleaned = " ".join(text.strip().strip(".,!?").split())
    for kind, pattern in _WHOLE:
        if pattern.fullmatch(cleaned):
            return kind
    return "457b" if _BARE_457.fullmatch(cleaned) else None


# ---- finding plan kinds in a message ---------------------------------------------------
_FINDERS = tuple(re.compile(p, _I) for p in (
    r"(?<![\w$.,])(?P<k>" + "|".join(p for _, p in _KINDS[:3]) + r")(?!\w)",
    r"\b(?P<k>tsp|thrift\s+savings(?:\s+plan)?)\b",
    # "a 457", "my 457 loan", "457 plan", "or a 457?", "the loan in my 457 was", "a governmental
    # 457", "my deferred comp 457": a plan's name, not a number
    r"\b(?:an?|my|the|our|his|her|their|governmental|government|gov|deferred\s+comp(?:ensation)?|city|county|state|"
    r"municipal)\s+(?P<k>457)(?=\s*(?:$|[.,;!?)])|\s+(?:plan|account|loan|and|or|with|was|is|from|through|thru|"
    r"at|had)\b)",
    r"\b(?P<k>457)(?=\s+(?:plan|account|loan)\b)",
))


def find_plan_kind_spans(text: str) -> List[Tuple[int, int]]:
    """Spans that name a plan kind, as written ("403(b)", "TSP", "457"), without articles."""
    spans = []
    for pattern in _FINDERS:
        for match in pattern.finditer(text):
            start, end = match.span("k")
            if re.search(r"\bnon[\s-]?$", text[max(0, start - 4):start], re.IGNORECASE):
                continue  # "non-TSP": the plan it is not
            if parse_plan_kind(text[start:end]) is not None:
                spans.append((start, end))
    return spans
