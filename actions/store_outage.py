"""When a store the conversations live in fails, the person hears so and nothing is lost or doubled.

Root cause of issue 13's finding ("a PostgreSQL restart answers everyone as a new conversation,
and forgets what they said then"): Rasa 3.6's Agent wraps every tracker store in a
FailSafeTrackerStore. A load that fails there is logged and answered with None, which
`get_or_create_tracker` takes as "no conversation yet": the processor starts a new session and
asks again what the person already told. A save that fails goes to an in-memory store that no
server ever reads again: the bot answers as if it had heard, and the message is gone.

Here, in the Rasa server process (installed by the NLU components' module, as
actions/action_server_outage.py is):
- a failed load or save of the tracker raises TrackerStoreUnavailable (FailSafeTrackerStore's
  methods, patched): a failed load is never a new conversation;
- a lock store (Redis) that cannot be reached raises LockStoreUnavailable (actions/lock_recovery.py);
- Agent.handle_message answers either with `store_unavailable` (actions/presentation.yml, "send it
  again in a moment") instead of an answer, and logs one line saying which store failed, why
  (a full or read-only disk in plain words) and that nothing of the message was kept.
Nothing is kept because Rasa saves a turn once, at its end, in one transaction: a message whose
load or save failed left no row behind, so the person's resend is its only record. Whatever the
bot had already put in a collecting channel's reply (REST) is dropped with it.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Iterable, List, Optional, Text, Tuple

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from actions.presenting import words

logger = logging.getLogger(__name__)


class StoreUnavailable(RasaException):
    """A store the conversation lives in could not be used for this message."""

    store = "a store"


class TrackerStoreUnavailable(StoreUnavailable):
    store = "the tracker store"


class LockStoreUnavailable(StoreUnavailable):
    store = "the lock store"


# What an operator should read for the errors a database gives (first match wins). SQLite's
# own messages for SQLITE_FULL, SQLITE_READONLY and SQLITE_IOERR; PostgreSQL's (psycopg2) for a
# server that is down, restarting or not reachable.
PLAIN_CAUSES: Tuple[Tuple[str, str], ...] = (
    (r"database or disk is full", "the disk holding the tracker database is full"),
    (r"readonly database|read-only", "the tracker database is read-only (a read-only disk or file)"),
    (r"disk I/O error", "the disk refused a write to the tracker database (full, read-only or failing)"),
    (r"unable to open database file", "the tracker database file cannot be opened (missing folder or no access)"),
    (r"connection refused|could not connect|server closed the connection|terminating connection"
     r"|the database system is (?:starting up|shutting down)|connection .* failed|timeout expired"
     r"|error \d+ connecting|connection reset|connection closed|timed? ?out",
     "its server cannot be reached (down, restarting or unreachable)"),
)


def plain_cause(error: BaseException) -> str:
    """The likely cause of a store error in an operator's words, and the error's own first line."""
    seen: List[str] = []
    current: Optional[BaseException] = error
    while current is not None and len(seen) < 5:
        seen.append(str(current).strip().splitlines()[0] if str(current).strip() else type(current).__name__)
        current = current.__cause__ or current.__context__
    text = " | ".join(seen)
    for pattern, cause in PLAIN_CAUSES:
        if re.search(pattern, text, re.IGNORECASE):
            return f"{cause} ({seen[-1]})"
    return seen[-1]


def store_location(store: Any) -> str:
    """Where an SQL store keeps the conversations (a file, or host:port/database), no password."""
    url = getattr(getattr(store, "engine", None), "url", None)
    if url is None:
        return type(store).__name__
    if url.get_backend_name() == "sqlite":
        return f"{type(store).__name__} at {url.database}"
    return f"{type(store).__name__} at {url.host}:{url.port}/{url.database}"


def _unavailable(store: FailSafeTrackerStore, doing: str, error: BaseException) -> TrackerStoreUnavailable:
    return TrackerStoreUnavailable(f"{store_location(store._tracker_store)} could not {doing}: {plain_cause(error)}")


# -- the tracker store: a failure is an error, never "no conversation yet" -----------------------

async def _retrieve(self: FailSafeTrackerStore, sender_id: Text) -> Optional[DialogueStateTracker]:
    try:
        return await self._tracker_store.retrieve(sender_id)
    except Exception as error:  # noqa: BLE001 - every failure is an unavailable store, said why
        raise _unavailable(self, "load the conversation", error) from error


async def _retrieve_full_tracker(self: FailSafeTrackerStore, sender_id: Text) -> Optional[DialogueStateTracker]:
    try:
        return await self._tracker_store.retrieve_full_tracker(sender_id)
    except Exception as error:  # noqa: BLE001
        raise _unavailable(self, "load the conversation", error) from error


async def _save(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
    try:
        await self._tracker_store.save(tracker)
    except Exception as error:  # noqa: BLE001
        raise _unavailable(self, "save the conversation", error) from error


async def _keys(self: FailSafeTrackerStore) -> Iterable[Text]:
    try:
        return await self._tracker_store.keys()
    except Exception as error:  # noqa: BLE001
        raise _unavailable(self, "list the conversations", error) from error


# -- a message that met an unavailable store -----------------------------------------------------

_HANDLE_MESSAGE = Agent.handle_message


async def _handle_message(self: Agent, message: UserMessage) -> Optional[List[Any]]:
    try:
        return await _HANDLE_MESSAGE(self, message)
    except StoreUnavailable as problem:
        logger.error("%s is unavailable for conversation %s: %s. The person was asked to send the message "
                     "again in a moment; nothing of it was kept. The server carries on by itself once the "
                     "store is back.", problem.store, message.sender_id, problem)
        await tell_to_try_again(message)
        return None


async def tell_to_try_again(message: UserMessage) -> None:
    channel = message.output_channel
    if isinstance(channel, CollectingOutputChannel):
        channel.messages.clear()  # what the bot was about to say was never kept: not said either
    if channel is not None:
        await channel.send_text_message(message.sender_id, words()["store_unavailable"])


def install() -> None:
    FailSafeTrackerStore.retrieve = _retrieve
    FailSafeTrackerStore.retrieve_full_tracker = _retrieve_full_tracker
    FailSafeTrackerStore.save = _save
    FailSafeTrackerStore.keys = _keys
    Agent.handle_message = _handle_message


install()
