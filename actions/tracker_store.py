"""The embedded default's tracker store: Rasa's SQLTrackerStore on SQLite, tuned for a server.

SQLite's defaults (rollback journal, a full sync on every commit) make every turn wait for the
disk, and concurrent conversations queue behind each other's commits. Write-ahead logging
with `synchronous=NORMAL` keeps every committed turn safe from a crash of the server (the
guarantee that matters here) and lets readers and the writer overlap; a power cut may lose the
last moments. Used by endpoints.yml; the scaled deployment uses PostgreSQL instead.
"""
from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import event


class SQLiteTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _tune_sqlite)
            self.engine.dispose()  # connections opened while creating the tables get the pragmas too


def _tune_sqlite(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
