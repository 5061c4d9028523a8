"""A conversation's next message is not stuck behind a Rasa server that died mid-answer.

Rasa queues the messages of one conversation with tickets in its lock store (Redis in the scaled
deployment). A server killed while answering leaves its ticket behind until the ticket's
lifetime (TICKET_LOCK_LIFETIME, 60 s) runs out. The next message, on the other server, waits for
that, as it should. But stock Rasa 3.6 then drops *every* expired ticket, the waiter's own too
when it was issued within the same second, and from then on the waiter waits for a ticket that
no longer exists: the message is never answered (nginx gives up with a 504 after 120 s;
benchmarks/trial_kill_mid_answer.py showed it). Here a waiter whose ticket has gone (or whose
lock has gone) takes a fresh ticket and keeps waiting its turn, and the ticket it holds at the
end is the one released. Everything else is Rasa's LockStore.lock. Installed in the Rasa server
by the NLU components' module, as actions/rasa_speedups.py is.
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, List, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockStore

logger = logging.getLogger(__name__)


async def _wait_for_turn(store: LockStore, conversation_id: Text, held: List[int], wait_seconds: float,
                         lifetime: float) -> TicketLock:
    """Wait until the ticket in `held` is served; `held` always names the ticket we hold."""
    while True:
        lock = store.get_lock(conversation_id)
        if lock is None or all(t.number != held[0] for t in lock.tickets):
            # our ticket expired while we waited (behind a dead server's): queue again
            logger.info("ticket for conversation %s expired while waiting; taking a new one", conversation_id)
            held[0] = store.issue_ticket(conversation_id, lifetime)
            continue
        if not lock.is_locked(held[0]):
            return lock
        await asyncio.sleep(wait_seconds)
        store.update_lock(conversation_id)


@asynccontextmanager
async def _lock(self: LockStore, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                wait_time_in_seconds: float = 1) -> AsyncIterator[TicketLock]:
    held = [self.issue_ticket(conversation_id, lock_lifetime)]
    try:
        yield await _wait_for_turn(self, conversation_id, held, wait_time_in_seconds, lock_lifetime)
    finally:
        self.cleanup(conversation_id, held[0])


def install() -> None:
    LockStore.lock = _lock


install()
