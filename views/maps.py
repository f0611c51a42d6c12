"""Shared pieces of the map pages: classing values into colours, outlines prepared for the
browser (cached per boundary set and data version), the choropleth figure and rank wording.
The map's graph component and controls are in ``web/parts/map_parts.py``.

Maps are classed (a handful of colours, each a stated range) rather than continuous: a
reader can match a ward's colour to a legend entry and to the same words in the table, so
colour is never the only carrier. Sequential values use a single-hue blue ramp (ColorBrewer
"Blues", safe for colour-blind readers and in greyscale); change on last year uses a
blue–white–orange diverging scale centred on zero.

Figures are plain dicts, not ``go.Figure``: plotly's validation of a 657-ward GeoJSON costs
more than the whole query, and the map must answer in well under 200 ms.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
import shapely

from store.db import get_engine, reading
from store.map_queries import Outline, outlines
from views.charts import FONT, INK
from views.data import shared_version

# ColorBrewer Blues, light to dark, for 1–7 classes.
BLUES = {
    1: ["#6baed6"],
    2: ["#bdd7e7", "#3182bd"],
    3: ["#deebf7", "#9ecae1", "#3182bd"],
    4: ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
    5: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
    6: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
    7: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"],
}
# Blue (fewer) – white – orange (more): ColorBrewer RdBu's blues with PuOr's oranges.
DIVERGING = ["#2166ac", "#92c5de", "#f7f7f7", "#fdb863", "#e66101"]
CHANGE_BREAKS = (5.0, 20.0)  # per cent either side of zero
NO_DATA = "#bdbdbd"
EDGE = "#505a5f"
CLASSES = 5
# Plain words for readers; the statistical names go in tooltips (SCHEME_TERMS).
SCHEMES = {"quantiles": "equal numbers of areas", "jenks": "natural groups"}
SCHEME_TERMS = {"quantiles": "Quantiles", "jenks": "Natural breaks (Jenks)"}
DECIMALS = 5  # ≈ 1 m: finer than any screen shows, and every digit is sent to the browser
OVERVIEW_AREAS = 150  # above this many outlines, send the overview geometry (see _overview)
OVERVIEW_TOLERANCE_DEG = 8e-4  # coverage (area-based) tolerance: no visible loss when all of London is on screen


# --- Classification -------------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    method: str  # plain words: one of SCHEMES' values, or "steps either side of no change"
    labels: list[str]  # one per class, lowest first
    colours: list[str]
    index: list[int | None]  # the class of each value given (None: no figure)

    @property
    def k(self) -> int:
        return len(self.labels)

    @property
    def legend_note(self) -> str:
        return f"{self.k} {'class' if self.k == 1 else 'classes'}, {self.method}"

    def label_of(self, i: int) -> str:
        c = self.index[i]
        return "No figure" if c is None else self.labels[c]


def _finite(values: Sequence[float | None]) -> np.ndarray:
    return np.array([v for v in values if v is not None and np.isfinite(v)], dtype=float)


def quantile_groups(unique: np.ndarray, counts: np.ndarray, k: int) -> np.ndarray:
    """Class of each distinct value so classes hold about equal numbers of areas; equal
    values always share a class (a tie split over two colours would look like a difference)."""
    first_rank = np.concatenate([[0], np.cumsum(counts)[:-1]])
    groups = np.floor(first_rank * k / counts.sum()).astype(int)
    return np.unique(groups, return_inverse=True)[1]  # renumber, dropping empty classes


def jenks_groups(unique: np.ndarray, counts: np.ndarray, k: int) -> np.ndarray:
    """Fisher's exact natural breaks: the split of the sorted distinct values into ``k``
    runs with the least within-class sum of squares (weighted by how many areas share a value)."""
    m = len(unique)
    w = np.concatenate([[0.0], np.cumsum(counts)])
    s1 = np.concatenate([[0.0], np.cumsum(counts * unique)])
    s2 = np.concatenate([[0.0], np.cumsum(counts * unique**2)])

    def cost(starts: np.ndarray, ends: np.ndarray | int) -> np.ndarray:  # values[start..end], inclusive
        n, a, b = w[ends + 1] - w[starts], s1[ends + 1] - s1[starts], s2[ends + 1] - s2[starts]
        return b - a * a / n

    best = np.full((k, m), np.inf)
    cut = np.zeros((k, m), dtype=int)
    best[0] = cost(np.zeros(m, dtype=int), np.arange(m))
    for c in range(1, k):
        for j in range(c, m):
            starts = np.arange(c, j + 1)
            totals = best[c - 1][starts - 1] + cost(starts, j)
            pick = int(np.argmin(totals))
            best[c][j], cut[c][j] = totals[pick], starts[pick]
    groups = np.zeros(m, dtype=int)
    end = m - 1
    for c in range(k - 1, 0, -1):
        start = cut[c][end]
        groups[start : end + 1] = c
        end = start - 1
    return groups


def classify(values: Sequence[float | None], scheme: str, fmt: Callable[[float], str], k: int = CLASSES) -> Classification:
    """Sequential classes (``scheme`` "quantiles" or "jenks"), each labelled with the range
    of the figures in it. Fewer distinct figures than ``k`` give fewer classes, and the
    legend says how many there are."""
    data = _finite(values)
    if not len(data):
        return Classification(SCHEMES.get(scheme, scheme), [], [], [None] * len(values))
    unique, counts = np.unique(data, return_counts=True)
    k = max(1, min(k, len(unique), max(BLUES)))
    groups = jenks_groups(unique, counts, k) if scheme == "jenks" else quantile_groups(unique, counts, k)
    k = int(groups.max()) + 1
    labels = []
    for c in range(k):
        members = unique[groups == c]
        lo, hi = fmt(members.min()), fmt(members.max())
        labels.append(lo if lo == hi else f"{lo} to {hi}")
    lookup = dict(zip(unique.tolist(), groups.tolist()))
    index = [None if v is None or not np.isfinite(v) else int(lookup[float(v)]) for v in values]
    return Classification(SCHEMES.get(scheme, scheme), labels, BLUES[k], index)


def classify_change(values: Sequence[float | None]) -> Classification:
    """Five fixed classes centred on zero, the same on every map so maps can be compared:
    within ±5% is "about the same"; beyond ±20% is a large change."""
    small, large = CHANGE_BREAKS
    labels = [
        f"{large:g}%+ fewer",
        f"{small:g}–{large:g}% fewer",
        f"About the same (±{small:g}%)",
        f"{small:g}–{large:g}% more",
        f"{large:g}%+ more",
    ]

    def one(v: float | None) -> int | None:
        if v is None or not np.isfinite(v):
            return None
        if v <= -large:
            return 0
        if v < -small:
            return 1
        if v <= small:
            return 2
        return 3 if v < large else 4

    return Classification("steps either side of no change", labels, DIVERGING, [one(v) for v in values])


def text_colour(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG relative luminance)."""
    channels = [int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lum = sum(
        w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4) for w, c in zip((0.2126, 0.7152, 0.0722), channels)
    )
    return INK if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


# --- Wording -----------------------------------------------------------------------------


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_of(values: dict[str, float | None], code: str) -> tuple[int, int, bool] | None:
    """(rank, areas ranked, tied) with 1 = highest; None when ``code`` has no figure."""
    held = {c: v for c, v in values.items() if v is not None}
    if code not in held:
        return None
    mine = held[code]
    higher = sum(1 for v in held.values() if v > mine)
    tied = sum(1 for v in held.values() if v == mine) > 1
    return higher + 1, len(held), tied


def ranks(values: dict[str, float | None]) -> dict[str, tuple[int, int, bool]]:
    """``rank_of`` for every area with a figure, in one pass; none when fewer than two areas
    have figures, because one area alone is not ranked (the page says so in words)."""
    held = sorted((v for v in values.values() if v is not None), reverse=True)
    if len(held) < 2:
        return {}
    first: dict[float, int] = {}
    seen: dict[float, int] = {}
    for i, v in enumerate(held):
        first.setdefault(v, i + 1)
        seen[v] = seen.get(v, 0) + 1
    return {c: (first[v], len(held), seen[v] > 1) for c, v in values.items() if v is not None}


def rank_phrase(rank: tuple[int, int, bool], noun: str, what: str) -> str:
    """``3rd highest of 18 wards for all crime in Q3 2016/17``."""
    position, total, tied = rank
    plural = noun if total == 1 else noun + "s"
    if position == 1:  # "the highest", not "1st highest"
        return f"{'joint highest' if tied else 'the highest'} of {total} {plural} {what}"
    return f"{'joint ' if tied else ''}{ordinal(position)} highest of {total} {plural} {what}"


def spoken_rank(values: dict[str, float | None], code: str, noun: str, what: str, *, change: bool = False) -> str | None:
    """The rank as people say it, counted from the nearer end: ``9th highest of 32 boroughs``,
    ``2nd lowest of 32 boroughs``; for changes, by the size of the rise or fall: ``the largest
    fall of 32 boroughs``, ``2nd smallest rise of 32 boroughs``. None without a figure."""
    held = [v for v in values.values() if v is not None]
    mine = values.get(code)
    if mine is None:
        return None
    total, plural = len(held), noun if len(held) == 1 else noun + "s"
    tied = sum(1 for v in held if v == mine) > 1
    higher, lower = sum(1 for v in held if v > mine), sum(1 for v in held if v < mine)

    def say(position: int, word: str) -> str:
        lead = ("joint " if tied else "the ") + word if position == 1 else f"{'joint ' if tied else ''}{ordinal(position)} {word}"
        return f"{lead} of {total} {plural} {what}"

    if change and mine > 0:  # a rise: the largest is the highest, the smallest is the lowest above zero
        smaller_rises = sum(1 for v in held if 0 < v < mine)
        return say(higher + 1, "largest rise") if higher <= smaller_rises else say(smaller_rises + 1, "smallest rise")
    if change and mine < 0:  # a fall: the largest is the lowest
        smaller_falls = sum(1 for v in held if mine < v < 0)
        return say(lower + 1, "largest fall") if lower <= smaller_falls else say(smaller_falls + 1, "smallest fall")
    return say(higher + 1, "highest") if higher <= lower else say(lower + 1, "lowest")


def number(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{decimals}f}"


# --- Outlines for the browser ------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """Outlines ready to send: GeoJSON features (id = area code) and label points."""

    vintage: str
    features: dict[str, dict]
    centres: dict[str, tuple[float, float]]
    bounds: dict[str, tuple[float, float, float, float]]  # west, south, east, north

    def extent(self, pad: float = 0.03) -> tuple[list[float], list[float]]:
        """Longitude and latitude ranges around every outline, with a margin."""
        if not self.bounds:
            return [-0.51, 0.33], [51.29, 51.69]  # London
        west, south, east, north = (f(b[i] for b in self.bounds.values()) for i, f in enumerate((min, min, max, max)))
        dx, dy = (east - west) * pad or 0.01, (north - south) * pad or 0.01
        return [west - dx, east + dx], [south - dy, north + dy]


def _round(coords: list, decimals: int = DECIMALS) -> list:
    """Round to ``decimals`` places, dropping points that rounding made repeats."""
    if coords and isinstance(coords[0], (int, float)):
        return [round(coords[0], decimals), round(coords[1], decimals)]
    out = [_round(c, decimals) for c in coords]
    if out and isinstance(out[0][0], float):  # a ring: drop consecutive repeats, keep it closed
        ring = [out[0]] + [p for prev, p in pairwise(out) if p != prev]
        return ring if len(ring) >= 4 else out
    return out


def _feature(code: str, geometry: dict) -> dict:
    return {"type": "Feature", "id": code, "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}}


def _bounds(feature: dict) -> tuple[float, float, float, float]:
    coords = feature["geometry"]["coordinates"]
    rings = coords if feature["geometry"]["type"] == "Polygon" else [r for part in coords for r in part]
    xs = [p[0] for r in rings for p in r]
    ys = [p[1] for r in rings for p in r]
    return min(xs), min(ys), max(xs), max(ys)


def _make_layer(vintage: str, features: dict[str, dict], centres: dict[str, tuple[float, float]]) -> Layer:
    return Layer(vintage, features, centres, {c: _bounds(f) for c, f in features.items()})


def _overview(rows: list[Outline]) -> list[dict]:
    """A coarser copy of the web outlines for views of hundreds of areas (all London's
    wards): simplified together as a coverage, so neighbours keep a shared edge and no gaps
    open. The 5 m web outlines would be over 1 MB for London's 657 wards, and the extra
    detail is smaller than a pixel at that scale."""
    shapes = shapely.from_geojson([r.geometry for r in rows])
    simpler = shapely.coverage_simplify(shapes, OVERVIEW_TOLERANCE_DEG)
    bad = shapely.is_empty(simpler) | ~shapely.is_valid(simpler)
    simpler[bad] = shapes[bad]
    return [json.loads(text) for text in shapely.to_geojson(simpler)]


@lru_cache(maxsize=16)
def _layer(url: str, v: tuple, level: str, vintage: str, overview: bool) -> Layer:
    with reading(get_engine(url)) as session:
        rows = outlines(session, level, vintage)
    geometries = _overview(rows) if overview else [json.loads(r.geometry) for r in rows]
    return _make_layer(
        vintage,
        {r.code: _feature(r.code, g) for r, g in zip(rows, geometries)},
        {r.code: (round(r.lon, DECIMALS), round(r.lat, DECIMALS)) for r in rows},
    )


def layer(url: str, level: str, vintage: str, codes: Sequence[str]) -> Layer:
    """The outlines of ``codes`` in ``vintage``: built once per boundary set and shared data
    version, for every partnership (a load of boundaries changes it, so they are picked up)."""
    full = _layer(url, shared_version(url), level, vintage, len(codes) > OVERVIEW_AREAS)
    wanted = [c for c in codes if c in full.features]
    return Layer(
        vintage, {c: full.features[c] for c in wanted}, {c: full.centres[c] for c in wanted}, {c: full.bounds[c] for c in wanted}
    )


@lru_cache(maxsize=1)
def tile_layer() -> Layer:
    """London's boroughs as equal squares (``geo.tiles``): always available, needs no
    boundaries loaded, and small central boroughs are as easy to see as big outer ones."""
    from geo.tiles import feature_collection

    features, centres = {}, {}
    for f in feature_collection()["features"]:
        ring = f["geometry"]["coordinates"][0]
        features[f["id"]] = _feature(f["id"], f["geometry"])
        centres[f["id"]] = (round(sum(p[0] for p in ring[:4]) / 4, DECIMALS), round(sum(p[1] for p in ring[:4]) / 4, DECIMALS))
    return _make_layer("tiles", features, centres)


def clear_caches() -> None:
    _layer.cache_clear()


# --- The figure ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MapArea:
    code: str
    label: str  # drawn on the map (short name); "" for none
    hover: list[str]  # values for the hover lines; the first is the area's name
    narrow_label: str = ""  # on a narrow screen (assets/chart-fit.js), where ``label`` overflows its tile


def choropleth(layer: Layer, areas: list[MapArea], classes: Classification, *, title: str, legend_title: str, height: int = 620,
               label_size: int = 11, highlight: str | None = None, highlight_name: str = "Home borough (thick outline)",
               hover_labels: Sequence[str] = ("",)) -> dict:  # fmt: skip
    """One trace per class (each with only its own areas' outlines, so nothing is sent
    twice) and a legend entry per class; areas with no figure are grey and say so."""
    groups: dict[int | None, list[int]] = {}
    for i, area in enumerate(areas):
        if area.code in layer.features:
            groups.setdefault(classes.index[i], []).append(i)
    traces: list[dict] = []
    order = list(range(classes.k)) + [None]
    for rank, c in enumerate(order):
        members = groups.get(c, [])
        if c is None and not members:
            continue
        colour = NO_DATA if c is None else classes.colours[c]
        name = "No figure" if c is None else classes.labels[c]
        # Legend entries are separate markers: a choropleth's own legend swatch has no border,
        # so a near-white class would vanish; and an empty class still shows, so the scale reads whole.
        traces.append(_legend_only(name, rank, {"symbol": "square", "color": colour, "line": {"color": EDGE, "width": 1}}))
        if not members:
            continue
        lines = len(hover_labels)
        template = (
            "<b>%{customdata[0]}</b>"
            + "".join(f"<br>{label}%{{customdata[{n}]}}" for n, label in enumerate(hover_labels[1:], 1))
            + "<extra></extra>"
        )
        traces.append(
            {
                "type": "choropleth",
                "name": name,
                "geojson": {"type": "FeatureCollection", "features": [layer.features[areas[i].code] for i in members]},
                "locations": [areas[i].code for i in members],
                "z": [rank] * len(members),
                "featureidkey": "id",
                "colorscale": [[0, colour], [1, colour]],
                "showscale": False,
                "showlegend": False,
                "marker": {"line": {"color": EDGE, "width": 0.8}},
                "customdata": [areas[i].hover[:lines] + [""] * (lines - len(areas[i].hover)) for i in members],
                "hovertemplate": template,
                "meta": "classes" if c is not None else "no-figure",
            }
        )
    if highlight and highlight in layer.features:
        traces.append(
            {
                "type": "choropleth", "name": highlight_name, "geojson": {"type": "FeatureCollection", "features": [layer.features[highlight]]},
                "locations": [highlight], "z": [0], "featureidkey": "id", "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                "showscale": False, "showlegend": False, "hoverinfo": "skip", "marker": {"line": {"color": INK, "width": 4}},
            }
        )  # fmt: skip
        traces.append(_legend_only(highlight_name, 99, {"symbol": "square-open", "color": INK, "line": {"width": 3}}))
    labelled = [(i, a) for i, a in enumerate(areas) if a.label and a.code in layer.centres]
    if labelled:
        fills = [NO_DATA if (c := classes.index[i]) is None else classes.colours[c] for i, _ in labelled]
        traces.append(
            {
                "type": "scattergeo", "mode": "text", "name": "labels", "showlegend": False, "hoverinfo": "skip",
                "lon": [layer.centres[a.code][0] for _, a in labelled], "lat": [layer.centres[a.code][1] for _, a in labelled],
                "text": [a.label for _, a in labelled], "customdata": [[a.code] for _, a in labelled],
                "textfont": {"size": label_size, "color": [text_colour(f) for f in fills], "family": FONT},
                "meta": {"narrow": [a.narrow_label or a.label for _, a in labelled]},
            }
        )  # fmt: skip
    lon, lat = layer.extent()
    return {
        "data": traces,
        "layout": {
            "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 17, "color": INK}},
            "font": {"family": FONT, "size": 14, "color": INK},
            "height": height,
            "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
            "paper_bgcolor": "white",
            "dragmode": False,
            # Explicit ranges, not fitbounds: fitbounds keeps the world map's frame shape and
            # leaves a small map in a large box.
            "geo": {
                "visible": False,
                "projection": {"type": "mercator"},
                "bgcolor": "white",
                "lonaxis": {"range": lon},
                "lataxis": {"range": lat},
            },
            # The key sits under the map, so the map keeps the full width on a tablet.
            "legend": {
                "title": {"text": legend_title, "side": "top"},
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": -0.01,
                "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.9)",
                "bordercolor": EDGE,
                "borderwidth": 1,
                "itemclick": False,
                "itemdoubleclick": False,
            },
            "hoverlabel": {"font": {"family": FONT}},
        },
    }


def placeholder(height: int, message: str = "") -> dict:
    """An empty figure of the map's height, shown until the map callback answers."""
    axis = {"visible": False}
    note = (
        [{"text": message, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5, "font": {"size": 16}}]
        if message
        else []
    )
    return {
        "data": [],
        "layout": {
            "height": height,
            "xaxis": axis,
            "yaxis": axis,
            "annotations": note,
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        },
    }


def _legend_only(name: str, rank: int, marker: dict) -> dict:
    """A legend entry with nothing on the map (a point with no position)."""
    return {"type": "scattergeo", "lon": [None], "lat": [None], "mode": "markers", "name": name, "showlegend": True,
            "legendrank": rank, "hoverinfo": "skip", "marker": {"size": 13, **marker}}  # fmt: skip
