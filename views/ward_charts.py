"""A ward profile's state and figures: the ward, its borough and the map's choices, the
trend by quarter, the crime categories as small charts, the locator map and the sentences
that state what they show. Shared by the /ward page and its downloads
(``views/page_figures.py``), so the image and the page cannot disagree.

Kept out of the page module: Dash Pages runs a page module afresh for every app, and the
exports must not import one.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import lru_cache

import plotly.graph_objects as go

from rules.periods import Quarter
from store.map_queries import AreaTrend
from views import maps
from views.charts import BLUE, FONT, GRID, INK, ORANGE, PLUM
from views.data import version
from views.gap_axis import quarter_axis
from views.map_state import MapFigures, MapState, resolve, shown_value, trend, view_phrase, ward_figures
from views.svg_lines import small_line_svg
from views.text_fit import fit, line_count
from views.wording import change_phrase

TREND_HEIGHT, SMALL_HEIGHT, LOCATOR_HEIGHT = 380, 230, 380


@dataclass(frozen=True)
class WardView:
    """One ward as its profile shows it: the map's choices resolved with the ward's borough
    as the area, the borough's ward figures (for the rank) and the ward's own trend."""

    code: str
    name: str
    borough: str  # the borough's name
    state: MapState
    figures: MapFigures
    series: AreaTrend

    @property
    def labels(self) -> list[str]:
        return [short_quarter(q) for q in self.series.quarters]

    @property
    def chosen(self) -> str:
        """The map's quarter as the charts label it."""
        return short_quarter(self.state.period.quarter)


def ward_view(url: str, home: str, code: str, params: dict[str, str | None]) -> WardView:
    """Raises MapRequestError (unknown ward, or a query the map would refuse)."""
    series, name, borough_code = trend(url, code)
    state = resolve(url, home, {**params, "area": borough_code or home})
    borough = dict(state.areas).get(state.area, state.area).removesuffix(" wards")
    return WardView(code, name, borough, state, ward_figures(url, state), series)


def short_quarter(q: Quarter) -> str:
    return f"Q{q.q} {q.year % 100:02d}/{(q.year + 1) % 100:02d}"


def rank_sentence(name: str, borough: str, state: MapState, values: dict[str, float | None], code: str) -> str:
    """``Brooklands: 3rd highest of 18 wards in Havering for all crime in Q3 2016/17.``"""
    rank = maps.rank_of(values, code)
    when = "" if state.view == "change" else f" in {state.period.label}"
    if rank is None:
        return f"{name} has no figure for {view_phrase(state)}{when}, so it has no rank."
    return f"{name}: {maps.rank_phrase(rank, 'ward', f'in {borough} for {view_phrase(state)}{when}')}."


def ward_rank(view: WardView) -> str:
    values = {f.code: shown_value(f, view.state.view) for f in view.figures.figures}
    return rank_sentence(view.name, view.borough, view.state, values, view.code)


def trend_title(view: WardView) -> str:
    """``All crime in Brooklands: 312 in Q3 2016/17, up 4.0% on Q3 2015/16``."""
    quarter = view.state.period.quarter
    before = quarter.same_quarter_last_year()
    counts = dict(zip(view.labels, view.series.all_crime))
    now = counts.get(view.chosen)
    if now is None and view.series.quarters and view.series.quarters[-1] < quarter:
        # A ward replaced in a boundary review: its chart stops at its last quarter.
        return f"All crime in {view.name}: no figures after {view.series.quarters[-1].label}, the ward's last quarter held"
    return f"All crime in {view.name}: {maps.number(now)} in {quarter.label}, {change_phrase(now, counts.get(short_quarter(before)), before.label)}"


def category_finding(view: WardView) -> str:
    """The categories' finding: the largest category in the map's quarter and its share."""
    i = view.labels.index(view.chosen) if view.chosen in view.labels else None
    quarter = view.state.period.quarter.label
    held = {
        label: value for label, values in view.series.categories.items() if i is not None and (value := values[i]) is not None
    }
    if not held or not max(held.values()):
        return f"No offences by category are held for {view.name} in {quarter}"
    top = max(held, key=lambda label: held[label])
    total = view.series.all_crime[i] if i is not None else None
    share = f" of {maps.number(total)} offences" if total else " offences"
    return f"{top} was the largest crime category in {view.name} in {quarter}: {maps.number(held[top])}{share}"


def _small_layout(title: str, height: int) -> dict:
    return {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15, "color": INK}},
        "font": {"family": FONT, "size": 13, "color": INK},
        "height": height,
        "margin": {"l": 55, "r": 15, "t": 45, "b": 45},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "xaxis": {"showgrid": False, "linecolor": INK, "ticks": "outside", "fixedrange": True, "tickangle": 0},
        "yaxis": {"gridcolor": GRID, "zeroline": False, "fixedrange": True, "rangemode": "tozero", "tickformat": ",d"},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        "hoverlabel": {"font": {"family": FONT}},
    }


def _chosen(fig: go.Figure, labels: list[str], values: list[float | None], chosen: str) -> None:
    """Mark the map's quarter with a filled square, so the chart ties back to the map."""
    if chosen in labels and values[labels.index(chosen)] is not None:
        i = labels.index(chosen)
        fig.add_trace(
            go.Scatter(
                x=[chosen],
                y=[values[i]],
                mode="markers",
                name="The map's quarter",
                marker={"symbol": "square", "size": 11, "color": PLUM},
                hovertemplate="%{x}: %{y:,}<extra></extra>",
            )
        )


def trend_chart(series: AreaTrend, title: str, chosen: str) -> go.Figure:
    labels = [short_quarter(q) for q in series.quarters]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=series.all_crime,
            mode="lines+markers",
            name="All crime",
            line={"color": BLUE, "width": 3},
            marker={"symbol": "circle", "size": 8},
            meta="all-crime",
        )
    )
    if any(v is not None for v in series.asb):
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=series.asb,
                mode="lines+markers",
                name="Anti-social behaviour",
                line={"color": ORANGE, "dash": "dash", "width": 2},
                marker={"symbol": "diamond", "size": 9},
                meta="asb",
            )
        )
    _chosen(fig, labels, series.all_crime, chosen)
    fig.update_layout(_small_layout(title, TREND_HEIGHT))
    fig.update_xaxes(**quarter_axis(labels))  # thinned, "Q3" over "16/17": no overlapping labels on a phone
    fig.update_yaxes(title={"text": "Offences or incidents"})
    return fig


def category_title(label: str, values: list[float | None], labels: list[str], chosen: str) -> str:
    latest = values[labels.index(chosen)] if chosen in labels else None
    return f"{label}: {maps.number(latest)} in {chosen}"


SMALL_CELL = 260  # px: the narrowest the ward page's grid draws a category chart


def category_chart(label: str, values: list[float | None], labels: list[str], chosen: str) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=labels,
            y=values,
            mode="lines+markers",
            name=label,
            line={"color": BLUE, "width": 2},
            marker={"symbol": "circle", "size": 6},
            showlegend=False,
        )
    )
    _chosen(fig, labels, values, chosen)
    # The page's cells are at least SMALL_CELL px wide: the title wraps there rather than being cut.
    title = fit(category_title(label, values, labels, chosen), SMALL_CELL - 10, 15)
    extra = line_count(title) - 1
    fig.update_layout(_small_layout(title, SMALL_HEIGHT + 18 * extra))
    fig.update_layout(showlegend=False, margin={"b": 35, "t": 45 + 18 * extra})
    fig.update_xaxes(nticks=4)
    top = max((v for v in values if v is not None), default=0)
    if top < 5:  # small counts: whole-number ticks, not 0, 1, 1 from rounding 0.5
        fig.update_yaxes(dtick=1, range=[0, max(top, 1) * 1.15])
    return fig


def locator_figure(url: str, view: WardView) -> dict:
    """The borough's wards with this one shaded dark blue and given a thick outline, so it is
    found without relying on colour. (No name on it: a long name spills onto its neighbours.)"""
    vintage = view.figures.vintage
    codes = [f.code for f in view.figures.figures]
    layer = maps.layer(url, "ward", vintage, codes) if vintage else maps.Layer("none", {}, {}, {})
    shown = [c for c in codes if c in layer.features]
    name, code = view.name, view.code
    key = maps.Classification(
        "", [f"{name} ward", f"Other wards in {view.borough}"], [BLUE, "#eef3f8"], [0 if c == code else 1 for c in shown]
    )
    areas = [maps.MapArea(c, "", [name if c == code else "Another ward"]) for c in shown]
    figure = maps.choropleth(
        layer,
        areas,
        key,
        title="",
        legend_title="Key",
        height=LOCATOR_HEIGHT,
        label_size=12,
        highlight=code,
        highlight_name=f"{name} (thick outline)",
    )
    figure["layout"]["margin"]["t"] = 10
    return figure


@dataclass(frozen=True)
class SmallChart:
    """A crime category's chart as the page shows it: an SVG image (``views/svg_lines.py``)."""

    label: str
    src: str  # a data: URL
    height: int  # px at the SVG's own width
    alt: str


@dataclass(frozen=True)
class WardFigures:
    """The page's figures, built once per ward, choices and data version: building Plotly
    figures (plotly validates every property) costs far more than reading the figures."""

    trend: dict
    categories: list[SmallChart]
    locator: dict | None


def small_chart(view: WardView, label: str, values: list[float | None]) -> SmallChart:
    labels, chosen = view.labels, view.chosen
    title = category_title(label, values, labels, chosen)
    svg, height = small_line_svg(title, labels, values, chosen)
    alt = (
        f"Line chart: {label} by quarter in {view.name}, {labels[0]} to {labels[-1]}, with the map's quarter marked by a "
        f"filled square. {title}. The figures are in the table below the charts."
    )
    return SmallChart(label, "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(), height, alt)


@dataclass(frozen=True)
class _Asked:
    key: tuple
    view: WardView = field(compare=False, hash=False)  # follows from the key


@lru_cache(maxsize=32)
def _page_figures(asked: _Asked, url: str) -> WardFigures:
    view = asked.view
    series, chosen = view.series, view.chosen
    trend = trend_chart(series, trend_title(view), chosen).to_dict() if series.quarters else {}
    categories = [small_chart(view, label, values) for label, values in series.categories.items()]
    return WardFigures(trend, categories, locator_figure(url, view) if view.figures.vintage else None)


def page_figures(url: str, view: WardView) -> WardFigures:
    """The /ward page's figures for ``view`` (cached; callers must not change them)."""
    return _page_figures(_Asked((url, version(url), view.code, view.state.query(), view.state.area), view), url)
