"""Turns the rules core's assessment into chat messages. Words live in presentation.yml and
in the core's explanation topics; this module only arranges them."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml

from rules_core.render import certainty_flag, long_date


@lru_cache(maxsize=1)
def words() -> Dict[str, Any]:
    return yaml.safe_load((Path(__file__).parent / "presentation.yml").read_text(encoding="utf-8"))


# What the user wrote is shown back only as plain words: no markup characters (a chat widget,
# Slack or a browser must never get HTML or link syntax from a user's text), no control
# characters, and not at any length.
_NOT_SHOWN = re.compile(r"[<>&\x00-\x1f\x7f-\x9f]")


def user_text(value: Any, limit: int = 60) -> str:
    """A user's own words, safe to put inside one of our sentences."""
    text = " ".join(_NOT_SHOWN.sub(" ", str(value)).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def by_prefix(entries: Iterable[dict], *prefixes: str) -> List[dict]:
    return [e for e in entries if e["topic"].startswith(prefixes)]


def _sources(*groups: Iterable[dict]) -> str:
    labels: Dict[str, None] = {}
    for group in groups:
        for entry in group:
            for citation in entry.get("citations", ()):
                labels[citation["label"]] = None
    return words()["sources"].format(labels="; ".join(labels)) if labels else ""


def dates_message(result: dict) -> str:
    w = words()
    lines = [w["dates_heading"]]
    for entry in result["timeline"]:
        if entry["rule"] == "user_fact":
            continue
        line = w["date_line"].format(label=entry["label"], date=long_date(date.fromisoformat(entry["date"])),
                                     says=entry["says"])
        lines.append(line + certainty_flag(entry["certainty"]))
    return "\n".join(lines) if len(lines) > 1 else ""


def _code_and_tax_message(result: dict) -> str:
    w, parts = words(), []
    if result["form_1099r_box7"]:
        parts.append(w["code_heading"].format(code=result["form_1099r_box7"]))
    elif result["event_date"]:
        parts.append(w["code_unknown"])
    check = result.get("code_check")
    if check and check.get("note"):
        parts.append(check["note"])
        if check.get("question_for_plan"):
            parts.append(f"You could ask the plan: \"{check['question_for_plan']}\"")
    for entry in by_prefix(result["explanations"], "amount.", "tax.", "withholding."):
        parts.append(entry["text"])
    if result.get("estimated_cost"):
        parts.append(result["estimated_cost"]["note"])
    return "\n\n".join(dict.fromkeys(parts))


def _steps_message(result: dict) -> str:
    w = words()
    if not result["next_steps"]:
        return ""
    lines = [w["steps_heading"]]
    for step in result["next_steps"]:
        first_paragraph = step["text"].split("\n\n")[0]
        lines.append(w["step_line"].format(title=step["title"], text=first_paragraph))
    return "\n".join(lines)


def _missing_message(result: dict) -> str:
    if result["classification"] == "needs_more_facts" or not result["missing_facts"]:
        return ""  # the conclusion already says what is missing
    names = [words()["fact_words"].get(name, name.replace("_", " ")) for name in result["missing_facts"]]
    return words()["missing"].format(facts=", ".join(names))


def assessment_messages(result: dict, disclaimer: bool, plan_kind: Any = None) -> List[Dict[str, Any]]:
    """Readable messages, then the whole assessment (and its deadlines as an .ics calendar) as a
    custom payload for rich clients."""
    conclusions = by_prefix(result["explanations"], "result.")
    flags = by_prefix(result["explanations"], "rollover.", "window.", "cure.", "code.")
    texts = [
        "\n\n".join(e["text"] for e in conclusions),
        dates_message(result),
        "\n\n".join(e["text"] for e in flags if e["topic"] != "code.expected"),
        _code_and_tax_message(result),
        _steps_message(result),
        _missing_message(result),
        plan_kind_note(plan_kind),
        _sources(result["explanations"], result["next_steps"], result["timeline"]),
        result["disclaimer"] if disclaimer else "",
    ]
    # Each text says part of what the card says: channels that show the card (Slack) may leave
    # them out. Rasa passes the extra key to output channels as message metadata.
    messages: List[Dict[str, Any]] = [{"text": t, "part_of": "assessment"} for t in texts if t]
    messages.append(card(result))
    return messages


def topic_messages(entry: dict, disclaimer_text: str = "") -> List[Dict[str, Any]]:
    """A FAQ answer: the topic's text, its sources, and the disclaimer the first time."""
    texts = [entry["text"], _sources([entry]), disclaimer_text]
    return [{"text": t} for t in texts if t]


# ---- what changed since the last answer (actions/changes.py computes it) ----------------------
def shown_value(name: str, value: Any, kind: str = "value") -> str:
    """A snapshot value as the answer writes it: dates long, money with a dollar sign,
    classifications in words."""
    w = words()
    if value is None:
        return w["change_unset"]
    if kind == "date":
        return long_date(date.fromisoformat(value))
    if name == "classification":
        return w["classification_words"].get(value, value)
    if name in ("taxable_amount", "additional_tax", "amount_rolled_over"):
        return money(value)
    return str(value)


def money(value: Any) -> str:
    try:
        return f"${Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def change_lines(changes: Iterable[Any]) -> List[str]:
    w, lines = words(), []
    for change in changes:
        after = w["change_gone"] if change.after is None and change.before is not None and change.kind == "date" \
            else shown_value(change.name, change.after, change.kind)
        line = w["change_line"].format(label=change.label, before=shown_value(change.name, change.before, change.kind),
                                       after=after)
        if change.why and change.after is not None:
            line += w["change_why" if change.kind == "date" else "change_rule"].format(why=change.why)
        lines.append(line)
    return lines


def full_answer_button() -> Dict[str, str]:
    w = words()
    return {"title": w["full_answer_button"], "payload": w["full_answer_payload"]}


def change_messages(changes: List[Any], result: dict) -> List[Dict[str, Any]]:
    """The answer to a new fact or a correction: what moved (old → new, each with its rule), the
    new conclusion when the classification itself moved, and the full answer as a button. One
    or two messages, then the assessment card for rich clients."""
    w = words()
    if changes:
        texts = ["\n".join([w["changes_heading"]] + change_lines(changes))]
        if any(c.name == "classification" for c in changes):
            conclusion = "\n\n".join(e["text"] for e in by_prefix(result["explanations"], "result."))
            if conclusion:
                texts.append(w["change_new_conclusion"] + "\n\n" + conclusion)
    else:
        texts = [w["change_none"]]
    messages: List[Dict[str, Any]] = [{"text": t} for t in texts]
    messages[-1]["buttons"] = [full_answer_button()]
    messages.append(card(result))
    return messages


def card(result: dict) -> Dict[str, Any]:
    """The whole assessment (and its deadlines as an .ics calendar) for rich clients, with the
    token that names this answer's PDF summary."""
    from rules_core.calendar_file import deadline_calendar  # icalendar: imported when an answer is made

    from .summaries import summary_token
    custom: Dict[str, Any] = {"assessment": result}
    calendar = deadline_calendar(result)
    if calendar:  # the deadlines still ahead as an .ics file, for "Add deadlines to my calendar"
        custom["calendar"] = calendar
    summary = summary_token(result)
    if summary:  # the answer's PDF summary: a REST link, a Slack button (actions/summaries.py)
        custom["summary"] = summary
    return {"json_message": custom}


def plan_kind_note(plan_kind: Any) -> str:
    """Where the kind of plan the loan is from changes what the answer means ('' for a 401(k)).
    The slot holds the canonical kind ("tsp"); the plan's name as written ("TSP", "403(b)")
    is read the same way."""
    from .parsing.plans import parse_plan_kind
    kind = plan_kind if plan_kind in ("401k", "403b", "457b", "tsp") else parse_plan_kind(str(plan_kind or ""))
    return words().get("plan_kind_notes", {}).get(kind or "", "")


# ---- a period in a question ("Which day in March 2025 was ...?") ---------------------------------
def _period_kind(start: date, end: date) -> str:
    """ "day", "month", "year" or "between": how a stretch of days is named."""
    if start == end:
        return "day"
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and (start.year, start.month) == (end.year, end.month):
        return "month"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return "year"
    return "between"


def period_name(start: date, end: date) -> str:
    """A stretch of days named as people name it: "February 14, 2026", "January 2026", "2026",
    or its first and last days."""
    kind = _period_kind(start, end)
    if kind == "between":
        return words()["periods"]["between"].format(start=long_date(start), end=long_date(end))
    return {"day": long_date(start), "month": start.strftime("%B %Y"), "year": str(start.year)}[kind]


def period_phrase(start: Optional[date], end: Optional[date]) -> str:
    """A stretch of days as words that fit after "Which day": "in March 2025", "in 2023",
    "between July 1 and September 30, 2024"; '' when the days are not known."""
    if start is None or end is None:
        return ""
    kind, w = _period_kind(start, end), words()["periods"]
    if kind == "between":
        first = f"{start.strftime('%B')} {start.day}" if start.year == end.year else long_date(start)
        return w["between"].format(start=first, end=long_date(end))
    return w[kind].format(**{kind: period_name(start, end)})
