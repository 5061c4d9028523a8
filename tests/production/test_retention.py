"""`python -m actions.retention` deletes conversations whose last event is older than N days,
from real tracker stores written by Rasa: our SQLite store (endpoints.yml) and PostgreSQL
through Rasa's SQLTrackerStore (the scaled deployment's shape)."""
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.tracker_store import SQLiteTrackerStore
from tests.rasa_support import ROOT, free_port

DAY = 86400
NOW = time.time()


def conversation(sender, *days_ago):
    """A conversation with one turn per entry, each that many days ago."""
    events = []
    for ago in days_ago:
        at = NOW - ago * DAY
        events += [UserUttered("I left my job on March 14", timestamp=at),
                   SlotSet("separation_date", "2025-03-14", timestamp=at),
                   BotUttered("When was the offset?", timestamp=at),
                   ActionExecuted("action_listen", timestamp=at)]
    return DialogueStateTracker.from_events(sender, events)


CONVERSATIONS = {"old": (400, 200, 95), "recent": (2, 1), "old-start-recent-end": (300, 120, 3),
                 "just-inside": (29,), "just-outside": (31,)}


def sqlite_store(db):
    settings = dict(dialect="sqlite", db=str(db))
    store = SQLiteTrackerStore(**settings)
    store.settings = settings
    return store


def store_conversations(store):
    async def save_all():
        for sender, days in CONVERSATIONS.items():
            await store.save(conversation(sender, *days))
    asyncio.run(save_all())


def kept(store):
    async def retrieve_all():
        found = {}
        for sender in CONVERSATIONS:
            tracker = await store.retrieve(sender)
            found[sender] = len(tracker.events) if tracker else 0
        return found
    return asyncio.run(retrieve_all())


def retention(endpoints: Path, *args, env=None):
    return subprocess.run([sys.executable, "-m", "actions.retention", "--endpoints", str(endpoints), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


def assert_only_recent_kept(store, before):
    after = kept(type(store)(**store.settings))  # a fresh store: what is in the database now
    assert after["old"] == 0 and after["just-outside"] == 0
    for sender in ("recent", "old-start-recent-end", "just-inside"):
        assert after[sender] == before[sender] > 0, sender  # kept whole, old turns included


def test_sqlite_store_of_the_run_command(tmp_path):
    db = tmp_path / "tracker.db"
    store = sqlite_store(db)
    store_conversations(store)
    before = kept(store)
    # endpoints.yml itself, with its ${TRACKER_DB}; the days from the documented setting
    out = retention(ROOT / "endpoints.yml", env={"TRACKER_DB": str(db), "TRACKER_RETENTION_DAYS": "30"})
    assert out.returncode == 0, out.stderr
    assert "deleted 2 conversation(s) (16 events)" in out.stdout
    assert_only_recent_kept(store, before)
    again = retention(ROOT / "endpoints.yml", "--days", "30", env={"TRACKER_DB": str(db)})
    assert "deleted 0 conversation(s)" in again.stdout


def test_dry_run_counts_and_deletes_nothing(tmp_path):
    db = tmp_path / "tracker.db"
    store = sqlite_store(db)
    store_conversations(store)
    before = kept(store)
    out = retention(ROOT / "endpoints.yml", "--days", "30", "--dry-run", env={"TRACKER_DB": str(db)})
    assert out.returncode == 0 and "would delete 2 conversation(s) (16 events)" in out.stdout
    assert kept(type(store)(**store.settings)) == before


@pytest.mark.parametrize("args,env,says", [
    ((), {"TRACKER_RETENTION_DAYS": ""}, "give --days N or set TRACKER_RETENTION_DAYS"),
    (("--days", "0"), {}, "at least 1 day"),
    (("--days", "a month"), {}, "number of days"),
])
def test_bad_settings_are_refused_plainly(tmp_path, args, env, says):
    out = retention(ROOT / "endpoints.yml", *args, env={"TRACKER_DB": str(tmp_path / "t.db"), **env})
    assert out.returncode == 2 and says in out.stderr and "Traceback" not in out.stderr


def test_an_empty_database_is_reported_not_mistaken_for_a_clean_one(tmp_path):
    out = retention(ROOT / "endpoints.yml", "--days", "30", env={"TRACKER_DB": str(tmp_path / "never-used.db")})
    assert out.returncode == 0 and "no conversations are stored in" in out.stdout and "never-used.db" in out.stdout


def test_a_store_that_is_not_sql_is_refused(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: redis\n  url: localhost\n")
    out = retention(endpoints, "--days", "30")
    assert out.returncode == 2 and "retention works on SQL tracker stores" in out.stderr


# -- PostgreSQL -------------------------------------------------------------------------------------
def _pg_binary(name):
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(versions[-1]) if versions else None


def _install_postgresql():
    """Debian's PostgreSQL, as scripts/run_scaled.sh installs it when missing (we run as root)."""
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=300"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run([*apt, "install", "-y", "-qq", "postgresql"], env=env, capture_output=True).returncode:
        subprocess.run([*apt, "update", "-qq"], env=env, capture_output=True)
        subprocess.run([*apt, "install", "-y", "-qq", "postgresql"], env=env, capture_output=True)


@pytest.fixture(scope="module")
def postgres():
    if not _pg_binary("initdb") and shutil.which("apt-get") and os.geteuid() == 0:
        _install_postgresql()
    initdb, pg_ctl = _pg_binary("initdb"), _pg_binary("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL is not installed and could not be installed with apt-get here")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = Path(tempfile.mkdtemp(prefix="retention-pg-", dir="/tmp"))
    if as_postgres:
        shutil.chown(data, "postgres")
    port = free_port()
    subprocess.run([*as_postgres, initdb, "-D", str(data / "db"), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True, timeout=120)
    subprocess.run([*as_postgres, pg_ctl, "-D", str(data / "db"), "-w", "-l", str(data / "log"), "-o",
                    f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True, timeout=120)
    try:
        yield port
    finally:
        subprocess.run([*as_postgres, pg_ctl, "-D", str(data / "db"), "-m", "fast", "stop"], capture_output=True,
                       timeout=120)
        shutil.rmtree(data, ignore_errors=True)


def test_postgresql_store_in_the_scaled_shape(postgres, tmp_path):
    settings = dict(dialect="postgresql", host="127.0.0.1", port=postgres, db="conversations",
                    username="postgres", login_db="postgres")
    store = SQLTrackerStore(**settings)
    store.settings = settings
    store_conversations(store)
    before = kept(store)
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: ${DB_HOST}\n"
                         "  port: ${DB_PORT}\n  db: conversations\n  username: postgres\n  login_db: postgres\n")
    out = retention(endpoints, "--days", "30", env={"DB_HOST": "127.0.0.1", "DB_PORT": str(postgres)})
    assert out.returncode == 0, out.stderr
    assert "deleted 2 conversation(s) (16 events)" in out.stdout
    assert_only_recent_kept(store, before)
