"""Stored counts by area and period, for checking a load against its source file."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rag.periods import PeriodError, Quarter, normalise_month
from store.areas import AreaTree
from store.counts import SOURCES, CountFilter, Covered, monthly_coverage_many
from store.models import CrimeCount, MaracReturn


def _period_of(month: str, by: str) -> str:
    if by == "month":
        return month
    quarter = Quarter.of_month(month)
    return quarter.key if by == "quarter" else quarter.financial_year.key


def _months(session: Session, source: str, first: str | None, last: str | None) -> list[str]:
    model = SOURCES[source]
    try:
        lo = normalise_month(first) if first else None
        hi = normalise_month(last) if last else None
    except PeriodError as exc:
        raise ValueError(str(exc)) from None
    stmt = select(model.month).distinct()
    if lo:
        stmt = stmt.where(model.month >= lo)
    if hi:
        stmt = stmt.where(model.month <= hi)
    return sorted(session.scalars(stmt))


def _areas(tree: AreaTree, area: str | None, level: str | None) -> list[str]:
    if area and area not in tree.by_code:
        raise ValueError(f"unknown area {area!r}")
    if level:
        return tree.at_level(level, within=area) if area else tree.at_level(level)
    return [area] if area else []


def count_rows(
    session: Session,
    source: str,
    *,
    area: str | None,
    level: str | None,
    first: str | None,
    last: str | None,
    by: str,
    by_category: bool,
) -> tuple[list[str], list[dict[str, object]]]:
    tree = AreaTree.load(session)
    areas = _areas(tree, area, level)
    if source == "marac":
        return _marac_rows(session, tree, areas, by)
    months = _months(session, source, first, last)
    categories: list[tuple[str | None, str | None]] = [(None, None)]
    if by_category:
        model = SOURCES[source]
        if model is CrimeCount:
            categories = sorted(set(session.execute(select(CrimeCount.major_category, CrimeCount.minor_category).distinct()).all()))
        else:
            categories = [(c, None) for c in sorted(session.scalars(select(model.category).distinct()))]
    headers = ["area_code", "area_name", "period"] + (["major_category", "minor_category"] if by_category else []) + ["count", "coverage"]
    records: list[dict[str, object]] = []
    for major, minor in categories:
        selection = CountFilter(major, minor)
        per_area = monthly_coverage_many(session, source, areas, months, selection, tree)
        for code in areas:
            held: dict[str, list[Covered]] = defaultdict(list)
            for month, covered in per_area[code].items():
                held[_period_of(month, by)].append(covered)
            for period in sorted(held):
                record: dict[str, object] = {"area_code": code, "area_name": tree.name(code), "period": period}
                if by_category:
                    record["major_category"], record["minor_category"] = major or "", minor or ""
                record["count"] = sum(c.value for c in held[period])
                record["coverage"] = period_coverage(held[period], by)
                records.append(record)
    if by_category:
        records = [r for r in records if r["count"]]
        records.sort(key=lambda r: (r["area_code"], r["period"], r["major_category"], r["minor_category"]))
    return headers, records


def period_coverage(months: list[Covered], by: str) -> str:
    """``complete`` when every month of the period is held and complete; otherwise what is
    short: the fewest child areas of any month, or the months held."""
    partial = [c.coverage for c in months if not c.coverage.complete]
    if partial:
        return min(partial, key=lambda c: c.loaded).text()
    needed = {"month": 1, "quarter": 3, "year": 12}[by]
    return "complete" if len(months) >= needed else f"partial: {len(months)} of {needed} months"


def _marac_rows(session: Session, tree: AreaTree, areas: list[str], by: str) -> tuple[list[str], list[dict[str, object]]]:
    stmt = select(MaracReturn.area_code, MaracReturn.quarter, func.sum(MaracReturn.cases_discussed), func.sum(MaracReturn.repeat_cases))
    if areas:
        stmt = stmt.where(MaracReturn.area_code.in_(areas))
    stmt = stmt.group_by(MaracReturn.area_code, MaracReturn.quarter)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for code, quarter, cases, repeats in session.execute(stmt):
        period = quarter if by != "year" else Quarter.parse(quarter).financial_year.key
        totals[(code, period)][0] += int(cases)
        totals[(code, period)][1] += int(repeats)
    headers = ["area_code", "area_name", "period", "count", "repeat_cases"]
    records = [
        {"area_code": c, "area_name": tree.name(c), "period": p, "count": v[0], "repeat_cases": v[1]} for (c, p), v in sorted(totals.items())
    ]
    return headers, records
