"""A ward's profile (``/ward/<code>?measure=…&period=…&span=…&view=…``): where it ranks in
its borough on the map's measure and period, where it is, and its trend by quarter (all
crime and ASB, then each crime category as small multiples), each with a table.
"""

from __future__ import annotations

import dash
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from dashboards import components as ui
from dashboards import maps
from dashboards.charts import BLUE, FONT, GRID, INK, ORANGE, PLUM
from dashboards.context import current_settings
from dashboards.map_state import (
    MapState,
    fmt_for,
    resolve,
    shown_value,
    trend,
    view_phrase,
    ward_figures,
)
from dashboards.wording import change_phrase
from rag.periods import Quarter
from store.map_queries import AreaTrend, MapRequestError

dash.register_page(
    __name__,
    path_template="/ward/<code>",
    name="Ward profile",
    title=lambda code=None, **_: f"Ward {code or ''} – Community Safety Partnership performance",
)

PREFIX = "ward-profile"
TREND_HEIGHT, SMALL_HEIGHT = 380, 230


def layout(code: str | None = None, **params: str | None) -> Component:
    try:
        settings = current_settings()
        return page(settings.database_url, settings.home_area, code or "", params)
    except Exception as exc:  # noqa: BLE001 - the reader gets a message, the log gets the trace
        return ui.failure(exc)


def short_quarter(q: Quarter) -> str:
    return f"Q{q.q} {q.year % 100:02d}/{(q.year + 1) % 100:02d}"


def rank_sentence(name: str, borough: str, state: MapState, values: dict[str, float | None], code: str) -> str:
    """``Brooklands: 3rd highest of 18 wards in Havering for all crime in Q3 2016/17.``"""
    rank = maps.rank_of(values, code)
    when = "" if state.view == "change" else f" in {state.period.label}"
    if rank is None:
        return f"{name} has no figure for {view_phrase(state)}{when}, so it has no rank."
    return f"{name}: {maps.rank_phrase(rank, 'ward', f'in {borough} for {view_phrase(state)}{when}')}."


def page(url: str, home: str, code: str, params: dict[str, str | None]) -> html.Div:
    try:
        series, name, borough_code = trend(url, code)
        state = resolve(url, home, {**params, "area": borough_code or home})
    except MapRequestError as exc:
        return html.Div([dcc.Link("← Back to the ward map", href="/map", className="back-link"), html.H1("Ward profile"), ui.notice("We can't show this ward", str(exc))])
    data = ward_figures(url, state)
    borough = dict(state.areas).get(state.area, state.area).removesuffix(" wards")
    values = {f.code: shown_value(f, state.view) for f in data.figures}
    mine = next((f for f in data.figures if f.code == code), None)
    fmt = fmt_for("count", state.measure)
    out: list[Component] = [
        dcc.Link("← Back to the ward map", href=f"/map{state.query()}", className="back-link no-print", id=f"{PREFIX}-back"),
        html.H1(f"{name} ward, {borough}", id=f"{PREFIX}-heading"),
        html.P(rank_sentence(name, borough, state, values, code), className="rank-statement", id=f"{PREFIX}-rank"),
    ]
    if mine and mine.value is not None:
        before = state.period.last_year().label
        rate = f" That is {mine.rate:,.1f} per 1,000 residents." if mine.rate is not None else ""
        out.append(
            html.P(
                f"{fmt(mine.value)} {state.measure.noun.lower()} ({state.measure.label.lower()}) in {state.period.label}, "
                f"{change_phrase(mine.value, mine.last_year, before)}.{rate}",
                className="lead",
                id=f"{PREFIX}-summary",
            )
        )
    if data.vintage:
        out += [html.H2("Where it is"), locator(url, data.vintage, [f.code for f in data.figures], code, name, borough)]
    out += trend_section(series, name, state)
    return html.Div(out)


def locator(url: str, vintage: str, codes: list[str], code: str, name: str, borough: str) -> html.Figure:
    layer = maps.layer(url, "ward", vintage, codes)
    shown = [c for c in codes if c in layer.features]
    key = maps.Classification("", [f"{name} ward", f"Other wards in {borough}"], [BLUE, "#eef3f8"], [0 if c == code else 1 for c in shown])
    areas = [maps.MapArea(c, "", [name if c == code else "Another ward"]) for c in shown]
    figure = maps.choropleth(layer, areas, key, title="", legend_title="Key", height=380, label_size=12)
    figure["layout"]["margin"]["t"] = 10
    note = " (schematic layout: each hexagon is one ward, placed roughly where it is)" if vintage == "schematic" else ""
    return maps.graph(f"{PREFIX}-locator", figure, f"{name} ward, shaded dark blue, among the wards of {borough}{note}.")


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
        fig.add_trace(go.Scatter(x=[chosen], y=[values[i]], mode="markers", name="The map's quarter", marker={"symbol": "square", "size": 11, "color": PLUM}, hovertemplate="%{x}: %{y:,}<extra></extra>"))


def trend_chart(series: AreaTrend, title: str, chosen: str) -> go.Figure:
    labels = [short_quarter(q) for q in series.quarters]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=labels, y=series.all_crime, mode="lines+markers", name="All crime", line={"color": BLUE, "width": 3}, marker={"symbol": "circle", "size": 8}, meta="all-crime"))
    if any(v is not None for v in series.asb):
        fig.add_trace(go.Scatter(x=labels, y=series.asb, mode="lines+markers", name="Anti-social behaviour", line={"color": ORANGE, "dash": "dash", "width": 2}, marker={"symbol": "diamond", "size": 9}, meta="asb"))
    _chosen(fig, labels, series.all_crime, chosen)
    fig.update_layout(_small_layout(title, TREND_HEIGHT))
    fig.update_yaxes(title={"text": "Offences or incidents"})
    return fig


def category_chart(label: str, values: list[float | None], labels: list[str], chosen: str) -> go.Figure:
    fig = go.Figure(go.Scatter(x=labels, y=values, mode="lines+markers", name=label, line={"color": BLUE, "width": 2}, marker={"symbol": "circle", "size": 6}, showlegend=False))
    _chosen(fig, labels, values, chosen)
    latest = values[labels.index(chosen)] if chosen in labels else None
    fig.update_layout(_small_layout(f"{label}: {maps.number(latest)} in {chosen}", SMALL_HEIGHT))
    fig.update_layout(showlegend=False, margin={"b": 35})
    fig.update_xaxes(nticks=4)
    top = max((v for v in values if v is not None), default=0)
    if top < 5:  # small counts: whole-number ticks, not 0, 1, 1 from rounding 0.5
        fig.update_yaxes(dtick=1, range=[0, max(top, 1) * 1.15])
    return fig


def trend_section(series: AreaTrend, name: str, state: MapState) -> list[Component]:
    if not series.quarters:
        return [html.H2("Trend"), html.P("No complete quarter of crime or ASB figures is held for this ward.")]
    labels = [short_quarter(q) for q in series.quarters]
    chosen = short_quarter(state.period.quarter)
    now = dict(zip(labels, series.all_crime)).get(chosen)
    before = dict(zip(labels, series.all_crime)).get(short_quarter(state.period.quarter.same_quarter_last_year()))
    title = f"All crime in {name}: {maps.number(now)} in {state.period.quarter.label}, {change_phrase(now, before, state.period.quarter.same_quarter_last_year().label)}"
    rows = [[q.label, maps.number(c), maps.number(a)] for q, c, a in zip(series.quarters, series.all_crime, series.asb)]
    out: list[Component] = [
        html.H2("All crime and anti-social behaviour by quarter"),
        ui.chart(f"{PREFIX}-trend", trend_chart(series, title, chosen), height=TREND_HEIGHT, caption="Solid blue line with circles: all crime. Dashed orange line with diamonds: anti-social behaviour incidents. Purple square: the quarter shown on the map."),
        ui.numbers("Show the numbers behind this chart", ui.scroll_region(f"All crime and ASB by quarter, {name}", ui.table(f"All crime and anti-social behaviour by quarter, {name}", ["Quarter", "All crime (offences)", "ASB (incidents)"], rows, numeric=[1, 2], table_id=f"{PREFIX}-trend-table"))),
    ]  # fmt: skip
    if series.categories:
        charts = [
            html.Li(ui.chart(f"{PREFIX}-category-{i}", category_chart(label, values, labels, chosen), f"{label} by quarter in {name}.", height=SMALL_HEIGHT), className="small-multiple")
            for i, (label, values) in enumerate(series.categories.items())
        ]
        body = [[label, *[maps.number(v) for v in values]] for label, values in series.categories.items()]
        caption = f"Offences by crime category and quarter, {name}"
        out += [
            html.H2("Crime by category"),
            html.P("One chart per Home Office crime category, each with its own scale so the trend is clear; compare sizes in the table.", className="cell-note"),
            html.Ul(charts, className="small-multiples", id=f"{PREFIX}-categories"),
            ui.scroll_region(f"{caption} (scrolls sideways)", ui.table(caption, ["Category", *labels], body, numeric=range(1, len(labels) + 1), table_id=f"{PREFIX}-category-table")),
        ]
    return out
