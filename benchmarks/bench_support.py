"""What the benchmark scripts share: child processes in their own process groups (all stopped
on exit, errors, Ctrl-C and SIGTERM), a temporary work directory removed at the end, and the
optional JSON dump of the figures."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional


def tail(log: Path, chars: int = 3000) -> str:
    try:
        return log.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


class ProcessGroups:
    """Every process we start runs in its own process group; all are stopped here."""

    def __init__(self) -> None:
        self.processes: List[subprocess.Popen] = []

    def spawn(self, cmd: List[Any], cwd: Path, env: Dict[str, str], log: Path) -> subprocess.Popen:
        with log.open("ab") as out:
            process = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        self.processes.append(process)
        return process

    def run_timed(self, cmd: List[Any], cwd: Path, env: Dict[str, str], log: Path, timeout: float) -> float:
        """Runs a command to completion; returns its wall time. Raises with the log's tail on failure."""
        start = time.perf_counter()
        process = self.spawn(cmd, cwd, env, log)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop(process)
            raise RuntimeError(f"timed out after {timeout:.0f} s: {' '.join(map(str, cmd))}\n{tail(log)}") from None
        elapsed = time.perf_counter() - start
        self.stop(process)
        if code != 0:
            raise RuntimeError(f"exit {code}: {' '.join(map(str, cmd))}\n{tail(log)}")
        return elapsed

    def stop(self, process: subprocess.Popen, grace: float = 20.0) -> None:
        """SIGTERM to the process's own group (its id is the pid we started), then SIGKILL to
        whatever is left in that group."""
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            pass
        if process in self.processes:
            self.processes.remove(process)

    def stop_all(self) -> None:
        for process in list(reversed(self.processes)):
            self.stop(process, grace=10.0)


def _terminate(signum, _frame):
    raise SystemExit(128 + signum)


def run_benchmark(prefix: str, keep_tmp: bool, processes: ProcessGroups, body: Callable[[Path], int]) -> int:
    """Runs `body(work_dir)`; whatever happens, stops every process and removes the work dir
    (unless kept). A failure or Ctrl-C is reported in one line, not a traceback."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        return body(tmp)
    except (Exception, KeyboardInterrupt) as error:
        print(f"\nbenchmark aborted: {type(error).__name__}: {error}", file=sys.stderr)
        return 130 if isinstance(error, KeyboardInterrupt) else 1
    except SystemExit as stop:  # SIGTERM / SIGHUP
        print(f"\nbenchmark stopped by a signal (exit {stop.code}); cleaning up", file=sys.stderr)
        raise
    finally:
        processes.stop_all()
        if keep_tmp:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def write_json(data: Any, destination: Optional[str]) -> None:
    """--json: to stdout when given as "-", else to the file named."""
    if not destination:
        return
    text = json.dumps(data, indent=2, default=str)
    if destination == "-":
        print(text)
    else:
        Path(destination).write_text(text + "\n")
        print(f"JSON written to {destination}")
