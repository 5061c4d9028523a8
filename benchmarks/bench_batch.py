"""Batch triage end to end (issue 12): `python -m rules_core batch` on a generated CSV, CSV in,
CSV out, as a user runs it (a new process, one core). Prints rows per second and the process's
peak resident memory for two file sizes: a streamed batch uses the same memory for both.

Not a test: prints figures. Run: .venv/bin/python benchmarks/bench_batch.py [--rows N]
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.bench_rules_core import BATCH, varied  # noqa: E402


def cell(value) -> str:
    """A fact as a spreadsheet holds it (the batch command's cell syntax)."""
    if value is None:
        return "no"  # caught_up_on: not caught up
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def write_cases(path: Path, rows: int) -> None:
    """`rows` cases: the rules benchmark's mixed situations, dates moved, with two identifiers."""
    situations = varied(min(rows, 20000))
    columns = sorted({name for facts in BATCH for name in facts})
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["employee_id", "name"] + columns)
        for i in range(rows):
            facts = situations[i % len(situations)]
            writer.writerow([f"E{i:06d}", f"Employee {i}"] + [cell(facts[c]) if c in facts else "" for c in columns])


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(path: Path, out: Path) -> tuple:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one batch run in a fresh process pinned
    to one core. CPU time is what the run itself used; wall time also counts waiting for the
    core when the machine is shared."""
    script = ("import os, resource, runpy, sys\n"
              "os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})\n"
              "sys.argv = ['rules_core', 'batch', sys.argv[1]]\n"
              "try:\n    runpy.run_module('rules_core', run_name='__main__')\n"
              "finally:\n    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n")
    start, cpu = time.perf_counter(), _child_cpu()
    with out.open("wb") as sink:
        proc = subprocess.run([sys.executable, "-c", script, str(path)], stdout=sink, stderr=subprocess.PIPE,
                              cwd=ROOT, check=False)
    seconds, cpu = time.perf_counter() - start, _child_cpu() - cpu
    if proc.returncode != 0:
        raise SystemExit(f"batch failed: {proc.stderr.decode()[-2000:]}")
    return seconds, cpu, int(proc.stderr.decode().strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small, large = folder / "small.csv", folder / "large.csv"
        write_cases(small, args.rows // 10)
        write_cases(large, args.rows)
        figures = {}
        for name, path, rows in (("small", small, args.rows // 10), ("large", large, args.rows)):
            runs = [run_once(path, folder / f"{name}.out.csv") for _ in range(args.repeats)]
            seconds = sorted(r[0] for r in runs)[len(runs) // 2]
            cpu = sorted(r[1] for r in runs)[len(runs) // 2]
            figures[name] = (rows, seconds, cpu, max(r[2] for r in runs))
            with (folder / f"{name}.out.csv").open(encoding="utf-8", newline="") as out:
                written = sum(1 for _ in csv.reader(out)) - 1
            assert written == rows, f"{written} result rows for {rows} cases"
        print(f"batch (CSV in, CSV out, one core, a new process each run, median of {args.repeats}):")
        for name in ("small", "large"):
            rows, seconds, cpu, rss = figures[name]
            print(f"  {rows:>9,} rows: {seconds:6.2f} s wall, {rows / seconds:>7,.0f} rows/s; "
                  f"{cpu:6.2f} s CPU, {rows / cpu:>7,.0f} rows per CPU second; peak RSS {rss:5.1f} MiB")
        print(f"  memory: {figures['large'][3] - figures['small'][3]:+.1f} MiB for {args.rows - args.rows // 10:,} "
              "more rows (streamed)")


if __name__ == "__main__":
    main()
