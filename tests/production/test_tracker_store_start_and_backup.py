"""A Rasa server on the scaled shape's PostgreSQL tracker store (actions/postgres_tracker_store.py),
with a PostgreSQL of the test's own: started while PostgreSQL is down it listens, reports not
ready with the reason, answers "send it again in a moment", logs each retry with a growing but
bounded wait, and becomes ready by itself once PostgreSQL is there. A PostgreSQL restart while
nobody talks costs the next message nothing. Then the README's backup and
restore (scripts/tracker_backup.sh): a conversation half-way through the form is backed up,
the database is lost, restored into a fresh database, and the conversation goes on from where it
was, on the same server, without a restart."""
from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import yaml

from actions.presenting import words
from tests.production.private_stores import PrivatePostgres
from tests.rasa_support import ROOT, Chat, Servers, trained_model

pytestmark = pytest.mark.e2e
TODAY = "2025-11-01"
QPLO = ["left my job 3/14, they offset the loan on June 30", "yes", "I'm 41", "about 12k"]
DATABASE = "tracker_backup_test"
TRY_AGAIN = words()["store_unavailable"]


def readiness(servers: Servers) -> tuple:
    try:
        with urllib.request.urlopen(f"{servers.url}/webhooks/ready/", timeout=10) as ok:
            return ok.status, json.loads(ok.read()), ok.headers.get("Retry-After")
    except urllib.error.HTTPError as not_ready:
        return not_ready.code, json.loads(not_ready.read()), not_ready.headers.get("Retry-After")


def timed_say(chat: Chat, text: str) -> tuple:
    started = time.monotonic()
    reply = chat.say(text)
    return reply, time.monotonic() - started


def backup_script(postgres: PrivatePostgres, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": str(postgres.port),
           "TRACKER_DB_NAME": DATABASE, "TRACKER_DB_USER": postgres.user, "TRACKER_DB_PASSWORD": ""}
    return subprocess.run(["bash", str(ROOT / "scripts" / "tracker_backup.sh"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def retry_waits(workdir) -> list:
    """The waits the server announced after each failed try to reach PostgreSQL, from its log."""
    log = (workdir / "rasa.log").read_text()
    return [float(w) for w in re.findall(r"cannot be used: .*? next try in (\d+) s", log)]


def user_messages(postgres: PrivatePostgres, sender: str) -> int:
    with postgres.connect(DATABASE) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM events WHERE sender_id = %s AND type_name = 'user'", (sender,))
        return cur.fetchone()[0]


def test_a_server_started_without_postgresql_waits_then_serves_and_a_backup_restores_a_conversation(tmp_path):
    endpoints = yaml.safe_load((ROOT / "deploy" / "endpoints.scaled.yml").read_text())
    postgres = PrivatePostgres().init()  # made, not started: PostgreSQL is down when the server starts
    endpoints["tracker_store"].update({"url": "127.0.0.1", "port": postgres.port, "db": DATABASE,
                                       "username": postgres.user, "password": ""})
    endpoints.pop("lock_store")  # one server: Rasa's in-memory lock store
    (tmp_path / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
    servers = Servers(trained_model(), tmp_path, endpoints=str(tmp_path / "endpoints.yml"),
                      extra_env={"TRACKER_STORE_RETRY_MAX_SECONDS": "4"})
    try:
        servers.start_actions()
        servers.start_rasa()  # it listens, although its database is down
        rasa_pid = servers.processes["rasa"].pid
        status, body, retry_after = readiness(servers)
        assert status == 503 and retry_after and any("PostgreSQL" in r for r in body["reasons"]), body

        chat = Chat(servers, "backup-qplo", today=TODAY)
        reply, seconds = timed_say(chat, QPLO[0])
        assert Chat.texts(reply) == TRY_AGAIN and seconds < 5, (reply, seconds)

        deadline = time.monotonic() + 40
        while len(retry_waits(tmp_path)) < 5:  # long enough down to reach the longest wait
            assert time.monotonic() < deadline, retry_waits(tmp_path)
            time.sleep(0.5)
        postgres.start()
        postgres.create_database(DATABASE)
        deadline = time.monotonic() + 30
        while readiness(servers)[0] != 200:
            assert time.monotonic() < deadline, readiness(servers)
            time.sleep(0.5)
        waits = retry_waits(tmp_path)
        assert waits[:5] == [1, 2, 4, 4, 4] and max(waits) == 4, waits  # growing, and bounded by the setting
        assert "is reachable; this server is ready" in (tmp_path / "rasa.log").read_text()

        for text in QPLO[:2]:  # the story again (it was not kept) and the first form answer
            reply, seconds = timed_say(chat, text)
            assert TRY_AGAIN not in Chat.texts(reply) and seconds < 30, reply

        postgres.stop()  # a restart while nobody talks: the server's pooled connections are now broken
        postgres.start()
        reply, seconds = timed_say(chat, QPLO[2])
        assert TRY_AGAIN not in Chat.texts(reply) and seconds < 30, reply  # served at once, no broken connection

        backed_up = backup_script(postgres, "backup", str(tmp_path / "tracker.dump"))
        assert backed_up.returncode == 0, backed_up.stderr
        postgres.drop_database(DATABASE)  # the database is lost
        reply, seconds = timed_say(chat, QPLO[3])
        assert Chat.texts(reply) == TRY_AGAIN and seconds < 30, reply

        restored = backup_script(postgres, "restore", str(tmp_path / "tracker.dump"))
        assert restored.returncode == 0 and "1 conversations" in restored.stdout, restored.stderr
        again = backup_script(postgres, "restore", str(tmp_path / "tracker.dump"))
        assert again.returncode == 1 and "already has a tracker table" in again.stderr  # never over live data

        replies = [chat.say(QPLO[3])]
        assert TRY_AGAIN not in Chat.texts(replies[-1]), replies
        assert servers.processes["rasa"].pid == rasa_pid and servers.processes["rasa"].poll() is None
        stored_user_messages = user_messages(postgres, "backup-qplo")
    finally:
        servers.stop_all()
        postgres.__exit__()
    # the story, the "yes" and the age came from the restored database, the balance after it
    assessment = Chat.assessment(replies[-1])
    assert (assessment["classification"], assessment["form_1099r_box7"], assessment["taxable_amount"]) == \
        ("qualified_plan_loan_offset", "M1", "12000.00")
    assert stored_user_messages == len(QPLO)  # neither message of the outages was kept
