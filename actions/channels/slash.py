"""The /loanhelp slash command: an employee's facts in one line, one answer, for fast triage.

`left 2025-03-14 offset 2025-06-30 born 1985-07-01 balance 12000 current [private]`

A keyword (slack.yml `slash.keywords`) names a fact and its value runs until the next keyword or
flag; a flag (`current`, `behind`, `employed`...) is a fact on its own. Values are read by the
project's own parsers (actions/parsing), exactly as in a conversation; the rules core decides
everything else and is the only judge of whether the facts fit together.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Dict, List, Optional, Tuple

from rules_core import api
from rules_core.facts import FactsError
from rules_core.render import long_date

from ..parsing.ages import parse_age
from ..parsing.amounts import read_amount
from ..parsing.codes import parse_box7
from ..parsing.dates import parse_date
from ..parsing.rates import parse_rate
from .blocks import assessment_blocks, fallback_text, missing_words, section, slack_words

logger = logging.getLogger(__name__)

DATE_FACTS = frozenset({"separation_date", "offset_date", "birth_date", "missed_payment_due_date", "caught_up_on",
                        "plan_termination_date", "as_of"})
# A date that implies a yes/no fact the core asks for separately.
IMPLIED = {"separation_date": ("left_job", True), "plan_termination_date": ("plan_terminated", True)}


@dataclass
class SlashRequest:
    """What a command line says: facts, problems found while reading it, and privacy."""

    facts: Dict[str, Any] = field(default_factory=dict)
    problems: List[str] = field(default_factory=list)
    private: bool = False


def _words() -> Dict[str, Any]:
    return slack_words()["slash"]


def _split(token: str, keywords: Dict[str, str]) -> Tuple[str, Optional[str]]:
    """`left=2025-03-14` and `left:2025-03-14` read like `left 2025-03-14`."""
    for sep in ("=", ":"):
        head, found, tail = token.partition(sep)
        if found and head.lower() in keywords:
            return head, tail or None
    return token, None


def _pairs(tokens: List[str], request: SlashRequest) -> List[Tuple[str, str, List[str]]]:
    """(keyword, fact, value words) in the order written; flags and stray words handled here."""
    w = _words()
    keywords, flags = w["keywords"], w["flags"]
    pairs: List[Tuple[str, str, List[str]]] = []
    for raw in tokens:
        token, attached = _split(raw, keywords)
        lowered = token.lower().rstrip(",;")
        if lowered in keywords:
            pairs.append((lowered, keywords[lowered], [attached] if attached else []))
        elif lowered in flags:
            request.facts.update(flags[lowered])
            pairs.append(("", "", []))  # a flag ends the value before it
        elif pairs and pairs[-1][0]:
            pairs[-1][2].append(raw)
        else:
            request.problems.append(w["unknown_word"].format(word=raw))
    return [p for p in pairs if p[0]]


def _date_value(keyword: str, value: str, today: date) -> Tuple[Optional[str], Optional[str]]:
    w = _words()
    reading = parse_date(value, today)
    if reading.error:
        return None, w["bad_value"].format(value=value, keyword=keyword, reason=reading.error)
    if len(reading.alternatives) > 1:
        first, second = reading.alternatives[:2]
        return None, w["ambiguous_date"].format(value=value, keyword=keyword, first=long_date(first),
                                                second=long_date(second), iso=first.isoformat())
    if reading.value is None:
        reason = w["partial_date"] if reading.start else w["bad_value"]
        return None, reason.format(value=value, keyword=keyword, reason=w["bad_date_reason"])
    return reading.value.isoformat(), None


def _amount_value(value: str) -> Tuple[Optional[str], Optional[str]]:
    reading = read_amount(value)
    if reading is None or reading.value is None:
        return None, (reading.error if reading and reading.error else _words()["bad_amount_reason"])
    return str(reading.value), None


def _age_value(value: str) -> Tuple[Optional[Any], Optional[str]]:
    reading = parse_age(value)
    if reading is None or reading.error:
        return None, (reading.error if reading else _words()["bad_age_reason"])
    return reading.years, None


def _optional(parser: Callable[[str], Any], reason_key: str) -> Callable[[str], Tuple[Any, Optional[str]]]:
    def read(value: str) -> Tuple[Any, Optional[str]]:
        parsed = parser(value)
        return (str(parsed), None) if parsed is not None else (None, _words()[reason_key])
    return read


READERS: Dict[str, Callable[[str], Tuple[Any, Optional[str]]]] = {
    "loan_balance": _amount_value, "amount_rolled_over": _amount_value, "age": _age_value,
    "box7_code": _optional(parse_box7, "bad_code_reason"), "marginal_tax_rate": _optional(parse_rate, "bad_rate_reason"),
}


def read_command(text: str, today: date) -> SlashRequest:
    """The facts a command line states, read against `today` (or the line's own `as-of`)."""
    w = _words()
    private_words = {p.lower() for p in w["private_words"]}
    tokens = text.split()
    request = SlashRequest(private=any(t.lower() in private_words for t in tokens))
    pairs = _pairs([t for t in tokens if t.lower() not in private_words], request)
    # as-of first: every other date is read against it
    pairs.sort(key=lambda p: p[1] != "as_of")
    for keyword, fact, value_words in pairs:
        value = " ".join(value_words).strip().rstrip(",;")
        if not value:
            request.problems.append(w["no_value"].format(keyword=keyword))
            continue
        if fact in DATE_FACTS:
            parsed, problem = _date_value(keyword, value, today)
        else:
            parsed, problem = READERS[fact](value)
        if problem:
            request.problems.append(problem if fact in DATE_FACTS else
                                    w["bad_value"].format(value=value, keyword=keyword, reason=problem))
            continue
        request.facts[fact] = parsed
        if fact == "as_of":
            today = date.fromisoformat(parsed)
        if fact in IMPLIED:
            request.facts.setdefault(*IMPLIED[fact])
        if fact == "birth_date":
            request.facts.pop("age", None)
    return request


# ---- the answer ---------------------------------------------------------------------------
def _usage(command: str, lines: List[str]) -> List[Dict[str, Any]]:
    usage = _words()["usage"].format(command=command)
    return [section(line) for line in lines] + [{"type": "context", "elements": [{"type": "mrkdwn", "text": usage}]}]


def answer_command(text: str, command: str = "/loanhelp", today: Optional[date] = None) -> Dict[str, Any]:
    """The Slack response to one slash command: Block Kit, public unless the line asks privacy."""
    w = _words()
    request = read_command(text, today or date.today())
    response_type = "ephemeral" if request.private else "in_channel"

    def reply(blocks: List[Dict[str, Any]], fallback: str, kind: str = response_type) -> Dict[str, Any]:
        return {"response_type": kind, "text": fallback, "blocks": blocks}

    if text.strip().lower() in w["help_words"]:
        return reply(_usage(command, [w["empty"]]), w["empty"], "ephemeral")
    if request.problems:
        # Input we cannot read goes back to the sender only: it is not an answer for the channel.
        return reply(_usage(command, request.problems), " ".join(request.problems), "ephemeral")
    if not request.facts:
        return reply(_usage(command, [w["empty"]]), w["empty"], "ephemeral")
    try:
        result = api.assess(request.facts)
    except FactsError as bad:
        reasons = "; ".join(f"{name.replace('_', ' ')}: {why}" for name, why in bad.errors.items())
        message = w["rejected"].format(reasons=reasons)
        return reply(_usage(command, [message]), message, "ephemeral")
    if result["classification"] == "needs_more_facts":
        needed = missing_words(result, w["how_to_give"])
        message = "\n".join([w["missing_intro"]] + [f"• {item}" for item in needed])
        return reply(_usage(command, [message]), message, "ephemeral")
    blocks = assessment_blocks(result, how_to_give=w["how_to_give"])
    return reply(blocks, fallback_text(result))
