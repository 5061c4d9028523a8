"""One conversation's answer as a PDF summary to keep (issue 12, item 3): over REST at a URL the
answer names, in Slack as a file posted by a "Save as PDF" button. The PDF itself is the rules
core's (rules_core/notices.py, the notice's blocks in its `summary` frame); this module only
finds the answer it is made from.

Where an answer is kept: nowhere new. The action that answers puts a random token (192 bits,
`new_token`) beside the assessment in its custom message (actions/presenting.py, `card`), and
Rasa stores that message with the conversation in the tracker store. A channel asked for a
summary reads the one conversation it was asked about and looks for the answer carrying that
token there. So a token is bound to its conversation and its answer (another conversation's
token finds nothing), survives a restart, works on every server of the scaled deployment (they
share the tracker store), holds no second copy of anyone's figures, and disappears with the
conversation when retention deletes it. The token is made in the action server; the look-up
runs in the Rasa server, where the channels are. Neither imports Rasa itself here (the action
server's image has none): a tracker's events are read by their type name.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, Optional, Tuple

from rules_core.notices import has_summary, summary_pdf

logger = logging.getLogger(__name__)

TOKEN_BYTES = 24  # 192 random bits: not guessable, and short enough for a URL or a button's value
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32}$")  # token_urlsafe(24) is 32 characters
LINK_HOURS_ENV = "SUMMARY_LINK_HOURS"
DEFAULT_LINK_HOURS = 24.0


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def summary_token(result: Dict[str, Any]) -> Optional[Dict[str, str]]:
    """What the answer's custom message carries for a summary, or None for an answer not worth
    keeping (one still asking for facts)."""
    return {"token": new_token()} if has_summary(result) else None


def looks_like_token(value: Any) -> bool:
    return isinstance(value, str) and bool(_TOKEN_SHAPE.match(value))


def link_hours() -> float:
    """How long a REST summary link works after its answer (SUMMARY_LINK_HOURS, default 24)."""
    raw = os.environ.get(LINK_HOURS_ENV, "").strip()
    try:
        hours = float(raw) if raw else DEFAULT_LINK_HOURS
    except ValueError:
        hours = -1.0
    if hours <= 0:
        logger.warning("%s=%r is not a positive number of hours; using %s", LINK_HOURS_ENV, raw, DEFAULT_LINK_HOURS)
        return DEFAULT_LINK_HOURS
    return hours


@dataclass(frozen=True)
class KeptAnswer:
    """An answer found in its conversation: the assessment and when it was given (epoch s)."""
    result: Dict[str, Any]
    given_at: float

    def expires_at(self, hours: float) -> float:
        return self.given_at + hours * 3600

    def expired(self, hours: float, now: Optional[float] = None) -> bool:
        return (time.time() if now is None else now) >= self.expires_at(hours)


def _answer_in(event: Any, token: str) -> Optional[KeptAnswer]:
    if getattr(event, "type_name", None) != "bot":  # Rasa's BotUttered
        return None
    custom = (event.data or {}).get("custom") or {}
    kept = (custom.get("summary") or {}).get("token") if isinstance(custom, dict) else None
    if isinstance(kept, str) and hmac.compare_digest(kept, token) and isinstance(custom.get("assessment"), dict):
        return KeptAnswer(custom["assessment"], float(event.timestamp))
    return None


async def find_answer(tracker_store: Any, conversation_id: str, token: str) -> Optional[KeptAnswer]:
    """The answer carrying `token` in this one conversation, or None."""
    if not looks_like_token(token) or not conversation_id:
        return None
    tracker = await tracker_store.retrieve_full_tracker(conversation_id)
    for event in reversed(list(tracker.events) if tracker else []):
        found = _answer_in(event, token)
        if found:
            return found
    return None


async def summary_file(answer: KeptAnswer) -> Tuple[str, bytes]:
    """(file name, PDF) of the answer, made off the event loop (fpdf2 is pure Python)."""
    made = date.fromtimestamp(answer.given_at)
    return await asyncio.to_thread(summary_pdf, answer.result, made)
