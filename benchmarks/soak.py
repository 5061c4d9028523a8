"""A long run: steady mixed traffic for many minutes, with latency, resident memory and errors
per minute.

Not a test: prints figures (and a verdict). Run:

    .venv/bin/python benchmarks/soak.py                      # scaled 30 min, then embedded 10 min
    .venv/bin/python benchmarks/soak.py --shape embedded --minutes 10 --warmup 3
    .venv/bin/python benchmarks/soak.py --json soak.json     # also write every figure

Shapes: `scaled` is scripts/run_scaled.sh (two Rasa servers, two action servers, nginx,
PostgreSQL, Redis; its own database, dropped afterwards); `embedded` is scripts/run.sh (one Rasa
server with its SQLite tracker store, one action server, the widget's demo page server).

Traffic: `--users` simulated people at once (default 8), each with a source address of its own
on the loopback network (127.0.1.N, so each is held to the per-client limits of
actions/rate_limit.py and nginx on its own; 127.0.0.1, where the reference pass comes from, is
exempt), each playing whole conversations one after another: the
four scripted conversations of tests/production/scaled_support.py (stories told in pieces, the
form's questions, general questions, what-ifs, a correction, small talk), each under a new
sender id, with a pause of 0.5-2 s between turns as a person typing. Every fifth conversation
also sends a malformed body (which must get a 400) and asks the channel's health route.

An error is any of: no answer (connection error or a 300 s timeout), an HTTP status other
than the expected one, a reply that differs from the same script's reply in the reference
pass played before the clock starts, or a final assessment without the script's expected
fields.

Memory: VmRSS (from /proc) of every server the shape's script starts (each process with its
children), sampled every 10 s; a minute's figure is the median of its samples. Growth is the
last minute against the first minute after the warm-up (`--warmup` minutes, default 5 for the
scaled shape and 3 for the embedded one). The verdict asks for growth under 5% in every
process and no error.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_support import write_json  # noqa: E402
from tests.production.scaled_support import (SCRIPTS, TODAY, Conversation, ScaledDeployment,  # noqa: E402
                                             drive_conversations, final_assessment, percentile,
                                             without_recipient)
from tests.rasa_support import free_port, trained_model  # noqa: E402

GROWTH_LIMIT = 0.05
SAMPLE_SECONDS = 10
THINK_SECONDS = (0.5, 2.0)
TURN_TIMEOUT = 300


# --- resident memory of a process tree ---------------------------------------------------------
def _processes() -> Dict[int, Tuple[int, str]]:
    """{pid: (parent pid, command line)} of every process we can read."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        found[int(entry)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline.strip())
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def role(cmdline: str) -> Optional[str]:
    """A server's name from its command line; None for anything else (shells, sleep, curl)."""
    port = re.search(r"(?:-p|--port) (\d+)", cmdline)
    if "rasa run" in cmdline and " actions" not in cmdline:
        return f"rasa:{port.group(1) if port else '?'}"
    if "rasa_sdk" in cmdline:
        return f"actions:{port.group(1) if port else '?'}"
    if cmdline.startswith("nginx") or "/nginx " in cmdline:
        return "nginx"
    if "widget/serve.py" in cmdline:
        return "widget"
    return None


def servers_rss(top: int) -> Dict[str, int]:
    """{server name: KiB} for every server among the descendants of `top` (each server with its
    own children, e.g. nginx's master and worker)."""
    table = _processes()
    children: Dict[int, List[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: Dict[str, int] = {}
    todo = list(children.get(top, []))
    while todo:
        pid = todo.pop()
        name = role(table[pid][1])
        if name is None:
            todo.extend(children.get(pid, []))
            continue
        tree, total = [pid], 0
        while tree:
            current = tree.pop()
            total += _rss_kib(current)
            tree.extend(children.get(current, []))
        found[name] = found.get(name, 0) + total
    return found


# --- the traffic -------------------------------------------------------------------------------
@dataclass
class Minute:
    latencies: List[float] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    conversations: int = 0
    rss: Dict[str, List[int]] = field(default_factory=dict)  # samples, KiB


class Soak:
    def __init__(self, url: str, top_pid: int, minutes: int, users: int, reference: Dict[str, Any], seed: int,
                 spread_addresses: bool):
        self.url, self.top_pid, self.users, self.reference = url, top_pid, users, reference
        self.minutes = [Minute() for _ in range(minutes)]
        self.rng = random.Random(seed)
        self.spread_addresses = spread_addresses
        self.started = 0.0
        self.deadline = 0.0

    def minute(self) -> Optional[Minute]:
        index = int((time.monotonic() - self.started) // 60)
        return self.minutes[index] if 0 <= index < len(self.minutes) else None

    def error(self, text: str) -> None:
        minute = self.minute() or self.minutes[-1]
        minute.errors.append(text)
        if sum(len(m.errors) for m in self.minutes) <= 20:
            print(f"  error: {text}", flush=True)

    async def run(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + 60 * len(self.minutes)
        await asyncio.gather(self._sample_memory(), *(self._user(k) for k in range(self.users)))

    async def _sample_memory(self) -> None:
        last_reported = -1
        while time.monotonic() < self.deadline:
            minute = self.minute()
            if minute is not None:
                for name, kib in servers_rss(self.top_pid).items():
                    minute.rss.setdefault(name, []).append(kib)
            index = int((time.monotonic() - self.started) // 60)
            if index - 1 > last_reported:
                last_reported = index - 1
                print(minute_line(last_reported, self.minutes[last_reported]), flush=True)
            await asyncio.sleep(SAMPLE_SECONDS)
        print(minute_line(len(self.minutes) - 1, self.minutes[-1]), flush=True)

    async def _user(self, number: int) -> None:
        rng = random.Random(self.rng.random())
        address = f"127.0.1.{number + 1}" if self.spread_addresses else "127.0.0.1"
        connector = aiohttp.TCPConnector(limit=0, local_addr=(address, 0))
        timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            await asyncio.sleep(rng.uniform(0, 3))  # people do not all arrive in the same second
            played = 0
            while time.monotonic() < self.deadline - 5:
                script = SCRIPTS[rng.randrange(len(SCRIPTS))]
                await self._conversation(session, rng, f"soak-u{number}-c{played}-{script.name}", script)
                if played % 5 == 0:
                    await self._odd_requests(session)
                played += 1

    async def _conversation(self, session: aiohttp.ClientSession, rng: random.Random, sender: str, script) -> None:
        replies: List[Any] = []
        for turn, text in enumerate(script.turns):
            if time.monotonic() >= self.deadline:
                return  # the clock ran out mid-conversation: not counted
            body: Dict[str, Any] = {"sender": sender, "message": text}
            if turn == 0:
                body["metadata"] = {"today": TODAY}
            started = time.perf_counter()
            try:
                async with session.post(f"{self.url}/webhooks/rest/webhook", json=body) as response:
                    status, payload = response.status, await response.text()
            except Exception as failure:  # noqa: BLE001 - recorded as an error of this minute
                self.error(f"{sender} turn {turn}: no answer: {failure!r}")
                return
            latency = time.perf_counter() - started
            minute = self.minute()
            if minute is not None:
                minute.latencies.append(latency)
            if status != 200:
                self.error(f"{sender} turn {turn}: HTTP {status}: {payload[:200]}")
                return
            reply = json.loads(payload) if payload else []
            replies.append(reply)
            if without_recipient(reply) != self.reference[script.name][turn]:
                self.error(f"{sender} turn {turn} ({text!r}): reply differs from the reference")
                return
            await asyncio.sleep(rng.uniform(*THINK_SECONDS))
        got = {k: (final_assessment(replies) or {}).get(k) for k in script.expected}
        if got != script.expected:
            self.error(f"{sender}: final assessment {got} != {script.expected}")
        minute = self.minute()
        if minute is not None:
            minute.conversations += 1

    async def _odd_requests(self, session: aiohttp.ClientSession) -> None:
        checks = [("POST", "/webhooks/rest/webhook", "{not json", 400), ("GET", "/webhooks/rest/", None, 200)]
        for method, path, data, expected in checks:
            try:
                async with session.request(method, f"{self.url}{path}", data=data,
                                           headers={"Content-Type": "application/json"}) as response:
                    status, text = response.status, await response.text()
            except Exception as failure:  # noqa: BLE001
                self.error(f"{method} {path}: no answer: {failure!r}")
                continue
            if status != expected:
                self.error(f"{method} {path}: HTTP {status} instead of {expected}: {text[:200]}")


def minute_line(index: int, m: Minute) -> str:
    lat = m.latencies
    figures = (f"p50 {percentile(lat, .5) * 1000:6.0f} ms  p95 {percentile(lat, .95) * 1000:6.0f} ms"
               if lat else "no turns")
    rss = "  ".join(f"{name} {statistics.median(samples) / 1024:.0f}" for name, samples in sorted(m.rss.items()))
    return (f"minute {index + 1:>2}: {len(lat):>4} turns, {m.conversations:>3} conversations, {figures}, "
            f"errors {len(m.errors)}; RSS MiB: {rss}")


# --- the shapes --------------------------------------------------------------------------------
def reference_replies(url: str) -> Dict[str, Any]:
    """Each script played alone, before the clock starts: the replies every later run must match."""
    conversations = [Conversation(f"soak-reference-{s.name}", s) for s in SCRIPTS]
    for c in conversations:
        asyncio.run(drive_conversations(url, [c]))
        if c.error:
            raise RuntimeError(f"the reference pass failed: {c.error}")
    return {c.script.name: [without_recipient(r) for r in c.replies] for c in conversations}


def soak(url: str, top_pid: int, minutes: int, args: argparse.Namespace) -> Soak:
    run = Soak(url, top_pid, minutes, args.users, reference_replies(url), args.seed, not args.one_address)
    asyncio.run(run.run())
    return run


def soak_scaled(minutes: int, args: argparse.Namespace, model: Path) -> Soak:
    with tempfile.TemporaryDirectory(prefix="soak-scaled-") as workdir:
        with ScaledDeployment(Path(workdir), rasa_servers=2, model=model) as deployment:
            return soak(deployment.url, deployment.process.pid, minutes, args)


def soak_embedded(minutes: int, args: argparse.Namespace, model: Path) -> Soak:
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WIDGET_PORT": free_port()}
    with tempfile.TemporaryDirectory(prefix="soak-embedded-") as workdir:
        env = {k: v for k, v in os.environ.items() if k != "HOST"}
        env.update({k: str(v) for k, v in ports.items()})
        # The reference pass runs from 127.0.0.1 at full speed: exempt, as ScaledDeployment does.
        # The simulated people (127.0.1.N) are each held to run.sh's per-client limits.
        env.update({"TRACKER_DB": str(Path(workdir) / "tracker.db"), "RASA_TELEMETRY_ENABLED": "false",
                    "PYTHONHASHSEED": "0", "RATE_LIMIT_EXEMPT": "127.0.0.1"})
        out = Path(workdir) / "run.out"
        process = subprocess.Popen(["bash", str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env,
                                   stdout=out.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 420
            while "The assistant is running" not in out.read_text(errors="replace"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"scripts/run.sh did not start:\n{out.read_text(errors='replace')[-3000:]}")
                time.sleep(0.5)
            return soak(f"http://127.0.0.1:{ports['RASA_PORT']}", process.pid, minutes, args)
        finally:
            process.send_signal(signal.SIGTERM)  # the script stops its servers
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


# --- figures -----------------------------------------------------------------------------------
def summary(shape: str, run: Soak, warmup: int) -> Dict[str, Any]:
    minutes = run.minutes
    warmup = min(warmup, len(minutes) - 1)
    names = sorted({name for m in minutes for name in m.rss})

    def rss_mib(minute: Minute, name: str) -> Optional[float]:
        samples = minute.rss.get(name)
        return round(statistics.median(samples) / 1024, 1) if samples else None

    processes = {}
    for name in names:
        start, after, end = rss_mib(minutes[0], name), rss_mib(minutes[warmup], name), rss_mib(minutes[-1], name)
        growth = round(100 * (end - after) / after, 2) if after and end else None
        processes[name] = {"start_mib": start, "after_warmup_mib": after, "end_mib": end, "growth_pct": growth}
    latencies = [t for m in minutes for t in m.latencies]
    errors = [e for m in minutes for e in m.errors]
    per_minute = [{"minute": i + 1, "turns": len(m.latencies), "conversations": m.conversations,
                   "p50_ms": round(percentile(m.latencies, .5) * 1000) if m.latencies else None,
                   "p95_ms": round(percentile(m.latencies, .95) * 1000) if m.latencies else None,
                   "errors": len(m.errors),
                   "rss_mib": {name: rss_mib(m, name) for name in names}} for i, m in enumerate(minutes)]
    p50s = [row["p50_ms"] for row in per_minute if row["p50_ms"] is not None]
    p95s = [row["p95_ms"] for row in per_minute if row["p95_ms"] is not None]
    passed = not errors and all(p["growth_pct"] is not None and p["growth_pct"] < 100 * GROWTH_LIMIT
                                for p in processes.values())
    return {"shape": shape, "minutes": len(minutes), "warmup_minutes": warmup, "users": run.users,
            "turns": len(latencies), "conversations": sum(m.conversations for m in minutes),
            "p50_ms": round(percentile(latencies, .5) * 1000) if latencies else None,
            "p95_ms": round(percentile(latencies, .95) * 1000) if latencies else None,
            "p99_ms": round(percentile(latencies, .99) * 1000) if latencies else None,
            "minute_p50_range_ms": [min(p50s), max(p50s)] if p50s else None,
            "minute_p95_range_ms": [min(p95s), max(p95s)] if p95s else None,
            "errors": len(errors), "first_errors": errors[:10], "processes": processes,
            "passed": passed, "per_minute": per_minute}


def print_summary(s: Dict[str, Any]) -> None:
    print(f"\n{s['shape']}: {s['minutes']} min, {s['users']} people at once, {s['turns']} turns, "
          f"{s['conversations']} whole conversations; per turn p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, "
          f"p99 {s['p99_ms']} ms (per-minute p50 {s['minute_p50_range_ms']}, p95 {s['minute_p95_range_ms']}); "
          f"errors {s['errors']}")
    print(f"  resident memory (MiB): minute 1 / minute {s['warmup_minutes'] + 1} (after warm-up) / last minute, growth")
    for name, p in s["processes"].items():
        print(f"    {name:<14} {p['start_mib']} / {p['after_warmup_mib']} / {p['end_mib']}  {p['growth_pct']:+}%")
    print(f"  verdict: {'PASS' if s['passed'] else 'FAIL'} (growth after warm-up under "
          f"{GROWTH_LIMIT:.0%} in every process, no error)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=["scaled", "embedded", "both"], default="both")
    parser.add_argument("--minutes", type=int, help="length of the run (default 30 scaled, 10 embedded)")
    parser.add_argument("--embedded-minutes", type=int, default=10, help="with --shape both")
    parser.add_argument("--warmup", type=int, help="warm-up minutes (default 5 scaled, 3 embedded)")
    parser.add_argument("--users", type=int, default=8, help="simulated people at once")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--one-address", action="store_true", help="every person from 127.0.0.1")
    parser.add_argument("--json", help="also write every figure as JSON (to PATH, or - for stdout)")
    args = parser.parse_args()
    model = trained_model()
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
          f"model {model.name}; load average {os.getloadavg()[0]:.2f}", flush=True)
    results = []
    shapes = ["scaled", "embedded"] if args.shape == "both" else [args.shape]
    for shape in shapes:
        if shape == "scaled":
            minutes, warmup = args.minutes or 30, args.warmup if args.warmup is not None else 5
            print(f"\n== scaled shape, {minutes} min", flush=True)
            run = soak_scaled(minutes, args, model)
        else:
            minutes = args.embedded_minutes if args.shape == "both" else (args.minutes or 10)
            warmup = args.warmup if args.warmup is not None and args.shape != "both" else 3
            print(f"\n== embedded default, {minutes} min", flush=True)
            run = soak_embedded(minutes, args, model)
        results.append(summary(shape, run, warmup))
        print_summary(results[-1])
    write_json(results, args.json)
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
