"""The embedded default's tracker store: Rasa's SQLTrackerStore on SQLite, tuned for a server.

SQLite's defaults (rollback journal, a full sync on every commit) make every turn wait for the
disk, and concurrent conversations queue behind each other's commits. Write-ahead logging
with `synchronous=NORMAL` keeps every committed turn safe from a crash of the server (the
guarantee that matters here) and lets readers and the writer overlap; a power cut may lose the
last moments. Used by endpoints.yml; the scaled deployment uses PostgreSQL instead.

Every turn reads the conversation back and writes its new events. In the embedded default this
process is the only one serving the conversations in the file, so a turn need not read back
what the process itself wrote a moment ago: the stored rows of recently active conversations
are kept in memory (written through: a row is kept only after its commit) and a turn reads them
there, selecting the latest session exactly as Rasa's query does (rows whose timestamp is at or
after the newest `session_started` row, in insertion order). A conversation idle for more than
`CACHE_IDLE_SECONDS` is read from the file again, so a conversation changed by another process
(the retention command deletes only long-idle ones) is not served stale; the cache holds at most
`CACHE_SIZE` conversations. Saving, Rasa's store first counts the stored events (a query per
turn) to know which are new; that count is the number the tracker was read back with (or last
saved with), so it is remembered on the tracker instead.
"""
from __future__ import annotations

import itertools
import json
import time
from collections import OrderedDict
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event
from sqlalchemy.pool import QueuePool

CACHE_SIZE = 2000
# Two minutes: a person's next message usually comes sooner, and a conversation idle longer is
# dropped from the cache as soon as another is kept, so the cache holds only the conversations
# going on now (the soak: +5.5% in ten minutes with 600 s, kept until CACHE_SIZE pushed them out).
CACHE_IDLE_SECONDS = 120.0

# one stored row as the tracker store needs it: (timestamp, type name, JSON of the event)
Row = Tuple[Optional[float], Text, Text]


def latest_session(rows: List[Row]) -> List[Row]:
    """The rows Rasa's SQL store returns for a conversation's latest session: from the newest
    session start's timestamp on, in insertion order (all rows when no session started)."""
    starts = [ts for ts, type_name, _ in rows if type_name == SessionStarted.type_name and ts is not None]
    if not starts:
        return list(rows)
    newest = max(starts)
    return [row for row in rows if row[0] is not None and row[0] >= newest]


class SQLiteTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rows: "OrderedDict[Text, Tuple[float, List[Row]]]" = OrderedDict()
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool); a small
            # pool keeps them, so a turn does not pay for connecting (and tuning) twice.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=QueuePool, pool_size=4, max_overflow=4,
                                           connect_args={"check_same_thread": False})
            event.listen(self.engine, "connect", _tune_sqlite)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    # -- the kept rows --------------------------------------------------------------------------
    def _stored_rows(self, sender_id: Text) -> List[Row]:
        kept = self._rows.get(sender_id)
        now = time.monotonic()
        if kept is not None and now - kept[0] <= CACHE_IDLE_SECONDS:
            self._rows.move_to_end(sender_id)
            self._rows[sender_id] = (now, kept[1])
            return kept[1]
        with self.session_scope() as session:
            query = session.query(self.SQLEvent.timestamp, self.SQLEvent.type_name, self.SQLEvent.data)
            rows = [tuple(row) for row in query.filter(self.SQLEvent.sender_id == sender_id)
                    .order_by(self.SQLEvent.id)]
        self._keep(sender_id, rows)
        return rows

    def _keep(self, sender_id: Text, rows: List[Row]) -> None:
        now = time.monotonic()
        self._rows[sender_id] = (now, rows)
        self._rows.move_to_end(sender_id)
        while len(self._rows) > CACHE_SIZE:
            self._rows.popitem(last=False)
        # least recently used first: drop the ones idle too long to be served from here anyway
        while self._rows and now - next(iter(self._rows.values()))[0] > CACHE_IDLE_SECONDS:
            self._rows.popitem(last=False)

    # -- Rasa's TrackerStore interface ----------------------------------------------------------
    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        rows = latest_session(self._stored_rows(sender_id))
        if not self.domain or not rows:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(data) for _, _, data in rows],
                                                 self.domain.slots)
        # the events of the latest session, exactly what Rasa's _additional_events would count
        tracker._stored_event_count = len(tracker.events)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save, keeping the rows it commits."""
        await self.stream_events(tracker)
        rows = self._stored_rows(tracker.sender_id)
        new_rows: List[Row] = []
        with self.session_scope() as session:
            for tracker_event in self._additional_events(session, tracker):
                data: Dict[Text, Any] = tracker_event.as_dict()
                intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
                serialised = json.dumps(data)
                session.add(self.SQLEvent(sender_id=tracker.sender_id, type_name=tracker_event.type_name,
                                          timestamp=data.get("timestamp"), intent_name=intent,
                                          action_name=data.get("name"), data=serialised))
                new_rows.append((data.get("timestamp"), tracker_event.type_name, serialised))
            session.commit()
        self._keep(tracker.sender_id, rows + new_rows)
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
