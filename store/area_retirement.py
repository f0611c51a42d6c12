"""Retiring areas a re-loaded boundary file replaces (``geo.retire`` decides which): their
outlines leave the vintage, the LSOA lookup and every placed count move to the successor (or
are cleared when no one area holds the old one), and the area is kept, marked retired."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from store.bulk import IN_LIMIT
from store.models import Area, AreaBoundary, AsbCount, AsbCountSetAside, CrimeCount, CrimeCountSetAside, LsoaWard

# Set-aside figures (another source is used for their borough-months) move with the rest.
COUNT_TABLES = (CrimeCount, AsbCount, CrimeCountSetAside, AsbCountSetAside)


def retire_areas(session: Session, vintage: str, into: dict[str, str], upload_id: int | None) -> tuple[int, int]:
    """Retire each old area of ``into`` (old code -> successor, "" for none) from ``vintage``;
    returns (count values moved into successors, count values cleared)."""
    old_codes = sorted(into)
    for start in range(0, len(old_codes), IN_LIMIT):
        chunk = old_codes[start : start + IN_LIMIT]
        session.execute(delete(AreaBoundary).where(AreaBoundary.vintage == vintage, AreaBoundary.area_code.in_(chunk)))
    for old, new in into.items():
        session.execute(update(Area).where(Area.code == old).values(retired_into=new))
        if new:
            session.execute(update(LsoaWard).where(LsoaWard.ward_code == old).values(ward_code=new))
        else:
            session.execute(delete(LsoaWard).where(LsoaWard.ward_code == old))
    moved = cleared = 0
    for model in COUNT_TABLES:
        table_moved, table_cleared = _move_counts(session, model, into, upload_id)
        moved += table_moved
        cleared += table_cleared
    session.flush()
    return moved, cleared


def _key_columns(model: type[Any]) -> list[Any]:
    """The count table's key columns other than the area (month and category), kept as they are."""
    return [c for c in model.__table__.primary_key.columns if c.name != "area_code"]


def _move_counts(session: Session, model: type[Any], into: dict[str, str], upload_id: int | None) -> tuple[int, int]:
    """Add each retired area's counts to its successor's under the same month and category
    (what was placed in the old area lies in the new one), then delete the old rows."""
    keys = _key_columns(model)
    names = [c.name for c in keys]
    old_codes = sorted(into)
    rows: list[Any] = []
    for start in range(0, len(old_codes), IN_LIMIT):
        stmt = select(model.area_code, *keys, model.count).where(model.area_code.in_(old_codes[start : start + IN_LIMIT]))
        rows += session.execute(stmt).all()
    if not rows:
        return 0, 0
    add: dict[tuple[Any, ...], int] = defaultdict(int)
    cleared = 0
    for code, *rest in rows:
        *key, count = rest
        if into[code]:
            add[(into[code], *key)] += int(count)
        else:
            cleared += 1
    targets = sorted({k[0] for k in add})
    existing: dict[tuple[Any, ...], int] = {}
    for start in range(0, len(targets), IN_LIMIT):
        stmt = select(model.area_code, *keys, model.count).where(model.area_code.in_(targets[start : start + IN_LIMIT]))
        existing.update({tuple(r[:-1]): int(r[-1]) for r in session.execute(stmt)})
    for key, count in add.items():
        match = {"area_code": key[0], **dict(zip(names, key[1:]))}
        if key in existing:
            where = [getattr(model, n) == v for n, v in match.items()]
            session.execute(update(model).where(*where).values(count=existing[key] + count, upload_id=upload_id))
        else:
            session.execute(model.__table__.insert(), [{**match, "count": count, "upload_id": upload_id}])
    for start in range(0, len(old_codes), IN_LIMIT):
        session.execute(delete(model).where(model.area_code.in_(old_codes[start : start + IN_LIMIT])))
    return len(rows) - cleared, cleared


def retired_by_vintage(session: Session) -> list[tuple[tuple[str, str], int]]:
    """How many retired areas each (level, vintage) had, for ``cspdash boundaries list``."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    for level, vintage in session.execute(select(Area.level, Area.boundary_vintage).where(Area.retired_into.is_not(None))):
        found[(level, vintage or "")] += 1
    return list(found.items())
