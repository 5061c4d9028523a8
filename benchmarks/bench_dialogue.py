"""Our Rasa bot against the stock `rasa init` bot, side by side, on this machine.

Not a test: prints figures. Run (about 6-7 minutes on 2 cores; `--skip-stock` about 1.5):

    .venv/bin/python benchmarks/bench_dialogue.py [--json [PATH]] [--skip-stock] [--repeats N]

For each bot it measures
  * training time: a fresh `rasa train --force` with its own empty cache directory
    (RASA_CACHE_DIRECTORY), so nothing is reused from an earlier training;
  * start time: from spawning the server until its REST webhook answers a first message
    (the action server is started first; its own start, until /health answers, is shown apart);
  * resident memory (VmRSS from /proc, process and its children) of the Rasa server and of the
    action server, separately and summed, after all the traffic below;
  * per-turn latency (HTTP round trip of POST /webhooks/rest/webhook) over scripted multi-turn
    conversations sent one message at a time, after a warm-up;
  * throughput: 16 client coroutines, each running whole conversations under unique sender ids,
    until a total number of turns is reached (or a time limit): msgs/s and latency under load.
The latency and load passes run `--repeats` times on the same servers; figures are the median
over the repeats. Training and start are measured once per run (repeat the run for medians).

Rows: ours with the SQLite tracker store exactly as shipped (endpoints.yml), ours with the
in-memory tracker store (same model, endpoints without tracker_store; `--no-memory-row` skips
it), the stock bot as `rasa init` makes it (in-memory tracker store) with the trivial action path
below, and, for information, the stock bot with no action server at all (`rasa init`'s own
model and endpoints; `--no-plain-stock-row` skips it). Ratios ours/stock are taken on the SQLite
row against the stock bot with the action path and checked against the targets; the other
ratios are printed for information.

Action-server hops: the stock project's actions file is all comments, so the benchmark gives it
a trivial actions package with two custom actions doing nothing: `action_session_start` (one
call at each conversation's start; ours overrides it too) and `action_validate_slot_mappings`
(Rasa calls it after every user message, from action_extract_slots). So each stock turn makes
at least one HTTP call to its action server. Ours makes none on some turns (greetings, thanks)
and several on others (form validation, ask actions, answers). The calls are counted (the action
server logs `rasa_sdk.executor` at DEBUG to a file, the same for both bots) and shown as calls
per turn, with the time spent inside the action executor.

All traffic goes to 127.0.0.1; telemetry is switched off (RASA_TELEMETRY_ENABLED=false) in every
Rasa process. Servers run in their own process groups; they, and the temporary directory, are
removed on exit, on errors and on Ctrl-C / SIGTERM.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import aiohttp
from bench_support import ProcessGroups, run_benchmark, tail, write_json  # benchmarks/, the script's folder

ROOT = Path(__file__).resolve().parents[1]
RASA = ROOT / ".venv" / "bin" / "rasa"
TODAY = "2025-11-01"
OUR_ACTIONS = "actions.actions"
CONCURRENCY = 16
TARGETS = {  # name: (comparison, bound)
    "per-turn p50": ("<=", 0.4),
    "start": ("<=", 0.3),
    "memory": ("<=", 0.55),
    "training": ("<=", 0.25),
    "throughput": (">=", 2.5),
}

# Scripted conversations (from tests/e2e/test_conversations.py). Lengths 6,5,5,4,4,6,5,4.
OURS_CONVERSATIONS: List[Tuple[str, List[str]]] = [
    ("default", ["I still work there but I missed my 401k loan payment that was due March 31", "no, not yet",
                 "I was born on May 5, 1980", "about 8k", "thanks", "bye"]),
    ("qplo", ["left my job 3/14, they offset the loan on June 30, I'm 41, owed about 12k", "yes",
              "what if I roll over half?", "thanks", "goodbye"]),
    ("correct", ["I got laid off on March 14 and they offset my loan on June 30, I am 41 and owed about 12k",
                 "yes", "actually I left on June 3rd", "what if I roll over half?", "so what does this mean for me?"]),
    ("ordinary", ["I left my job on 2024-03-14 and the plan offset my loan on 2025-06-30", "yes", "I'm 45",
                  "the balance was $9,000"]),
    ("termination", ["my employer terminated the 401k plan and offset my loan on September 1st. I still work there",
                     "yes", "I'm 62", "it was 5k"]),
    ("faq", ["hello", "what does code 1M on my 1099-R mean?", "what is a qualified plan loan offset?",
             "what's the 60 day rule about?", "thanks", "bye"]),
    ("talk", ["hello", "am I talking to a real person?", "I left my job in May", "start over", "hi"]),
    ("bad", ["I left my job on February 30, 2025", "I'm 300 years old", "asdfgh qwerty zxcv", "March 3rd"]),
]
# The stock bot's own stories and rules (greet, moods, did that help, bot challenge, goodbye),
# with the same number of turns per conversation as ours, conversation by conversation.
STOCK_CONVERSATIONS: List[Tuple[str, List[str]]] = [
    ("sad-yes", ["hey", "I am sad", "yes", "are you a bot?", "perfect", "bye"]),
    ("happy", ["hello", "amazing", "am I talking to a bot?", "great", "goodbye"]),
    ("sad-no", ["good morning", "very sad", "no", "hi", "bye"]),
    ("happy-short", ["hi", "I am great", "are you a human?", "bye"]),
    ("sad-short", ["hey there", "unhappy", "yes", "see you later"]),
    ("horrible", ["good evening", "my day was horrible", "of course", "are you a bot?", "wonderful", "goodbye"]),
    ("sad-never", ["hello", "super sad", "never", "hey", "bye"]),
    ("king", ["hi", "feeling like a king", "am I talking to a human?", "see you around"]),
]
# Turns whose right answer is no message at all ("start over" runs action_restart, which says
# nothing): not counted as empty replies.
SILENT_TURNS = {"start over"}
assert [len(t) for _, t in OURS_CONVERSATIONS] == [len(t) for _, t in STOCK_CONVERSATIONS]

STOCK_ACTIONS = '''\
"""Trivial custom actions added by benchmarks/bench_dialogue.py, so that the stock bot calls its
action server on every turn: two hooks Rasa calls by itself, doing nothing."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted
from rasa_sdk.executor import CollectingDispatcher


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SessionStarted(), ActionExecuted("action_listen")]


class ValidateSlotMappings(Action):
    """Called by Rasa's action_extract_slots after every user message."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return []
'''

HOP_LOGGING = """\
version: 1
disable_existing_loggers: false
formatters:
  plain: {{format: "%(created).6f %(message)s"}}
handlers:
  hops: {{class: logging.FileHandler, filename: "{path}", formatter: plain, level: DEBUG}}
loggers:
  rasa_sdk.executor: {{level: DEBUG, handlers: [hops], propagate: false}}
"""


PROJECT_FILES = ("config.yml", "domain.yml", "endpoints.yml", "credentials.yml", "data", "actions", "rules_core")


def project_fingerprint() -> Dict[str, Optional[str]]:
    """The git commit and a hash of every file that shapes our bot, to notice a project that
    changed while the benchmark ran (it reads the files at several moments)."""
    digest = hashlib.sha256()
    for name in PROJECT_FILES:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes() + b"\0")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.TimeoutExpired):
        commit = None
    return {"commit": commit, "files_sha256": digest.hexdigest()[:16]}


# ---------------------------------------------------------------------------------------------
# processes and cleanup

CLEANUP = ProcessGroups()


def rasa_env(**extra: str) -> Dict[str, str]:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1",
           "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "2"}
    env.pop("RASA_DEBUG", None)
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_bytes(pid: int) -> int:
    """VmRSS of a process and all its descendants (0 when gone)."""
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def wait_health(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout:.0f} s:\n{tail(log)}")


def wait_webhook(url: str, process: subprocess.Popen, log: Path, timeout: float, body: Dict[str, Any]) -> None:
    """Polls until the REST webhook answers a real message with 200 and a non-empty reply."""
    deadline = time.monotonic() + timeout
    data = json.dumps(body).encode()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"rasa server exited with {process.returncode}:\n{tail(log)}")
        request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=max(1.0, deadline - time.monotonic())) as response:
                reply = json.loads(response.read() or b"null")
            if isinstance(reply, list) and reply:
                return
            raise RuntimeError(f"the webhook answered {reply!r} to the first message:\n{tail(log)}")
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} not answering after {timeout:.0f} s:\n{tail(log)}")


# ---------------------------------------------------------------------------------------------
# traffic

def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(latencies: List[float]) -> Dict[str, float]:
    return {"p50_ms": percentile(latencies, 0.50) * 1000, "p95_ms": percentile(latencies, 0.95) * 1000,
            "p99_ms": percentile(latencies, 0.99) * 1000, "mean_ms": statistics.fmean(latencies) * 1000,
            "turns": len(latencies)}


class Client:
    def __init__(self, session: aiohttp.ClientSession, url: str, today: Optional[str]) -> None:
        self.session, self.url, self.today = session, url, today
        self.errors = 0
        self.empty = 0
        self.turns = 0

    async def say(self, sender: str, text: str) -> float:
        body: Dict[str, Any] = {"sender": sender, "message": text}
        if self.today:
            body["metadata"] = {"today": self.today}
        start = time.perf_counter()
        try:
            async with self.session.post(self.url, json=body) as response:
                payload = await response.read()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError):
            self.errors += 1
            self.turns += 1
            return time.perf_counter() - start
        elapsed = time.perf_counter() - start
        self.turns += 1
        if status != 200:
            self.errors += 1
        else:
            try:
                if not json.loads(payload or b"null") and text not in SILENT_TURNS:
                    self.empty += 1
            except ValueError:
                self.errors += 1
        return elapsed


def timeout() -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(total=60)


async def sequential(url: str, conversations, today, min_turns: int, tag: str) -> Dict[str, Any]:
    latencies: List[float] = []
    async with aiohttp.ClientSession(timeout=timeout(), connector=aiohttp.TCPConnector(limit=1)) as session:
        client = Client(session, url, today)
        round_ = 0
        while len(latencies) < min_turns and round_ < 100:
            for name, turns in conversations:
                sender = f"{tag}-r{round_}-{name}"
                for text in turns:
                    latencies.append(await client.say(sender, text))
            round_ += 1
    return {**summary(latencies), "errors": client.errors, "empty_replies": client.empty}


async def concurrent(url: str, conversations, today, total_turns: int, seconds: float, tag: str) -> Dict[str, Any]:
    latencies: List[float] = []
    state = {"started": 0}
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(timeout=timeout(), connector=connector) as session:
        client = Client(session, url, today)

        async def worker(index: int) -> None:
            n = 0
            while True:
                name, turns = conversations[(index + n) % len(conversations)]
                sender = f"{tag}-w{index}-c{n}-{name}"
                for text in turns:
                    if state["started"] >= total_turns or time.monotonic() >= deadline:
                        return
                    state["started"] += 1
                    latencies.append(await client.say(sender, text))
                n += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(CONCURRENCY)))
        wall = time.perf_counter() - start
    return {**summary(latencies), "msgs_per_s": len(latencies) / wall, "wall_s": wall,
            "errors": client.errors, "empty_replies": client.empty, "clients": CONCURRENCY,
            "hit_time_limit": len(latencies) < total_turns}


def median_of(passes: List[Dict[str, Any]]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in passes[0].items():
        if isinstance(value, bool):
            out[key] = any(p[key] for p in passes)
        elif key in ("errors", "empty_replies", "turns"):
            out[key] = sum(p[key] for p in passes)
        elif isinstance(value, (int, float)):
            out[key] = statistics.median(p[key] for p in passes)
        else:
            out[key] = value
    return out


def count_hops(log: Path) -> Dict[str, int]:
    hops: Dict[str, int] = {}
    if log.exists():
        for line in log.read_text(errors="replace").splitlines():
            if " Received request to run '" in line:
                name = line.split("'")[1]
                hops[name] = hops.get(name, 0) + 1
    return hops


def executor_times(log: Path, segments: List[Tuple[int, int]]) -> Dict[str, Dict[str, float]]:
    """Time inside the action server's executor (from "Received request" to "Finished running"),
    per action, over the given byte ranges of the hop log (the sequential passes, where calls
    do not overlap)."""
    times: Dict[str, List[float]] = {}
    with log.open("rb") as f:
        for begin, end in segments:
            f.seek(begin)
            pending: Dict[str, float] = {}
            for raw in f.read(end - begin).decode(errors="replace").splitlines():
                stamp, _, message = raw.partition(" ")
                if "'" not in message:
                    continue
                name = message.split("'")[1]
                if message.startswith("Received request to run"):
                    pending[name] = float(stamp)
                elif message.startswith("Finished running") and name in pending:
                    times.setdefault(name, []).append(float(stamp) - pending.pop(name))
    return {name: {"calls": len(v), "mean_ms": statistics.fmean(v) * 1000, "total_ms": sum(v) * 1000}
            for name, v in times.items()}


# ---------------------------------------------------------------------------------------------
# one bot

class Bot:
    def __init__(self, label: str, workdir: Path, project: Path, model: Path, actions_module: str,
                 endpoints: Path, credentials: Path, conversations, today: Optional[str],
                 extra_env: Dict[str, str], tracker_db: Optional[Path] = None) -> None:
        self.label, self.workdir, self.project, self.model = label, workdir, project, model
        self.actions_module, self.endpoints, self.credentials = actions_module, endpoints, credentials
        self.conversations, self.today, self.tracker_db = conversations, today, tracker_db
        self.action_port, self.rasa_port = free_port(), free_port()
        self.env = rasa_env(ACTION_ENDPOINT_URL=f"http://127.0.0.1:{self.action_port}/webhook",
                            **({"TRACKER_DB": str(tracker_db)} if tracker_db else {}), **extra_env)
        self.hop_log = workdir / "hops.log"
        self.processes: Dict[str, subprocess.Popen] = {}

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    def body(self, sender: str, text: str) -> Dict[str, Any]:
        body: Dict[str, Any] = {"sender": sender, "message": text}
        if self.today:
            body["metadata"] = {"today": self.today}
        return body

    def start(self, timeout: float) -> Dict[str, Optional[float]]:
        self.hop_log.touch()
        actions_s = None
        if self.actions_module:  # None: a bot without an action server
            logging_config = self.workdir / "hop_logging.yml"
            logging_config.write_text(HOP_LOGGING.format(path=self.hop_log))
            log = self.workdir / "actions.log"
            t0 = time.perf_counter()
            if self.actions_module == OUR_ACTIONS:  # ours: started as scripts/run.sh starts it
                command = ["bash", ROOT / "scripts" / "action_server.sh", str(self.action_port),
                           "--logging-config_file", logging_config]
            else:  # the stock project's way: `rasa run actions`
                command = [RASA, "run", "actions", "--actions", self.actions_module, "--port", str(self.action_port),
                           "--logging-config-file", logging_config]
            self.processes["actions"] = CLEANUP.spawn(command, self.project, self.env, log)
            wait_health(f"http://127.0.0.1:{self.action_port}/health", self.processes["actions"], log, 120)
            actions_s = time.perf_counter() - t0
        log = self.workdir / "rasa.log"
        t0 = time.perf_counter()
        self.processes["rasa"] = CLEANUP.spawn(
            [RASA, "run", "-i", "127.0.0.1", "-p", str(self.rasa_port), "--model", self.model,
             "--endpoints", self.endpoints, "--credentials", self.credentials], self.project, self.env, log)
        first_turn = self.conversations[0][1][0]
        wait_webhook(self.webhook, self.processes["rasa"], log, timeout, self.body("bench-start-probe", first_turn))
        rasa_s = time.perf_counter() - t0
        return {"actions_s": actions_s, "rasa_s": rasa_s}

    def memory(self) -> Dict[str, Optional[float]]:
        rasa = rss_bytes(self.processes["rasa"].pid) / 2**20
        if "actions" not in self.processes:
            return {"rasa_mib": rasa, "actions_mib": None, "total_mib": rasa}
        actions = rss_bytes(self.processes["actions"].pid) / 2**20
        return {"rasa_mib": rasa, "actions_mib": actions, "total_mib": rasa + actions}

    def stop(self) -> None:
        for name in ("rasa", "actions"):
            process = self.processes.pop(name, None)
            if process:
                CLEANUP.stop(process)

    def sqlite_events(self) -> Optional[int]:
        if not self.tracker_db:
            return None
        if not self.tracker_db.exists():
            return 0
        with sqlite3.connect(self.tracker_db) as db:
            return db.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def measure(bot: Bot, args, training_s: Optional[float]) -> Dict[str, Any]:
    print(f"[{bot.label}] starting {'the action server and ' if bot.actions_module else ''}the Rasa server ...",
          flush=True)
    result: Dict[str, Any] = {"label": bot.label, "training_s": training_s,
                              "load_before": os.getloadavg()[0]}
    try:
        result["start"] = bot.start(args.start_timeout)
        print(f"[{bot.label}] up: actions {fmt(result['start']['actions_s'])} s, "
              f"rasa {result['start']['rasa_s']:.1f} s; warming up", flush=True)

        segments: List[Tuple[int, int]] = []

        async def traffic() -> None:
            # warm-up: one pass over every conversation, not measured
            await sequential(bot.webhook, bot.conversations, bot.today, 1, "warm")
            seq, conc = [], []
            for rep in range(args.repeats):
                begin = bot.hop_log.stat().st_size
                seq.append(await sequential(bot.webhook, bot.conversations, bot.today, args.seq_turns, f"seq{rep}"))
                segments.append((begin, bot.hop_log.stat().st_size))
                conc.append(await concurrent(bot.webhook, bot.conversations, bot.today, args.load_turns,
                                             args.load_seconds, f"load{rep}"))
                print(f"[{bot.label}] repeat {rep + 1}/{args.repeats}: sequential p50 {seq[-1]['p50_ms']:.1f} ms, "
                      f"load {conc[-1]['msgs_per_s']:.1f} msgs/s", flush=True)
            result["sequential"], result["load"] = median_of(seq), median_of(conc)
            result["sequential_passes"], result["load_passes"] = seq, conc

        asyncio.run(traffic())
        result["memory"] = bot.memory()
        hops = count_hops(bot.hop_log)
        # every message this server got: start probe, warm-up, sequential and load passes
        sent = 1 + sum(len(t) for _, t in bot.conversations) + result["sequential"]["turns"] + result["load"]["turns"]
        result["hops"] = {"by_action": hops, "total": sum(hops.values()), "turns_sent": sent,
                          "per_turn": sum(hops.values()) / sent}
        inside = executor_times(bot.hop_log, segments)
        result["action_executor_sequential"] = {
            "by_action": inside,
            "ms_per_turn": sum(v["total_ms"] for v in inside.values()) / result["sequential"]["turns"]}
        result["sqlite_events"] = bot.sqlite_events()
        result["load_after"] = os.getloadavg()[0]
    finally:
        bot.stop()
    return result


# ---------------------------------------------------------------------------------------------
# the two projects

def prepare_ours(tmp: Path, args) -> Tuple[Path, float]:
    project = tmp / "ours"
    project.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "data", project / "data")
    print("[ours] training (fresh: --force, empty cache) ...", flush=True)
    env = rasa_env(RASA_CACHE_DIRECTORY=str(tmp / "cache-ours"), PYTHONPATH=str(ROOT))
    seconds = CLEANUP.run_timed([RASA, "train", "--force", "--config", "config.yml", "--domain", "domain.yml",
                         "--data", "data", "--out", project / "models", "--fixed-model-name", "ours"],
                        project, env, tmp / "train-ours.log", args.train_timeout)
    print(f"[ours] trained in {seconds:.1f} s", flush=True)
    return project / "models" / "ours.tar.gz", seconds


def prepare_stock(tmp: Path, args) -> Tuple[Path, Path, float, float, Path, Path]:
    project = tmp / "stock"
    project.mkdir()
    print("[stock] rasa init --no-prompt (it trains once itself; not counted) ...", flush=True)
    init_s = CLEANUP.run_timed([RASA, "init", "--no-prompt", "--init-dir", project], tmp,
                       rasa_env(RASA_CACHE_DIRECTORY=str(tmp / "cache-init")), tmp / "init-stock.log",
                       args.train_timeout)
    # `rasa init`'s own model and endpoints, untouched: the row without an action server
    init_model = max((project / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    plain_endpoints = tmp / "stock-endpoints-as-init.yml"
    shutil.copy2(project / "endpoints.yml", plain_endpoints)
    # the trivial action path: an actions module and the two hooks listed in the domain
    (project / "actions" / "actions.py").write_text(STOCK_ACTIONS)
    with (project / "domain.yml").open("a") as f:
        f.write("\nactions:\n  - action_session_start\n  - action_validate_slot_mappings\n")
    with (project / "endpoints.yml").open("a") as f:
        f.write("\naction_endpoint:\n  url: ${ACTION_ENDPOINT_URL}\n")
    print(f"[stock] init took {init_s:.1f} s; retraining (--force, empty cache) ...", flush=True)
    env = rasa_env(RASA_CACHE_DIRECTORY=str(tmp / "cache-stock"))
    seconds = CLEANUP.run_timed([RASA, "train", "--force", "--out", project / "models", "--fixed-model-name", "stock"],
                        project, env, tmp / "train-stock.log", args.train_timeout)
    print(f"[stock] trained in {seconds:.1f} s", flush=True)
    return project, project / "models" / "stock.tar.gz", seconds, init_s, init_model, plain_endpoints


# ---------------------------------------------------------------------------------------------
# report

def fmt(value: Optional[float], spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def print_table(rows: List[Dict[str, Any]]) -> None:
    lines = [
        ("training (s)", lambda r: fmt(r["training_s"])),
        ("start: rasa server until webhook answers (s)", lambda r: fmt(r["start"]["rasa_s"])),
        ("start: action server until /health (s)", lambda r: fmt(r["start"]["actions_s"])),
        ("RSS rasa server (MiB)", lambda r: fmt(r["memory"]["rasa_mib"], ".0f")),
        ("RSS action server (MiB)", lambda r: fmt(r["memory"]["actions_mib"], ".0f")),
        ("RSS total (MiB)", lambda r: fmt(r["memory"]["total_mib"], ".0f")),
        ("sequential turns (all passes)", lambda r: str(r["sequential"]["turns"])),
        ("per-turn p50 (ms)", lambda r: fmt(r["sequential"]["p50_ms"])),
        ("per-turn p95 (ms)", lambda r: fmt(r["sequential"]["p95_ms"])),
        ("per-turn p99 (ms)", lambda r: fmt(r["sequential"]["p99_ms"])),
        (f"load turns, {CONCURRENCY} clients (all passes)", lambda r: str(r["load"]["turns"])),
        ("load: throughput (msgs/s)", lambda r: fmt(r["load"]["msgs_per_s"])),
        ("load: p50 (ms)", lambda r: fmt(r["load"]["p50_ms"])),
        ("load: p95 (ms)", lambda r: fmt(r["load"]["p95_ms"])),
        ("load: p99 (ms)", lambda r: fmt(r["load"]["p99_ms"])),
        ("action-server calls per turn", lambda r: fmt(r["hops"]["per_turn"], ".2f")),
        ("ms per turn inside action executor (sequential)",
         lambda r: fmt(r["action_executor_sequential"]["ms_per_turn"])),
        ("errors / empty replies", lambda r: f"{r['sequential']['errors'] + r['load']['errors']} / "
                                             f"{r['sequential']['empty_replies'] + r['load']['empty_replies']}"),
        ("1-min load average before / after", lambda r: f"{r['load_before']:.1f} / {r['load_after']:.1f}"),
    ]
    width = max(len(name) for name, _ in lines)
    cols = [max(14, len(r["label"])) for r in rows]
    print()
    print(" " * width + " | " + " | ".join(r["label"].rjust(c) for r, c in zip(rows, cols)))
    print("-" * width + "-+-" + "-+-".join("-" * c for c in cols))
    for name, get in lines:
        print(name.ljust(width) + " | " + " | ".join(get(r).rjust(c) for r, c in zip(rows, cols)))


def ratios(ours: Dict[str, Any], stock: Dict[str, Any],
           training_from: Optional[Dict[str, Any]] = None) -> Dict[str, float]:
    return {
        "per-turn p50": ours["sequential"]["p50_ms"] / stock["sequential"]["p50_ms"],
        "start": ours["start"]["rasa_s"] / stock["start"]["rasa_s"],
        "memory": ours["memory"]["total_mib"] / stock["memory"]["total_mib"],
        "training": ours["training_s"] / (training_from or stock)["training_s"],
        "throughput": ours["load"]["msgs_per_s"] / stock["load"]["msgs_per_s"],
    }


def print_checks(title: str, values: Dict[str, float], informative: bool = False) -> Dict[str, bool]:
    print(f"\n{title}")
    verdicts = {}
    for name, (op, bound) in TARGETS.items():
        value = values[name]
        ok = value <= bound if op == "<=" else value >= bound
        verdicts[name] = ok
        word = ("ok " if ok else "no ") if informative else ("PASS" if ok else "MISS")
        print(f"  {word}  {name:<13} ours/stock = {value:6.3f}   target {op} {bound}")
    return verdicts


# ---------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", nargs="?", const="-", metavar="PATH",
                        help="also dump all numbers as JSON (to PATH, or stdout when no PATH)")
    parser.add_argument("--skip-stock", action="store_true", help="measure our bot only (no ratios)")
    parser.add_argument("--no-memory-row", action="store_true", help="skip ours with the in-memory tracker store")
    parser.add_argument("--no-plain-stock-row", action="store_true",
                        help="skip the stock bot without an action server (rasa init's own model)")
    parser.add_argument("--repeats", type=int, default=3, help="latency and load passes per server (median)")
    parser.add_argument("--seq-turns", type=int, default=60, help="minimum measured sequential turns per pass")
    parser.add_argument("--load-turns", type=int, default=320, help="turns per load pass (all clients)")
    parser.add_argument("--load-seconds", type=float, default=90, help="time limit of one load pass")
    parser.add_argument("--start-timeout", type=float, default=300)
    parser.add_argument("--train-timeout", type=float, default=900)
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory (logs, models)")
    args = parser.parse_args()
    if not RASA.exists():
        sys.exit(f"{RASA} not found: set up the venv first (make setup)")
    args.repeats = max(1, min(args.repeats, 10))
    args.seq_turns = max(1, min(args.seq_turns, 5000))
    args.load_turns = max(CONCURRENCY, min(args.load_turns, 20000))
    args.load_seconds = max(5.0, min(args.load_seconds, 600.0))

    began = time.perf_counter()
    rows: List[Dict[str, Any]] = []
    report: Dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "loadavg_start": os.getloadavg()},
                              "settings": {k: v for k, v in vars(args).items() if k != "json"},
                              "today_metadata": TODAY}

    def measure_everything(tmp: Path) -> int:
        report["project_at_start"] = project_fingerprint()
        print(f"work dir {tmp}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; project at "
              f"{report['project_at_start']['commit']}, files {report['project_at_start']['files_sha256']}", flush=True)
        model, ours_train = prepare_ours(tmp, args)
        (tmp / "run-sqlite").mkdir()
        ours = Bot("ours (SQLite)", tmp / "run-sqlite", tmp / "ours", model, OUR_ACTIONS,
                   ROOT / "endpoints.yml", ROOT / "credentials.yml", OURS_CONVERSATIONS, TODAY,
                   {"PYTHONPATH": str(ROOT)}, tracker_db=tmp / "run-sqlite" / "tracker.db")
        rows.append(measure(ours, args, ours_train))
        if not rows[-1]["sqlite_events"]:
            raise RuntimeError("the SQLite tracker store holds no events: the store did not work")
        if not args.no_memory_row:
            (tmp / "run-memory").mkdir()
            endpoints = tmp / "run-memory" / "endpoints-memory.yml"
            endpoints.write_text("action_endpoint:\n  url: ${ACTION_ENDPOINT_URL}\n")
            ours_mem = Bot("ours (memory)", tmp / "run-memory", tmp / "ours", model, OUR_ACTIONS,
                           endpoints, ROOT / "credentials.yml", OURS_CONVERSATIONS, TODAY,
                           {"PYTHONPATH": str(ROOT)})
            rows.append(measure(ours_mem, args, ours_train))
        if not args.skip_stock:
            project, stock_model, stock_train, init_s, init_model, plain_endpoints = prepare_stock(tmp, args)
            report["stock_init_s"] = init_s
            (tmp / "run-stock").mkdir()
            stock = Bot("stock (memory)", tmp / "run-stock", project, stock_model, "actions",
                        project / "endpoints.yml", project / "credentials.yml", STOCK_CONVERSATIONS, None, {})
            rows.append(measure(stock, args, stock_train))
            if not rows[-1]["hops"]["by_action"].get("action_validate_slot_mappings"):
                raise RuntimeError("the stock bot never called its action server")
            stock_row = rows[-1]
            if not args.no_plain_stock_row:
                (tmp / "run-stock-plain").mkdir()
                plain = Bot("stock, no act. srv", tmp / "run-stock-plain", project, init_model, None,
                            plain_endpoints, project / "credentials.yml", STOCK_CONVERSATIONS, None, {})
                rows.append(measure(plain, args, None))

        print_table(rows)
        report["rows"] = rows
        if not args.skip_stock:
            primary = ratios(rows[0], stock_row)
            report["ratios_sqlite"] = primary
            report["verdicts"] = print_checks(
                "Targets, ours (SQLite tracker store, as shipped) / stock (in-memory, as `rasa init` makes it):",
                primary)
            if not args.no_memory_row:
                secondary = ratios(rows[1], stock_row)
                report["ratios_memory"] = secondary
                print_checks("For information, ours (in-memory tracker store) / stock:", secondary, informative=True)
            if not args.no_plain_stock_row:
                plain_ratios = ratios(rows[0], rows[-1], training_from=stock_row)
                report["ratios_sqlite_vs_stock_without_action_server"] = plain_ratios
                print_checks("For information, ours (SQLite) / stock without any action server (`rasa init`'s own "
                             "model; training: the retrained stock's):", plain_ratios, informative=True)
        elapsed = time.perf_counter() - began
        report["elapsed_s"] = elapsed
        report["project_at_end"] = project_fingerprint()
        if report["project_at_end"]["files_sha256"] != report["project_at_start"]["files_sha256"]:
            print(f"\nWARNING: the bot's files changed during the run ({report['project_at_start']} -> "
                  f"{report['project_at_end']}): rows may mix versions; run again.")
        print(f"\nlatency and load figures: median of {args.repeats} passes each; training and start: one "
              f"measurement per run. Whole run {elapsed / 60:.1f} min.")
        write_json(report, args.json)
        return 0

    return run_benchmark("bench_dialogue_", args.keep_tmp, CLEANUP, measure_everything)


if __name__ == "__main__":
    sys.exit(main())
