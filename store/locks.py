"""One load at a time per database: two analysts (or a cron job and an analyst) loading at
once would otherwise race on the same areas and month-cells.

PostgreSQL: a transaction-level advisory lock keyed by the schema, taken before anything is
written and released by the commit or rollback. SQLite: its own write lock, taken up front.
Either way the second load waits up to ``wait_seconds`` and is then told plainly."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from store.db import driver_connection


class LoadRunning(Exception):
    """Another load held the database for longer than this one would wait."""

    def __init__(self, wait_seconds: float) -> None:
        super().__init__(
            f"another load is running (this one waited {wait_seconds:g} seconds); "
            "nothing was loaded from this file: try again when the other load has finished"
        )


def take_load_lock(session: Session, wait_seconds: float) -> None:
    """Hold the database's load lock for the rest of the session's transaction."""
    connection = session.connection()
    wait_ms = max(1, int(wait_seconds * 1000))
    try:
        if connection.dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL lock_timeout = {wait_ms}"))
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext('cspdash-load:' || current_schema()))"))
            session.execute(text("SET LOCAL lock_timeout = 0"))
        else:
            dbapi = driver_connection(connection)
            dbapi.execute(f"PRAGMA busy_timeout = {wait_ms}")
            try:
                # A write statement (that changes nothing) takes SQLite's write lock now, not halfway through.
                session.execute(text("UPDATE upload SET id = id WHERE 0 = 1"))
            finally:
                dbapi.execute("PRAGMA busy_timeout = 30000")
    except OperationalError as exc:
        message = str(exc.orig).lower()
        if "lock" in message or "timeout" in message:
            raise LoadRunning(wait_seconds) from None
        raise
