"""Putting police.uk points into wards: pick the ward boundary vintage, then a spatial join,
with the LSOA→ward lookup for records the points cannot place."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.queries import boundary_frame, year_vintages
from geo.vector import BRITISH_NATIONAL_GRID, WGS84, fail
from store.boundary_queries import lsoa_ward_pairs, vintages_held, ward_districts
from store.db import Session

# Vintages whose wards hold nearly as many sample points as the best one count as equally
# good; the data's year then decides (2018 records go to 2018 wards even when 2022 wards,
# covering the same ground, are also held).
COVERAGE_SLACK = 0.02
# The CLI recognises it to add which command loads boundaries; the page offers its own upload.
NO_WARD_BOUNDARIES = "no ward boundaries are loaded, so records cannot be placed in wards; load them first"
# Generalised boundary files leave hairline gaps between neighbouring wards (the real 2018
# London file has points 0.2-0.9 m from any ward). A point that close to a ward is in it; a
# point further out (e.g. just over the London boundary) is reported as outside.
SNAP_M = 10.0


@dataclass
class WardPlacer:
    vintage: str | None
    reason: str
    wards: gpd.GeoDataFrame
    lookup: dict[str, str]  # LSOA code → ward code, restricted to this vintage's wards
    snapped: int = 0  # points in a hairline gap between wards, given to the nearest
    _metric: gpd.GeoDataFrame | None = field(default=None, repr=False)
    _lookup_series: pd.Series | None = field(default=None, repr=False)

    def by_point(self, lon: pd.Series, lat: pd.Series) -> pd.Series:
        """Ward code for each located point (index kept), None outside every ward. A point on
        a shared edge intersects two wards; it goes to the lower code, so it counts once."""
        out = pd.Series(None, index=lon.index, dtype=object)
        if self.wards.empty or lon.empty:
            return out
        points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), index=lon.index, crs=WGS84)
        joined = gpd.sjoin(points, self.wards, how="inner", predicate="intersects")
        inside = _first_per_point(joined, ["area_code"])
        out.loc[inside.index] = inside
        gaps = points[out.isna()]
        if len(gaps):
            near = gpd.sjoin_nearest(
                gaps.to_crs(BRITISH_NATIONAL_GRID), self.metric_wards(), how="inner", max_distance=SNAP_M, distance_col="metres"
            )
            nearest = _first_per_point(near, ["metres", "area_code"])
            out.loc[nearest.index] = nearest
            self.snapped += len(nearest)
        return out

    def metric_wards(self) -> gpd.GeoDataFrame:
        if self._metric is None:
            self._metric = self.wards.to_crs(BRITISH_NATIONAL_GRID)
        return self._metric

    def by_lsoa(self, lsoa: pd.Series) -> pd.Series:
        if self._lookup_series is None:
            # Mapped through a Series built once: mapping through the dict builds one from it on
            # every call, and a national lookup (35,000 LSOAs) cost more than the chunk it placed.
            self._lookup_series = pd.Series(self.lookup, dtype=object)
        return lsoa.map(self._lookup_series)


def _first_per_point(joined: gpd.GeoDataFrame, order: list[str]) -> pd.Series:
    """One ward per point from a join that can match several: the first by ``order``."""
    ranked = joined.reset_index(names="__point__").sort_values(["__point__", *order])
    return ranked.drop_duplicates("__point__").set_index("__point__")["area_code"]


def choose_placer(
    session: Session, explicit: str | None, lon: pd.Series, lat: pd.Series, max_year: int | None, file_name: str
) -> WardPlacer:
    held = vintages_held(session, "ward")
    lookup_all = lsoa_ward_pairs(session)
    if explicit:
        if explicit not in held:
            raise fail(
                file_name, f"no ward boundaries of vintage {explicit!r} are held; held: {', '.join(held) or 'none'}", explicit
            )
        return _placer(session, explicit, f"vintage {explicit} as asked", lookup_all)
    years = year_vintages(held)
    if not years:
        if lookup_all:
            return WardPlacer(
                None, "no ward boundaries held: records placed by LSOA only", _empty(), {k: min(v) for k, v in lookup_all.items()}
            )
        raise fail(file_name, NO_WARD_BOUNDARIES)
    coverage = {v: _share_inside(boundary_frame(session, "ward", v), lon, lat) for v in years}
    best = max(coverage.values())
    candidates = [v for v in years if coverage[v] >= best - COVERAGE_SLACK]
    in_force = [v for v in candidates if max_year is None or int(v) <= max_year]
    vintage = in_force[-1] if in_force else candidates[0]
    shares = ", ".join(f"{v}: {coverage[v]:.0%}" for v in years)
    reason = (
        f"ward vintage {vintage} chosen (share of sample points inside each vintage's wards: {shares}; data up to {max_year})"
    )
    wards = boundary_frame(session, "ward", vintage)
    others, named = _other_districts(session, wards, vintage, years, max_year)
    if named:
        reason += f"; the wards of {named} are held in another vintage and are used in it"
    return _placer(session, vintage, reason, lookup_all, _joined(wards, others))


def _other_districts(
    session: Session, chosen: gpd.GeoDataFrame, vintage: str, years: list[str], max_year: int | None
) -> tuple[list[gpd.GeoDataFrame], str]:
    """The wards of districts with no outline in the chosen vintage, each district in its own
    best vintage (the latest in force by the data's year, else its earliest): ward boundaries
    are loaded district by district, so London's 2018 wards can sit beside Middlesbrough's
    2024 ones, and a download of many forces has records for both. Returns the frames and
    the words naming the districts and their vintages ("" when there are none)."""
    district_of = ward_districts(session)
    covered = {district_of.get(code) for code in chosen["area_code"]}
    in_force = [v for v in years if v != vintage and (max_year is None or int(v) <= max_year)]
    later = [v for v in years if v != vintage and v not in in_force]
    frames, named = [], []
    for other in [*reversed(in_force), *later]:
        wards = boundary_frame(session, "ward", other)
        districts = wards["area_code"].map(district_of)
        fresh = districts.notna() & ~districts.isin(covered)
        if fresh.any():
            frames.append(wards[fresh])
            found = sorted(set(districts[fresh]))
            covered.update(found)
            named.append(
                f"{len(found)} district{'s' if len(found) > 1 else ''} ({', '.join(found[:3])}{'…' if len(found) > 3 else ''}) in {other}"
            )
    return frames, "; ".join(named)


def _joined(wards: gpd.GeoDataFrame, others: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    if not others:
        return wards
    return gpd.GeoDataFrame(pd.concat([wards, *others], ignore_index=True), geometry="geometry", crs=WGS84)


def _placer(
    session: Session, vintage: str, reason: str, lookup_all: dict[str, list[str]], wards: gpd.GeoDataFrame | None = None
) -> WardPlacer:
    wards = boundary_frame(session, "ward", vintage) if wards is None else wards
    codes = set(wards["area_code"])
    # Only lookup rows that point at the wards placed in: a 2022 lookup must not mix into 2018 wards.
    lookup = {lsoa: min(c for c in found if c in codes) for lsoa, found in lookup_all.items() if any(c in codes for c in found)}
    return WardPlacer(vintage, reason, wards, lookup)


def _share_inside(wards: gpd.GeoDataFrame, lon: pd.Series, lat: pd.Series) -> float:
    if wards.empty or lon.empty:
        return 0.0
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=WGS84)
    inside = gpd.sjoin(points, wards, how="inner", predicate="intersects").index.unique()
    return len(inside) / len(points)


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"area_code": []}, geometry=[], crs=WGS84)
