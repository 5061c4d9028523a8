"""Traffic for the abuse tests (test_abuse.py, test_scaled_abuse.py): twenty people each at a
loopback address of their own (127.0.1.N) playing the scripted conversations, one client at
127.0.0.2 flooding the REST channel with real messages, and a socket.io client that speaks the
website widget's protocol."""
from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import aiohttp
import socketio

from tests.production.scaled_support import SCRIPTS, TODAY, Script, final_assessment, percentile, without_recipient

PEOPLE = 20
FLOOD_ADDRESS = "127.0.0.2"
FLOOD_WORKERS, FLOOD_PAUSE = 32, 0.2  # 32 messages always waiting (up to 160 a second, were they answered)
THINK = 0.3  # seconds a person pauses between turns
Authorize = Callable[[str], Optional[str]]  # sender -> Authorization header (None: no header)


def session_from(address: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)),
                                 timeout=aiohttp.ClientTimeout(total=120))


async def post(session: aiohttp.ClientSession, url: str, sender: str, text: str, authorization: Optional[str] = None,
               metadata: Optional[Dict[str, Any]] = None) -> Tuple[int, Dict[str, str], Any]:
    body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with session.post(f"{url}/webhooks/rest/webhook", json=body, headers=headers) as response:
        return response.status, dict(response.headers), await response.json(content_type=None)


async def person(url: str, number: int, tag: str, authorize: Authorize):
    """One person at their own address: a scripted conversation with a short pause per turn."""
    script = SCRIPTS[number % len(SCRIPTS)]
    sender = f"{tag}-{number}-{script.name}"
    replies, latencies, statuses = [], [], []
    async with session_from(f"127.0.1.{number + 1}") as session:
        for turn, text in enumerate(script.turns):
            started = time.perf_counter()
            status, _, reply = await post(session, url, sender, text, authorize(sender),
                                          {"today": TODAY} if turn == 0 else None)
            latencies.append(time.perf_counter() - started)
            statuses.append(status)
            replies.append(reply if status == 200 else [])
            await asyncio.sleep(THINK)
    return script, replies, latencies, statuses


async def flooder(url: str, stop: asyncio.Event, answers: List[Tuple[int, Dict[str, str], Any]],
                  authorization: Optional[str]) -> None:
    """Real messages (new stories, each a new conversation), as fast as answers come, one address."""
    async def worker(k: int) -> None:
        async with session_from(FLOOD_ADDRESS) as session:
            n = 0
            while not stop.is_set():
                started = time.perf_counter()
                answers.append(await post(session, url, f"flood-{k}-{n}", "I left my job 3/14 and they offset my "
                                          "loan on June 30", authorization, {"today": TODAY}))
                n += 1
                await asyncio.sleep(max(0.0, FLOOD_PAUSE - (time.perf_counter() - started)))
    await asyncio.gather(*(worker(k) for k in range(FLOOD_WORKERS)))


async def twenty_people(url: str, tag: str, authorize: Authorize, flood_authorization: Optional[str] = None,
                        flood: bool = False):
    """The people's results, the flooder's answers and how long the people took."""
    stop, answers = asyncio.Event(), []
    flooding = asyncio.ensure_future(flooder(url, stop, answers, flood_authorization)) if flood else None
    if flooding:
        await asyncio.sleep(1.0)  # the flood is on before the first person arrives
    started = time.monotonic()
    results = await asyncio.gather(*(person(url, n, tag, authorize) for n in range(PEOPLE)))
    seconds = time.monotonic() - started
    if flooding:
        stop.set()
        await flooding
    return results, answers, seconds


def check_people(calm, flooded) -> Tuple[float, float]:
    """Every person answered in full and right, the same answers with and without the flood;
    returns the per-turn p95 latency without and with it."""
    for script, replies, _, statuses in calm + flooded:
        assert set(statuses) == {200}, (script.name, statuses)  # no person is ever limited
        assert {k: (final_assessment(replies) or {}).get(k) for k in script.expected} == script.expected
    calm_by_script = {s.name: [without_recipient(r) for r in replies] for s, replies, _, _ in calm}
    for script, replies, _, _ in flooded:
        assert [without_recipient(r) for r in replies] == calm_by_script[script.name]
    return (percentile([t for *_, latencies, _ in calm for t in latencies], .95),
            percentile([t for *_, latencies, _ in flooded for t in latencies], .95))


class Widget:
    """A socket.io client speaking the widget's protocol (widget/src/widget.js)."""

    def __init__(self, url: str, address: str):
        self.url, self.address = url, address
        self.secret: Optional[str] = None
        self.texts: List[str] = []
        self.confirmed = asyncio.Event()
        self.http: Optional[aiohttp.ClientSession] = None
        self.client: Optional[socketio.AsyncClient] = None

    async def open(self, session_id: Optional[str] = None) -> "Widget":
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(self.address, 0)))
        self.client = socketio.AsyncClient(http_session=self.http, reconnection=False)

        @self.client.on("session_confirm")
        async def confirmed(secret: str) -> None:
            self.secret = secret
            self.confirmed.set()

        @self.client.on("bot_uttered")
        async def uttered(message: Dict[str, Any]) -> None:
            if message.get("text"):
                self.texts.append(message["text"])

        await self.client.connect(self.url, transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(self.confirmed.wait(), 30)
        return self

    async def say(self, text: str, session_id: Optional[str] = None, wait: bool = True) -> List[str]:
        before = len(self.texts)
        await self.client.emit("user_uttered", {"message": text, "session_id": session_id or self.secret,
                                                "metadata": {"today": TODAY}})
        if wait:
            await until(lambda: len(self.texts) > before)
        return self.texts[before:]

    async def close(self) -> None:
        await self.client.disconnect()
        await self.http.close()


async def until(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "no answer in time"
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # the rest of the answer's messages


__all__ = ["Script", "PEOPLE", "Widget", "check_people", "post", "session_from", "twenty_people", "until"]
