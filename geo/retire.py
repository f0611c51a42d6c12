"""Re-loading boundaries retires what they replace.

Loading a vintage's outlines again from another file (the London Datastore's City-merged 2018
wards after the full 2018 set) replaces some areas by others: the 25 City wards by one City
outline. Left in place, the 24 old wards keep the figures placed in them and sit beside the
enlarged ward, so the City is counted once in them and again in it. An area held in the
vintage, absent from the new file and lying (mostly) inside the new file's outlines is
retired: its outline leaves the vintage, and its placed figures move into the new area that
holds most of it (each count keeps its month and category) or, when no one area does, are
cleared. The area itself is kept, marked retired, so uploads and the change log still name it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import shapely
from sqlalchemy import delete, select, update

from store.bulk import IN_LIMIT
from store.db import Session
from store.models import Area, AreaBoundary, AsbCount, AsbCountSetAside, CrimeCount, CrimeCountSetAside, LsoaWard

# An old area is replaced when at least this share of it lies inside the new file's outlines;
# its figures go into one new area when that much lies inside that area.
REPLACED_SHARE = 0.5
# Set-aside figures (another source is used for their borough-months) move with the rest.
COUNT_TABLES = (CrimeCount, AsbCount, CrimeCountSetAside, AsbCountSetAside)


@dataclass
class Retired:
    into: dict[str, str] = field(default_factory=dict)  # old code -> new code ("" when cleared)
    moved: int = 0  # count values moved into the new areas
    cleared: int = 0  # count values cleared (no one new area holds the old one)

    def notes(self, vintage: str, names: dict[str, str]) -> list[str]:
        if not self.into:
            return []
        by_new: dict[str, list[str]] = defaultdict(list)
        for old, new in sorted(self.into.items()):
            by_new[new].append(old)
        parts = [
            (f"{len(olds)} into {names.get(new, new)} ({new})" if new else f"{len(olds)} with no one successor")
            for new, olds in sorted(by_new.items())
        ]
        text = f"{len(self.into)} areas of vintage {vintage} retired, replaced by this file's outlines: {'; '.join(parts)}"
        return [text + f"; {self.moved:,} values moved into their successors, {self.cleared:,} cleared"]


def retire_replaced(
    session: Session, level: str, vintage: str, codes: list[str], geometries: list, upload_id: int | None
) -> Retired:
    """Retire the areas of ``vintage`` at ``level`` that this file's outlines (``codes``,
    ``geometries``, WGS84) replace; move or clear their figures. Call after the new outlines
    are stored, in the load's transaction."""
    new_codes = set(codes)
    held = [
        (code, shapely.from_wkb(bytes(wkb)))
        for code, wkb in session.execute(
            select(AreaBoundary.area_code, AreaBoundary.geometry_full).where(
                AreaBoundary.level == level, AreaBoundary.vintage == vintage
            )
        )
        if code not in new_codes
    ]
    retired = Retired()
    if not held or not geometries:
        return retired
    tree = shapely.STRtree(geometries)
    for code, old in held:
        area = old.area
        if area <= 0:
            continue
        overlaps = {codes[i]: old.intersection(geometries[i]).area / area for i in tree.query(old)}
        if sum(overlaps.values()) < REPLACED_SHARE:
            continue  # outside this file: a partial file does not replace what it does not cover
        best = max(overlaps, key=overlaps.__getitem__)
        retired.into[code] = best if overlaps[best] >= REPLACED_SHARE else ""
    if not retired.into:
        return retired
    old_codes = sorted(retired.into)
    for start in range(0, len(old_codes), IN_LIMIT):
        chunk = old_codes[start : start + IN_LIMIT]
        session.execute(delete(AreaBoundary).where(AreaBoundary.vintage == vintage, AreaBoundary.area_code.in_(chunk)))
    for old, new in retired.into.items():
        session.execute(update(Area).where(Area.code == old).values(retired_into=new))
        if new:
            session.execute(update(LsoaWard).where(LsoaWard.ward_code == old).values(ward_code=new))
        else:
            session.execute(delete(LsoaWard).where(LsoaWard.ward_code == old))
    for model in COUNT_TABLES:
        moved, cleared = _move_counts(session, model, retired.into, upload_id)
        retired.moved += moved
        retired.cleared += cleared
    session.flush()
    return retired


def _key_columns(model: type[Any]) -> list:
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
    add: dict[tuple, int] = defaultdict(int)
    cleared = 0
    for code, *rest in rows:
        *key, count = rest
        if into[code]:
            add[(into[code], *key)] += int(count)
        else:
            cleared += 1
    targets = sorted({k[0] for k in add})
    existing: dict[tuple, int] = {}
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
