"""Monthly counts for any area, resolved up the hierarchy.

An area's own figures are used for a month when it has them (a Met borough file includes
offences not placed in any ward); otherwise the month is the sum of its children's, so
wards add up to their borough and boroughs, with the Met's non-geographic units, to London.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from store.areas import AreaTree
from store.models import AsbCount, CrimeCount

SOURCES = {"crime": CrimeCount, "asb": AsbCount}


@dataclass(frozen=True)
class CountFilter:
    """Restrict a count to a category: crime major/minor, or an ASB category."""

    major: str | None = None
    minor: str | None = None


def _filter_clause(model: type, selection: CountFilter):  # noqa: ANN202
    if model is CrimeCount:
        clauses = []
        if selection.major is not None:
            clauses.append(func.upper(CrimeCount.major_category) == selection.major.upper())
        if selection.minor is not None:  # "" selects rows with no minor category (police.uk)
            clauses.append(func.upper(CrimeCount.minor_category) == selection.minor.upper())
        return and_(*clauses) if clauses else None
    if selection.major is not None:
        return func.upper(AsbCount.category) == selection.major.upper()
    return None


def monthly_counts(
    session: Session,
    source: str,
    area: str,
    months: list[str],
    selection: CountFilter = CountFilter(),
    tree: AreaTree | None = None,
) -> dict[str, int]:
    """{month: count} for the months that have data for ``area`` (directly or via children)."""
    return monthly_counts_many(session, source, [area], months, selection, tree)[area]


def monthly_counts_many(
    session: Session,
    source: str,
    areas: list[str],
    months: list[str],
    selection: CountFilter = CountFilter(),
    tree: AreaTree | None = None,
) -> dict[str, dict[str, int]]:
    """Like ``monthly_counts`` for several areas with one query."""
    model = SOURCES[source]
    tree = tree or AreaTree.load(session)
    involved = set(areas)
    for area in areas:
        involved.update(tree.descendants(area))
    clause = _filter_clause(model, selection)
    value = func.sum(case((clause, model.count), else_=literal(0))) if clause is not None else func.sum(model.count)
    stmt = (
        select(model.area_code, model.month, value)
        .where(model.area_code.in_(sorted(involved)), model.month.in_(months))
        .group_by(model.area_code, model.month)
    )
    direct: dict[str, dict[str, int]] = defaultdict(dict)
    for code, month, total in session.execute(stmt):
        direct[code][month] = int(total or 0)
    memo: dict[tuple[str, str], int | None] = {}

    def resolve(code: str, month: str, depth: int = 0) -> int | None:
        key = (code, month)
        if key in memo:
            return memo[key]
        result: int | None = direct.get(code, {}).get(month)
        if result is None and depth < 6:
            parts = [resolve(child, month, depth + 1) for child in tree.children.get(code, [])]
            present = [p for p in parts if p is not None]
            result = sum(present) if present else None
        memo[key] = result
        return result

    out: dict[str, dict[str, int]] = {}
    for area in areas:
        resolved = {m: resolve(area, m) for m in months}
        out[area] = {m: v for m, v in resolved.items() if v is not None}
    return out


def months_held(session: Session, source: str) -> list[str]:
    model = SOURCES[source]
    return [m for (m,) in session.execute(select(model.month).distinct().order_by(model.month))]
