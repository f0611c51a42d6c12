"""The map pages' Dash pieces, shared by /map, /london and /ward: the map's graph component,
its controls (native selects in a form) and the table of numbers with each area's class.
What the map shows (classes, outlines, the figure, the state from the URL) is ``views/maps.py``
and ``views/map_state.py``."""

from __future__ import annotations

from collections.abc import Callable

import dash
from dash import dcc, html
from dash.development.base_component import Component

from store.map_queries import SPANS, AreaFigure
from views import maps
from views.map_state import VIEWS, MapState, fmt_for
from views.wording import signed_percent
from web.parts import components as ui


def graph(graph_id: str, figure: dict, caption: str | list) -> html.Figure:
    """A map with its text description. ``topojsonURL`` points Plotly at our own tiny empty
    base map: by default it fetches world outlines from a CDN, even with the base map
    hidden, and the dashboard must work with no internet."""
    return html.Figure(
        [
            dcc.Graph(
                id=graph_id,
                figure=figure,
                config={
                    "displayModeBar": False,
                    "responsive": True,
                    "scrollZoom": False,
                    "topojsonURL": dash.get_asset_url("topojson/"),
                },
                style={"height": f"{figure['layout']['height']}px"},
                className="chart__graph map__graph",
            ),
            html.Figcaption(caption, className="chart__caption"),
        ],
        className="chart map",
    )


# --- Controls ------------------------------------------------------------------------------


def form(prefix: str, fields: list[Component], label: str) -> html.Form:
    """Native selects in a form; ``assets/cspdash.js`` turns a change into a new URL (every
    named field becomes a query parameter) on the page's ``dcc.Location``."""
    return html.Form(
        [
            *fields,
            html.Button("Show map", type="submit", className="button button--secondary", id=f"{prefix}-apply"),
            dcc.Location(id=f"{prefix}-location", refresh="callback-nav"),
        ],
        className="controls no-print",
        id=f"{prefix}-controls",
        method="get",
        role="search",
        **ui.attrs({"aria-label": label, "data-map-location": f"{prefix}-location"}),
    )


def swatch(colour: str, text: str) -> html.Span:
    """A class label with its colour drawn before it (CSS ``::before``: one component per
    cell, as the all-London table has 657 rows)."""
    return html.Span(text, className="class-cell", style={"--swatch": colour})


def table(rows: list[AreaFigure], classes: maps.Classification, values: list[float | None], state: MapState, caption: str,
          first: str = "Ward", href: Callable[[str], str] | None = None, table_id: str = "map-table", home: str | None = None,
          rates: bool | None = None) -> html.Table:  # fmt: skip
    """The map's numbers, highest first, with each area's class in words beside its colour.
    The rate column is left out when no area has a population figure (a column of dashes), or
    when ``rates`` says so (London: unless every borough has one, rates are not compared)."""
    fmt = fmt_for("count", state.measure)
    before = state.period.last_year().label
    rates = any(f.population for f in rows) if rates is None else rates
    ranked = maps.ranks(dict(zip([r.code for r in rows], values)))
    headers = [first, f"{state.measure.noun}, {state.period.label}", *(["Rate per 1,000 residents"] if rates else []),
               f"{state.measure.noun}, {before}", "Change", "Map class", "Rank"]  # fmt: skip
    order = sorted(range(len(rows)), key=lambda i: (values[i] is None, -(values[i] or 0), rows[i].name))
    body = []
    for i in order:
        f = rows[i]
        c = classes.index[i]
        rank = ranked.get(f.code)
        name: Component | str = dcc.Link(f.name, href=href(f.code)) if href else f.name
        if f.code == home:
            name = html.Span([name, html.Span(" (home borough)", className="cell-note")])
        body.append(
            [
                name,
                maps.number(f.value) if f.value is None else fmt(f.value),
                *([maps.number(f.rate, 1)] if rates else []),
                maps.number(f.last_year) if f.last_year is None else fmt(f.last_year),
                signed_percent(f.change),
                swatch(maps.NO_DATA if c is None else classes.colours[c], classes.label_of(i)),
                "–" if rank is None else f"{'=' if rank[2] else ''}{rank[0]}",
            ]
        )
    numeric = [i for i, h in enumerate(headers) if i and h != "Map class"]
    return ui.table(caption, headers, body, numeric=numeric, table_id=table_id)


def controls(state: MapState, prefix: str, with_area: bool = True, rate_ok: bool = True) -> html.Form:
    periods = [(p.key, p.label) for p in reversed(state.periods)]
    fields: list[Component] = [
        ui.select(prefix, "measure", "Measure", state.measures, state.measure.key),
        ui.select(prefix, "span", "Period length", list(SPANS.items()), state.period.span),
        ui.select(prefix, "period", "Period", periods, state.period.key),
        ui.select(prefix, "view", "Show", list(VIEWS.items()), state.view, disabled=() if rate_ok else ("rate",)),
        ui.select(
            prefix,
            "classes",
            "Colour classes",
            [("quantiles", "Same number of areas in each colour"), ("jenks", "Grouped where the figures divide naturally")],
            state.scheme,
            titles=maps.SCHEME_TERMS,
        ),  # fmt: skip
    ]
    if with_area:
        fields.append(ui.select(prefix, "area", "Area", state.areas, state.area))
    return form(prefix, fields, "Choose what the map shows")
