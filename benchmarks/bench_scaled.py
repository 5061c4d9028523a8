"""The scaled deployment under load: one Rasa server against two, behind nginx, on this machine.

Not a test: prints figures. Run (about 5 minutes on 2 cores):

    .venv/bin/python benchmarks/bench_scaled.py [--servers 1,2] [--levels 200,20] [--json [PATH]]

For each number of Rasa servers it starts scripts/run_scaled.sh (two action servers, nginx,
PostgreSQL tracker store, Redis lock store; its own database, dropped afterwards), warms up
with one pass of the four scripted conversations, then for each load level starts that many
conversations at once (8-10 turns each, every conversation one turn after another, all
through nginx on 127.0.0.1) and reports
  * throughput: turns answered per second of wall time;
  * per-turn latency (HTTP round trip of POST /webhooks/rest/webhook): p50, p95, p99;
  * correctness: conversations whose every reply matched the warm-up's answer for the same
    script and whose final assessment was right, and turns stored in PostgreSQL.
Everything shares the machine's cores: the load generator, nginx, PostgreSQL, Redis, the two
action servers and the Rasa servers. Other work on the machine shows in the load average,
which is printed.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.production.scaled_support import (SCRIPTS, Conversation, ScaledDeployment,  # noqa: E402
                                             drive_conversations, final_assessment, make_conversations,
                                             percentile, without_recipient)
from tests.rasa_support import trained_model  # noqa: E402


def measure(servers: int, levels: List[int], model: Path) -> List[Dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scaled-") as workdir:
        deployment = ScaledDeployment(Path(workdir), rasa_servers=servers, model=model)
        started = time.monotonic()
        deployment.start()
        start_seconds = time.monotonic() - started
        try:
            warm = [Conversation(f"warmup-{s.name}", s) for s in SCRIPTS]
            asyncio.run(drive_conversations(deployment.url, warm))
            reference = {c.script.name: [without_recipient(r) for r in c.replies] for c in warm}
            for level in levels:
                conversations = make_conversations(level, f"bench{servers}-{level}")
                load_before = os.getloadavg()[0]
                wall = asyncio.run(drive_conversations(deployment.url, conversations))
                latencies = [t for c in conversations for t in c.latencies]
                stored = deployment.event_counts()
                right = sum(1 for c in conversations if c.error is None
                            and [without_recipient(r) for r in c.replies] == reference[c.script.name]
                            and {k: (final_assessment(c.replies) or {}).get(k) for k in c.script.expected}
                            == c.script.expected)
                rows.append({
                    "rasa_servers": servers, "concurrent_conversations": level, "turns": len(latencies),
                    "wall_s": round(wall, 2), "turns_per_s": round(len(latencies) / wall, 1),
                    "p50_ms": round(percentile(latencies, .50) * 1000), "p95_ms": round(percentile(latencies, .95) * 1000),
                    "p99_ms": round(percentile(latencies, .99) * 1000),
                    "conversations_right": f"{right}/{level}",
                    "user_turns_stored": sum(stored.get(c.sender, {}).get("user", 0) for c in conversations),
                    "errors": sum(1 for c in conversations if c.error), "start_s": round(start_seconds, 1),
                    "load_average_before": round(load_before, 2)})
                print(_row(rows[-1]), flush=True)
        finally:
            deployment.stop()
    return rows


def _row(r: Dict[str, Any]) -> str:
    return (f"{r['rasa_servers']} Rasa server(s), {r['concurrent_conversations']:>3} conversations at once: "
            f"{r['turns']} turns in {r['wall_s']} s = {r['turns_per_s']} turns/s; per turn p50 {r['p50_ms']} ms, "
            f"p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms; right {r['conversations_right']}, "
            f"user turns stored {r['user_turns_stored']}/{r['turns']}, errors {r['errors']} "
            f"(start {r['start_s']} s, load average before {r['load_average_before']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default="1,2", help="numbers of Rasa servers to compare")
    parser.add_argument("--levels", default="200,20", help="conversations started at once, per run")
    parser.add_argument("--json", nargs="?", const="-", help="also write the rows as JSON (to PATH or stdout)")
    args = parser.parse_args()
    model = trained_model()
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}; model {model.name}", flush=True)
    rows = []
    for servers in [int(n) for n in args.servers.split(",")]:
        rows += measure(servers, [int(n) for n in args.levels.split(",")], model)
    if args.json:
        text = json.dumps(rows, indent=2)
        print(text) if args.json == "-" else Path(args.json).write_text(text + "\n")


if __name__ == "__main__":
    main()
