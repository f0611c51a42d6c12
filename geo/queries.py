"""Reading boundaries back as geometry: outlines for spatial joins (a GeoDataFrame of full
detail) and for maps (a GeoJSON FeatureCollection). The rows come from ``store.boundary_queries``."""

from __future__ import annotations

import json

import geopandas as gpd
import shapely

from store.boundary_queries import map_outline_rows, outline_rows
from store.db import Session


def year_vintages(vintages: list[str]) -> list[str]:
    """Real boundary years only: a schematic layout must never place real points."""
    return sorted((v for v in vintages if v.isdigit()), key=int)


def boundary_frame(session: Session, level: str, vintage: str) -> gpd.GeoDataFrame:
    """Full-detail outlines (WGS84) with ``area_code``, for spatial joins."""
    rows = outline_rows(session, level, vintage)
    codes = [code for code, _ in rows]
    geometries = shapely.from_wkb([wkb for _, wkb in rows]) if rows else []
    return gpd.GeoDataFrame({"area_code": codes}, geometry=list(geometries), crs="EPSG:4326")


def feature_collection(session: Session, level: str, vintage: str, within: str | None = None) -> dict:
    """Simplified outlines as a GeoJSON FeatureCollection for Plotly (``featureidkey="id"``)."""
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": name, "parent": parent},
            "geometry": json.loads(geometry),
        }
        for code, name, geometry, parent in map_outline_rows(session, level, vintage, within)
    ]
    return {"type": "FeatureCollection", "features": features}
