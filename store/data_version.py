"""Counters of changes to the figures, one shared and one per partnership (issue 23). Every
change adds one in the same transaction as the change, so the moment the change is visible the
counter is too; caches key what they hold by them and nobody is shown figures from before a
change.

The shared counter (``data_version``) counts changes every partnership may show: loads of
counts, areas, boundaries, population, comparators and the other national tables, and the
partnerships held. A partnership's own counter (``partnership.data_version``) counts its own
writes: commentary, targets, values, actions, annotations, publications, pack sections and its
indicators. A partnership's pages are keyed by both, so one partnership's edit leaves every
other's cached pages standing.
"""

from __future__ import annotations

from sqlalchemy import Engine, Select, func, select, update
from sqlalchemy.orm import Session

from store.db import reading
from store.models import DataVersion, Partnership


def bump_data_version(session: Session) -> None:
    """Count one change of shared data, in the caller's transaction (rolled back with it)."""
    session.execute(update(DataVersion).where(DataVersion.id == 1).values(version=DataVersion.version + 1))


def bump_partnership_version(session: Session, partnership: str) -> None:
    """Count one change of ``partnership``'s own data, in the caller's transaction. The update
    flushes first, so a partnership its rows have just made held is counted too; one not held
    at all has nothing keyed by it yet, so the shared counter is bumped instead (never a stale page)."""
    counted = session.execute(
        update(Partnership)
        .where(Partnership.code == partnership)
        .values(data_version=Partnership.data_version + 1)
        .execution_options(synchronize_session=False)
    )
    if not counted.rowcount:  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
        bump_data_version(session)


def bump_areas_version(session: Session) -> None:
    """Count one change of the area tree (``store.area_changes`` calls it for every write to its
    tables), in the caller's transaction. On the session's connection, not through the session:
    inside a flush the session may not flush again."""
    bump = update(DataVersion).where(DataVersion.id == 1).values(areas_version=DataVersion.areas_version + 1)
    session.connection().execute(bump)


def _shared() -> Select[int]:
    return select(DataVersion.version).where(DataVersion.id == 1)


def shared_version(session: Session) -> int:
    """The shared counter alone: the key of what shows shared data only (outlines, an area's
    counts), kept once for every partnership and through their own edits."""
    return session.execute(_shared()).scalar() or 0


def areas_version(session: Session) -> int:
    """The area tree's counter (``store.area_changes``): the key of what is read from the area
    tables alone, kept through loads of figures that add no area."""
    return session.execute(select(DataVersion.areas_version).where(DataVersion.id == 1)).scalar() or 0


def versions(session: Session, partnership: str | None) -> tuple[int, int]:
    """(shared, own) for the pages of ``partnership``, in one statement. ``None``: pages that may
    show every partnership's (the list of partnerships), whose own part is the sum of every
    partnership's counter: counters only rise and partnerships are never removed (adding one
    bumps the shared counter), so any partnership's change raises the sum, whatever their number."""
    own = select(func.coalesce(func.sum(Partnership.data_version), 0))
    if partnership is not None:
        own = own.where(Partnership.code == partnership)
    row = session.execute(select(_shared().scalar_subquery(), own.scalar_subquery())).one()
    return int(row[0] or 0), int(row[1] or 0)


def data_version(engine: Engine, partnership: str | None = None) -> str:
    """The cache key part for ``partnership``'s pages (None: pages of every partnership)."""
    with reading(engine) as session:  # a web request's own session (store/db.py)
        shared, own = versions(session, partnership)
    return f"{shared}.{own}" if partnership is not None else f"{shared}.all{own}"
