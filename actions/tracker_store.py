"""The embedded default's tracker store: Rasa's SQLTrackerStore on SQLite, tuned for a server.

SQLite's defaults (rollback journal, a full sync on every commit) make every turn wait for the
disk, and concurrent conversations queue behind each other's commits. Write-ahead logging
with `synchronous=NORMAL` keeps every committed turn safe from a crash of the server (the
guarantee that matters here) and lets readers and the writer overlap; a power cut may lose the
last moments. Used by endpoints.yml; the scaled deployment uses PostgreSQL instead.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
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


def _tune_sqlite(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
