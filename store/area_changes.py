"""Counting every write to the tables the area tree is built from (issue 23 part 3).

The area tree (``store.areas``) holds the nation's 7,707 areas at national volume and takes
tens of milliseconds to build. Keyed by the shared data version it was built again after every
load of figures, though most loads change no area; it is kept per ``data_version.areas_version``
instead, which rises in the same transaction as any write to ``area``, ``area_link`` or
``ward_generation_choice``. The writes are counted here, as the session makes them, not by each
writer: an ORM object added, changed or deleted (counted as the session flushes it) and any
INSERT, UPDATE or DELETE statement run through a session on those tables. A transaction that
rolls back takes its count with it. Counting more than once is harmless; missing a write would
leave pages on an old tree, so nothing is left to the writers to remember."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.dml import UpdateBase

AREA_TABLES = frozenset({"area", "area_link", "ward_generation_choice"})


def _bump(session: Session) -> None:
    # Imported here: this module is imported by ``store.models`` as it finishes, before
    # ``store.data_version`` (which imports the models) can be.
    from store.data_version import bump_areas_version

    bump_areas_version(session)


def _writes_area_tables(rows: Iterable[object]) -> bool:
    return any(getattr(type(row), "__tablename__", None) in AREA_TABLES for row in rows)


def _count_flushed(session: Session, _context: Any, _instances: Any) -> None:
    if _writes_area_tables(session.new) or _writes_area_tables(session.dirty) or _writes_area_tables(session.deleted):
        _bump(session)


def _count_statement(state: ORMExecuteState) -> None:
    statement = state.statement
    if isinstance(statement, UpdateBase) and getattr(statement.table, "name", None) in AREA_TABLES:
        _bump(state.session)


event.listen(Session, "before_flush", _count_flushed)
event.listen(Session, "do_orm_execute", _count_statement)
