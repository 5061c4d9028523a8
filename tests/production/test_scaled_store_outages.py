"""The scaled deployment while its stores restart (issue 13, item 1), on a PostgreSQL and a Redis
of the test's own (never the machine's shared ones).

50 conversations talk through nginx; meanwhile PostgreSQL (then Redis) is stopped for 10 s and
started again. A person told "send it again in a moment" sends the same message again after a
second, as the reply asks. What must hold:
- every request is answered (HTTP 200) within 30 s, with no error page or trace;
- during the outage a message gets the "send it again" reply, never an answer as if the
  conversation were new: leaving those replies out, each conversation's answers are exactly
  those of the same script played with no fault;
- afterwards PostgreSQL holds each conversation exactly as the fault-free one: each message
  once (none lost, none recorded twice);
- a message sent once the store is back is served (no broken connection is reused);
- the Rasa servers are the same processes (no restart), and report ready again.
"""
from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

import aiohttp
import pytest

from actions.presenting import words
from tests.production.private_stores import PrivatePostgres, PrivateRedis
from tests.production.scaled_support import (fault_free_replies, SCRIPTS, TODAY, ScaledDeployment, final_assessment, without_recipient)
from tests.rasa_support import trained_model

pytestmark = pytest.mark.scaled
CONVERSATIONS = 50
OUTAGE_SECONDS = 10
THINK_SECONDS = 0.3   # between a reply and the person's next message
RESEND_SECONDS = 1.0  # "send it again in a moment"
BACK_GRACE_SECONDS = 1.0  # a message sent this long after the store is back must be served
TRY_AGAIN = words()["store_unavailable"]


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    with PrivatePostgres() as postgres, PrivateRedis(tmp_path_factory.mktemp("redis")) as redis_server:
        yield postgres, redis_server


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, stores):
    postgres, redis_server = stores
    with ScaledDeployment(tmp_path_factory.mktemp("scaled-outages"), rasa_servers=2, model=trained_model(),
                          postgres=postgres.settings(), redis_port=redis_server.port) as d:
        yield d


@pytest.fixture(scope="module")
def reference(deployment):
    return fault_free_replies(deployment.url)


@dataclass
class Person:
    """A conversation played by someone who resends a message when asked to."""
    sender: str
    script: Any
    replies: List[List[Dict[str, Any]]] = field(default_factory=list)  # the answers, one per turn
    asked_to_resend: int = 0
    asked_at: List[float] = field(default_factory=list)  # when each message answered "send it again" was sent
    slowest: float = 0.0
    error: Optional[str] = None


async def _talk(session: aiohttp.ClientSession, url: str, person: Person) -> None:
    for turn, text in enumerate(person.script.turns):
        body: Dict[str, Any] = {"sender": person.sender, "message": text}
        if turn == 0:
            body["metadata"] = {"today": TODAY}
        for _ in range(120):  # bounded: a store away for minutes fails the test, not the machine
            started = time.monotonic()
            try:
                async with session.post(f"{url}/webhooks/rest/webhook", json=body) as response:
                    raw = await response.text()
                    status = response.status
            except Exception as error:  # noqa: BLE001 - recorded, the test reports it
                person.error = f"turn {turn} ({text!r}): {error!r}"
                return
            person.slowest = max(person.slowest, time.monotonic() - started)
            if status != 200:
                person.error = f"turn {turn} ({text!r}): HTTP {status}: {raw[:300]}"
                return
            reply = json.loads(raw)
            if [m.get("text") for m in reply] != [TRY_AGAIN]:
                person.replies.append(reply)
                break
            person.asked_to_resend += 1
            person.asked_at.append(started)
            await asyncio.sleep(RESEND_SECONDS)
        else:
            person.error = f"turn {turn} ({text!r}): still 'send it again' after 120 tries"
            return
        await asyncio.sleep(THINK_SECONDS)


async def _with_an_outage(url: str, people: List[Person], stop: Callable[[], None],
                          start: Callable[[], None]) -> float:
    """Plays the conversations with the outage in the middle; returns when the store was back."""
    back: List[float] = []

    async def outage() -> None:
        loop = asyncio.get_running_loop()
        # Under way: every conversation has had at least two answers.
        while not all(len(p.replies) >= 2 or p.error for p in people):
            await asyncio.sleep(0.1)
        await loop.run_in_executor(None, stop)
        await asyncio.sleep(OUTAGE_SECONDS)
        await loop.run_in_executor(None, start)  # returns once the store takes connections
        back.append(time.monotonic())

    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        await asyncio.gather(outage(), *(_talk(session, url, p) for p in people))
    return back[0]


def _people(tag: str) -> List[Person]:
    return [Person(f"{tag}-{i:03d}-{SCRIPTS[i % len(SCRIPTS)].name}", SCRIPTS[i % len(SCRIPTS)])
            for i in range(CONVERSATIONS)]


def _ready(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/webhooks/ready/", timeout=10) as ok:
            return ok.status
    except urllib.error.HTTPError as not_ready:
        return not_ready.code


def _check(deployment: ScaledDeployment, reference: Dict[str, Any], people: List[Person], pids: List[int],
           back: float) -> None:
    failed = [f"{p.sender}: {p.error}" for p in people if p.error]
    assert not failed, failed[:5]
    assert max(p.slowest for p in people) < 30, max(p.slowest for p in people)
    for p in people:
        # never an answer as if the conversation were new, nothing forgotten: the fault-free answers
        assert [without_recipient(r) for r in p.replies] == reference[p.script.name], p.sender
        got = final_assessment(p.replies)
        assert {k: got.get(k) for k in p.script.expected} == p.script.expected, p.sender
    assert sum(p.asked_to_resend for p in people) >= CONVERSATIONS // 2, "the outage reached too few conversations"
    # Once the store is back, no message is refused: connections the restart broke are not used.
    late = [(p.sender, round(t - back, 2)) for p in people for t in p.asked_at if t > back + BACK_GRACE_SECONDS]
    assert not late, late[:5]
    counts = deployment.event_counts()
    for p in people:
        # each message stored once, and every other event as often as in the fault-free run
        assert counts[p.sender]["user"] == len(p.script.turns), (p.sender, counts[p.sender])
        assert counts[p.sender] == counts[f"reference-{p.script.name}"], (p.sender, counts[p.sender])
    assert [deployment.rasa_pid(n + 1) for n in range(len(pids))] == pids
    assert all(_alive(pid) for pid in pids), "a Rasa server died"
    assert all(_ready(port) == 200 for port in deployment.rasa_ports)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_postgresql_restart_under_load_loses_and_doubles_nothing(deployment, reference, stores):
    postgres, _ = stores
    pids = [deployment.rasa_pid(n + 1) for n in range(len(deployment.rasa_ports))]
    people = _people("pg-outage")
    back = asyncio.run(_with_an_outage(deployment.url, people, postgres.stop, postgres.start))
    _check(deployment, reference, people, pids, back)


def test_a_redis_restart_under_load_loses_and_doubles_nothing(deployment, reference, stores):
    _, redis_server = stores
    pids = [deployment.rasa_pid(n + 1) for n in range(len(deployment.rasa_ports))]
    people = _people("redis-outage")
    back = asyncio.run(_with_an_outage(deployment.url, people, redis_server.stop, redis_server.start))
    _check(deployment, reference, people, pids, back)
    assert "lock store is unavailable" in (deployment.workdir / "rasa-1.log").read_text() + \
        (deployment.workdir / "rasa-2.log").read_text()
