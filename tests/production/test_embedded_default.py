"""The embedded default (the README's run command): a conversation half-way through the form
survives a crash and restart of the Rasa server (SQLite tracker store), and every server the
run command starts listens on localhost only."""
import os
import signal
import subprocess
import time

import pytest

from tests.production.scaled_support import listening_addresses, without_recipient
from tests.rasa_support import ROOT, Chat, Servers, free_port, trained_model

pytestmark = pytest.mark.e2e
TODAY = "2025-11-01"
QPLO = ["left my job 3/14, they offset the loan on June 30", "yes", "I'm 41", "about 12k"]


def test_a_conversation_half_way_through_the_form_survives_a_crash_of_the_rasa_server(tmp_path):
    servers = Servers(trained_model(), tmp_path)
    try:
        servers.start_actions()
        servers.start_rasa()
        fault_free = Chat(servers, "restart-reference", today=TODAY)
        for text in QPLO:
            fault_free.say(text)

        c = Chat(servers, "restart-crash", today=TODAY)
        for text in QPLO[:2]:  # the story and the first form answer: the form still wants age and balance
            c.say(text)
        servers.processes.pop("rasa").send_signal(signal.SIGKILL)  # no graceful shutdown, nothing flushed
        time.sleep(1)
        servers.start_rasa()  # same SQLite file
        for text in QPLO[2:]:
            c.say(text)
    finally:
        servers.stop_all()
    assert [without_recipient(r) for r in c.replies] == [without_recipient(r) for r in fault_free.replies]
    assessment = Chat.assessment(c.replies[-1])
    assert (assessment["classification"], assessment["form_1099r_box7"], assessment["taxable_amount"]) == \
        ("qualified_plan_loan_offset", "M1", "12000.00")


def test_the_run_command_listens_on_localhost_only(tmp_path):
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WIDGET_PORT": free_port()}
    env = {k: v for k, v in os.environ.items() if k != "HOST"}
    env.update({k: str(v) for k, v in ports.items()})
    env.update({"TRACKER_DB": str(tmp_path / "tracker.db"), "RASA_TELEMETRY_ENABLED": "false"})
    out = tmp_path / "run.out"
    run = subprocess.Popen(["bash", str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env, stdout=out.open("wb"),
                           stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while "The assistant is running" not in out.read_text(errors="replace"):
            assert run.poll() is None and time.monotonic() < deadline, out.read_text()[-3000:]
            time.sleep(0.5)
        listening = listening_addresses(set(ports.values()))
    finally:
        run.send_signal(signal.SIGTERM)  # the script stops its servers
        try:
            run.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
    assert {ports["RASA_PORT"], ports["ACTION_PORT"]} <= set(listening), listening
    assert all(a in {"127.0.0.1", "::1"} for addresses in listening.values() for a in addresses), listening


def test_the_run_command_will_not_open_the_http_api_to_the_network_without_a_token(tmp_path):
    # The API reads any conversation by its id; on localhost only the person's own tools reach it.
    env = {k: v for k, v in os.environ.items() if k != "RASA_AUTH_TOKEN"}
    env.update({"HOST": "0.0.0.0", "RASA_PORT": str(free_port()), "TRACKER_DB": str(tmp_path / "tracker.db")})
    out = subprocess.run(["bash", str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 2 and "set RASA_AUTH_TOKEN" in out.stderr
    assert not listening_addresses({int(env["RASA_PORT"])})
