"""Shared helpers for the tests that need the trained model and the real servers."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"


def trained_model() -> Path:
    """The model for the current config, domain and data (trained when stale)."""
    out = subprocess.run(["bash", str(ROOT / "scripts" / "train.sh")], cwd=ROOT, capture_output=True,
                         text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(f"training failed:\n{out.stderr[-4000:]}")
    return ROOT / out.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {seconds} s:\n{log.read_text()[-4000:]}")


class Servers:
    """An action server and a Rasa server on free ports, with their own SQLite tracker store."""

    def __init__(self, model: Path, workdir: Path, tracker_db: Optional[Path] = None,
                 extra_env: Optional[Dict[str, str]] = None, rasa_args: Sequence[str] = (),
                 endpoints: str = "endpoints.yml"):
        self.model, self.workdir, self.endpoints = model, workdir, endpoints
        self.extra_env = dict(extra_env or {})  # e.g. a channel's secrets and stand-in URLs
        self.rasa_args = list(rasa_args)  # e.g. --cors with the allowed origins, --debug
        self.action_port, self.rasa_port = free_port(), free_port()
        self.tracker_db = tracker_db or workdir / "tracker.db"
        self.processes: Dict[str, subprocess.Popen] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def env(self) -> Dict[str, str]:
        return {**os.environ, "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
                "TRACKER_DB": str(self.tracker_db), "PYTHONHASHSEED": "0",
                "RASA_TELEMETRY_ENABLED": "false", **self.extra_env}

    def start_actions(self) -> None:
        log = self.workdir / "actions.log"
        self.processes["actions"] = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "action_server.sh"), str(self.action_port)],
            cwd=ROOT, env=self.env(), stdout=log.open("ab"), stderr=subprocess.STDOUT)
        wait_for(f"http://127.0.0.1:{self.action_port}/health", 120, self.processes["actions"], log)

    def start_rasa(self, log_through_a_pipe: bool = False) -> None:
        """`log_through_a_pipe`: the server writes its log into a pipe that this process copies
        to rasa.log, so the log is kept even when the server itself cannot write files."""
        log = self.workdir / "rasa.log"
        self.processes["rasa"] = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "--enable-api", "-i", "127.0.0.1", "-p", str(self.rasa_port),
             "--model", str(self.model), "--endpoints", self.endpoints, "--credentials", "credentials.yml",
             *(["--debug"] if os.environ.get("RASA_DEBUG") else []), *self.rasa_args],
            cwd=ROOT, env=self.env(), stdout=subprocess.PIPE if log_through_a_pipe else log.open("ab"),
            stderr=subprocess.STDOUT)
        if log_through_a_pipe:
            threading.Thread(target=_copy, args=(self.processes["rasa"].stdout, log), daemon=True).start()
        wait_for(f"{self.url}/status", 300, self.processes["rasa"], log)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def __enter__(self) -> "Servers":
        """`with Servers(...) as servers:` both servers up, and down again however the block ends."""
        try:
            self.start_actions()
            self.start_rasa()
        except BaseException:
            self.stop_all()
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop_all()


def _copy(source: Any, log: Path) -> None:
    with log.open("ab") as out:
        for line in iter(source.readline, b""):
            out.write(line)
            out.flush()


def post_json(url: str, body: Any, timeout: float = 60) -> Any:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


class Chat:
    """One conversation over the REST channel. `today` fixes the conversation's date."""

    def __init__(self, servers: Servers, sender: str, today: Optional[str] = None):
        self.servers, self.sender, self.today = servers, sender, today
        self.replies: List[List[Dict[str, Any]]] = []

    def say(self, text: str) -> List[Dict[str, Any]]:
        body: Dict[str, Any] = {"sender": self.sender, "message": text}
        if self.today:
            body["metadata"] = {"today": self.today}
        reply = post_json(f"{self.servers.url}/webhooks/rest/webhook", body)
        self.replies.append(reply)
        return reply

    @staticmethod
    def texts(reply: List[Dict[str, Any]]) -> str:
        return "\n".join(m.get("text", "") for m in reply if m.get("text"))

    @staticmethod
    def assessment(reply: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
        for message in reply:
            custom = message.get("custom") or {}
            if "assessment" in custom:
                return custom["assessment"]
        return None
