"""Slack Block Kit built from the rules core's assessment: the answer as a card (sections and
fields for the dates, the box 7 code and the tax result, the sources in a context block, buttons
for follow-ups). Words live in slack.yml and actions/presentation.yml; this module arranges them.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional

import yaml
from slack_sdk.errors import SlackApiError

from rules_core.render import dollars, long_date

from ..presenting import words as presentation_words

# Block Kit limits (api.slack.com/reference/block-kit): text in a section, a field, a header,
# a context element; fields per section; blocks per message; buttons per actions block.
SECTION_CHARS, FIELD_CHARS, HEADER_CHARS, CONTEXT_CHARS = 3000, 2000, 150, 2000
FIELDS_PER_SECTION, BUTTONS_PER_BLOCK, BUTTON_TEXT_CHARS, BUTTON_VALUE_CHARS = 10, 5, 75, 2000
MAX_DATE_LINES = 12

# The assessment's headline fields, in the order a benefits person reads them.
CARD_FIELDS = ("event_date", "tax_year", "taxable_amount", "form_1099r_box7", "rollover_deadline",
               "rollover_deadline_without_extension", "qplo_window_end", "cure_deadline")
DATE_FIELDS = frozenset({"event_date", "rollover_deadline", "rollover_deadline_without_extension",
                         "qplo_window_end", "cure_deadline"})


@lru_cache(maxsize=1)
def slack_words() -> Dict[str, Any]:
    return yaml.safe_load((Path(__file__).parent / "slack.yml").read_text(encoding="utf-8"))


def escape(text: str) -> str:
    """Slack reads &, < and > as markup in every text object: escape them (its documented rule)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mrkdwn(text: str, limit: int = SECTION_CHARS) -> Dict[str, Any]:
    return {"type": "mrkdwn", "text": _cut(text, limit)}


def section(text: str) -> Dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


def text_sections(text: str) -> List[Dict[str, Any]]:
    """A long message as as many sections as it needs, cut between paragraphs."""
    blocks, current = [], ""
    for paragraph in escape(text).split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) > SECTION_CHARS and current:
            blocks.append(section(current))
            candidate = paragraph
        current = candidate
    if current:
        blocks.append(section(current))
    return blocks


def actions_block(buttons: Iterable[Mapping[str, str]], block_id: str) -> Optional[Dict[str, Any]]:
    elements = [
        {"type": "button", "action_id": f"{block_id}-{i}",
         "text": {"type": "plain_text", "text": _cut(b["title"], BUTTON_TEXT_CHARS), "emoji": True},
         "value": b["payload"][:BUTTON_VALUE_CHARS]}
        for i, b in enumerate(list(buttons)[:BUTTONS_PER_BLOCK])
    ]
    return {"type": "actions", "block_id": block_id, "elements": elements} if elements else None


def message_blocks(text: str, buttons: Iterable[Mapping[str, str]] = ()) -> List[Dict[str, Any]]:
    """A plain bot message (a question, a FAQ answer) with its buttons, if any."""
    blocks = text_sections(text)
    buttons_block = actions_block(buttons, "choices")
    return blocks + ([buttons_block] if buttons_block else [])


# ---- the assessment card ----------------------------------------------------------------
def _field_value(name: str, value: Any) -> str:
    if name in DATE_FIELDS:
        return long_date(date.fromisoformat(value))
    if name == "taxable_amount":
        return dollars(Decimal(value))
    return str(value)


def _tax_value(tax: Mapping[str, Any]) -> str:
    w = slack_words()["card"]
    if tax.get("applies"):
        return w["tax_applies"].format(amount=dollars(Decimal(tax["amount"]))) if tax.get("amount") \
            else w["tax_applies_no_amount"]
    if tax.get("exception"):
        return w["tax_exception"].format(exception=str(tax["exception"]).replace("_", " "))
    return w["tax_not_applies"]


def card_fields(result: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The headline facts of the answer as Block Kit fields ("*label*\\nvalue")."""
    labels = presentation_words()["fact_labels"]
    fields = [(labels[name], _field_value(name, result[name])) for name in CARD_FIELDS
              if result.get(name) not in (None, "")]
    if result.get("additional_tax"):
        fields.append((labels["additional_tax"], _tax_value(result["additional_tax"])))
    return [mrkdwn(f"*{escape(label)}*\n{escape(value)}", FIELD_CHARS) for label, value in fields]


def classification_words(result: Mapping[str, Any]) -> str:
    return presentation_words()["classification_words"].get(result["classification"], result["classification"])


def _dates_section(result: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    w = slack_words()["card"]
    entries = [e for e in result.get("timeline") or () if e["rule"] != "user_fact"]
    if not entries:
        return None
    lines = [w["dates_heading"]]
    for entry in entries[:MAX_DATE_LINES]:
        line = w["date_line"].format(label=escape(entry["label"]), date=long_date(date.fromisoformat(entry["date"])))
        lines.append(line + w["certainty"].get(entry["certainty"], ""))
    if len(entries) > MAX_DATE_LINES:
        lines.append(w["more_dates"].format(count=len(entries) - MAX_DATE_LINES))
    return section("\n".join(lines))


def _steps_section(result: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    w = slack_words()["card"]
    steps = result.get("next_steps") or ()
    if not steps:
        return None
    return section("\n".join([w["steps_heading"]] + [w["step_line"].format(title=escape(s["title"])) for s in steps]))


def missing_words(result: Mapping[str, Any], how_to_give: Optional[Mapping[str, str]] = None) -> List[str]:
    """The facts the core still needs, in its order, as words (or as command-line syntax)."""
    fact_words = presentation_words()["fact_words"]
    return [(how_to_give or {}).get(name) or fact_words.get(name, name.replace("_", " "))
            for name in result.get("missing_facts") or ()]


def source_links(result: Mapping[str, Any]) -> str:
    seen: Dict[str, str] = {}
    for group in (result.get("explanations") or (), result.get("next_steps") or (), result.get("timeline") or ()):
        for entry in group:
            for citation in entry.get("citations") or ():
                seen.setdefault(citation["label"], citation.get("url") or "")
    template = slack_words()["card"]["sources"]
    kept: List[str] = []
    for label, url in seen.items():  # whole links only: a cut link would break Slack's markup
        link = f"<{url}|{escape(label)}>" if url else escape(label)
        if len(template.format(links=" · ".join(kept + [link]))) > CONTEXT_CHARS:
            break
        kept.append(link)
    return template.format(links=" · ".join(kept)) if kept else ""


def context_block(result: Mapping[str, Any]) -> Dict[str, Any]:
    w = slack_words()["card"]
    texts = [source_links(result), w["as_of"].format(date=long_date(date.fromisoformat(result["as_of"]))),
             escape(result.get("disclaimer") or "")]
    return {"type": "context", "elements": [mrkdwn(t, CONTEXT_CHARS) for t in texts if t]}


def follow_up_buttons(result: Mapping[str, Any]) -> List[Dict[str, str]]:
    """Buttons whose payloads the bot understands: a what-if when a rollover is possible, the
    code's meaning when there is one, and starting over."""
    w = slack_words()["follow_ups"]
    buttons = []
    if result.get("rollover_eligible") and result.get("taxable_amount"):
        buttons.append(dict(w["roll_over"]))
    code = result.get("form_1099r_box7")
    if code:
        buttons.append({"title": w["explain_code"]["title"].format(code=code),
                        "payload": w["explain_code"]["payload"].format(code=code)})
    buttons.append(dict(w["start_over"]))
    return buttons


SUMMARY_BLOCK = "summary"  # the block of the "Save as PDF" button; its value is the answer's summary token


def summary_button(token: str) -> Dict[str, Any]:
    """The "Save as PDF" button: a click posts the answer's PDF in the thread (slack.py)."""
    return {"type": "actions", "block_id": SUMMARY_BLOCK, "elements": [
        {"type": "button", "action_id": f"{SUMMARY_BLOCK}-pdf", "value": token,
         "text": {"type": "plain_text", "text": slack_words()["summary"]["button"], "emoji": True}}]}


def assessment_blocks(result: Mapping[str, Any], buttons: Iterable[Mapping[str, str]] = (),
                      how_to_give: Optional[Mapping[str, str]] = None,
                      summary_token: Optional[str] = None) -> List[Dict[str, Any]]:
    """The whole answer as one Slack message; with `summary_token`, a "Save as PDF" button."""
    w = slack_words()["card"]
    header = w["header"].format(classification=classification_words(result))
    blocks: List[Dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": _cut(header, HEADER_CHARS)}}]
    conclusion = "\n\n".join(e["text"] for e in result.get("explanations") or () if e["topic"].startswith("result."))
    blocks += text_sections(conclusion)
    fields = card_fields(result)
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        blocks.append({"type": "section", "fields": fields[start:start + FIELDS_PER_SECTION]})
    blocks += [b for b in (_dates_section(result), _steps_section(result)) if b]
    missing = missing_words(result, how_to_give)
    if missing and result["classification"] != "needs_more_facts":
        blocks.append(section(w["missing"].format(facts="; ".join(missing))))
    blocks.append({"type": "divider"})
    blocks.append(context_block(result))
    buttons_block = actions_block(buttons, "follow_ups")
    blocks += [buttons_block] if buttons_block else []
    return blocks + ([summary_button(summary_token)] if summary_token else [])


def fallback_text(result: Mapping[str, Any]) -> str:
    """The notification text Slack shows where blocks cannot be shown."""
    return slack_words()["card"]["fallback"].format(classification=classification_words(result))


async def post_text(client: Any, channel: str, thread: Optional[str], text: str, what: str) -> None:
    """Posts `text` in the thread (or the channel/DM) as one section; a Slack that does not take
    it is logged as `what` ("a batch reply", "a reply"), never raised: the answer is best effort."""
    kwargs: Dict[str, Any] = {"channel": channel, "text": text[:3000], "blocks": [section(text)]}
    if thread:
        kwargs["thread_ts"] = thread
    try:
        await client.chat_postMessage(**kwargs)
    except (SlackApiError, OSError, asyncio.TimeoutError) as failed:
        logging.getLogger(__name__).error("Slack did not take %s in %s: %s", what, channel, failed)
