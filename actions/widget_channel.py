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
"""
from __future__ import annotations

import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from sanic_cors.core import SANIC_CORS_EVALUATED

ORIGINS_ENV = "CORS_ORIGINS"


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
