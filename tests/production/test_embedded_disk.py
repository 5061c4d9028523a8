"""The embedded default (SQLite tracker store) when its disk stops taking writes (issue 13, item 2).

The Rasa server's file-size limit is set to 0 while it runs (RLIMIT_FSIZE, as `prlimit` does):
from then on every write it makes to a file fails, as on a full disk or one remounted read-only,
while reading still works. Its log goes through a pipe, so the operator's line is not lost with
the disk. The person must get a clear "send it again", the operator a line naming the tracker
database and the disk, and once writes work again the same server process goes on with every
fact the conversation had; the message that met the full disk is not stored.
"""
from __future__ import annotations

import resource
import sqlite3
import time

import pytest

from actions.presenting import words
from tests.rasa_support import Chat, Servers, trained_model

pytestmark = pytest.mark.e2e
TODAY = "2025-11-01"
QPLO = ["left my job 3/14, they offset the loan on June 30", "yes", "I'm 41", "about 12k"]
TRY_AGAIN = words()["store_unavailable"]


def test_a_full_disk_gets_a_clear_answer_and_a_log_line_and_the_server_goes_on_once_space_is_back(tmp_path):
    servers = Servers(trained_model(), tmp_path)
    try:
        servers.start_actions()
        servers.start_rasa(log_through_a_pipe=True)
        rasa = servers.processes["rasa"]
        chat = Chat(servers, "disk-qplo", today=TODAY)
        for text in QPLO[:2]:
            chat.say(text)

        limits = resource.prlimit(rasa.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(rasa.pid, resource.RLIMIT_FSIZE, (0, limits[1]))  # the disk is full
        try:
            started = time.monotonic()
            during = chat.say(QPLO[2])
            seconds = time.monotonic() - started
            newcomer = Chat(servers, "disk-newcomer", today=TODAY).say("hi")
        finally:
            resource.prlimit(rasa.pid, resource.RLIMIT_FSIZE, limits)  # space is back
        assert Chat.texts(during) == TRY_AGAIN and seconds < 5, (during, seconds)
        assert Chat.texts(newcomer) == TRY_AGAIN, newcomer

        after = [chat.say(text) for text in QPLO[2:]]
        assert rasa.poll() is None and servers.processes["rasa"].pid == rasa.pid  # never restarted
        time.sleep(0.5)  # the pipe's last lines
        log = (tmp_path / "rasa.log").read_text()
    finally:
        servers.stop_all()
    line = next((x for x in log.splitlines() if "the tracker store is unavailable for conversation disk-qplo" in x), "")
    assert str(servers.tracker_db) in line and "disk" in line and "nothing of it was kept" in line, log[-3000:]
    assert "Traceback" not in log
    assessment = Chat.assessment(after[-1])
    assert (assessment["classification"], assessment["form_1099r_box7"], assessment["taxable_amount"]) == \
        ("qualified_plan_loan_offset", "M1", "12000.00")
    with sqlite3.connect(servers.tracker_db) as db:
        stored = db.execute("SELECT count(*) FROM events WHERE sender_id = 'disk-qplo' AND type_name = 'user'")
        assert stored.fetchone()[0] == len(QPLO)  # the message that met the full disk is not there
