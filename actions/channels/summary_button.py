""""Save as PDF" on a conversation's answer in Slack (issue 12, item 3): a click posts the
answer's PDF summary as a file in the thread the answer is in.

The button's value is the token the answer carries (actions/summaries.py); the click is an
interactivity payload that passed the channel's signature check. The answer is looked up in
the conversation of the thread the click came from, and only there: a value copied into another
thread finds nothing. Slack's upload flow posts the file (files_upload_v2, as batch triage does).
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Mapping, Optional

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from ..summaries import find_answer, summary_file
from .blocks import post_text, SUMMARY_BLOCK, slack_words

logger = logging.getLogger(__name__)


def words() -> Dict[str, Any]:
    return slack_words()["summary"]


def summary_click(form: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The interactivity payload of a "Save as PDF" click, or None for anything else."""
    raw = form.get("payload")
    raw = raw[0] if isinstance(raw, list) and raw else raw
    try:
        payload = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("type") != "block_actions":
        return None
    actions = payload.get("actions") or []
    first = actions[0] if actions and isinstance(actions[0], dict) else {}
    return payload if first.get("block_id") == SUMMARY_BLOCK else None


class SummaryPosts:
    """Posts an answer's PDF in its thread."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def answer(self, tracker_store: Any, conversation_id: str, channel: str, thread: Optional[str],
                     token: str) -> None:
        try:
            found = await find_answer(tracker_store, conversation_id, token)
            if found is None:
                return await self._post(channel, thread, words()["not_found"])
            filename, pdf = await summary_file(found)
        except Exception:  # noqa: BLE001 - a background task: log it, tell the user
            logger.exception("summary PDF failed in %s", channel)
            return await self._post(channel, thread, words()["failed"])
        try:
            await self.client.files_upload_v2(
                channel=channel, thread_ts=thread, filename=filename, content=pdf,
                title=words()["file_title"].format(as_of=found.result["as_of"]),
                initial_comment=words()["comment"])
        except (SlackApiError, OSError, asyncio.TimeoutError) as failed:
            logger.error("Slack did not take the summary PDF in %s: %s", channel, failed)
            await self._post(channel, thread, words()["upload_failed"])

    async def _post(self, channel: str, thread: Optional[str], text: str) -> None:
        await post_text(self.client, channel, thread, text, "a reply")
