"""The embedded default's tracker store: Rasa's SQLTrackerStore on SQLite, tuned for a server.

SQLite's defaults (rollback journal, a full sync on every commit) make every turn wait for the
disk, and concurrent conversations queue behind each other's commits. Write-ahead logging
with `synchronous=NORMAL` keeps every committed turn safe from a crash of the server (the
guarantee that matters here) and lets readers and the writer overlap; a power cut may lose the
last moments. Used by endpoints.yml; the scaled deployment uses PostgreSQL instead.

Saving a turn, Rasa's store first counts the conversation's stored events (a query per turn) to
know which events are new. The count is already known: it is the number of events the tracker
was read back with (or last saved with), so it is remembered on the tracker object and the query
is only made for trackers that did not come from this store. Rasa's lock store serialises the
turns of one conversation, so nothing is written in between.
"""
from __future__ import annotations

import itertools
from typing import Any, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event
from sqlalchemy.pool import QueuePool


class SQLiteTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool); a small
            # pool keeps them, so a turn does not pay for connecting (and tuning) twice.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=QueuePool, pool_size=4, max_overflow=4,
                                           connect_args={"check_same_thread": False})
            event.listen(self.engine, "connect", _tune_sqlite)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            # the events of the latest session, exactly what _additional_events would count
            tracker._stored_event_count = len(tracker.events)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        tracker._stored_event_count = len(tracker.events)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, "_stored_event_count", None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))


def _tune_sqlite(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
