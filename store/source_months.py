"""The months each source held as counts holds (``source_month``), kept as the counts change.

Which months and quarters are held is asked by every page and API answer that resolves a
quarter. Working it out from a count table walks its key area by area (``held_months``):
milliseconds for a borough's wards, seconds with every ward of England and Wales held. So
whatever changes the counts works it out once, in its own transaction, and keeps it here
(``record_source_months``): a failed or dry-run load leaves the months as they were, and a
request reads them with one query (``months_held``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from rules.periods import months_between
from store.bulk import IN_LIMIT, bulk_insert
from store.models import SourceMonth
from store.source_tables import count_models

# Count table of each source held as counts (``sources``: crime, ASB), resolved by name.
COUNT_MODELS = count_models()


def months_held(session: Session, source: str) -> list[str]:
    """Every month some area holds ``source`` for, oldest first, as kept by the last change
    to its counts (none for a source not held as counts)."""
    stmt = select(SourceMonth.month).where(SourceMonth.source == source).order_by(SourceMonth.month)
    return list(session.execute(stmt).scalars())


def record_source_months(
    session: Session, sources: Iterable[str], written: Mapping[str, AbstractSet[tuple[str, str]]] | None = None
) -> None:
    """Keep the months held of each of ``sources`` held as counts in line with its count
    table, in the caller's transaction, writing only what changed. Reads the table's key, so
    a load calls it once any key it set aside is built again.

    ``written``: per source, the (area, month) pairs a load of counts wrote, whole (every other
    area-month is as it was). Only those months can have changed, and a month is held if one of
    those areas holds it: a probe of the key, not a walk over every area held (seconds with the
    nation held, on every load of one partnership's file). A month held before that none of
    them holds now may still be held by another area: then the table's key is walked."""
    written = written or {}
    for source in dict.fromkeys(sources):
        if source not in COUNT_MODELS:
            continue
        kept = set(months_held(session, source))
        area_months = written.get(source)
        if area_months is None:
            held = set(held_months(session, source))
        else:
            months, found = _held_by(session, source, area_months)
            if (months - found) & kept:
                held = set(held_months(session, source))
            else:
                held = kept | found
        if gone := sorted(kept - held):
            session.execute(
                delete(SourceMonth)
                .where(SourceMonth.source == source, SourceMonth.month.in_(gone))
                .execution_options(synchronize_session=False)
            )
        if new := sorted(held - kept):
            bulk_insert(session, SourceMonth.__tablename__, ["source", "month"], [(source, m) for m in new])
    session.flush()


def _held_by(session: Session, source: str, area_months: AbstractSet[tuple[str, str]]) -> tuple[set[str], set[str]]:
    """The months of ``area_months``, and those of them one of their areas holds ``source``
    for: per month, a probe of the key for one of its areas (which holds it, as a rule: the load
    wrote its figures there); for a month it does not, the rest of its areas a chunk at a time."""
    model = COUNT_MODELS[source]

    def held(month: str, areas: list[str]) -> bool:
        probe = select(model.area_code).where(model.month == month, model.area_code.in_(areas)).limit(1)
        return session.execute(probe).first() is not None

    one_area: dict[str, str] = {}
    for area, month in area_months:
        one_area.setdefault(month, area)
    found = {month for month, area in one_area.items() if held(month, [area])}
    if rest := set(one_area) - found:
        areas_of: dict[str, list[str]] = defaultdict(list)
        for area, month in area_months:
            if month in rest:
                areas_of[month].append(area)
        for month, areas in areas_of.items():
            if any(held(month, areas[start : start + IN_LIMIT]) for start in range(0, len(areas), IN_LIMIT)):
                found.add(month)
    return set(one_area), found


def held_months(session: Session, source: str) -> list[str]:
    """Every month some area holds ``source`` for, oldest first, worked out from its count
    table: through the table's key (area_code, month, …) alone, so the cost grows with the
    areas and months held, not with the rows (a DISTINCT over the table read all 3 million
    cells of a 14-year history). The areas held are found by skipping from one area's rows to
    the next, with each area's first and last month (two probes); then each month in that
    range is kept if some area holds it (a probe per area until one does: the first, as a rule)."""
    table = COUNT_MODELS[source].__tablename__
    held = (
        f"WITH RECURSIVE held(code) AS (SELECT min(area_code) FROM {table} UNION ALL "
        f"SELECT (SELECT min(area_code) FROM {table} WHERE area_code > held.code) FROM held WHERE held.code IS NOT NULL)"
    )
    low, high = session.execute(
        text(
            f"{held} SELECT min((SELECT min(month) FROM {table} t WHERE t.area_code = held.code)), "
            f"max((SELECT max(month) FROM {table} t WHERE t.area_code = held.code)) FROM held WHERE code IS NOT NULL"
        )
    ).one()
    if low is None:
        return []
    candidates = months_between(low, high)
    rows = ", ".join(f"(:m{i})" for i in range(len(candidates)))
    found = session.execute(
        text(
            f"{held}, candidate(month) AS (VALUES {rows}) SELECT month FROM candidate c WHERE EXISTS "
            f"(SELECT 1 FROM held JOIN {table} t ON t.area_code = held.code AND t.month = c.month)"
        ),
        {f"m{i}": m for i, m in enumerate(candidates)},
    )
    return sorted(m for (m,) in found)
