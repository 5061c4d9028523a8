"""The scaled deployment's tracker store: Rasa's SQL store on PostgreSQL, that starts without its
database and survives the database's restarts.

Rasa's SQLTrackerStore, when PostgreSQL cannot be reached at start, retries every 5 s forever
inside the server's start: the server never listens, so nothing can tell whether it is waiting
or hung, and a message can get no answer at all. Here the server starts anyway and:
- tries PostgreSQL again with a bounded backoff (1 s, doubling, at most BACKOFF_MAX_SECONDS
  between tries, or TRACKER_STORE_RETRY_MAX_SECONDS from the environment), logging each failed
  try with its cause and when the next one is;
- until a try succeeds, reports not ready (`ready()`, served as GET /webhooks/ready/ by
  actions/channels/readiness.py) and fails every load or save at once, which
  actions/store_outage.py answers with "send it again in a moment";
- then creates the events table if missing (as Rasa does) and serves as Rasa's store.
After that, a PostgreSQL restart costs nothing: a pooled connection is checked before use
(`pool_pre_ping`), so a connection the restart broke is replaced instead of failing a message,
and a connection attempt gives up after CONNECT_TIMEOUT_SECONDS, so no message waits long on a
database that does not answer. Used by deploy/endpoints.scaled.yml.
"""
from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from typing import Any, Dict, Generator, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, create_engine_kwargs, validate_port

from actions.store_outage import TrackerStoreUnavailable, plain_cause

logger = logging.getLogger(__name__)

BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
BACKOFF_MAX_ENV = "TRACKER_STORE_RETRY_MAX_SECONDS"
CONNECT_TIMEOUT_SECONDS = 5


def backoff_delay(failed_tries: int, longest: float = BACKOFF_MAX_SECONDS) -> float:
    """Seconds to wait after the n-th failed try: 1, 2, 4, ... and never more than `longest`."""
    return min(longest, BACKOFF_FIRST_SECONDS * 2 ** min(30, max(0, failed_tries - 1)))


def longest_wait() -> float:
    try:
        seconds = float(os.environ.get(BACKOFF_MAX_ENV) or BACKOFF_MAX_SECONDS)
    except ValueError:
        logger.warning("%s is not a number of seconds; using %s", BACKOFF_MAX_ENV, BACKOFF_MAX_SECONDS)
        return BACKOFF_MAX_SECONDS
    return seconds if seconds >= BACKOFF_FIRST_SECONDS else BACKOFF_FIRST_SECONDS


class PostgreSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Any = None, dialect: Text = "postgresql", host: Optional[Text] = None,
                 port: Optional[int] = None, db: Text = "rasa", username: Optional[Text] = None,
                 password: Optional[Text] = None, event_broker: Any = None, login_db: Optional[Text] = None,
                 query: Optional[Dict] = None, **kwargs: Any) -> None:
        # Not SQLTrackerStore.__init__: that one blocks the server's start until the database answers.
        TrackerStore.__init__(self, domain, event_broker, **kwargs)
        url = self.get_db_url(dialect, host, validate_port(port), db, username, password, login_db, query)
        options = create_engine_kwargs(url)
        options["connect_args"] = {**options.get("connect_args", {}), "connect_timeout": CONNECT_TIMEOUT_SECONDS}
        self.engine = sa.create_engine(url, pool_pre_ping=True, **options)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.where = f"PostgreSQL at {host}:{port}/{db}"
        self._ready = threading.Event()
        self._problem = "not tried yet"
        self._longest_wait = longest_wait()
        if not self._try_to_prepare(failed_tries=0):
            threading.Thread(target=self._keep_trying, name="tracker-store-start", daemon=True).start()

    # -- start --------------------------------------------------------------------------------
    def _prepare(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        try:
            self.Base.metadata.create_all(self.engine)
        except (sa.exc.ProgrammingError, sa.exc.IntegrityError) as error:
            # another server created the table at the same moment: it exists now
            logger.info("tracker store: the events table was created by another server (%s)", plain_cause(error))

    def _try_to_prepare(self, failed_tries: int) -> bool:
        try:
            self._prepare()
        except sa.exc.SQLAlchemyError as error:
            self._problem = plain_cause(error)
            logger.error("tracker store: %s cannot be used: %s. This server reports not ready and asks people "
                         "to send their message again; next try in %.0f s (try %d).", self.where, self._problem,
                         backoff_delay(failed_tries + 1, self._longest_wait), failed_tries + 1)
            return False
        self._ready.set()
        logger.info("tracker store: %s is reachable; this server is ready", self.where)
        return True

    def _keep_trying(self) -> None:
        failed = 1
        while True:
            time.sleep(backoff_delay(failed, self._longest_wait))
            if self._try_to_prepare(failed):
                return
            failed += 1

    def ready(self) -> Tuple[bool, str]:
        """(ready?, why not): ready once PostgreSQL was reached at start, and while it answers."""
        if not self._ready.is_set():
            return False, f"{self.where} has not been reached yet: {self._problem}"
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError as error:
            return False, f"{self.where} cannot be reached: {plain_cause(error)}"
        return True, ""

    # -- Rasa's store, once started ------------------------------------------------------------
    @contextlib.contextmanager
    def session_scope(self) -> Generator[Any, None, None]:
        if not self._ready.is_set():
            raise TrackerStoreUnavailable(f"{self.where} has not been reached yet: {self._problem}")
        with super().session_scope() as session:
            yield session
