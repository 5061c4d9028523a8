"""The scaled deployment (scripts/run_scaled.sh) on free ports, for tests and the benchmark.

`ScaledDeployment` runs the very script an operator runs, with its own PostgreSQL database, its
own Redis key prefix, a random API token and a temporary run directory, and removes the
database again when stopped. `drive_conversations` plays scripted conversations concurrently
through nginx and records every reply and every turn's latency.
"""
from __future__ import annotations

import asyncio
import ipaddress
import os
import re
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import aiohttp
import psycopg2
from psycopg2 import sql

from tests.rasa_support import ROOT, free_port

TODAY = "2025-11-01"
POSTGRES = {"host": os.environ.get("TRACKER_DB_HOST", "127.0.0.1"),
            "port": int(os.environ.get("TRACKER_DB_PORT", "5432")),
            "user": os.environ.get("TRACKER_DB_USER", "postgres"),
            "password": os.environ.get("TRACKER_DB_PASSWORD", "")}


class ScaledDeployment:
    """`rasa_servers` Rasa servers and two action servers behind nginx, over PostgreSQL + Redis."""

    def __init__(self, workdir: Path, rasa_servers: int = 2, model: Optional[Path] = None,
                 postgres: Optional[Dict[str, Any]] = None, redis_port: Optional[int] = None,
                 rate_limit_exempt: str = "127.0.0.1"):
        """`postgres` (host, port, user, password) and `redis_port` name private stores for a test
        that stops them (tests/production/private_stores.py); the machine's shared ones otherwise."""
        self.workdir, self.model = workdir, model
        self.postgres, self.redis_port = postgres or POSTGRES, redis_port
        # The tests' and benchmarks' load comes from 127.0.0.1 and stands for many people (as a
        # portal back end would): exempt from the per-client limits unless a test says otherwise.
        self.rate_limit_exempt = rate_limit_exempt
        self.rasa_ports = [free_port() for _ in range(rasa_servers)]
        self.action_ports = [free_port(), free_port()]
        self.public_port, self.action_lb_port = free_port(), free_port()
        self.token = secrets.token_hex(16)
        suffix = secrets.token_hex(4)
        self.database = f"loan_assistant_test_{suffix}"
        self.key_prefix = f"test{suffix}"
        self.process: Optional[subprocess.Popen] = None
        self.log = workdir / "run_scaled.out"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.public_port}"

    def env(self) -> Dict[str, str]:
        env = {**os.environ, "RASA_AUTH_TOKEN": self.token, "HOST": "127.0.0.1",
               "PUBLIC_PORT": str(self.public_port), "ACTION_LB_PORT": str(self.action_lb_port),
               "RASA_SERVERS": str(len(self.rasa_ports)), "RASA_PORTS": " ".join(map(str, self.rasa_ports)),
               "ACTION_SERVERS": "2", "ACTION_PORTS": " ".join(map(str, self.action_ports)),
               "RUN_DIR": str(self.workdir), "TRACKER_DB_NAME": self.database,
               "LOCK_STORE_KEY_PREFIX": self.key_prefix, "PYTHONHASHSEED": "0",
               "RASA_TELEMETRY_ENABLED": "false", "TRACKER_DB_HOST": self.postgres["host"],
               "TRACKER_DB_PORT": str(self.postgres["port"]), "TRACKER_DB_USER": self.postgres["user"],
               "TRACKER_DB_PASSWORD": self.postgres["password"], "RATE_LIMIT_EXEMPT": self.rate_limit_exempt}
        if self.redis_port:
            env["LOCK_STORE_PORT"] = str(self.redis_port)
        if self.model:
            env["MODEL"] = str(self.model)
        return env

    def start(self, seconds: float = 420) -> None:
        # Its own session, so a stuck start can be stopped as a group.
        self.process = subprocess.Popen(["bash", str(ROOT / "scripts" / "run_scaled.sh")], cwd=ROOT,
                                        env=self.env(), stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if "READY http" in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"run_scaled.sh exited with {self.process.returncode}:\n{self.output()}")
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the scaled deployment was not ready after {seconds} s:\n{self.output()}")

    def __enter__(self) -> "ScaledDeployment":
        """`with ScaledDeployment(...) as d:` started, and stopped however the block ends."""
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-6000:]

    def rasa_pid(self, number: int) -> int:
        return int((self.workdir / f"rasa-{number}.pid").read_text())

    def kill_rasa_server(self, number: int) -> None:
        """Kill without warning (SIGKILL): nothing is flushed, closed or handed over. Returns
        once the server's port is closed: a killed Rasa process (many TensorFlow threads) keeps
        its listening socket for a moment after its main thread is a zombie, and a message that
        lands in that moment is reset mid-request (nginx answers 502, as for any server dying
        while it answers). This test is about losing a server between two turns."""
        pid, port = self.rasa_pid(number), self.rasa_ports[number - 1]
        os.kill(pid, signal.SIGKILL)
        _wait_until_closed(port)

    def kill_action_server(self, number: int) -> None:
        pid, port = int((self.workdir / f"actions-{number}.pid").read_text()), self.action_ports[number - 1]
        os.kill(pid, signal.SIGKILL)
        _wait_until_closed(port)

    def upstreams_tried(self, path: str = "/webhooks/rest/webhook", expect: int = 0) -> List[List[str]]:
        """For each request to `path`, in order, the servers nginx tried (from its access log).
        nginx logs a request just after answering it: `expect` waits (a little) for that many."""
        deadline = time.monotonic() + 10
        while True:
            lines = [line for line in (self.workdir / "nginx-access.log").read_text().splitlines()
                     if f" {path}\"" in line]
            if len(lines) >= expect or time.monotonic() > deadline:
                return [re.search(r"upstream=(.*?) upstream_status", line).group(1).split(", ") for line in lines]
            time.sleep(0.1)

    def rollout(self, model: Path) -> subprocess.CompletedProcess:
        """`run_scaled.sh rollout MODEL`: new servers, nginx switched to them, old ones drained.
        Only the token and the run directory are given again, as an operator in a second
        terminal would: ports and stores come from the running deployment's state."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_DB_", "LOCK_STORE_"))}
        env.update({"RASA_AUTH_TOKEN": self.token, "RUN_DIR": str(self.workdir), "PYTHONHASHSEED": "0",
                    "RASA_TELEMETRY_ENABLED": "false"})
        for name in ("PUBLIC_PORT", "ACTION_LB_PORT", "RASA_PORTS", "ACTION_PORTS", "RASA_SERVERS", "HOST"):
            env.pop(name, None)
        return subprocess.run(["bash", str(ROOT / "scripts" / "run_scaled.sh"), "rollout", str(model)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=600)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the script stops its servers and nginx
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        drop_database(self.database, self.postgres)

    # --- what PostgreSQL holds -----------------------------------------------------------------
    def event_counts(self) -> Dict[str, Dict[str, int]]:
        """{sender_id: {event type: count}} for every conversation in the tracker store."""
        with connect(self.database, self.postgres) as conn, conn.cursor() as cur:
            cur.execute("SELECT sender_id, type_name, count(*) FROM events GROUP BY sender_id, type_name")
            counts: Dict[str, Dict[str, int]] = {}
            for sender, kind, n in cur.fetchall():
                counts.setdefault(sender, {})[kind] = n
        return counts


def _wait_until_closed(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while listening_addresses({port}):
        if time.monotonic() > deadline:
            raise RuntimeError(f"port {port} still open {seconds} s after killing its server")
        time.sleep(0.05)


def connect(database: str, settings: Dict[str, Any] = POSTGRES) -> Any:
    return psycopg2.connect(dbname=database, connect_timeout=10, **settings)


def drop_database(database: str, settings: Dict[str, Any] = POSTGRES) -> None:
    try:
        conn = connect("postgres", settings)
    except psycopg2.OperationalError:
        return
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
    conn.close()


# --- scripted conversations ---------------------------------------------------------------------
@dataclass(frozen=True)
class Script:
    """A conversation a user could have, and the assessment its last answer must carry."""
    name: str
    turns: Sequence[str]
    expected: Dict[str, Any]  # assessment fields the final `custom` answer must have


SCRIPTS: List[Script] = [
    Script("qplo", ["hi", "left my job 3/14, they offset the loan on June 30", "yes", "I'm 41", "about 12k",
                    "what is a qualified plan loan offset?", "what if I roll over half?", "thanks",
                    "so what does this mean for me?"],
           {"classification": "qualified_plan_loan_offset", "form_1099r_box7": "M1", "taxable_amount": "12000.00",
            "rollover_deadline": "2026-10-15"}),
    Script("deemed", ["hello", "I still work there but I missed my 401k loan payment that was due March 31",
                      "no, not yet", "I was born on May 5, 1980", "about 8k", "what does code L mean?",
                      "thanks", "so what does this mean for me?"],
           {"classification": "deemed_distribution", "event_date": "2025-06-30", "form_1099r_box7": "L1",
            "taxable_amount": "8000.00"}),
    Script("ordinary", ["hi there", "I left my job on 2024-03-14 and the plan offset my loan on 2025-06-30", "yes",
                        "I'm 45", "the balance was $9,000", "what's the 60 day rule about?", "thank you",
                        "what if I roll over half?", "so what does this mean for me?"],
           {"classification": "plan_loan_offset", "rollover_deadline": "2025-08-29", "form_1099r_box7": "1",
            "taxable_amount": "9000.00"}),
    Script("correction", ["hello", "I got laid off on March 14 and they offset my loan on June 30",
                          "yes", "I am 41", "owed about 12k", "actually I left on June 3rd",
                          "what if I roll over half?", "thanks", "what does this mean for me?", "bye"],
           {"classification": "qualified_plan_loan_offset", "qplo_window_end": "2026-06-03",
            "taxable_amount": "12000.00"}),
]


def final_assessment(replies: Sequence[Sequence[Dict[str, Any]]]) -> Optional[Dict[str, Any]]:
    """The assessment of the last answer that carried one."""
    for reply in reversed(replies):
        for message in reply:
            found = (message.get("custom") or {}).get("assessment")
            if found:
                return found
    return None


# iCalendar lines that differ on every answer by design (creation time, a unique id).
_VOLATILE_ICS_LINE = re.compile(r"^(DTSTAMP|UID)[;:].*$", re.MULTILINE)
# The summary link's parts that differ on every answer by design (a random token, its address
# and expiry); that a summary is offered, and its other fields, stay compared.
_VOLATILE_SUMMARY = {"token", "path", "url", "expires"}


def without_recipient(reply: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A reply as any user would see it: no recipient id, no per-answer calendar stamps or
    summary tokens."""
    return [_stable({k: v for k, v in message.items() if k != "recipient_id"}) for message in reply]


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (_summary_shape(v) if k == "summary" and isinstance(v, dict) else _stable(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    if isinstance(value, str) and "BEGIN:VCALENDAR" in value:
        return _VOLATILE_ICS_LINE.sub(r"\1:*", value)
    return value


def _summary_shape(summary: Dict[str, Any]) -> Dict[str, Any]:
    return {k: "*" if k in _VOLATILE_SUMMARY else _stable(v) for k, v in summary.items()}


@dataclass
class Conversation:
    sender: str
    script: Script
    replies: List[List[Dict[str, Any]]] = field(default_factory=list)
    latencies: List[float] = field(default_factory=list)
    error: Optional[str] = None
    resent: int = 0  # messages sent again after nginx closed an idle keep-alive connection


async def _play(session: aiohttp.ClientSession, url: str, conversation: Conversation) -> None:
    for turn, text in enumerate(conversation.script.turns):
        body: Dict[str, Any] = {"sender": conversation.sender, "message": text}
        if turn == 0:
            body["metadata"] = {"today": TODAY}
        started = time.perf_counter()
        try:
            try:
                payload = await _post(session, url, body)
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                # nginx closes idle keep-alive connections when it reloads (a rollout); a message
                # written into one just then never reached a server. Browsers resend in that
                # case; so does this client, once. The tests then check that nothing was doubled.
                conversation.resent += 1
                payload = await _post(session, url, body)
        except Exception as error:  # record, so one failure shows which turn of which conversation
            conversation.error = f"turn {turn} ({text!r}): {error!r}"
            return
        conversation.latencies.append(time.perf_counter() - started)
        conversation.replies.append(payload or [])


async def _post(session: aiohttp.ClientSession, url: str, body: Dict[str, Any]) -> Any:
    async with session.post(f"{url}/webhooks/rest/webhook", json=body) as response:
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {(await response.text())[:200]}")
        return await response.json(content_type=None)


async def drive_conversations(url: str, conversations: Sequence[Conversation]) -> float:
    """Plays all conversations at once (each one turn after another); returns the wall time."""
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        await asyncio.gather(*(_play(session, url, c) for c in conversations))
        return time.perf_counter() - started


def make_conversations(count: int, tag: str) -> List[Conversation]:
    return [Conversation(f"{tag}-{i:04d}-{SCRIPTS[i % len(SCRIPTS)].name}", SCRIPTS[i % len(SCRIPTS)])
            for i in range(count)]


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def listening_addresses(ports):
    """{port: [local address, ...]} of the TCP sockets in LISTEN state (from /proc/net)."""
    found = {}
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port = local.split(":")
            if state != "0A" or int(port, 16) not in ports:
                continue
            found.setdefault(int(port, 16), []).append(_address(address, width))
    return found


def _address(hex_address, width):
    raw = bytes.fromhex(hex_address)
    # /proc/net stores each 32-bit word in host (little-endian) order.
    raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(raw)) if width == 8 else str(ipaddress.IPv6Address(raw))


def fault_free_replies(url: str) -> Dict[str, List[List[Dict[str, Any]]]]:
    """Each script played alone, one turn at a time, with every server up: the answers a fault
    must not change (without recipient ids and per-answer stamps), by script name."""
    conversations = [Conversation(f"reference-{s.name}", s) for s in SCRIPTS]
    for c in conversations:
        asyncio.run(drive_conversations(url, [c]))
        assert c.error is None, c.error
    return {c.script.name: [without_recipient(r) for r in c.replies] for c in conversations}
