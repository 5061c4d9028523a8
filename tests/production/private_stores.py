"""PostgreSQL and Redis instances of a test's own, for tests that stop or break a store.

The machine's shared PostgreSQL and Redis serve every other test (and people); a test that
restarts a store starts its own here instead: a PostgreSQL cluster made with initdb in a
temporary folder, and a `redis-server` without persistence, each on a free port of 127.0.0.1.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import psycopg2
import redis

from tests.rasa_support import free_port


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else (shutil.which(name) or name)


class PrivatePostgres:
    """A PostgreSQL server of its own; trust authentication for user `postgres` on 127.0.0.1."""

    def __init__(self) -> None:
        # A folder of its own at the top of the temporary directory: the `postgres` user must be
        # able to reach it, which a test's tmp_path (inside root's private folder) does not allow.
        self.folder = Path(tempfile.mkdtemp(prefix="private-postgres-"))
        self.port, self.user = free_port(), "postgres"
        self.data, self.log = self.folder / "data", self.folder / "postgres.log"

    def _as_owner(self, command: List[str]) -> List[str]:
        # PostgreSQL refuses to run as root: as root, run it as the `postgres` system user.
        if os.geteuid() != 0:
            return command
        return ["runuser", "-u", "postgres", "--", *command]

    def init(self) -> "PrivatePostgres":
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        subprocess.run(self._as_owner([_postgres_bin("initdb"), "-D", str(self.data), "-U", self.user,
                                       "--auth=trust", "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        return self

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        subprocess.run(self._as_owner([_postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                                       "-o", options, "-w", "-t", "60", "start"]),
                       check=True, capture_output=True, timeout=90)

    def stop(self) -> None:
        """Stopped as an operator's restart stops it: sessions ended, no new connection taken."""
        subprocess.run(self._as_owner([_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                                       "stop"]), capture_output=True, timeout=90)

    def settings(self) -> Dict[str, Any]:
        return {"host": "127.0.0.1", "port": self.port, "user": self.user, "password": ""}

    def connect(self, database: str = "postgres") -> Any:
        return psycopg2.connect(dbname=database, connect_timeout=10, **self.settings())

    def create_database(self, name: str) -> None:
        self._run_outside_a_transaction(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        """Gone at once, sessions of servers using it ended: a lost database."""
        self._run_outside_a_transaction(f'DROP DATABASE "{name}" WITH (FORCE)')

    def _run_outside_a_transaction(self, statement: str) -> None:
        conn = self.connect()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement)
        conn.close()

    def __enter__(self) -> "PrivatePostgres":
        self.init().start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """A redis-server of its own, without persistence (as the deployment's)."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=(self.folder / "redis.log").open("ab"), stderr=subprocess.STDOUT)
        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)

    def __enter__(self) -> "PrivateRedis":
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()
