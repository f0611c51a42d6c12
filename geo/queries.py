"""Reading boundaries back: which vintages are held, outlines for maps (simplified GeoJSON)
and for spatial joins (full WKB), and which areas lack data or outlines."""

from __future__ import annotations

import json

import geopandas as gpd
import shapely
from sqlalchemy import select, union

from store.db import Session
from store.models import Area, AreaBoundary, AsbCount, CrimeCount, IndicatorValue, MaracReturn, Population


def vintages_held(session: Session, level: str) -> list[str]:
    """Vintages with outlines at ``level``: years in order, then any others (e.g. schematic)."""
    held = set(session.scalars(select(AreaBoundary.vintage).where(AreaBoundary.level == level).distinct()))
    return sorted(held, key=lambda v: (not v.isdigit(), v))


def year_vintages(vintages: list[str]) -> list[str]:
    """Real boundary years only: a schematic layout must never place real points."""
    return sorted((v for v in vintages if v.isdigit()), key=int)


def boundary_frame(session: Session, level: str, vintage: str) -> gpd.GeoDataFrame:
    """Full-detail outlines (WGS84) with ``area_code``, for spatial joins."""
    rows = session.execute(
        select(AreaBoundary.area_code, AreaBoundary.geometry_full)
        .where(AreaBoundary.level == level, AreaBoundary.vintage == vintage)
        .order_by(AreaBoundary.area_code)
    ).all()
    codes = [code for code, _ in rows]
    geometries = shapely.from_wkb([bytes(wkb) for _, wkb in rows]) if rows else []
    return gpd.GeoDataFrame({"area_code": codes}, geometry=list(geometries), crs="EPSG:4326")


def feature_collection(session: Session, level: str, vintage: str, within: str | None = None) -> dict:
    """Simplified outlines as a GeoJSON FeatureCollection for Plotly (``featureidkey="id"``)."""
    query = (
        select(AreaBoundary.area_code, AreaBoundary.name, AreaBoundary.geometry_web, Area.parent_code)
        .join(Area, Area.code == AreaBoundary.area_code)
        .where(AreaBoundary.level == level, AreaBoundary.vintage == vintage)
        .order_by(AreaBoundary.area_code)
    )
    if within:
        query = query.where(Area.parent_code == within)
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": name, "parent": parent},
            "geometry": json.loads(geometry),
        }
        for code, name, geometry, parent in session.execute(query)
    ]
    return {"type": "FeatureCollection", "features": features}


def codes_with_data(session: Session) -> set[str]:
    """Every area code that holds any figure (counts, values, MARAC returns, population)."""
    query = union(
        select(CrimeCount.area_code).distinct(),
        select(AsbCount.area_code).distinct(),
        select(IndicatorValue.area_code).distinct(),
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
