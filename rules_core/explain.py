"""Explanation topics: the core's prose, stored as data in explanations/*.md.

Each file is one topic: YAML front matter (title, kind, audience, citations, and for some
kinds `myth`, `asks` or `question`) and a short Markdown body. Bodies of conclusions, flags,
next steps and code checks may use `{placeholders}` from PLACEHOLDERS; the logic picks topic
ids and supplies values, and this module renders them. It writes no sentences itself.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Mapping, Optional, Tuple

from .citations import cite, cite_all
from .yaml_data import load_yaml

FOLDER = Path(__file__).parent / "explanations"

KINDS = ("conclusion", "flag", "next_step", "code_check", "faq", "sponsor", "myth")
STATIC_KINDS = ("faq", "sponsor", "myth")  # answered without a user's facts: no placeholders

# What the logic can fill in. Dates render as "June 30, 2025", money as "$12,000.00".
PLACEHOLDERS = frozenset({
    "missed_payment_due_date", "cure_deadline", "caught_up_on", "event_date", "tax_year",
    "taxable_amount", "loan_balance", "separation_date", "offset_date", "plan_termination_date",
    "qplo_window_end", "rollover_deadline", "rollover_deadline_without_extension",
    "return_due_date", "box7_code", "given_code", "age_59_half_date", "additional_tax_amount",
    "withholding_amount", "amount_rolled_over", "cash_paid_not_rolled_over", "max_term_end",
    "loan_date", "exceptions", "missing_facts", "estimated_income_tax", "estimated_total",
    # issue 10: the situations
    "planned_events", "deemed_excess", "loan_limit_cap", "counted_loans", "loan_year",
    "replaced_loan_term_end", "suspension_end", "good_standing_balance", "already_deemed_balance",
    "rmd_part", "rollover_eligible_amount",
    "cure_period_days", "roth_distribution", "roth_basis", "roth_account_balance",
    "disaster_relief_id", "disaster_postponed_to", "original_deadline",
    "rolled_in_amount",
})


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    kind: str
    audience: str
    citations: Tuple[str, ...]
    body: str
    placeholders: FrozenSet[str]
    myth: Optional[str] = None
    asks: Tuple[str, ...] = ()
    question: Optional[str] = None


def _placeholders(text: str) -> FrozenSet[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _parse(path: Path) -> Topic:
    raw = path.read_text(encoding="utf-8")
    _, front, body = raw.split("---\n", 2)
    meta = load_yaml(front)
    body = body.strip()
    question = meta.get("question")
    return Topic(
        id=path.stem, title=meta["title"], kind=meta["kind"],
        audience=meta.get("audience", "participant"),
        citations=tuple(meta.get("citations") or ()), body=body,
        placeholders=_placeholders(body) | (_placeholders(question) if question else frozenset()),
        myth=meta.get("myth"), asks=tuple(meta.get("asks") or ()), question=question,
    )


@lru_cache(maxsize=1)
def topics() -> Dict[str, Topic]:
    found = {path.stem: _parse(path) for path in sorted(FOLDER.glob("*.md"))}
    for t in found.values():
        for cid in t.citations:
            cite(cid)
    return found


def topic(topic_id: str) -> Topic:
    try:
        return topics()[topic_id]
    except KeyError:
        raise KeyError(f"unknown explanation topic {topic_id!r}") from None


# A literal piece of a template written inside f'...': backslashes, quotes and line ends
# escaped, braces doubled.
_F_STRING_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r",
                                   "{": "{{", "}": "}}"})


def _compile(text: str) -> str:
    """A template compiled to one expression over the values mapping, the way template
    engines do it: literal pieces and lookups concatenated, so rendering does no parsing
    (str.format_map re-parses a long body on every assessment). Safe: the templates are our
    own data and every placeholder is checked to be an identifier."""
    pieces = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        if spec or conversion or (name is not None and not name.isidentifier()):
            raise ValueError(f"placeholder {{{name}}} must be a plain name, without a format")
        if literal:
            pieces.append(literal.translate(_F_STRING_ESCAPES))
        if name is not None:
            pieces.append(f'{{values["{name}"]}}')
    return "f'" + "".join(pieces) + "'"  # an f-string builds the text in one allocation


_MAKERS: Dict[str, Callable[[Mapping[str, str]], dict]] = {}


def _maker(topic_id: str) -> Callable[[Mapping[str, str]], dict]:
    """One function per topic that returns its output entry for a set of values: the text's
    template and the entry's dict in a single expression (one call per topic rendered)."""
    found = _MAKERS.get(topic_id)
    if found is None:
        t = topic(topic_id)
        source = (f"lambda values: {{'topic': tid, 'title': title, 'text': {_compile(t.body)}, "
                  f"'citations': list(citations)}}")
        scope = {"tid": t.id, "title": t.title, "citations": cite_all(t.citations)}
        found = _MAKERS[topic_id] = eval(source, scope)  # noqa: S307
    return found


def render(topic_id: str, values: Mapping[str, str]) -> dict:
    """One explanation entry for output: {topic, title, text, citations}."""
    return _maker(topic_id)(values)


class Rendered(dict):
    """Topics rendered against one set of values, each once: `rendered[topic_id]`. Set
    `values` after creating it (no __init__ of our own: this is made for every assessment)."""

    __slots__ = ("values",)
    values: Mapping[str, str]

    def __missing__(self, topic_id: str) -> dict:
        entry = self[topic_id] = (_MAKERS.get(topic_id) or _maker(topic_id))(self.values)
        return entry

    def entries(self, topic_ids) -> list:
        """[self[t] for t in topic_ids], each rendered on first use, in one call."""
        found, makers, values = self.get, _MAKERS, self.values
        out = []
        for topic_id in topic_ids:
            entry = found(topic_id)
            if entry is None:
                entry = self[topic_id] = (makers.get(topic_id) or _maker(topic_id))(values)
            out.append(entry)
        return out


def render_question(topic_id: str, values: Mapping[str, str]) -> Optional[str]:
    t = topic(topic_id)
    return t.question.format_map(values) if t.question else None
