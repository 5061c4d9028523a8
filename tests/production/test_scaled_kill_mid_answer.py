"""A Rasa server killed *while it answers* (scaled deployment): that message fails, as it must,
and the conversation goes on on the other server: the same message sent again gets the answer a
fault-free conversation gets. The dead server's lock ticket holds the conversation until the
ticket's lifetime runs out (TICKET_LOCK_LIFETIME, shortened here from Rasa's 60 s); stock Rasa
3.6 then never served the waiting message (actions/lock_recovery.py)."""
import asyncio
import os
import signal
import threading
import json
import urllib.error
import urllib.request

import pytest

from tests.production.scaled_support import (SCRIPTS, TODAY, Conversation, ScaledDeployment, drive_conversations,
                                             without_recipient)
from tests.rasa_support import trained_model

pytestmark = pytest.mark.scaled
TICKET_LIFETIME_SECONDS = 8


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:  # for this module only
        env.setenv("TICKET_LOCK_LIFETIME", str(TICKET_LIFETIME_SECONDS))  # read by each Rasa server at start
        with ScaledDeployment(tmp_path_factory.mktemp("kill-mid-answer"), rasa_servers=2, model=trained_model()) as d:
            yield d


def post(url, sender, text, timeout=120):
    body = json.dumps({"sender": sender, "message": text, "metadata": {"today": TODAY}}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read())


def action_server_pids(deployment):
    return [int((deployment.workdir / f"actions-{n}.pid").read_text()) for n in (1, 2)]


def test_a_message_queued_behind_a_server_that_died_mid_answer_is_answered_as_without_the_fault(deployment):
    script = next(s for s in SCRIPTS if s.name == "qplo")
    turns = script.turns[:3]
    reference = Conversation("mid-answer-reference", type(script)(script.name, turns, {}))
    asyncio.run(drive_conversations(deployment.url, [reference]))
    assert reference.error is None, reference.error

    sender = "mid-answer"
    assert post(deployment.url, sender, turns[0])[0] == 200
    server = [f"http://127.0.0.1:{port}" for port in deployment.rasa_ports]
    outcome = {}

    def send(name, url):
        try:
            outcome[name] = post(url, sender, turns[1], timeout=60)
        except (urllib.error.URLError, ConnectionError, OSError) as failed:
            outcome[name] = failed

    # The answer to the second message needs the action servers: while they are frozen, Rasa
    # server 1 holds the message mid-answer (reached directly, so we know which server it is).
    frozen = action_server_pids(deployment)
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        dying = threading.Thread(target=send, args=("dying", server[0]))
        dying.start()
        dying.join(timeout=0.1)
        # The user, seeing nothing, sends it again; it reaches server 2 and queues behind server
        # 1's ticket (issued a moment before, so both tickets run out at about the same time).
        retry = threading.Thread(target=send, args=("retry", server[1]))
        retry.start()
        dying.join(timeout=1.0)
        assert dying.is_alive(), outcome  # still waiting for its action call
        deployment.kill_rasa_server(1)
        dying.join(timeout=30)
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
    retry.join(timeout=90)
    assert isinstance(outcome["dying"], Exception), outcome  # that message failed, as the user saw
    status, reply = outcome["retry"]  # the retry was answered once the dead ticket ran out
    assert status == 200
    assert without_recipient(reply) == without_recipient(reference.replies[1])
    # and the conversation goes on through nginx, on the surviving server
    status, reply = post(deployment.url, sender, turns[2])
    assert status == 200
    assert without_recipient(reply) == without_recipient(reference.replies[2])
