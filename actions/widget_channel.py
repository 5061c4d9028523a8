"""The website widget's channel: Rasa 3.6's socket.io channel with two fixes. Runs in the Rasa
server (credentials.yml names it), not in the action server.

- Custom payloads: the stock output calls `sio.emit(event, **json_message)`, so our
  `{"assessment": ...}` message becomes an unknown keyword argument and is lost. Here it is
  sent as `{"custom": ...}`, the same shape the REST channel returns.
- Origins: the stock channel switches python-socketio's origin check off (`[]`), so any web
  page could open a conversation over websockets, whatever `--cors` says. Here the allowed
  origins are the ones the Rasa server is given (`CORS_ORIGINS`, space separated, the variable
  scripts/run.sh passes to `--cors`), or `cors_allowed_origins` in credentials.yml; with
  neither, only same-origin pages may connect.
- Sessions (issue 13, item 4): the stock channel makes session ids from uuid4 (122 random
  bits), takes any id a client sends, and lets any socket join any session's room, so whoever
  learns a conversation's id can read its answers and talk in it. Here the session id the
  widget keeps is a secret of 192 random bits made by the server; the conversation is stored
  under a hash of it (`widget-` + 32 hex digits), which is what operators, logs and the HTTP
  API see and which cannot be turned back into the secret. A client that sends an id the
  server could not have made (too short, other characters) gets a new session. A message is
  taken only from a socket that holds its session, and the REST channel refuses `widget-`
  sender ids (actions/channel_auth.py).
- Limits: each client's messages count against its per-client limit (actions/rate_limit.py);
  over it, the widget gets a bot message saying how long to wait and the message is dropped.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
import re
import secrets
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from sanic_cors.core import SANIC_CORS_EVALUATED

from actions.channel_auth import WIDGET_PREFIX
from actions.rate_limit import client_address, shared_limiter, too_many_messages

logger = logging.getLogger(__name__)
ORIGINS_ENV = "CORS_ORIGINS"
SESSION_BYTES = 24  # 192 random bits; token_urlsafe writes them as 32 characters
_SESSION_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


async def _maybe_await(result: Any) -> None:
    if inspect.isawaitable(result):  # python-socketio >= 5.10 made the room calls coroutines
        await result


def new_session_secret() -> str:
    return secrets.token_urlsafe(SESSION_BYTES)


def usable_session_secret(offered: Any) -> Optional[str]:
    """The secret a client offers to resume its session, if it could be one we made (a
    conversation's id is not one: offering it gets a new session)."""
    if not isinstance(offered, str) or offered.startswith(WIDGET_PREFIX):
        return None
    return offered if _SESSION_SHAPE.match(offered) else None


def conversation_id(session_secret: str) -> str:
    """The sender id a session's conversation is stored under; it does not reveal the secret."""
    return WIDGET_PREFIX + hashlib.sha256(session_secret.encode()).hexdigest()[:32]


class WidgetSocketIOOutput(SocketIOOutput):
    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


def allowed_origins(configured: Any) -> Optional[List[str]]:
    """The origins socket.io accepts; None means the server's own origin only."""
    if isinstance(configured, str):
        configured = configured.split()
    if configured:
        return [str(o) for o in configured if o != "*"] or None
    from_env = os.environ.get(ORIGINS_ENV, "").split()
    return [o for o in from_env if o != "*"] or None


class WidgetSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WidgetSocketIOInput":
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.origins = allowed_origins(credentials.get("cors_allowed_origins"))
        return channel

    origins: Optional[List[str]] = None

    def get_output_channel(self) -> Optional[SocketIOOutput]:
        return None if self.sio is None else WidgetSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def with_widget_output(message: UserMessage) -> Any:
            if isinstance(message.output_channel, SocketIOOutput):
                message.output_channel = WidgetSocketIOOutput(message.output_channel.sio, self.bot_message_evt)
            return await on_new_message(message)

        blueprint = super().blueprint(with_widget_output)
        # The stock channel builds its server with the origin check off; restore it.
        self.sio.eio.cors_allowed_origins = self.origins
        self._own_the_sessions(with_widget_output)
        socketio_path = self.socketio_path.rstrip("/")
        attach = self.sio.attach

        def attach_with_one_cors_answer(app: Any, path: Text) -> None:
            # socket.io answers CORS itself (and checks the origin); without this, Sanic-CORS
            # (`--cors`) adds a second Access-Control-Allow-Origin header and browsers refuse both.
            async def socketio_answers_cors(request: Any) -> None:
                if request.path.rstrip("/") == socketio_path:
                    setattr(request.ctx, SANIC_CORS_EVALUATED, True)

            app.register_middleware(socketio_answers_cors, "request")
            attach(app, path)

        self.sio.attach = attach_with_one_cors_answer  # called when Rasa registers the blueprint
        return blueprint

    def _own_the_sessions(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Replaces the stock `session_request` and message handlers (see the module's notes)."""
        sio, namespace = self.sio, self.namespace

        async def session_request(sid: Text, data: Any) -> None:
            offered = data.get("session_id") if isinstance(data, dict) else None
            secret = usable_session_secret(offered) or new_session_secret()
            conversation = conversation_id(secret) if self.session_persistence else sid
            before = await sio.get_session(sid, namespace=namespace)
            await sio.save_session(sid, {"secret": secret, "conversation": conversation}, namespace=namespace)
            if self.session_persistence:
                if before and before["conversation"] != conversation:  # "start over": the old answers stop
                    await _maybe_await(sio.leave_room(sid, before["conversation"], namespace=namespace))
                await _maybe_await(sio.enter_room(sid, conversation, namespace=namespace))
            await sio.emit("session_confirm", secret, room=sid, namespace=namespace)

        async def user_uttered(sid: Text, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("message"), str):
                return
            if self.session_persistence:
                session = await sio.get_session(sid, namespace=namespace)
                if not session or data.get("session_id") != session["secret"]:
                    logger.warning("a widget message without this socket's own session was ignored")
                    return
                conversation = session["conversation"]
            else:
                conversation = sid  # one conversation per connection, as in Rasa's channel
            output = WidgetSocketIOOutput(sio, self.bot_message_evt)
            wait = self._over_the_limit(sid)
            if wait is not None:
                await output.send_text_message(conversation, too_many_messages(wait))
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            await on_new_message(UserMessage(data["message"], output, conversation,
                                             input_channel=self.name(),
                                             metadata=metadata if isinstance(metadata, dict) else {}))

        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, user_uttered, namespace=namespace)

    def _over_the_limit(self, sid: Text) -> Optional[int]:
        limiter = shared_limiter()
        if not limiter.settings.on:
            return None
        request = (self.sio.get_environ(sid, namespace=self.namespace) or {}).get("sanic.request")
        if request is None:
            return None
        address = client_address(request.ip, request.headers.get("x-forwarded-for"), limiter.settings.trusted_proxies)
        return limiter.wait_seconds(address, time.monotonic())
