"""The embedded tracker store: Rasa's SQL store on SQLite, in WAL mode, keeping conversations."""
import asyncio
import sqlite3

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.tracker_store import SQLiteTrackerStore
from tests.rasa_support import ROOT


def test_conversations_are_stored_and_read_back_in_wal_mode(tmp_path):
    db = tmp_path / "tracker.db"
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = SQLiteTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    tracker = DialogueStateTracker.from_events("alice", [UserUttered("I left my job on March 14"),
                                                        SlotSet("separation_date", "2025-03-14")], domain.slots)
    asyncio.run(store.save(tracker))
    again = asyncio.run(SQLiteTrackerStore(domain=domain, dialect="sqlite", db=str(db)).retrieve("alice"))
    assert again.get_slot("separation_date") == "2025-03-14"
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
