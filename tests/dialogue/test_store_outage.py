"""A store that fails is an error the person hears about, never a new conversation (issue 13).

In-process, with real SQLite errors: a full database (SQLite's page limit, SQLITE_FULL) and a
read-only one (opened read-only, SQLITE_READONLY); a Redis lock store on a port where nothing
listens. The end-to-end versions are in tests/production (test_embedded_disk.py,
test_scaled_store_outages.py, test_tracker_store_start_and_backup.py).
"""
import asyncio
import logging

import pytest
import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import actions.lock_recovery  # noqa: F401  installs the lock store's handling
from actions.postgres_tracker_store import backoff_delay
from actions.presenting import words
from actions.store_outage import LockStoreUnavailable, TrackerStoreUnavailable
from actions.tracker_store import SQLiteTrackerStore
from tests.rasa_support import ROOT, free_port

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def _store(path) -> SQLiteTrackerStore:
    return SQLiteTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(path))


def _turn(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [UserUttered("I left my job on March 14"),
                                                     SlotSet("separation_date", "2025-03-14")], DOMAIN.slots)


def test_a_load_that_fails_is_an_error_not_a_new_conversation(tmp_path):
    store = FailSafeTrackerStore(_store(tmp_path / "tracker.db"))
    asyncio.run(store.save(_turn("alice")))
    (tmp_path / "tracker.db").unlink()
    store._tracker_store._rows.clear()  # nothing kept in memory: the next load reads the file
    store._tracker_store.engine.dispose()
    (tmp_path / "tracker.db").mkdir()  # where the file was, a folder: SQLite cannot open it
    with pytest.raises(TrackerStoreUnavailable, match="could not load the conversation"):
        asyncio.run(store.get_or_create_tracker("alice"))


def test_a_full_database_is_named_as_a_full_disk_and_nothing_is_kept(tmp_path):
    inner = _store(tmp_path / "tracker.db")
    asyncio.run(FailSafeTrackerStore(inner).save(_turn("alice")))
    inner.engine.dispose()
    pages = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}").execute("PRAGMA page_count").scalar()

    @sa.event.listens_for(inner.engine, "connect")
    def full(connection, _record):  # the database may not grow by a single page any more
        connection.execute(f"PRAGMA max_page_count = {pages}")

    tracker = _turn("bob")
    tracker.update(BotUttered("x" * 200_000))
    with pytest.raises(TrackerStoreUnavailable, match="the disk holding the tracker database is full"):
        asyncio.run(FailSafeTrackerStore(inner).save(tracker))
    assert asyncio.run(_store(tmp_path / "tracker.db").retrieve("bob")) is None


def test_a_read_only_database_is_named_as_such(tmp_path):
    asyncio.run(_store(tmp_path / "tracker.db").save(_turn("alice")))
    inner = _store(tmp_path / "tracker.db")
    inner.engine = sa.create_engine(f"sqlite:///file:{tmp_path / 'tracker.db'}?mode=ro&uri=true")
    inner.sessionmaker = sa.orm.session.sessionmaker(bind=inner.engine)
    with pytest.raises(TrackerStoreUnavailable, match="read-only") as raised:
        asyncio.run(FailSafeTrackerStore(inner).save(_turn("bob")))
    assert str(tmp_path / "tracker.db") in str(raised.value)  # the operator learns which file


class _Processor:
    """Says something, then finds the tracker store gone when it saves the turn."""

    async def handle_message(self, message):
        await message.output_channel.send_text_message(message.sender_id, "Have you left the employer?")
        raise TrackerStoreUnavailable("SQLiteTrackerStore could not save the conversation: the disk is full")


def test_the_person_is_asked_to_send_it_again_and_hears_nothing_said_as_if_heard(caplog):
    agent = Agent(lock_store=InMemoryLockStore())
    agent.processor = _Processor()
    agent.is_ready = lambda: True
    channel = CollectingOutputChannel()
    with caplog.at_level(logging.ERROR, logger="actions.store_outage"):
        asyncio.run(agent.handle_message(UserMessage("I'm 41", channel, "carol")))
    assert [m["text"] for m in channel.messages] == [words()["store_unavailable"]]
    assert "the tracker store is unavailable for conversation carol" in caplog.text
    assert "nothing of it was kept" in caplog.text


def test_a_lock_store_that_cannot_be_reached_is_an_unavailable_store_at_once():
    store = RedisLockStore(host="127.0.0.1", port=free_port(), socket_timeout=2)  # nothing listens there

    async def message():
        async with store.lock("dave"):
            pytest.fail("the turn must not run without its lock")

    with pytest.raises(LockStoreUnavailable, match="cannot be reached"):
        asyncio.run(asyncio.wait_for(message(), timeout=10))


def test_a_ticket_that_cannot_be_released_after_the_turn_does_not_undo_the_turn(caplog):
    store = InMemoryLockStore()
    done = []

    def lost(*_args):
        import redis
        raise redis.exceptions.ConnectionError("Connection closed by server.")

    store.cleanup = lost

    async def message():
        async with store.lock("erin"):
            done.append("answered")

    with caplog.at_level(logging.WARNING):
        asyncio.run(message())
    assert done == ["answered"] and "expires by itself" in caplog.text


def test_the_wait_between_tries_grows_and_is_bounded():
    assert [backoff_delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]
    assert [backoff_delay(n, longest=4) for n in range(1, 6)] == [1, 2, 4, 4, 4]
    assert backoff_delay(10_000) == 30
