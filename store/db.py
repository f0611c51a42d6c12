"""Engine and session set-up. Created once per process per URL; callers own transactions
(``with session_scope(engine) as session:`` commits on success, rolls back on error).

Reads for a web request share one session: the server opens a ``request_scope()`` around
each request, and every ``reading(engine)`` inside it (the sign-in check, the cache key, each
cached view that misses) gets that request's session, opened on first use. One connection
per request instead of one per cached function, and every figure of one page read in the
same transaction. Outside a request scope (the CLI, tests) ``reading`` is ``session_scope``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

# What the other layers hold and catch, so SQLAlchemy stays inside ``store/``: an engine and a
# session are opaque handles passed back to store functions, and a database that cannot be
# reached or times out raises ``DatabaseUnavailable`` (SQLAlchemy's ``OperationalError``).
DatabaseUnavailable = OperationalError
__all__ = [
    "DatabaseUnavailable",
    "Engine",
    "Session",
    "configure_timeouts",
    "get_engine",
    "reading",
    "request_scope",
    "session_scope",
]


def driver_connection(connection: Connection) -> Any:
    """The driver's own connection (psycopg's or sqlite3's: they share no typed interface, so
    ``Any``) under a SQLAlchemy connection taken from a session."""
    raw = connection.connection.driver_connection
    if raw is None:
        # Only a pooled connection already closed or invalidated has none; a session's
        # ``connection()`` hands out a live one.
        raise RuntimeError("the database connection was closed")
    return raw


def _enable_sqlite_foreign_keys(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the web app) are not blocked by a load
    cursor.close()


# What a database raises: through SQLAlchemy, or straight from its driver (a raw COPY).
DATABASE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, psycopg.Error, sqlite3.Error)


def database_error_detail(exc: BaseException) -> str:
    """The first line of what the database said (the driver's own words where SQLAlchemy wraps
    them), short enough for a message."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]


def normalise_url(url: str) -> str:
    """Let people write ``postgresql://`` and still get the psycopg 3 driver we ship."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@dataclass(frozen=True)
class Timeouts:
    """PostgreSQL's connect and statement timeouts in seconds (0: none). The web app sets
    both from its settings (``configure_timeouts``); the CLI only the connect timeout, so a
    long load or migration is never cut off."""

    connect: int = 3
    statement: int = 30


_timeouts = Timeouts()


def configure_timeouts(connect: int, statement: int) -> None:
    """Timeouts for engines made from now on (engines already made keep theirs)."""
    global _timeouts
    wanted = Timeouts(connect, statement)
    if wanted != _timeouts:
        _timeouts = wanted
        get_engine.cache_clear()


def _postgresql_args(parsed: URL, timeouts: Timeouts) -> dict[str, object]:
    """libpq's ``connect_timeout`` and a server-side ``statement_timeout``, unless the URL
    already sets them."""
    args: dict[str, object] = {}
    if timeouts.connect and "connect_timeout" not in parsed.query:
        args["connect_timeout"] = max(2, timeouts.connect)  # libpq treats less than 2 as 2
    if timeouts.statement and "statement_timeout" not in str(parsed.query.get("options", "")):
        args["options"] = (str(parsed.query.get("options", "")) + f" -c statement_timeout={timeouts.statement * 1000}").strip()
    return args


def without_statement_timeout(session: Session) -> None:
    """Lift the web's statement timeout for the rest of this transaction (PostgreSQL): a load
    builds indexes and deletes whole months, which may rightly take longer; it is bounded by
    the file caps instead."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL statement_timeout = 0"))


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args=_postgresql_args(parsed, _timeouts))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with session_factory(engine).begin() as session:
        yield session
    shared = _request.get()
    if shared is not None:
        shared.end_transactions()  # reads after this write see it


class _RequestSessions:
    """The sessions of one request, one per engine, each opened when first read from."""

    def __init__(self) -> None:
        self.sessions: dict[Engine, Session] = {}

    def session(self, engine: Engine) -> Session:
        if engine not in self.sessions:
            self.sessions[engine] = session_factory(engine)()
        return self.sessions[engine]

    def end_transactions(self) -> None:
        """Commit what was read so far: the next read starts a new transaction, which sees
        a write this request has just committed (SQLite keeps a reader's snapshot)."""
        for session in self.sessions.values():
            session.commit()

    def close(self, failed: bool) -> None:
        for session in self.sessions.values():
            try:
                if failed:
                    session.rollback()
                else:
                    session.commit()
            except DBAPIError:
                session.rollback()
            finally:
                session.close()
        self.sessions.clear()


_request: ContextVar[_RequestSessions | None] = ContextVar("cspdash_request_sessions", default=None)


class RequestScope:
    """One request's shared read session: ``open()`` at the start, ``close()`` at the end
    (a Flask before/teardown pair cannot share a ``with`` block)."""

    def __init__(self) -> None:
        self._sessions = _RequestSessions()
        self._token = _request.set(self._sessions)

    def close(self, failed: bool = False) -> None:
        try:
            self._sessions.close(failed)
        finally:
            _request.reset(self._token)


@contextmanager
def request_scope() -> Iterator[None]:
    scope = RequestScope()
    try:
        yield
    except BaseException:
        scope.close(failed=True)
        raise
    scope.close()


def is_request_reading(session: Session) -> bool:
    """Whether ``session`` is the current request's shared read session with nothing of its
    own unwritten: what it reads is committed, so a cache keyed by a data version it reads may
    keep it (a load's or an edit's transaction may not: it can still roll back)."""
    shared = _request.get()
    if shared is None or not any(s is session for s in shared.sessions.values()):
        return False
    return not (session.new or session.dirty or session.deleted)


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session to read from: the current request's (see the module docstring), or a
    transaction of its own outside a request."""
    shared = _request.get()
    if shared is None:
        with session_scope(engine) as session:
            yield session
        return
    session = shared.session(engine)
    try:
        yield session
    except DBAPIError:
        session.rollback()  # as a session of its own would: later reads in this request still work
        raise
