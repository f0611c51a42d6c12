"""Writing and reading the Home Office CSP tables' quarterly counts (``csp_crime_count``)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.bulk import bulk_insert
from store.models import CspCrimeCount


def replace_quarters(session: Session, counts: dict[tuple[str, str, str, str], int], upload_id: int | None) -> tuple[int, int]:
    """Store ``counts`` ({(area, quarter, group, subgroup): count}) in place of every count held
    for the quarters they cover. Returns (stored, replaced)."""
    quarters = sorted({key[1] for key in counts})
    replaced = 0
    for start in range(0, len(quarters), 200):
        part = quarters[start : start + 200]
        replaced += session.scalar(select(func.count()).select_from(CspCrimeCount).where(CspCrimeCount.quarter.in_(part))) or 0
        session.execute(delete(CspCrimeCount).where(CspCrimeCount.quarter.in_(part)))
    rows = (
        (area, quarter, group, subgroup, count, upload_id) for (area, quarter, group, subgroup), count in sorted(counts.items())
    )
    stored = bulk_insert(
        session, "csp_crime_count", ["area_code", "quarter", "offence_group", "offence_subgroup", "count", "upload_id"], rows
    )
    return stored, replaced


def quarterly_totals(session: Session, areas: list[str]) -> dict[str, dict[str, int]]:
    """{area: {quarter: count}} of the areas' own rows (all offence groups)."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    stmt = (
        select(CspCrimeCount.area_code, CspCrimeCount.quarter, func.sum(CspCrimeCount.count))
        .where(CspCrimeCount.area_code.in_(areas))
        .group_by(CspCrimeCount.area_code, CspCrimeCount.quarter)
    )
    for area, quarter, total in session.execute(stmt):
        out[area][quarter] = int(total)
    return dict(out)
