"""What boundaries are held, as plain rows: the sets for ``boundaries list``, outlines for
spatial joins (full WKB) and maps (simplified GeoJSON), and which areas lack data or outlines."""

from __future__ import annotations

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from store.models import Area, AreaBoundary, AsbCount, CrimeCount, IndicatorValue, LsoaWard, MaracReturn, Population
from store.partnerships import PartnershipNotChosen, partnership_in_force


def boundaries_held(session: Session) -> list[tuple[str, str, int]]:
    """(level, vintage, how many areas) for each set of outlines held, by level then vintage."""
    rows = session.execute(
        select(AreaBoundary.level, AreaBoundary.vintage, func.count())
        .group_by(AreaBoundary.level, AreaBoundary.vintage)
        .order_by(AreaBoundary.level, AreaBoundary.vintage)
    ).all()
    return [(level, vintage, count) for level, vintage, count in rows]


def vintages_held(session: Session, level: str) -> list[str]:
    """Vintages with outlines at ``level``: years in order, then any others (e.g. schematic)."""
    held = set(session.scalars(select(AreaBoundary.vintage).where(AreaBoundary.level == level).distinct()))
    return sorted(held, key=lambda v: (not v.isdigit(), v))


def outline_rows(session: Session, level: str, vintage: str) -> list[tuple[str, bytes]]:
    """(area code, full-detail WKB) for each outline at ``level`` in ``vintage``, by code."""
    rows = session.execute(
        select(AreaBoundary.area_code, AreaBoundary.geometry_full)
        .where(AreaBoundary.level == level, AreaBoundary.vintage == vintage)
        .order_by(AreaBoundary.area_code)
    ).all()
    return [(code, bytes(wkb)) for code, wkb in rows]


def map_outline_rows(
    session: Session, level: str, vintage: str, within: str | None = None
) -> list[tuple[str, str, str, str | None]]:
    """(code, name, simplified GeoJSON geometry text, parent code) for the map, by code;
    ``within`` keeps only the areas whose parent it is."""
    query = (
        select(AreaBoundary.area_code, AreaBoundary.name, AreaBoundary.geometry_web, Area.parent_code)
        .join(Area, Area.code == AreaBoundary.area_code)
        .where(AreaBoundary.level == level, AreaBoundary.vintage == vintage)
        .order_by(AreaBoundary.area_code)
    )
    if within:
        query = query.where(Area.parent_code == within)
    return [(code, name, geometry, parent) for code, name, geometry, parent in session.execute(query)]


def codes_with_data(session: Session) -> set[str]:
    """Every area code that holds any figure (counts, MARAC returns, population, and the uploaded
    values of the partnership in force; of every partnership where several are held and none is
    chosen, as when outlines, which are shared, are loaded for them all)."""
    try:
        values = select(IndicatorValue.area_code).where(IndicatorValue.partnership_code == partnership_in_force(session))
    except PartnershipNotChosen:
        values = select(IndicatorValue.area_code)
    query = union(
        select(CrimeCount.area_code).distinct(),
        select(AsbCount.area_code).distinct(),
        values.distinct(),
        select(MaracReturn.area_code).distinct(),
        select(Population.area_code).distinct(),
    )
    return set(session.scalars(query))


def coverage_gaps(session: Session, level: str, vintage: str) -> tuple[list[str], list[str]]:
    """(outlines with no data held, areas at ``level`` with data but no outline in ``vintage``)."""
    outlined = set(
        session.scalars(select(AreaBoundary.area_code).where(AreaBoundary.level == level, AreaBoundary.vintage == vintage))
    )
    with_data = codes_with_data(session)
    at_level = set(session.scalars(select(Area.code).where(Area.level == level)))
    return sorted(outlined - with_data), sorted((with_data & at_level) - outlined)


def ward_districts(session: Session) -> dict[str, str | None]:
    """Each ward with an outline held (any vintage) and the district it is in (None: not known)."""
    query = (
        select(AreaBoundary.area_code, Area.parent_code)
        .join(Area, Area.code == AreaBoundary.area_code)
        .where(AreaBoundary.level == "ward")
        .distinct()
    )
    return {code: parent for code, parent in session.execute(query)}


def lsoa_ward_pairs(session: Session) -> dict[str, list[str]]:
    """Each LSOA held in the lookup with the wards (of any vintage) it is mapped to."""
    out: dict[str, list[str]] = {}
    for lsoa, ward in session.execute(select(LsoaWard.lsoa_code, LsoaWard.ward_code)):
        out.setdefault(lsoa, []).append(ward)
    return out


def vintages_of(session: Session, codes: list[str]) -> dict[str, list[str]]:
    """The vintages each of ``codes`` has an outline in (codes with none are left out)."""
    held: dict[str, list[str]] = {}
    for start in range(0, len(codes), 500):
        rows = session.execute(
            select(AreaBoundary.area_code, AreaBoundary.vintage).where(AreaBoundary.area_code.in_(codes[start : start + 500]))
        )
        for code, vintage in rows:
            held.setdefault(code, []).append(vintage)
    return held
