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


def _stored(db, sender):
    return [row[0] for row in sqlite3.connect(db).execute(
        "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,))]


def test_each_event_is_stored_once_across_turns_new_sessions_and_repeated_saves(tmp_path):
    """Turns save only their new events, counted from what was read back, not by a query."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    db = str(tmp_path / "tracker.db")
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = SQLiteTrackerStore(domain=domain, dialect="sqlite", db=db)
    first = DialogueStateTracker.from_events("bob", [ActionExecuted("action_session_start"), SessionStarted(),
                                                     ActionExecuted("action_listen")], domain.slots)
    asyncio.run(store.save(first))  # a tracker that never came from the store: counted by query
    assert len(_stored(db, "bob")) == 3

    turn = asyncio.run(store.retrieve("bob"))
    turn.update(UserUttered("I left my job on March 14"))
    turn.update(SlotSet("separation_date", "2025-03-14"))
    asyncio.run(store.save(turn))
    asyncio.run(store.save(turn))  # saved again with nothing new: nothing written
    assert len(_stored(db, "bob")) == 5

    later = asyncio.run(store.retrieve("bob"))
    for event in [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                  UserUttered("hello")]:
        later.update(event)
    asyncio.run(store.save(later))
    later.update(ActionExecuted("utter_greet"))
    asyncio.run(store.save(later))  # a second save in the same turn, after a new session began
    assert _stored(db, "bob") == ["action", "session_started", "action", "user", "slot",
                                  "action", "session_started", "action", "user", "action"]
    fresh = asyncio.run(SQLiteTrackerStore(domain=domain, dialect="sqlite", db=db).retrieve("bob"))
    # the latest session, from its start
    assert [e.type_name for e in fresh.events] == ["session_started", "action", "user", "action"]
