"""Slack for benefits teams: Rasa 3.6's Slack connector with what this assistant needs on top.

- Secrets come from environment variables that credentials.yml names (not `${VAR}`, which makes
  Rasa refuse to start when a variable is unset): an unconfigured Slack leaves the server
  running and answers every Slack request with 503, so nothing can reach the bot with an
  empty signing secret.
- The Web API's base URL is settable (`SLACK_API_URL`), so tests can catch replies locally.
- One conversation per thread: a mention in a channel starts a thread and everyone replying in
  it (mentioning the bot) continues the same case; a direct message without a thread is one
  conversation per DM.
- A turn's messages are posted when the turn is over: the answer goes out as one Block Kit card
  built from the `custom` assessment, instead of the eight text messages a plain chat gets
  (the same words, as sections, fields and a context block; a thread stays readable).
- `/slash`: the /loanhelp command (see slash.py), signed and verified like every event.
- A CSV uploaded with a mention (or in a DM) is batch triage (batch_upload.py): the results
  file and a summary in its thread, after the same signature check.
- "Save as PDF" under an answer (summary_button.py): the answer's PDF summary posted as a file
  in its thread, after the same signature check.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from .batch_upload import BatchUploads, uploaded_files
from .blocks import assessment_blocks, fallback_text, follow_up_buttons, message_blocks, slack_words
from ..summaries import looks_like_token
from .slash import answer_command
from .summary_button import SummaryPosts, summary_click

logger = logging.getLogger(__name__)

SLACK_API_URL = "https://slack.com/api/"
# credentials.yml names the variables; these are the names when it does not.
DEFAULT_ENV = {"slack_token_env": "SLACK_BOT_TOKEN", "slack_signing_secret_env": "SLACK_SIGNING_SECRET",
               "slack_api_url_env": "SLACK_API_URL"}
NOTIFICATION_CHARS = 3000


def _from_env(credentials: Dict[str, Any], key: str) -> str:
    name = credentials.get(key) or DEFAULT_ENV[key]
    return os.environ.get(name, "").strip()


class SlackThreadBot(SlackBot):
    """Slack output for one user message: collects the turn's messages, posts them at the end."""

    def __init__(self, token: Text, slack_channel: Optional[Text], thread_id: Optional[Text],
                 proxy: Optional[Text], api_url: Text, buffered: bool = False) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, base_url=api_url, proxy=proxy)
        self.pending: List[Dict[str, Any]] = []
        # Only a turn we run ourselves is flushed at its end; messages Rasa sends on its own
        # (e.g. an intent triggered through the HTTP API) go out one by one.
        self.buffered = buffered

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.pending.append(dict(message))
        if not self.buffered:
            await self.flush(recipient_id)

    async def flush(self, recipient_id: Text) -> None:
        """Post the turn: texts and questions as they came; an assessment as one card that
        replaces the texts the assess action wrote for plain chats."""
        messages, self.pending = self.pending, []
        has_card = any((message.get("custom") or {}).get("assessment") for message in messages)
        channel = self.slack_channel or recipient_id
        for message in messages:
            custom = message.get("custom") or {}
            if custom.get("assessment"):
                result = custom["assessment"]
                token = (custom.get("summary") or {}).get("token")
                await self._post(channel, fallback_text(result),
                                 assessment_blocks(result, buttons=follow_up_buttons(result),
                                                   summary_token=token if looks_like_token(token) else None))
            elif message.get("text") and not (has_card and message.get("part_of") == "assessment"):
                # the card says what the assessment's texts say; other texts (notes) still go
                buttons = message.get("buttons") or message.get("quick_replies") or []
                await self._post(channel, message["text"], message_blocks(message["text"], buttons))
            # other custom payloads (what-if, box 7) repeat what the texts already say

    async def _post(self, channel: Text, text: Text, blocks: List[Dict[str, Any]]) -> None:
        kwargs: Dict[str, Any] = {"channel": channel, "text": text[:NOTIFICATION_CHARS], "blocks": blocks}
        if self.thread_id:
            kwargs["thread_ts"] = self.thread_id
        try:
            await self.client.chat_postMessage(**kwargs)
        except (SlackApiError, OSError, asyncio.TimeoutError) as failed:
            logger.error("Slack did not take a reply in %s: %s", channel, failed)


class SlackChannel(SlackInput):
    """Rasa's Slack input with env-var secrets, a settable API URL, threads and /loanhelp."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            _from_env(credentials, "slack_token_env"),
            slack_signing_secret=_from_env(credentials, "slack_signing_secret_env"),
            api_url=_from_env(credentials, "slack_api_url_env") or SLACK_API_URL,
            slack_retry_reason_header=credentials.get("slack_retry_reason_header", "x-slack-retry-reason"),
            slack_retry_number_header=credentials.get("slack_retry_number_header", "x-slack-retry-num"),
            use_threads=True,
            conversation_granularity="thread",
            errors_ignore_retry=credentials.get("errors_ignore_retry"),
        )

    def __init__(self, slack_token: Text, *args: Any, api_url: Text = SLACK_API_URL, **kwargs: Any) -> None:
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"
        super().__init__(slack_token, *args, **kwargs)
        self._batch: Optional[BatchUploads] = None
        self._summaries: Optional[SummaryPosts] = None

    def batch_uploads(self) -> BatchUploads:
        """Made on first use: the Web API client needs the running event loop."""
        if self._batch is None:
            self._batch = BatchUploads(AsyncWebClient(self.slack_token, base_url=self.api_url, proxy=self.proxy),
                                       self.slack_token, self.api_url)
        return self._batch

    def summary_posts(self) -> SummaryPosts:
        if self._summaries is None:
            self._summaries = SummaryPosts(AsyncWebClient(self.slack_token, base_url=self.api_url, proxy=self.proxy))
        return self._summaries

    def _in_background(self, work: Awaitable[Any]) -> None:
        task = asyncio.create_task(work)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)

    def _save_as_pdf(self, request: Request, click: Dict[str, Any]) -> HTTPResponse:
        """A "Save as PDF" click: the PDF is posted in the click's thread, in the background."""
        channel = str((click.get("channel") or {}).get("id") or "")
        thread = self._thread_of(request)
        conversation = self._get_conversation_id(None, channel, thread)
        token = str(click["actions"][0].get("value") or "")
        tracker_store = getattr(getattr(request.app.ctx, "agent", None), "tracker_store", None)
        if channel and conversation and tracker_store is not None:
            self._in_background(self.summary_posts().answer(tracker_store, conversation, channel, thread, token))
        return response.text("")

    @property
    def enabled(self) -> bool:
        return bool(self.slack_signing_secret and self.slack_token)

    def _validate_credentials(self) -> None:
        # Rasa refuses to start without a signing secret; we start and refuse Slack instead,
        # so `make run` works for people who do not use Slack.
        if not self.enabled:
            logger.warning("Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to turn it on "
                           "(README, 'Slack for benefits teams').")

    def is_request_from_slack_authentic(self, request: Request) -> bool:
        return self.enabled and super().is_request_from_slack_authentic(request)

    # -- one conversation per thread ----------------------------------------------------------
    def get_metadata(self, request: Request) -> Dict[Text, Any]:
        metadata = super().get_metadata(request)
        if metadata:
            metadata["thread_id"] = self._thread_of(request)
        return metadata

    @staticmethod
    def _thread_of(request: Request) -> Optional[Text]:
        """The thread a message belongs to; None for a direct message outside a thread."""
        if request.headers.get("content-type") == "application/json":
            event = (request.json or {}).get("event", {})
            direct = event.get("channel_type") == "im"
            return event.get("thread_ts") or (None if direct else event.get("ts"))
        payload = json.loads(request.form["payload"][0])
        message, container = payload.get("message", {}), payload.get("container", {})
        direct = str(payload.get("channel", {}).get("id", "")).startswith("D")  # Slack's DM ids
        thread = message.get("thread_ts") or container.get("thread_ts")
        return thread or (None if direct else message.get("ts") or container.get("message_ts"))

    def _get_conversation_id(self, sender_id: Optional[Text], channel_id: Optional[Text],
                             thread_id: Optional[Text]) -> Optional[Text]:
        # interpretation: a thread is one case, shared by whoever replies in it (a team triages
        # together); Rasa's own "thread" granularity would split it per person.
        if not channel_id:
            return sender_id
        return f"{channel_id}-{thread_id}" if thread_id else channel_id

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None,
                           buffered: bool = False) -> OutputChannel:
        return SlackThreadBot(self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url,
                              buffered)

    async def process_message(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                              text: Text, sender_id: Optional[Text], metadata: Optional[Dict]) -> Any:
        """Answer Slack at once (it retries after 3 s) and run the turn in the background."""
        retry_reason = request.headers.get(self.retry_reason_header)
        if request.headers.get(self.retry_num_header) and retry_reason in self.errors_ignore_retry:
            return response.text("", status=HTTPStatus.CREATED, headers={"X-Slack-No-Retry": "1"})
        metadata = metadata or {}
        output = self.get_output_channel(metadata.get("out_channel"), metadata.get("thread_id"), buffered=True)
        user_message = UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata)

        async def run_turn() -> None:
            try:
                await on_new_message(user_message)
            except Exception:  # noqa: BLE001 - a background task: log it, post what we have
                logger.exception("Slack turn failed for %s", sender_id)
            await output.flush(sender_id or "")

        task = asyncio.create_task(run_turn())
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        return response.text("")

    # -- routes -------------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        routes = super().blueprint(on_new_message)
        refused = slack_words()["refused"]

        @routes.middleware("request")
        async def refuse_when_unconfigured(request: Request) -> Optional[HTTPResponse]:
            if not self.enabled and request.method == "POST":
                return response.text(refused["not_configured"], status=HTTPStatus.SERVICE_UNAVAILABLE)
            if (request.method == "POST" and request.headers.get("content-type") == "application/json"
                    and (request.json or {}).get("type") == "url_verification"
                    and self.is_request_from_slack_authentic(request)):
                # Slack checks the Request URL with a challenge; it documents {"challenge": ...}
                # as an answer (Rasa's own answer is the bare JSON string).
                return response.json({"challenge": request.json.get("challenge")})
            if (request.method == "POST" and request.headers.get("content-type") == "application/json"
                    and uploaded_files((request.json or {}).get("event") or {})):
                # a file for batch triage: answered in the background, like a message
                if not self.is_request_from_slack_authentic(request):
                    return response.text(refused["bad_signature"], status=HTTPStatus.BAD_REQUEST)
                self._in_background(self.batch_uploads().answer(request.json["event"]))
                return response.text("")
            if request.method == "POST" and request.headers.get("content-type") == "application/x-www-form-urlencoded":
                click = summary_click(request.form)
                if click is not None:  # "Save as PDF": not a message for the conversation
                    if not self.is_request_from_slack_authentic(request):
                        return response.text(refused["bad_signature"], status=HTTPStatus.BAD_REQUEST)
                    return self._save_as_pdf(request, click)
            return None

        @routes.route("/slash", methods=["POST"])
        async def slash_command(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return response.text(refused["bad_signature"], status=HTTPStatus.BAD_REQUEST)
            form = request.form if request.headers.get("content-type") == "application/x-www-form-urlencoded" else {}
            try:
                body = answer_command(form.get("text") or "", form.get("command") or "/loanhelp")
            except Exception:  # noqa: BLE001 - the user gets a plain sentence, the log the trace
                logger.exception("slash command failed: %r", form.get("text"))
                body = {"response_type": "ephemeral", "text": slack_words()["slash"]["error"]}
            return response.json(body)

        return routes
