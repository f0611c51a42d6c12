"""London comparison (``/london?measure=crime&period=2016-17-Q3&span=quarter&view=rate``): the
boroughs on one measure, as a rate per 1,000 residents, change on the same period last year
or counts, with the home borough outlined and its rank stated in words.

Two maps: the real borough outlines when they are loaded, and a tile map (one equal square
per borough) that is always available. A table holds the same numbers.
"""

from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from dash.development.base_component import Component

from dashboards import components as ui
from dashboards import maps
from dashboards.context import current_settings
from dashboards.map_state import (
    POPULATION_NOTE,
    MapState,
    borough_figures,
    borough_vintage,
    classes_for,
    controls,
    finding,
    hover_labels,
    hover_values,
    resolve,
    shown_value,
    table,
    view_phrase,
)
from store.map_queries import AreaFigure, MapRequestError
from store.reference import LONDON_BOROUGHS

dash.register_page(__name__, path="/london", name="London comparison", title="London comparison – Community Safety Partnership performance", order=3)

PREFIX = "london"
CITY = "E09000001"
# Labels for the tile map: a tile is about 90 pixels wide.
SHORT_NAMES = {
    "E09000001": "City", "E09000002": "Bark &<br>Dag", "E09000003": "Barnet", "E09000004": "Bexley", "E09000005": "Brent",
    "E09000006": "Bromley", "E09000007": "Camden", "E09000008": "Croydon", "E09000009": "Ealing", "E09000010": "Enfield",
    "E09000011": "Green-<br>wich", "E09000012": "Hackney", "E09000013": "Ham &<br>Ful", "E09000014": "Haringey", "E09000015": "Harrow",
    "E09000016": "Havering", "E09000017": "Hilling-<br>don", "E09000018": "Hounslow", "E09000019": "Islington", "E09000020": "Ken &<br>Chel",
    "E09000021": "Kingston", "E09000022": "Lambeth", "E09000023": "Lewisham", "E09000024": "Merton", "E09000025": "Newham",
    "E09000026": "Redbridge", "E09000027": "Richmond", "E09000028": "Southwark", "E09000029": "Sutton", "E09000030": "Tower<br>Hamlets",
    "E09000031": "Waltham<br>Forest", "E09000032": "Wands-<br>worth", "E09000033": "West-<br>minster",
}  # fmt: skip
BOROUGH_FILE_NOTE = (
    "load the Met's borough file with `cspdash ingest crime mps_borough_level_crime_most_recent_24_months_….csv` "
    "(London Datastore, MPS Recorded Crime: Geographic Breakdown)"
)
BOUNDARY_NOTE = (
    "Borough outlines are not loaded, so only the tile map is shown. Load them with "
    "`cspdash ingest boundaries london_boroughs_wgs84_simplified20m.geojson` (London Datastore, Statistical GIS "
    "Boundary Files for London)."
)


def layout(**params: str | None) -> Component:
    try:
        settings = current_settings()
        return page(settings.database_url, settings.home_area, params)
    except Exception as exc:  # noqa: BLE001 - the reader gets a message, the log gets the trace
        return ui.failure(exc)


def rank_statement(figures: list[AreaFigure], values: list[float | None], state: MapState, home: str) -> str:
    """``Havering: 9th highest of 32 boroughs for all crime per 1,000 residents in Q3 2016/17.``"""
    name = LONDON_BOROUGHS.get(home, home)
    rank = maps.rank_of({f.code: v for f, v in zip(figures, values)}, home)
    when = "" if state.view == "change" else f" in {state.period.label}"
    if rank is None:
        return f"{name} has no figure for {view_phrase(state)}{when}."
    if rank[1] == 1:
        return f"{name} is the only borough with figures for {state.period.label}, so it cannot be ranked against other boroughs yet."
    return f"{name}: {maps.rank_phrase(rank, 'borough', f'for {view_phrase(state)}{when}')}."


def page(url: str, home: str, params: dict[str, str | None]) -> html.Div:
    try:
        state = resolve(url, home, {**params, "area": None}, level="borough")
    except MapRequestError as exc:
        return html.Div([html.H1("London comparison"), ui.notice("We can't show this comparison", str(exc))])
    figures = borough_figures(url, state)
    rate_ok = state.measure.unit == "count" and any(f.population for f in figures)
    notices: list[Component] = []
    if not params.get("view"):
        state = replace(state, view="rate" if rate_ok else "change")
    elif state.view == "rate" and not rate_ok:
        notices.append(ui.notice("Showing change on last year, not rates", POPULATION_NOTE, "warning"))
        state = replace(state, view="change")
    values = [shown_value(f, state.view) for f in figures]
    classes = classes_for(values, state)
    missing = [f for f in figures if f.value is None and f.code != CITY]
    out: list[Component] = [
        html.H1(f"London comparison: {state.measure.label}, {state.period.label}", id=f"{PREFIX}-heading"),
        html.P(
            "London's boroughs compared on one measure. Rates per 1,000 residents allow for boroughs' different sizes; "
            "change compares each borough with itself a year earlier.",
            className="lead no-print",
        ),
        controls(state, prefix=PREFIX, with_area=False, rate_ok=rate_ok),
    ]
    if not rate_ok and state.measure.unit == "count":
        out.append(html.P(POPULATION_NOTE, className="cell-note", id=f"{PREFIX}-rate-note"))
    out += notices
    out.append(html.P(rank_statement(figures, values, state, home), className="rank-statement", id=f"{PREFIX}-rank"))
    if missing:
        held = [f.name for f in figures if f.value is not None]
        what = ("Only " + ", ".join(held) + " has figures") if len(held) == 1 else f"{len(held)} boroughs have figures"
        out.append(
            ui.notice(
                "Other boroughs have no data yet",
                f"{what} for {state.measure.label.lower()} in {state.period.label}; {len(missing)} boroughs have no data yet. "
                f"To compare with them, {BOROUGH_FILE_NOTE}.",
                "info",
            )
        )
    out += maps_section(url, figures, values, classes, state, home)
    caption = f"{view_phrase(state)[:1].upper()}{view_phrase(state)[1:]} by borough, {state.period.label}, highest first, with each borough's map class."
    out.append(html.H2("The numbers"))
    out.append(ui.scroll_region(caption, table(figures, classes, values, state, caption, first="Borough", table_id=f"{PREFIX}-table", home=home)))
    out.append(
        html.P(
            "The City of London is policed by the City of London Police, not the Met, so the Met's files have no figures for it.",
            className="cell-note map-note",
        )
    )
    return html.Div(out)


def maps_section(url: str, figures: list[AreaFigure], values: list[float | None], classes: maps.Classification, state: MapState, home: str) -> list[Component]:
    what = {"count": state.measure.noun, "rate": f"{state.measure.noun} per 1,000 residents", "change": f"Change on {state.period.last_year().label}"}[state.view]
    legend = f"{what}<br>{classes.legend_note}"
    title = finding(figures, values, state, noun="boroughs")
    kind = "diverging blue (fewer) to orange (more)" if state.view == "change" else "light (lower) to dark blue (higher)"
    out: list[Component] = []
    vintage = borough_vintage(url)
    if vintage is None:
        out.append(ui.notice("No borough outlines", BOUNDARY_NOTE, "info"))
    else:
        areas = [maps.MapArea(f.code, "", hover_values(f, state)) for f in figures]
        layer = maps.layer(url, "borough", vintage, [f.code for f in figures])
        out += [
            html.H2("Map"),
            maps.graph(
                f"{PREFIX}-geo-graph",
                maps.choropleth(layer, areas, classes, title=title, legend_title=legend, height=560, highlight=home, hover_labels=hover_labels(state)),
                f"Map of London's boroughs ({vintage} outlines) showing {view_phrase(state)}, {state.period.label}: {classes.legend_note}, "
                f"coloured {kind}; grey boroughs have no figure. {LONDON_BOROUGHS.get(home, home)} has a thick black outline.",
            ),
        ]
    tiles = [maps.MapArea(f.code, SHORT_NAMES.get(f.code, f.name), hover_values(f, state)) for f in figures]
    out += [
        html.H2("Tile map"),
        maps.graph(
            f"{PREFIX}-tile-graph",
            maps.choropleth(maps.tile_layer(), tiles, classes, title=title, legend_title=legend, height=560, label_size=11, highlight=home, hover_labels=hover_labels(state)),
            f"Tile map: one equal square per borough, placed roughly where it is, so small central boroughs are as visible as large "
            f"outer ones. Showing {view_phrase(state)}, {state.period.label}: {classes.legend_note}, coloured {kind}; grey squares have "
            f"no figure. {LONDON_BOROUGHS.get(home, home)} has a thick black outline. The numbers are in the table below.",
        ),
    ]
    return out
