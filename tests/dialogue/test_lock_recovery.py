"""A message queued behind a dead server's lock ticket is answered once that ticket expires,
even when its own ticket expired at the same moment (stock Rasa 3.6 then waits forever)."""
import asyncio

import pytest
from rasa.core.lock_store import InMemoryLockStore

import actions.lock_recovery  # noqa: F401  installs the fix


def test_waiter_whose_ticket_expired_with_the_dead_one_still_gets_its_turn():
    async def scenario():
        store = InMemoryLockStore()
        store.issue_ticket("case", 0.3)  # a server took this ticket, then died: never released
        entered = []

        async def next_message():
            async with store.lock("case", lock_lifetime=0.3, wait_time_in_seconds=0.05):
                entered.append("next")

        # issued right after the dead one, so both expire within the same wait step
        await asyncio.wait_for(next_message(), timeout=5)
        assert entered == ["next"]
        assert store.get_lock("case") is None  # released: the conversation is free again

    asyncio.run(scenario())


def test_messages_of_one_conversation_still_take_turns():
    async def scenario():
        store = InMemoryLockStore()
        inside, overlaps, order = [], [], []

        async def message(n):
            async with store.lock("case", wait_time_in_seconds=0.01):
                inside.append(n)
                overlaps.append(len(inside))
                await asyncio.sleep(0.02)
                order.append(n)
                inside.remove(n)

        await asyncio.gather(*(message(n) for n in range(6)))
        assert max(overlaps) == 1  # never two at once
        assert order == list(range(6))  # in the order they came
        assert store.get_lock("case") is None

    asyncio.run(scenario())


def test_a_waiter_given_up_releases_the_ticket_it_holds():
    async def scenario():
        store = InMemoryLockStore()
        store.issue_ticket("case", 0.2)  # dead server's ticket

        async def impatient():
            async with store.lock("case", lock_lifetime=0.2, wait_time_in_seconds=0.05):
                await asyncio.sleep(10)

        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(impatient(), timeout=0.6)  # got its turn, then was cancelled
        lock = store.get_lock("case")
        assert lock is None or not lock.tickets

    asyncio.run(scenario())
