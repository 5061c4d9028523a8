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


# -- the kept rows: every read is what Rasa's own SQL store would read from the file ------------

def _event_strategy():
    from hypothesis import strategies as st
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted

    # Rasa gives every event a timestamp; equal and out-of-order ones are what the query must get right
    stamp = st.one_of(st.none(), st.sampled_from([1_700_000_000.0, 1_700_000_010.5]),
                      st.floats(min_value=1_700_000_000, max_value=1_700_000_050))
    kinds = st.sampled_from(["user", "slot", "action", "bot", "session"])

    def make(kind, ts, n):
        event = {"user": lambda: UserUttered(f"message {n}"), "slot": lambda: SlotSet("loan_balance", str(n)),
                 "action": lambda: ActionExecuted("action_listen"), "bot": lambda: BotUttered(f"reply {n}"),
                 "session": lambda: SessionStarted()}[kind]()
        if ts is not None:  # None: the time the event was made, as in a real turn
            event.timestamp = ts
        return event
    return st.lists(st.lists(st.tuples(kinds, stamp), min_size=1, max_size=6), min_size=1, max_size=5), make


def test_kept_rows_read_back_exactly_what_rasas_sql_store_reads(tmp_path):
    """Random turns (sessions starting anywhere, timestamps out of order or equal) saved through
    our store: after every turn our read equals a read by Rasa's own SQLTrackerStore."""
    from hypothesis import HealthCheck, given, settings
    from rasa.core.tracker_store import SQLTrackerStore

    domain = Domain.load(str(ROOT / "domain.yml"))
    turns_strategy, make = _event_strategy()
    counter = iter(range(10**9))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(turns_strategy)
    def check(turns):
        db = str(tmp_path / f"t{next(counter)}.db")
        ours = SQLiteTrackerStore(domain=domain, dialect="sqlite", db=db)
        rasa = SQLTrackerStore(domain=domain, dialect="sqlite", db=db)
        n = 0
        for turn in turns:
            tracker = asyncio.run(ours.retrieve("carol")) or DialogueStateTracker("carol", domain.slots)
            for kind, ts in turn:
                n += 1
                tracker.update(make(kind, ts, n))
            asyncio.run(ours.save(tracker))
            mine, theirs = asyncio.run(ours.retrieve("carol")), asyncio.run(rasa.retrieve("carol"))
            assert (mine is None) == (theirs is None)
            if mine is not None:
                assert [e.as_dict() for e in mine.events] == [e.as_dict() for e in theirs.events]
        stored = sqlite3.connect(db).execute("SELECT COUNT(*) FROM events").fetchone()[0]
        assert stored == n  # each event written once

    check()


def test_a_long_idle_conversation_is_read_from_the_file_again(tmp_path, monkeypatch):
    import actions.tracker_store as module

    db = tmp_path / "tracker.db"
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = SQLiteTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    asyncio.run(store.save(DialogueStateTracker.from_events("dave", [UserUttered("hi")], domain.slots)))
    with sqlite3.connect(db) as connection:  # another process (the retention command) deletes it
        connection.execute("DELETE FROM events WHERE sender_id = 'dave'")
    assert asyncio.run(store.retrieve("dave")) is not None  # still active: served from memory
    monkeypatch.setattr(module, "CACHE_IDLE_SECONDS", 0.0)
    assert asyncio.run(store.retrieve("dave")) is None  # idle too long: the file is the truth


def test_idle_conversations_leave_the_cache_when_another_is_kept(tmp_path, monkeypatch):
    """Memory stays flat over a long run: the cache holds the conversations going on, not every
    one seen until CACHE_SIZE pushes it out (benchmarks/soak.py measured +5.5% in ten minutes)."""
    import actions.tracker_store as module

    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    domain = Domain.load(str(ROOT / "domain.yml"))
    store = SQLiteTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    for name in ("ann", "bob"):
        asyncio.run(store.save(DialogueStateTracker.from_events(name, [UserUttered("hi")], domain.slots)))
    assert set(store._rows) == {"ann", "bob"}
    clock[0] += module.CACHE_IDLE_SECONDS + 1
    asyncio.run(store.save(DialogueStateTracker.from_events("cat", [UserUttered("hi")], domain.slots)))
    assert set(store._rows) == {"cat"}  # ann and bob idle too long: read from the file if they come back
    assert asyncio.run(store.retrieve("ann")) is not None
