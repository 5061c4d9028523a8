"""GET /webhooks/ready/: whether this Rasa server can take messages now, and if not, why.

Rasa's own `GET /` says only that the process listens. A load balancer, an orchestrator or an
operator asks here instead: 200 `{"ready": true}` when the model is loaded and the tracker and
lock stores answer; otherwise 503 with `Retry-After` and the reasons, e.g. a PostgreSQL that
has not been reached since the start (actions/postgres_tracker_store.py) or a Redis that is
down. It is a channel (credentials.yml) only because channels are how Rasa lets a project add
a route; it takes no messages.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.store_outage import plain_cause

RETRY_AFTER_SECONDS = 5


def _tracker_store_ready(agent: Any) -> Tuple[bool, str]:
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)  # inside Rasa's wrapper
    check = getattr(store, "ready", None)
    return check() if callable(check) else (True, "")


def _lock_store_ready(agent: Any) -> Tuple[bool, str]:
    client = getattr(agent.lock_store, "red", None)  # Redis; an in-memory lock store is always there
    if client is None:
        return True, ""
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", said why
        return False, f"the lock store (Redis) cannot be reached: {plain_cause(error)}"
    return True, ""


def reasons_not_ready(agent: Any) -> List[str]:
    if agent is None or not agent.is_ready():
        return ["the model is not loaded yet"]
    return [why for ok, why in (_tracker_store_ready(agent), _lock_store_ready(agent)) if not ok]


class ReadinessInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "ready"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        ready = Blueprint("readiness", __name__)

        @ready.route("/", methods=["GET"])
        async def readiness(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            # the checks talk to the stores: off the event loop, each bounded by its client's timeout
            reasons = await asyncio.get_running_loop().run_in_executor(None, reasons_not_ready, agent)
            if reasons:
                return response.json({"ready": False, "reasons": reasons}, status=503,
                                     headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
            return response.json({"ready": True})

        return ready
