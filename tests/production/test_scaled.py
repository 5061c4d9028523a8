"""The scaled deployment, exactly as scripts/run_scaled.sh starts it: two Rasa servers and two
action servers behind nginx, PostgreSQL tracker store, Redis lock store, HTTP API behind a
token. One deployment for the module; the test that kills a server runs last."""
import asyncio
import os
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.production.scaled_support import (fault_free_replies, SCRIPTS, Conversation, ScaledDeployment, drive_conversations,
                                             final_assessment, listening_addresses, make_conversations, percentile,
                                             without_recipient)
from tests.rasa_support import ROOT, trained_model

pytestmark = pytest.mark.scaled
LOAD_CONVERSATIONS = 200


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    with ScaledDeployment(tmp_path_factory.mktemp("scaled"), rasa_servers=2, model=trained_model()) as d:
        yield d


@pytest.fixture(scope="module")
def reference(deployment):
    """Each script played alone, one turn at a time, with every server up: the fault-free answers."""
    return fault_free_replies(deployment.url)


def test_the_script_refuses_to_start_without_an_api_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "RASA_AUTH_TOKEN"}
    out = subprocess.run(["bash", str(ROOT / "scripts" / "run_scaled.sh")], cwd=ROOT, env={**env, "RUN_DIR": str(tmp_path)},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "RASA_AUTH_TOKEN is not set" in out.stderr


def test_the_script_says_so_when_the_tracker_database_is_unreachable(tmp_path):
    # Rasa itself would retry an unreachable tracker store forever at start, saying little.
    env = {**os.environ, "RASA_AUTH_TOKEN": "t", "RUN_DIR": str(tmp_path), "TRACKER_DB_HOST": "127.0.0.2",
           "TRACKER_DB_PORT": "1"}
    out = subprocess.run(["bash", str(ROOT / "scripts" / "run_scaled.sh")], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and "PostgreSQL at 127.0.0.2:1 is not reachable" in out.stderr


def test_the_http_api_refuses_requests_without_the_token(deployment):
    for path in ["/status", "/conversations/anyone/tracker", "/domain"]:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(deployment.url + path, timeout=10)
        assert refused.value.code == 401, path
        with pytest.raises(urllib.error.HTTPError) as wrong:
            urllib.request.urlopen(f"{deployment.url}{path}?token=not-{deployment.token}", timeout=10)
        assert wrong.value.code == 401, path
    with urllib.request.urlopen(f"{deployment.url}/status?token={deployment.token}", timeout=10) as ok:
        assert ok.status == 200 and b"model_file" in ok.read()
    # The token never reaches nginx's access log (it logs paths without query strings).
    assert deployment.token not in (deployment.workdir / "nginx-access.log").read_text()


def test_no_browser_origin_is_allowed_unless_configured(deployment):
    """The scaled shape names no portal by default: a page elsewhere gets no CORS grant."""
    for origin in ["http://localhost", "http://127.0.0.1:8080", "https://evil.example"]:
        request = urllib.request.Request(f"{deployment.url}/webhooks/rest/webhook", method="OPTIONS",
                                         headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                granted = response.headers.get("Access-Control-Allow-Origin")
        except urllib.error.HTTPError as refused:
            granted = refused.headers.get("Access-Control-Allow-Origin")
        assert granted is None, (origin, granted)


def test_every_server_listens_on_loopback_only(deployment):
    ports = {*deployment.rasa_ports, *deployment.action_ports, deployment.public_port, deployment.action_lb_port}
    listening = listening_addresses(ports)
    assert set(listening) == ports, listening
    assert all(address in {"127.0.0.1", "::1"} for addresses in listening.values() for address in addresses), listening


def test_tracker_store_is_postgresql(deployment, reference):
    counts = deployment.event_counts()
    for script in SCRIPTS:
        assert counts[f"reference-{script.name}"]["user"] == len(script.turns)


def test_200_concurrent_conversations_lose_and_duplicate_nothing(deployment, reference):
    conversations = make_conversations(LOAD_CONVERSATIONS, "load")
    wall = asyncio.run(drive_conversations(deployment.url, conversations))
    failed = [f"{c.sender}: {c.error}" for c in conversations if c.error]
    assert not failed, failed[:5]
    assert not [c.sender for c in conversations if c.resent]  # no reload here: no connection may fail
    for c in conversations:
        # Every turn answered exactly as in the fault-free run: nothing lost, nothing doubled.
        assert [without_recipient(r) for r in c.replies] == reference[c.script.name], c.sender
        got = final_assessment(c.replies)
        assert {k: got.get(k) for k in c.script.expected} == c.script.expected, c.sender
    counts = deployment.event_counts()
    for c in conversations:
        # The tracker in PostgreSQL is complete: each user message once, and every event type
        # (bot messages, actions, slots, form steps) as often as in the fault-free run.
        stored = counts[c.sender]
        assert stored["user"] == len(c.script.turns), (c.sender, stored)
        assert stored == counts[f"reference-{c.script.name}"], (c.sender, stored)
    latencies = [t for c in conversations for t in c.latencies]
    print(f"\n{len(latencies)} turns in {wall:.1f} s: {len(latencies) / wall:.1f} turns/s, per turn p50 "
          f"{percentile(latencies, .5) * 1000:.0f} ms, p95 {percentile(latencies, .95) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, .99) * 1000:.0f} ms")


def test_losing_an_action_server_mid_form_changes_nothing_for_the_user(deployment, reference):
    script = next(s for s in SCRIPTS if s.name == "deemed")
    before = Conversation("action-failover-deemed", type(script)(script.name, script.turns[:3], {}))
    asyncio.run(drive_conversations(deployment.url, [before]))
    first = f"127.0.0.1:{deployment.action_ports[0]}"
    assert any(tried[-1] == first for tried in deployment.upstreams_tried("/webhook")), "actions-1 had no traffic"
    deployment.kill_action_server(1)
    after = Conversation("action-failover-deemed", type(script)(script.name, script.turns[3:], {}))
    asyncio.run(drive_conversations(deployment.url, [after]))
    assert before.error is None and after.error is None, (before.error, after.error)
    assert [without_recipient(r) for r in before.replies + after.replies] == reference["deemed"]


def test_losing_a_rasa_server_mid_form_changes_nothing_for_the_user(deployment, reference):
    script = next(s for s in SCRIPTS if s.name == "qplo")
    split = 3  # after the story and the first form answer; the form still wants age and balance
    before = Conversation("failover-qplo", type(script)(script.name, script.turns[:split], {}))
    logged = len(deployment.upstreams_tried())
    asyncio.run(drive_conversations(deployment.url, [before]))
    assert before.error is None, before.error
    served_by = deployment.upstreams_tried(expect=logged + split)[-1][-1]  # kill the server that answered last
    number = 1 + [f"127.0.0.1:{p}" for p in deployment.rasa_ports].index(served_by)
    deployment.kill_rasa_server(number)
    logged_before = len(deployment.upstreams_tried())

    after = Conversation("failover-qplo", type(script)(script.name, script.turns[split:], {}))
    asyncio.run(drive_conversations(deployment.url, [after]))
    assert after.error is None, after.error
    replies = [without_recipient(r) for r in before.replies + after.replies]
    assert replies == reference["qplo"]
    assert final_assessment(after.replies)["classification"] == "qualified_plan_loan_offset"
    # nginx answered every turn after the kill from the surviving server.
    after_kill = deployment.upstreams_tried(expect=logged_before + len(after.replies))[logged_before:]
    survivor = next(f"127.0.0.1:{p}" for p in deployment.rasa_ports if f"127.0.0.1:{p}" != served_by)
    assert all(tried[-1] == survivor for tried in after_kill), after_kill
