"""Stored counts by area and period, for checking a load against its source file."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.periods import PeriodError, Quarter, normalise_month
from sources.declarations import RETURNS
from sources.registry import by_key
from store.areas import AreaTree
from store.counts import SOURCES, CountFilter, Covered, monthly_coverage_many
from store.coverage_record import Recorded
from store.csp_crime import CSP_CRIME, CSP_TABLES, csp_count_rows
from store.incomplete_months import incomplete_periods
from store.marac import marac_coverage_many, marac_quarters_held
from store.met_categories import plain_category
from store.models import AreaMonthCoverage, MaracReturn


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
    if source in (CSP_CRIME, CSP_TABLES):
        return csp_count_rows(session, tree, areas, first=first, last=last, by=by, by_group=by_category)
    if by_key(source).coverage == RETURNS:
        return _marac_rows(session, tree, areas, by)
    months = _months(session, source, first, last)
    categories: list[tuple[str | None, str | None]] = [(None, None)]
    if by_category:
        model = SOURCES[source]
        columns = by_key(source).categories  # (major, minor) for crime, (category,) for ASB
        held_categories = session.execute(select(*(getattr(model, c) for c in columns)).distinct()).all()
        categories = sorted({(row[0], row[1] if len(row) > 1 else None) for row in held_categories})
    headers = (
        ["area_code", "area_name", "period"]
        + (["major_category", "minor_category", "category_label"] if by_category else [])
        + ["count", "coverage", "covered_by"]
    )
    recorded = _recorded(session, source, areas)
    records: list[dict[str, object]] = []
    for major, minor in categories:
        selection = CountFilter(major, minor)
        per_area = monthly_coverage_many(session, source, areas, months, selection, tree)
        for code in areas:
            held: dict[str, list[Covered]] = defaultdict(list)
            months_of: dict[str, list[str]] = defaultdict(list)
            for month, covered in per_area[code].items():
                held[_period_of(month, by)].append(covered)
                months_of[_period_of(month, by)].append(month)
            for period in sorted(held):
                record: dict[str, object] = {"area_code": code, "area_name": tree.name(code), "period": period}
                if by_category:
                    record["major_category"], record["minor_category"] = major or "", minor or ""
                    # The stored names stay for scripts that match on them; the label is for people.
                    record["category_label"] = (
                        (plain_category(minor, "minor") if minor else plain_category(major or "", "major"))
                        if len(columns) > 1
                        else (major or "")
                    )
                record["count"] = sum(c.value for c in held[period])
                # Coverage as recorded by the loads, not worked out again here.
                covering = [recorded[(code, m)] for m in months_of[period] if (code, m) in recorded]
                record["coverage"] = recorded_period_coverage(covering, {"month": 1, "quarter": 3, "year": 12}[by])
                record["covered_by"] = covered_by_text(covering)
                records.append(record)
    if not by_category:  # periods with no figure because the source file gave only a stub
        extra = incomplete_periods(recorded, areas, tree, first, last, by, _period_of, records)
        if extra:
            place = {code: i for i, code in enumerate(areas)}
            records = sorted(records + extra, key=lambda r: (place[str(r["area_code"])], r["period"]))
    if by_category:
        records = [r for r in records if r["count"]]
        records.sort(key=lambda r: (r["area_code"], r["period"], r["major_category"], r["minor_category"]))
    return headers, records


def _recorded(session: Session, source: str, areas: list[str]) -> dict[tuple[str, str], Recorded]:
    stmt = select(
        *(
            getattr(AreaMonthCoverage, c)
            for c in ("area_code", "period", "covered_by", "upload_id", "loaded", "expected", "what", "complete")
        )
    )
    stmt = stmt.where(AreaMonthCoverage.source == source, AreaMonthCoverage.area_code.in_(areas))
    return {(r[0], r[1]): Recorded(*r[2:]) for r in session.execute(stmt)}


def recorded_period_coverage(periods: list[Recorded], needed: int, unit: str = "months") -> str:
    """``complete`` when every month (or quarter) of the period is recorded complete;
    otherwise what is short: the fewest child areas of any month, or the months held.
    ``partial`` with no detail when nothing is recorded (a store the loads never recorded)."""
    partial = [r for r in periods if not r.complete]
    if partial:
        return min(partial, key=lambda r: r.loaded).text()
    if not periods:
        return "partial: coverage not recorded"
    return "complete" if len(periods) >= needed else f"partial: {len(periods)} of {needed} {unit}"


def covered_by_text(periods: list[Recorded]) -> str:
    """How the period is covered, e.g. ``children (upload 12)`` or ``own figure (uploads 3, 7)``."""
    parts = []
    for how in dict.fromkeys(r.covered_by for r in periods):
        uploads = sorted({r.upload_id for r in periods if r.covered_by == how and r.upload_id is not None})
        label = f" (upload{'s' if len(uploads) > 1 else ''} {', '.join(map(str, uploads))})" if uploads else ""
        parts.append(how + label)
    return "; ".join(parts)


def _marac_rows(session: Session, tree: AreaTree, areas: list[str], by: str) -> tuple[list[str], list[dict[str, object]]]:
    """Cases discussed and repeat cases by area and quarter (or year): an area's own returns,
    or its children's summed, with the coverage recorded for them."""
    quarters = marac_quarters_held(session)
    if not areas:  # every area that made a return
        areas = sorted(set(session.scalars(select(MaracReturn.area_code).distinct())))
    figures = marac_coverage_many(session, areas, quarters, tree)
    recorded = _recorded(session, "marac", areas)
    headers = ["area_code", "area_name", "period", "count", "repeat_cases", "coverage", "covered_by"]
    records: list[dict[str, object]] = []
    for code in areas:
        held: dict[str, list[str]] = defaultdict(list)
        for quarter in figures[code]:
            held[quarter if by != "year" else Quarter.parse(quarter).financial_year.key].append(quarter)
        for period, keys in sorted(held.items()):
            covering = [recorded[(code, q)] for q in keys if (code, q) in recorded]
            records.append(
                {
                    "area_code": code, "area_name": tree.name(code), "period": period,
                    "count": sum(figures[code][q].cases.value for q in keys),
                    "repeat_cases": sum(figures[code][q].repeat_cases for q in keys),
                    "coverage": recorded_period_coverage(covering, 4 if by == "year" else 1, "quarters"),
                    "covered_by": covered_by_text(covering),
                }
            )  # fmt: skip
    return headers, records
