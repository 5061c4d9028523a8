"""Conversation-level facts the actions share: the conversation's own date, the disclaimer."""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, Optional

from rules_core.facts import _Bad, parse_date
from rules_core.messages import message

TODAY_METADATA_KEY = "today"  # a client (or a test) may fix the conversation's date


def conversation_date(slots: Dict[str, Any], metadata: Optional[Dict[str, Any]] = None) -> date:
    """The date questions are answered as of: the `as_of` slot, else the message metadata's
    `today`, else the server's date."""
    for raw in (slots.get("as_of"), (metadata or {}).get(TODAY_METADATA_KEY)):
        if raw:
            try:
                return parse_date(raw)
            except _Bad:
                continue
    return date.today()


def disclaimer_once(slots: Dict[str, Any]) -> str:
    """The education-not-advice line, only if this conversation has not shown it yet."""
    return "" if slots.get("disclaimer_shown") else message("disclaimer")
