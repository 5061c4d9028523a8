"""Batch triage in Slack (issue 12): a CSV uploaded in a message that mentions the bot (or in
a direct message) is answered in its thread with the results CSV and a one-message summary:
how many QPLOs, ordinary offsets, deemed distributions, rows needing facts, and the earliest
deadline still ahead.

The file is fetched with the bot token from Slack's file host only, and refused politely over
the size in slack.yml; the rules core's batch (rules_core/batch.py) answers it, off the event
loop; the results go back with Slack's upload flow (files.getUploadURLExternal, the upload,
files.completeUploadExternal: slack_sdk's files_upload_v2). Signing checks are the channel's
own: this runs only for a request that passed them.
"""
from __future__ import annotations

import asyncio
import logging
import re
from datetime import date
from typing import Any, Dict, Iterable, Mapping, Optional
from urllib.parse import urlparse

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from rules_core.batch import BatchFileError, BatchSummary, triage_text
from rules_core.render import date_names, long_date

from .blocks import post_text, escape, slack_words

logger = logging.getLogger(__name__)

SLACK_FILE_HOST = "files.slack.com"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
SUMMARY_KINDS = ("qualified_plan_loan_offset", "plan_loan_offset", "deemed_distribution", "needs_more_facts", "error")


def words() -> Dict[str, Any]:
    return slack_words()["batch"]


def max_bytes() -> int:
    return int(float(words()["max_megabytes"]) * 1_000_000)


def uploaded_files(event: Mapping[str, Any]) -> list:
    """The files of a user's message to the bot: a mention in a channel, or a direct message."""
    if event.get("bot_id") or not event.get("files"):
        return []
    if event.get("type") == "app_mention" or (event.get("type") == "message" and event.get("channel_type") == "im"):
        return list(event["files"])
    return []


def is_csv(file: Mapping[str, Any]) -> bool:
    return (file.get("filetype") == "csv" or str(file.get("name", "")).lower().endswith(".csv")
            or file.get("mimetype") == "text/csv")


def reply_thread(event: Mapping[str, Any]) -> Optional[str]:
    """Where the answer goes: the message's thread; a direct message outside a thread, the DM."""
    if event.get("thread_ts"):
        return event["thread_ts"]
    return None if event.get("channel_type") == "im" else event.get("ts")


def results_name(file_name: str) -> str:
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return (_SAFE_NAME.sub("_", stem).strip("._") or "cases")[:60] + "-results.csv"


def _shown(file_name: str) -> str:
    return f"`{escape(file_name.replace('`', ''))}`"


def summary_text(file_name: str, summary: BatchSummary) -> str:
    """The one-message summary, in Slack mrkdwn."""
    w, counts = words(), summary.counts
    lines = [w["summary_heading"].format(file=_shown(file_name), rows=summary.rows)]
    for kind in SUMMARY_KINDS:
        if counts.get(kind):
            lines.append(w["count_line"].format(count=counts[kind], what=w["counts"][kind]))
    other = summary.rows - sum(counts.get(kind, 0) for kind in SUMMARY_KINDS)
    if other:
        lines.append(w["count_line"].format(count=other, what=w["counts"]["other"]))
    earliest = summary.earliest
    if earliest is None:
        lines.append(w["no_deadline"])
    else:
        who = next((value for value in earliest.identifiers if value.strip()), "")
        lines.append(w["earliest"].format(date=long_date(date.fromisoformat(earliest.day)),
                                          label=date_names()[earliest.name], row=earliest.row,
                                          who=f", {escape(who.strip()[:80])}" if who else ""))
    return "\n".join(lines)


def _too_big(name: str, size: int) -> str:
    w = words()
    return w["too_big"].format(file=_shown(name), size=f"{size / 1_000_000:.1f}", limit=w["max_megabytes"])


def allowed_hosts(api_url: str) -> frozenset:
    """Slack's file host, and the host of the configured Web API (a local stand-in in tests):
    the bot token is sent nowhere else."""
    return frozenset({SLACK_FILE_HOST, urlparse(api_url).netloc})


async def download(url: str, token: str, hosts: Iterable[str], limit: int) -> Optional[bytes]:
    """The file's bytes (at most limit + 1 of them), or None when Slack did not give it. No
    redirect is followed: Slack answers a token without files:read with a redirect to a login
    page, which must not be read as the file."""
    if urlparse(url).scheme not in ("https", "http") or urlparse(url).netloc not in set(hosts):
        logger.warning("not fetching a file from an unexpected host: %s", urlparse(url).netloc)
        return None
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(url, headers={"Authorization": f"Bearer {token}"}, allow_redirects=False) as got:
            if got.status != 200:
                logger.warning("Slack answered %s for a shared file", got.status)
                return None
            return await got.content.read(limit + 1)


class BatchUploads:
    """Answers uploaded CSV files in the thread they came in."""

    def __init__(self, client: AsyncWebClient, token: str, api_url: str) -> None:
        self.client, self.token, self.hosts = client, token, allowed_hosts(api_url)
        self.seen: Dict[str, None] = {}  # file ids already answered (Slack retries an event)

    def first_time(self, file_id: str) -> bool:
        if file_id in self.seen:
            return False
        self.seen[file_id] = None
        if len(self.seen) > 1000:
            self.seen.pop(next(iter(self.seen)))
        return True

    async def answer(self, event: Mapping[str, Any]) -> None:
        channel, thread = event.get("channel"), reply_thread(event)
        for file in uploaded_files(event):
            if not self.first_time(str(file.get("id") or file.get("url_private_download"))):
                continue
            name = str(file.get("name") or file.get("title") or "the file")
            try:
                await self._one(channel, thread, file, name)
            except Exception:  # noqa: BLE001 - a background task: log it, tell the user
                logger.exception("batch upload failed: %s", name)
                await self._post(channel, thread, words()["failed"].format(file=_shown(name)))

    async def _one(self, channel: str, thread: Optional[str], file: Mapping[str, Any], name: str) -> None:
        w, limit = words(), max_bytes()
        if not is_csv(file):
            return await self._post(channel, thread, w["not_csv"].format(file=_shown(name)))
        if int(file.get("size") or 0) > limit:
            return await self._post(channel, thread, _too_big(name, int(file["size"])))
        data = await download(str(file.get("url_private_download") or file.get("url_private") or ""),
                              self.token, self.hosts, limit)
        if data is None:
            return await self._post(channel, thread, w["download_failed"].format(file=_shown(name)))
        if len(data) > limit:  # the size Slack stated was wrong
            return await self._post(channel, thread, _too_big(name, len(data)))
        try:
            results, summary = await asyncio.to_thread(triage_text, data.decode("utf-8-sig", errors="replace"))
        except BatchFileError as bad:
            reasons = "; ".join(escape(reason) for reason in bad.errors.values())
            return await self._post(channel, thread, w["unreadable"].format(file=_shown(name), reasons=reasons))
        await self._post(channel, thread, summary_text(name, summary))
        await self._upload(channel, thread, name, results)

    async def _post(self, channel: str, thread: Optional[str], text: str) -> None:
        await post_text(self.client, channel, thread, text, "a batch reply")

    async def _upload(self, channel: str, thread: Optional[str], name: str, results: str) -> None:
        w = words()
        try:
            await self.client.files_upload_v2(
                channel=channel, thread_ts=thread, filename=results_name(name), title=w["file_title"].format(file=name),
                # with a byte-order mark, a spreadsheet opens the UTF-8 file with its accents intact
                content=results.encode("utf-8-sig"))
        except (SlackApiError, OSError, asyncio.TimeoutError) as failed:
            logger.error("Slack did not take the batch results in %s: %s", channel, failed)
            await self._post(channel, thread, w["upload_failed"].format(file=_shown(name)))
