"""Writing and reading the Home Office CSP tables' quarterly counts (``csp_crime_count``)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rules.area_levels import DISTRICT
from rules.periods import PeriodError, Quarter, normalise_month
from store.areas import AreaTree
from store.bulk import IN_LIMIT, bulk_insert
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


# Levels the tables' counts add up to: a partnership's own rows, a force's partnerships and its
# "Unassigned" part, England and Wales's forces. Districts, regions and countries are not
# counted by partnership in the tree, so their totals are not worked out from these tables.
COUNTED_LEVELS = ("csp", "force", "nation")
CSP_TABLES = "csp-tables"  # as ``counts`` names them: quarterly national counts, not yet an indicator source
QUARTERLY = "the Home Office CSP tables count by quarter, not by month: total them by quarter or by year"


def csp_count_rows(
    session: Session,
    tree: AreaTree,
    areas: list[str],
    *,
    first: str | None,
    last: str | None,
    by: str,
    by_group: bool,
) -> tuple[list[str], list[dict[str, object]]]:
    """Recorded crime from the Home Office CSP tables for each of ``areas`` (partnerships,
    forces, England and Wales) by quarter or financial year, optionally by offence group and
    subgroup; ``first``/``last`` are months (YYYY-MM) that the quarters must overlap. Coverage
    says how many of the area's partnership-quarters the period needs are held."""
    if by == "month":
        raise ValueError(QUARTERLY)
    for code in areas:
        level = tree.by_code[code].level
        if level not in COUNTED_LEVELS:
            word = "district" if level == DISTRICT else level  # stored as "borough", the older name
            raise ValueError(
                f"{tree.name(code)} ({code}) is a {word}: the Home Office CSP tables count partnerships, police force "
                "areas and England and Wales; choose one of those"
            )
    try:
        lo = Quarter.of_month(normalise_month(first)).key if first else None
        hi = Quarter.of_month(normalise_month(last)).key if last else None
    except PeriodError as exc:
        raise ValueError(str(exc)) from None
    within = {code: tree.with_descendants([code]) for code in areas}
    codes = sorted({c for found in within.values() for c in found})
    columns = [CspCrimeCount.area_code, CspCrimeCount.quarter] + (
        [CspCrimeCount.offence_group, CspCrimeCount.offence_subgroup] if by_group else []
    )
    held: dict[tuple[str, ...], int] = {}
    uploads: dict[tuple[str, str], set[int]] = defaultdict(set)  # (area, quarter) -> loads
    for start in range(0, len(codes), IN_LIMIT):
        stmt = (
            select(*columns, func.sum(CspCrimeCount.count), func.min(CspCrimeCount.upload_id))
            .where(CspCrimeCount.area_code.in_(codes[start : start + IN_LIMIT]))
            .group_by(*columns)
        )
        for row in session.execute(stmt):
            key, total, upload = tuple(str(v) for v in row[: len(columns)]), int(row[-2]), row[-1]
            if (lo and key[1] < lo) or (hi and key[1] > hi):
                continue
            held[key] = total
            if upload is not None:
                uploads[(key[0], key[1])].add(int(upload))
    headers = ["area_code", "area_name", "period"] + (["offence_group", "offence_subgroup"] if by_group else [])
    headers += ["count", "coverage", "covered_by"]
    records: list[dict[str, object]] = []
    for code in areas:
        members = set(within[code])
        partnerships = [c for c in within[code] if tree.by_code[c].level == "csp"]
        totals: dict[tuple[str, ...], int] = defaultdict(int)
        quarters_of: dict[str, set[tuple[str, str]]] = defaultdict(set)  # period -> (partnership, quarter) held
        loads: dict[str, set[int]] = defaultdict(set)
        for key, total in held.items():
            if key[0] not in members:
                continue
            period = key[1] if by == "quarter" else Quarter.parse(key[1]).financial_year.key
            totals[(period, *key[2:])] += total
            loads[period] |= uploads.get((key[0], key[1]), set())
            if key[0] in partnerships:
                quarters_of[period].add((key[0], key[1]))
        needed = (1 if by == "quarter" else 4) * len(partnerships)
        for (period, *group), total in sorted(totals.items()):
            have = len(quarters_of[period])
            record: dict[str, object] = {"area_code": code, "area_name": tree.name(code), "period": period}
            if by_group:
                record["offence_group"], record["offence_subgroup"] = group
            record["count"] = total
            record["coverage"] = "complete" if have >= needed else f"partial: {have} of {needed} partnership-quarters held"
            record["covered_by"] = "; ".join(f"upload {n}" for n in sorted(loads[period]))
            records.append(record)
    return headers, records
