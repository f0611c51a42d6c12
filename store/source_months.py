"""The months each source held as counts holds (``source_month``), kept as the counts change.

Which months and quarters are held is asked by every page and API answer that resolves a
quarter. Working it out from a count table walks its key area by area (``held_months``):
milliseconds for a borough's wards, seconds with every ward of England and Wales held. So
whatever changes the counts works it out once, in its own transaction, and keeps it here
(``record_source_months``): a failed or dry-run load leaves the months as they were, and a
request reads them with one query (``months_held``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from rules.periods import months_between
from store.bulk import bulk_insert
from store.models import SourceMonth
from store.source_tables import count_models

# Count table of each source held as counts (``sources``: crime, ASB), resolved by name.
COUNT_MODELS = count_models()


def months_held(session: Session, source: str) -> list[str]:
    """Every month some area holds ``source`` for, oldest first, as kept by the last change
    to its counts (none for a source not held as counts)."""
    stmt = select(SourceMonth.month).where(SourceMonth.source == source).order_by(SourceMonth.month)
    return list(session.execute(stmt).scalars())


def record_source_months(session: Session, sources: Iterable[str]) -> None:
    """Keep the months held of each of ``sources`` held as counts in line with its count
    table, in the caller's transaction, writing only what changed. Reads the table's key, so
    a load calls it once any key it set aside is built again."""
    for source in dict.fromkeys(sources):
        if source not in COUNT_MODELS:
            continue
        held = set(held_months(session, source))
        kept = set(months_held(session, source))
        if gone := sorted(kept - held):
            session.execute(
                delete(SourceMonth)
                .where(SourceMonth.source == source, SourceMonth.month.in_(gone))
                .execution_options(synchronize_session=False)
            )
        if new := sorted(held - kept):
            bulk_insert(session, SourceMonth.__tablename__, ["source", "month"], [(source, m) for m in new])
    session.flush()


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
