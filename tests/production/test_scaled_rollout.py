"""Rolling out a new model without dropping conversations: `run_scaled.sh rollout MODEL` while
conversations are under way. Users see the same answers as in a fault-free run, and no turn
fails; a conversation left half-way through the form continues on the new servers."""
import asyncio
import shutil
import threading
import urllib.request

import pytest

from tests.production.scaled_support import (SCRIPTS, Conversation, ScaledDeployment, drive_conversations,
                                             final_assessment, listening_addresses, make_conversations,
                                             without_recipient)
from tests.rasa_support import trained_model

pytestmark = pytest.mark.scaled


def test_a_new_model_rolls_out_while_conversations_go_on(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("rollout")
    # The "new" model: the same training under another name, so the switch shows in /status.
    new_model = workdir / "model-rollout-test.tar.gz"
    shutil.copyfile(trained_model(), new_model)
    deployment = ScaledDeployment(workdir, rasa_servers=2, model=trained_model())
    try:
        deployment.start()
        reference = {}
        for script in SCRIPTS:
            c = Conversation(f"reference-{script.name}", script)
            asyncio.run(drive_conversations(deployment.url, [c]))
            assert c.error is None, c.error
            reference[script.name] = [without_recipient(r) for r in c.replies]

        qplo = next(s for s in SCRIPTS if s.name == "qplo")
        half = Conversation("rollout-half-way", type(qplo)(qplo.name, qplo.turns[:3], {}))
        asyncio.run(drive_conversations(deployment.url, [half]))

        # Waves of concurrent conversations from before the rollout until after it.
        waves, rolled_out = [], threading.Event()

        def keep_talking():
            wave_number = 0
            while not rolled_out.is_set() or wave_number < 2:
                wave = make_conversations(16, f"rollout-wave{wave_number}")
                asyncio.run(drive_conversations(deployment.url, wave))
                waves.append(wave)
                wave_number += 1

        talker = threading.Thread(target=keep_talking)
        talker.start()
        try:
            out = deployment.rollout(new_model)
        finally:
            rolled_out.set()
            talker.join(300)
        assert out.returncode == 0, out.stderr[-3000:]

        rest = Conversation("rollout-half-way", type(qplo)(qplo.name, qplo.turns[3:], {}))
        asyncio.run(drive_conversations(deployment.url, [rest]))
        with urllib.request.urlopen(f"{deployment.url}/status?token={deployment.token}", timeout=10) as status:
            serving = status.read().decode()
        upstreams = {tried[-1] for tried in deployment.upstreams_tried()}
        still_listening = listening_addresses(set(deployment.rasa_ports))
        stored = deployment.event_counts()
    finally:
        deployment.stop()

    conversations = [c for wave in waves for c in wave]
    failed = [f"{c.sender}: {c.error}" for c in conversations if c.error]
    assert not failed, failed[:5]
    for c in conversations:
        assert [without_recipient(r) for r in c.replies] == reference[c.script.name], c.sender
        # Each message stored once, even those resent after a connection closed by the reload.
        assert stored[c.sender] == stored[f"reference-{c.script.name}"], (c.sender, c.resent, stored[c.sender])
    print(f"\n{len(conversations)} conversations across the rollout, "
          f"{sum(c.resent for c in conversations)} messages resent on a closed keep-alive connection")
    assert rest.error is None, rest.error
    assert [without_recipient(r) for r in half.replies + rest.replies] == reference["qplo"]
    assert final_assessment(rest.replies)["classification"] == "qualified_plan_loan_offset"
    assert new_model.name in serving
    old = {f"127.0.0.1:{p}" for p in deployment.rasa_ports}
    assert old & upstreams and upstreams - old, upstreams  # traffic went to the old, then the new servers
    assert not still_listening, still_listening  # the old servers were stopped
