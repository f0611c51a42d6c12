"""Geometry preparation, done once at load: repair, simplify for the web, centroids.

Simplifying at load (not per request) keeps map pages fast; the full geometry is kept for
spatial joins, where a simplified edge would move points between wards. Distances are in
metres in British National Grid (EPSG:27700): these are GB GSS areas.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.vector import BRITISH_NATIONAL_GRID, WGS84

# Web tolerance: ~5 m keeps ward edges crisp at street zoom; boroughs are drawn at city zoom.
TOLERANCE_M = {"ward": 5.0, "borough": 20.0}
WEB_GRID_DEGREES = 1e-6  # 6 decimal places ≈ 0.1 m: more is noise in the GeoJSON sent to browsers


def polygonal(geometry: BaseGeometry | None) -> tuple[BaseGeometry | None, bool]:
    """The area part of ``geometry`` (repaired if invalid) and whether a repair was needed.
    None when there is no area at all (missing, empty, points or lines)."""
    if geometry is None or geometry.is_empty:
        return None, False
    repaired = not geometry.is_valid
    if repaired:
        geometry = shapely.make_valid(geometry)
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry, repaired
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None, repaired
    return shapely.union_all(parts), repaired  # make_valid can leave slivers as lines: drop them


@dataclass
class Prepared:
    full: list[bytes]  # WKB, WGS84
    web: list[str]  # GeoJSON geometry text, WGS84, simplified
    centroid_lon: list[float]
    centroid_lat: list[float]
    method: str  # how the web outlines were simplified, for the summary


def prepare(geometries: list[BaseGeometry], tolerance_m: float) -> Prepared:
    full = gpd.GeoSeries(geometries, crs=WGS84)
    metric = full.to_crs(BRITISH_NATIONAL_GRID)
    simplified, method = _simplify(metric.values, tolerance_m)
    web = gpd.GeoSeries(simplified, crs=BRITISH_NATIONAL_GRID).to_crs(WGS84).values
    web = shapely.set_precision(web, WEB_GRID_DEGREES)
    # Rounding can collapse a tiny ring; fall back to the unsimplified outline for that area.
    empty = shapely.is_empty(web) | ~shapely.is_valid(web)
    if empty.any():
        web[empty] = full.values[empty]
    centroids = metric.centroid.to_crs(WGS84)
    return Prepared(
        full=[shapely.to_wkb(g) for g in full.values],
        web=[shapely.to_geojson(g) for g in web],
        centroid_lon=[round(float(x), 6) for x in centroids.x],
        centroid_lat=[round(float(y), 6) for y in centroids.y],
        method=method,
    )


def _simplify(geometries: np.ndarray, tolerance_m: float) -> tuple[np.ndarray, str]:
    if tolerance_m <= 0:
        return geometries, "not simplified"
    # A clean coverage (neighbours share identical edge vertices) can be simplified as a whole,
    # so shared borders stay shared: no slivers or gaps between wards on the map.
    if len(geometries) > 1 and shapely.coverage_is_valid(geometries):
        return shapely.coverage_simplify(geometries, tolerance_m), f"simplified as a coverage at {tolerance_m:g} m"
    simplified = shapely.simplify(geometries, tolerance_m, preserve_topology=True)
    return simplified, f"simplified at {tolerance_m:g} m (topology preserved per area)"
