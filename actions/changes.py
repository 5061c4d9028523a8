"""What changed between two answers: a compact snapshot of what an answer said, and the
difference between two snapshots. Pure functions over the rules core's output (no Rasa).

A snapshot keeps only what a person acts on: the classification, the taxable event and its
tax year, the taxable amount, the box 7 code, the 10% additional tax and every dated entry of
the timeline, each with the rule it comes from. It is small enough to live in a slot
(`last_answer`) so the next answer can say "this moved, because of that rule" instead of
repeating everything. No date is computed here: every date is the core's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

# The answer-level values compared, in the order a change is told (the timeline follows).
VALUES = ("classification", "tax_year", "taxable_amount", "form_1099r_box7", "additional_tax")
# Explanation topics whose first sentence says why a value is what it is.
REASON_TOPICS = {
    "classification": ("result.",),
    "taxable_amount": ("amount.",),
    "form_1099r_box7": ("code.expected",),
    "additional_tax": ("tax.additional", "tax.exempt", "tax."),  # the first that explains it
}


@dataclass(frozen=True)
class Change:
    """One value of the answer that moved: `name` a snapshot key (a value name, or a timeline
    entry's name), `label` how the answer calls it, `why` the rule the new value comes from."""

    name: str
    label: str
    before: Optional[str]
    after: Optional[str]
    why: str = ""
    kind: str = "value"  # "value", or "date" for a timeline entry


def _labels(entry: Mapping[str, Any], most: int = 2) -> str:
    return "; ".join(c["label"] for c in list(entry.get("citations") or ())[:most])


def _reason(result: Mapping[str, Any], prefixes: tuple, titled: bool) -> str:
    """The rule behind a value: the citations of the topic that explains it, led by the
    topic's title for the classification. Of several conclusions the last is the most
    specific ("the offset came after the 12-month window" after "plan loan offset")."""
    explained = [e for e in result.get("explanations") or () if e.get("topic") != "result.needs_more_facts"]
    entries = next(([e for e in explained if e.get("topic", "").startswith(prefix)] for prefix in prefixes
                    if any(e.get("topic", "").startswith(prefix) for e in explained)), [])
    if not entries:
        return ""
    entry = entries[-1] if titled else entries[0]
    labels = _labels(entry)
    if titled:
        return f"{entry.get('title', '')} ({labels})" if labels else entry.get("title", "")
    return labels


def snapshot(result: Mapping[str, Any]) -> Dict[str, Any]:
    """What an answer said, small and JSON-ready."""
    tax = result.get("additional_tax") or {}
    values = {
        "classification": result.get("classification"),
        "tax_year": None if result.get("tax_year") is None else str(result["tax_year"]),
        "taxable_amount": result.get("taxable_amount"),
        "form_1099r_box7": result.get("form_1099r_box7"),
        "additional_tax": tax.get("amount"),
    }
    why = {name: _reason(result, prefixes, name == "classification") for name, prefixes in REASON_TOPICS.items()}
    why["tax_year"] = why["classification"]
    dates = {entry["name"]: {"label": entry["label"], "date": entry["date"], "rule": entry["rule"],
                             "says": entry["says"]}
             for entry in result.get("timeline") or ()}
    return {"values": values, "why": why, "dates": dates, "event_date": result.get("event_date")}


def differences(before: Mapping[str, Any], after: Mapping[str, Any], labels: Mapping[str, str]) -> List[Change]:
    """Every value and every dated entry that is not the same in both snapshots: values
    first (in VALUES order), then dates in the newer answer's timeline order, then dates the
    newer answer no longer has."""
    changes = []
    old_values, new_values = before.get("values") or {}, after.get("values") or {}
    for name in VALUES:
        if old_values.get(name) != new_values.get(name):
            changes.append(Change(name, labels.get(name, name), old_values.get(name), new_values.get(name),
                                  (after.get("why") or {}).get(name, "")))
    old_dates, new_dates = before.get("dates") or {}, after.get("dates") or {}
    for name, entry in new_dates.items():
        old = (old_dates.get(name) or {}).get("date")
        if old != entry["date"]:
            changes.append(Change(name, entry["label"], old, entry["date"], entry["says"], "date"))
    for name, entry in old_dates.items():
        if name not in new_dates:
            changes.append(Change(name, entry["label"], entry["date"], None, "", "date"))
    return changes
