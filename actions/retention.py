"""Deletes conversations whose last event is older than N days from the SQL tracker store.

    python -m actions.retention --days 30 [--endpoints endpoints.yml] [--dry-run]

`--days` defaults to the TRACKER_RETENTION_DAYS environment variable (scripts/run.sh runs
this at start when it is set; schedule it daily with cron for a server that stays up, see
the README's "Security and privacy"). The tracker store is the one the endpoints file names,
read the way Rasa reads it (environment variables filled in): Rasa's SQLTrackerStore (`type:
SQL`, SQLite or PostgreSQL) or a subclass such as actions.tracker_store.SQLiteTrackerStore.
A conversation is judged by its newest event, so one that started long ago but is still
going on is kept whole; an old one is deleted whole (all its events).
"""
from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, List, Optional

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")  # Rasa's own SQLAlchemy 1.4 usage; not ours to fix

import sqlalchemy as sa  # noqa: E402
import yaml  # noqa: E402
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs  # noqa: E402
from rasa.utils.endpoints import EndpointConfig  # noqa: E402

RETENTION_ENV = "TRACKER_RETENTION_DAYS"
EVENTS = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))  # Rasa's SQL schema


class RetentionError(Exception):
    """A setting or a store this command cannot work with; the message says which."""


@dataclass(frozen=True)
class Deleted:
    conversations: int
    events: int
    cutoff: float
    store_found: bool = True  # False: the database has no `events` table (nothing stored yet, or a wrong name)


def _is_sql_store(store_type: Optional[str]) -> bool:
    if (store_type or "").lower() == "sql":
        return True
    module_name, _, class_name = (store_type or "").rpartition(".")
    if not module_name:
        return False
    try:
        store_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError):
        return False
    return isinstance(store_class, type) and issubclass(store_class, SQLTrackerStore)


_ENV_VAR = re.compile(r"\$\{([^}]+)\}")


def _expand(value: Any) -> Any:
    """`${NAME}` from the environment, as Rasa fills in endpoints files."""
    if not isinstance(value, str):
        return value
    missing = [name for name in _ENV_VAR.findall(value) if name not in os.environ]
    if missing:
        raise RetentionError(f"the tracker store settings need the environment variable(s) {', '.join(missing)}")
    return _ENV_VAR.sub(lambda match: os.environ[match.group(1)], value)


def tracker_store_settings(endpoints_file: str) -> EndpointConfig:
    """The `tracker_store` section only (the rest of the file may need variables not set here)."""
    try:
        content = yaml.safe_load(Path(endpoints_file).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as problem:
        raise RetentionError(f"cannot read {endpoints_file}: {problem}") from None
    section = content.get("tracker_store") if isinstance(content, dict) else None
    if not isinstance(section, dict):
        raise RetentionError(f"{endpoints_file} names no tracker store (conversations are kept in memory only)")
    return EndpointConfig.from_dict({key: _expand(value) for key, value in section.items()})


def database_url(endpoint: EndpointConfig) -> sa.engine.url.URL:
    """The database the store writes to, from its settings as Rasa's SQLTrackerStore reads them."""
    if not _is_sql_store(endpoint.type):
        raise RetentionError(f"the tracker store is of type {endpoint.type!r}; retention works on SQL tracker "
                             "stores (type: SQL, or a subclass of Rasa's SQLTrackerStore)")
    settings = endpoint.kwargs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SADeprecationWarning)  # Rasa builds the URL the 1.3 way
        return SQLTrackerStore.get_db_url(settings.get("dialect", "sqlite"), endpoint.url, settings.get("port"),
                                          settings.get("db", "rasa.db"), settings.get("username"),
                                          settings.get("password"), None, settings.get("query"))


def url_without_password(endpoint: EndpointConfig) -> str:
    url = database_url(endpoint)
    return url.render_as_string(hide_password=True) if hasattr(url, "render_as_string") else str(url)


def delete_older_than(url: sa.engine.url.URL, days: float, now: Optional[float] = None,
                      dry_run: bool = False) -> Deleted:
    """Deletes every conversation whose newest event is more than `days` days before `now`
    (with `dry_run`, only counts them)."""
    if days < 1:
        raise RetentionError(f"the retention must be at least 1 day (got {days})")
    cutoff = (time.time() if now is None else now) - days * 86400
    engine = sa.create_engine(url, **create_engine_kwargs(url))  # as Rasa connects (POSTGRESQL_SCHEMA, pools)
    try:
        newest = sa.func.max(EVENTS.c.timestamp)
        expired = sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(newest < cutoff)
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return Deleted(0, 0, cutoff, store_found=False)
            senders: List[str] = [row[0] for row in connection.execute(expired)]
            events = 0
            for start in range(0, len(senders), 500):  # bounded IN lists
                chosen = EVENTS.c.sender_id.in_(senders[start:start + 500])
                if dry_run:
                    events += connection.execute(sa.select(sa.func.count()).select_from(EVENTS).where(chosen)).scalar()
                else:
                    events += connection.execute(sa.delete(EVENTS).where(chosen)).rowcount
        return Deleted(len(senders), events, cutoff)
    finally:
        engine.dispose()


def _days(value: Optional[str]) -> float:
    if value is None or not str(value).strip():
        raise RetentionError(f"give --days N or set {RETENTION_ENV}")
    try:
        return float(value)
    except ValueError:
        raise RetentionError(f"the retention must be a number of days, not {value!r}") from None


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.retention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", help=f"keep conversations active in the last N days (default: ${RETENTION_ENV})")
    parser.add_argument("--endpoints", default="endpoints.yml", help="the endpoints file the Rasa server uses")
    parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    args = parser.parse_args(argv)
    try:
        days = _days(args.days if args.days is not None else os.environ.get(RETENTION_ENV))
        endpoint = tracker_store_settings(args.endpoints)
        result = delete_older_than(database_url(endpoint), days, dry_run=args.dry_run)
    except (RetentionError, sa.exc.SQLAlchemyError) as problem:
        print(f"retention: {problem}", file=sys.stderr)
        return 2
    if not result.store_found:
        print(f"retention: no conversations are stored in {url_without_password(endpoint)} (no events table)")
        return 0
    cutoff = datetime.fromtimestamp(result.cutoff, timezone.utc)
    verb = "would delete" if args.dry_run else "deleted"
    print(f"retention: {verb} {result.conversations} conversation(s) ({result.events} events) "
          f"last active before {cutoff:%Y-%m-%d %H:%M} UTC")
    return 0


if __name__ == "__main__":
    sys.exit(main())
