"""The REST channel (POST /webhooks/rest/webhook), hardened against hostile or broken requests.

Rasa's own RestInput answers a body that is not a JSON object with a 500, silently drops a
message that is not text (an empty reply list), lets any client name itself another channel,
and stores whatever sender id and text it is given (the SQL tracker store's sender column is
255 characters; PostgreSQL refuses NUL characters). Here:

- a request that is not a JSON object with a text `message` and a `sender` (text or number,
  at most SENDER_MAX characters), and an optional object `metadata`, gets a 400 that says
  what is wrong, as JSON;
- the text loses control characters (tabs and line breaks stay) and unpaired surrogates;
- a message over MESSAGE_MAX characters is answered with a request for a shorter one, and
  not stored;
- if processing fails anyway, the user still gets a reply (and the log gets the trace);
- a client over its message limit gets a 429 with Retry-After and a bot message saying how
  long to wait (actions/rate_limit.py);
- the channel can require a bearer token, a shared secret or a JWT (actions/channel_auth.py;
  401 without a valid one, 403 for a sender the token may not talk as), and never accepts the
  sender id of a widget conversation.
Same route and reply format as Rasa's channel (credentials.yml names this class). The
`?stream=true` variant of Rasa's channel is not offered.

An answer's custom message names where its PDF summary is: GET
/webhooks/rest/summary/<token>.pdf?sender=<the conversation> (actions/summaries.py), for
SUMMARY_LINK_HOURS after the answer; any other token, conversation or an expired link gets a
JSON reason (404, 410), never someone else's answer.

With `--enable-api`, the HTTP API's two routes that take a text (`POST /model/parse`,
`POST /conversations/<id>/messages`) answer a body that is not a JSON object with a text
`text` with a 400 too (Rasa's own answer is a 500).
"""
from __future__ import annotations

import logging
import os
import re
import time
from asyncio import CancelledError
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import urlencode

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.channel_auth import ChannelAuth, auth_from, refusal
from actions.presenting import words
from actions.rate_limit import client_address, shared_limiter, too_many_messages
from actions.summaries import find_answer, link_hours, looks_like_token, summary_file

logger = logging.getLogger(__name__)

SENDER_MAX = 255      # Rasa's SQL tracker store keeps sender ids in a VARCHAR(255)
MESSAGE_MAX = 5000    # a long story is about 1,000 characters; more is pasted text or an attack
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class BadRequest(ValueError):
    """The request cannot be a chat message; the reason is safe to show to the client."""


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    text: str
    metadata: Optional[Dict[str, Any]]


def clean_text(text: str) -> str:
    """Text as a person could have typed it: no control characters, valid UTF-8."""
    text = text.encode("utf-8", "replace").decode("utf-8")  # unpaired surrogates become "?"
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def read_chat_request(request: Request) -> ChatRequest:
    try:
        body = request.json
    except SanicException:
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object with 'sender' and 'message'")
    sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if isinstance(sender, bool) or not isinstance(sender, (str, int)):
        raise BadRequest("'sender' must be a text or a number that names the conversation")
    sender = clean_text(str(sender)).strip()
    if not sender or len(sender) > SENDER_MAX:
        raise BadRequest(f"'sender' must have 1 to {SENDER_MAX} characters")
    if not isinstance(text, str):
        raise BadRequest("'message' must be text")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("'metadata' must be a JSON object")
    return ChatRequest(sender, clean_text(text), metadata)


_API_TEXT_ROUTES = (re.compile(r"^/model/parse/?$"), re.compile(r"^/conversations/[^/]+(?:/[^/]+)*/messages/?$"))


async def _api_text_guard(request: Request) -> Optional[HTTPResponse]:
    """Request middleware of the Rasa server's app: a malformed body for the API's text routes
    is refused before Rasa's handler fails on it."""
    if request.method != "POST" or not any(route.match(request.path) for route in _API_TEXT_ROUTES):
        return None
    try:
        body = request.json
    except SanicException:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("text"), str) \
            or not isinstance(body.get("sender", "user"), str):
        return response.json({"error": "bad request", "reason": "the body must be a JSON object with a text 'text'"},
                             status=400)
    return None


def _guard_the_api() -> None:
    try:
        app = Sanic.get_app("rasa_server")  # the app Rasa builds when the HTTP API is enabled
    except SanicException:
        return  # no HTTP API in this server
    if not getattr(app.ctx, "api_text_guard", False):
        app.register_middleware(_api_text_guard, "request")
        app.ctx.api_text_guard = True


def _bot_text(sender: str, text: str) -> HTTPResponse:
    return response.json([{"recipient_id": sender, "text": text}])


def _over_the_limit(request: Request) -> Optional[HTTPResponse]:
    """A 429 when this request's client has sent more messages than its limit allows."""
    limiter = shared_limiter()
    address = client_address(request.ip, request.headers.get("x-forwarded-for"), limiter.settings.trusted_proxies)
    wait = limiter.wait_seconds(address, time.monotonic())
    if wait is None:
        return None
    return response.json([{"text": too_many_messages(wait)}], status=429, headers={"Retry-After": str(wait)})


class RestInput(RasaRestInput):
    auth = ChannelAuth()

    @classmethod
    def name(cls) -> Text:
        return "rest"  # the same URL as Rasa's channel: /webhooks/rest/webhook

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "RestInput":
        channel = cls()
        channel.auth = auth_from(credentials or {}, os.environ)
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        _guard_the_api()
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            limited = _over_the_limit(request)
            if limited is not None:
                return limited
            try:
                chat = read_chat_request(request)
            except BadRequest as bad:
                return response.json({"error": "bad request", "reason": str(bad)}, status=400)
            refused = refusal(self.auth, request.headers.get("authorization"), chat.sender)
            if refused is not None:
                headers = {"WWW-Authenticate": "Bearer"} if refused.status == 401 else {}
                return response.json({"error": "not allowed", "reason": refused.reason}, status=refused.status,
                                     headers=headers)
            if len(chat.text) > MESSAGE_MAX:
                return _bot_text(chat.sender, words()["message_too_long"].format(limit=f"{MESSAGE_MAX:,}"))
            collector = CollectingOutputChannel()
            failed, started = False, time.time()
            try:
                await on_new_message(UserMessage(chat.text, collector, chat.sender, input_channel=self.name(),
                                                 metadata=chat.metadata))
            except CancelledError:
                failed = True
                logger.error("message from a REST client timed out")
            except Exception:  # noqa: BLE001 - the user gets a reply, the log gets the trace
                failed = True
                logger.exception("message from a REST client failed")
            if not collector.messages:  # every message gets an answer, even one we could not use
                return _bot_text(chat.sender, words()["error_retry" if failed else "no_reply"])
            return response.json(with_summary_links(collector.messages, request, chat.sender, started))

        @webhook.route("/summary/<name>", methods=["GET"])
        async def summary(request: Request, name: str) -> HTTPResponse:
            limited = _over_the_limit(request)  # a PDF costs the server time: counted like a message
            return limited if limited is not None else await summary_response(request, name)

        return webhook


# ---- the answer's PDF summary (actions/summaries.py) -----------------------------------------
def summary_path(request: Request, sender: str, token: str) -> str:
    """The summary's address on this server, next to the webhook the answer came from."""
    base = request.path.rsplit("/", 1)[0]  # /webhooks/rest
    return f"{base}/summary/{token}.pdf?{urlencode({'sender': sender})}"


def with_summary_links(messages: List[Dict[str, Any]], request: Request, sender: str,
                       started: float) -> List[Dict[str, Any]]:
    """Each answer that carries a summary token also names where its PDF is (the path, and the
    URL as this request reached the server) and until when (UTC). The expiry is counted from
    before the turn ran, so the link works at least until the time it names."""
    until = datetime.fromtimestamp(started + link_hours() * 3600, timezone.utc).replace(microsecond=0)
    out = []
    for message in messages:
        custom = message.get("custom")
        token = ((custom or {}).get("summary") or {}).get("token") if isinstance(custom, dict) else None
        if looks_like_token(token):
            path = summary_path(request, sender, token)
            summary = {**custom["summary"], "path": path, "url": f"{request.scheme}://{request.host}{path}",
                       "expires": until.isoformat().replace("+00:00", "Z")}
            message = {**message, "custom": {**custom, "summary": summary}}
        out.append(message)
    return out


def _refused(status: int, key: str) -> HTTPResponse:
    return response.json({"error": "no summary", "reason": words()["summary_refused"][key]}, status=status,
                         headers={"Cache-Control": "no-store"})


async def summary_response(request: Request, name: str) -> HTTPResponse:
    """GET <webhook's folder>/summary/<token>.pdf?sender=<the conversation>: the PDF of the answer
    that carries the token, in that conversation only, until the link expires."""
    token = name[: -len(".pdf")] if name.endswith(".pdf") else ""
    sender = clean_text(request.args.get("sender") or "").strip()
    if not looks_like_token(token) or not sender or len(sender) > SENDER_MAX:
        return _refused(404, "not_found")
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or getattr(agent, "tracker_store", None) is None:
        return _refused(503, "unavailable")
    try:
        answer = await find_answer(agent.tracker_store, sender, token)
    except Exception:  # noqa: BLE001 - the store is down: say so, log the trace
        logger.exception("could not read a conversation for its summary")
        return _refused(503, "unavailable")
    if answer is None:
        return _refused(404, "not_found")
    if answer.expired(link_hours()):
        return _refused(410, "expired")
    filename, pdf = await summary_file(answer)
    return response.raw(pdf, content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})
