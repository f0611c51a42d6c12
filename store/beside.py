"""A first import into an empty table, built beside the live one and swapped in as the load
commits (PostgreSQL), so readers never wait for it.

Building a table's key once over every row costs a fraction of maintaining it row by row, but
setting the live table's key aside takes an exclusive lock that every reader would wait for
until the load commits. Instead the load's rows go into a new table of the same name in a
schema of the load's own (``cspdash_load_<transaction>``), without its key; the load's
``search_path`` puts that schema first, so everything the load reads or writes afterwards
(the coverage record reading its figures back, the set-aside sources, ``ANALYZE``) finds the
new table by its usual name, while every other connection still reads the live (empty) one.
The key is built on the new table at the end of the load, as before. Just before the commit
(``before_commit``), the live table is dropped and the new one moved into its schema: the
only lock readers can meet, held for the few milliseconds between the swap and the commit,
and taken with a short ``lock_timeout`` retried so that a reader's open transaction never
makes the queue behind it wait long.

The swap keeps what ``CREATE TABLE … (LIKE … INCLUDING ALL)`` keeps (columns, defaults,
NOT NULL and CHECK constraints, storage, comments) plus the key and storage parameters. A table
with something more (grants, triggers, policies, other indexes, references from other
tables or views, a tablespace) or a role that may not create a schema is not swapped: its
first import keeps the key and writes through it, slower but still without taking the table
from readers (``why_not_beside``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from store.db import driver_connection

_INFO = "cspdash_beside"
_SCHEMA_PREFIX = "cspdash_load_"  # session.info: the current transaction's Beside
# The swap's lock: tried with this timeout, then retried, so that a reader queued behind it
# waits at most this long each time; after SWAP_TRIES it waits like any other statement.
SWAP_LOCK_TIMEOUT = "200ms"
SWAP_TRIES = 100
_SWAP_PAUSE = 0.05  # seconds between tries: readers holding the table finish their request


@dataclass
class Beside:
    """The tables one transaction builds beside the live ones."""

    transaction: int  # txid_current(): a rolled back load's state is never reused
    schema: str  # where the new tables are built
    live_schema: str
    search_path: str  # the load's search_path before the new schema was put first
    tables: list[str] = field(default_factory=list)


def why_not_beside(dbapi: Any, table: str) -> str | None:
    """Why ``table`` cannot be rebuilt beside and swapped in without losing something, or None."""
    with dbapi.cursor() as cursor:
        cursor.execute(
            """
            SELECT
              CASE
                WHEN c.relpersistence <> 'p' OR c.relkind <> 'r' THEN 'not an ordinary table'
                WHEN c.reltablespace <> 0 THEN 'in a tablespace of its own'
                WHEN NOT pg_has_role(c.relowner, 'MEMBER') THEN 'owned by another role'
                WHEN c.relacl IS NOT NULL THEN 'privileges granted on it'
                WHEN c.relhastriggers OR c.relrowsecurity OR c.relhassubclass OR c.relispartition THEN 'triggers, policies or partitions'
                WHEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid
                             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = c.oid))
                  THEN 'indexes beside its key'
                WHEN EXISTS (SELECT 1 FROM pg_constraint k WHERE k.confrelid = c.oid) THEN 'referenced by a foreign key'
                WHEN EXISTS (SELECT 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
                             WHERE d.refobjid = c.oid AND d.classid = 'pg_rewrite'::regclass) THEN 'read by a view'
              END
            FROM pg_class c WHERE c.oid = %s::regclass
            """,
            (table,),
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def build_beside(session: Session, table: str) -> list[str] | None:
    """Create ``table`` afresh, empty and without indexes, in the transaction's load schema
    (made on first use, and put first in its ``search_path``); return the statements that
    build its key, or None when it must stay as it is (``why_not_beside``)."""
    dbapi = driver_connection(session.connection())
    with dbapi.cursor() as cursor:
        cursor.execute("SELECT c.relnamespace::regnamespace::text FROM pg_class c WHERE c.oid = %s::regclass", (table,))
        (found_in,) = cursor.fetchone()
    if found_in.strip('"').startswith(_SCHEMA_PREFIX):
        return []  # built beside already, earlier in this load (its key is queued)
    if why_not_beside(dbapi, table) is not None:
        return None
    beside = _current(session, dbapi)
    if beside is None:
        return None
    with dbapi.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = %s::regclass",
            (table,),
        )
        live_schema, options = cursor.fetchone()
        if live_schema != beside.live_schema:
            return None  # not the schema the swap moves tables into
        storage = f" WITH ({', '.join(options)})" if options else ""
        cursor.execute(
            f'CREATE TABLE "{beside.schema}".{table} (LIKE "{live_schema}".{table} INCLUDING ALL EXCLUDING INDEXES){storage}'
        )
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND conindid <> 0 "
            "ORDER BY contype = 'p' DESC, conname",
            (f'"{live_schema}".{table}',),
        )
        keys = [
            f'ALTER TABLE "{beside.schema}".{table} ADD CONSTRAINT "{name}" {definition}'
            for name, definition in cursor.fetchall()
        ]
    beside.tables.append(table)
    return keys


def _current(session: Session, dbapi: Any) -> Beside | None:
    """This transaction's load schema, made (and its swap arranged) on first use; None when the
    role may not create a schema."""
    with dbapi.cursor() as cursor:
        cursor.execute("SELECT txid_current(), current_setting('search_path'), current_schema()")
        transaction, search_path, live_schema = cursor.fetchone()
        beside: Beside | None = session.info.get(_INFO)
        if beside is not None and beside.transaction == transaction:
            return beside
        schema = f"{_SCHEMA_PREFIX}{transaction}"
        cursor.execute("SAVEPOINT cspdash_beside")
        try:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        except Exception as exc:
            if getattr(exc, "sqlstate", None) != "42501":  # insufficient privilege: keep the key instead
                raise
            cursor.execute("ROLLBACK TO SAVEPOINT cspdash_beside")
            return None
        cursor.execute("RELEASE SAVEPOINT cspdash_beside")
        cursor.execute("SELECT set_config('search_path', %s, true)", (f'"{schema}", {search_path}',))
    beside = Beside(transaction, schema, live_schema, search_path)
    session.info[_INFO] = beside
    if not event.contains(session, "before_commit", _swap_in):
        event.listen(session, "before_commit", _swap_in)
    return beside


def _swap_in(session: Session) -> None:
    """Replace each live table with the one built beside it, as the last thing the load's
    transaction does (the only lock readers meet, held until the commit that follows).
    A savepoint's release fires the same event: the swap waits for the real commit."""
    if session.in_nested_transaction():
        return
    beside: Beside | None = session.info.pop(_INFO, None)
    if beside is None:
        return
    dbapi = driver_connection(session.connection())
    with dbapi.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (beside.schema,))
        if cursor.fetchone() is None:
            return  # that transaction was rolled back: nothing to swap
        live = [f'"{beside.live_schema}".{table}' for table in beside.tables]
        if live:
            _lock_briefly(cursor, live)
            for table, qualified in zip(beside.tables, live, strict=True):
                cursor.execute(f"DROP TABLE {qualified}")
                cursor.execute(f'ALTER TABLE "{beside.schema}".{table} SET SCHEMA "{beside.live_schema}"')
        cursor.execute(f'DROP SCHEMA "{beside.schema}"')
        cursor.execute("SELECT set_config('search_path', %s, true)", (beside.search_path,))


def _lock_briefly(cursor: Any, tables: list[str]) -> None:
    """Take ``tables`` for the swap without making readers queue behind a long wait: a reader
    whose transaction read the table holds it until its request ends, and every reader after
    it would wait behind this lock; so wait at most ``SWAP_LOCK_TIMEOUT`` at a time."""
    cursor.execute("SELECT current_setting('lock_timeout')")
    (before,) = cursor.fetchone()
    statement = f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE"
    for _ in range(SWAP_TRIES):
        cursor.execute("SAVEPOINT cspdash_swap")
        cursor.execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
        try:
            cursor.execute(statement)
        except Exception as exc:
            if getattr(exc, "sqlstate", None) != "55P03":  # lock not available
                raise
            cursor.execute("ROLLBACK TO SAVEPOINT cspdash_swap")
            time.sleep(_SWAP_PAUSE)
            continue
        cursor.execute("RELEASE SAVEPOINT cspdash_swap")
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", (before,))
        return
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", (before,))
    cursor.execute(statement)
