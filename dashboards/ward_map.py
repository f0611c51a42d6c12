"""The ward map (``/map?measure=crime&period=2016-17-Q3&span=quarter&view=count``): a classed
choropleth of a measure by ward for a month, quarter or year to date, as counts, rates per
1,000 residents or change on the same period last year, with a table of the same numbers.

Clicking a ward (or its name in the table) opens its profile. The page renders in full from
the URL, like the scorecard; ``page()`` is what the benchmark times.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import dash
from dash import Input, Output, State, callback, clientside_callback, dcc, html
from dash.development.base_component import Component

from views import maps
from views.map_state import (  # noqa: F401 - map_figure, area_label: the benchmark's and exports' entry points
    LABEL_LIMIT,
    POPULATION_NOTE,
    MapFigures,
    MapState,
    area_label,
    classes_for,
    finding,
    generation_note,
    hover_labels,
    hover_values,
    map_figure,
    map_height,
    resolve,
    shown_value,
    split_figures,
    view_phrase,
    ward_figures,
    wrap,
)
from views.records import LONDON, MapRequestError
from web.addresses import here
from web.parts import components as ui
from web.parts import map_parts, publishing
from web.parts.context import current_settings
from web.parts.embed_panel import MAP_HEIGHT, embed_panel
from web.parts.load_links import missing_note
from web.parts.map_parts import controls, table
from web.parts.map_readers import draft_banner, map_reading, publishing_area, refusal_notice

dash.register_page(__name__, path="/map", name="Ward map", title="Ward map – Community Safety Partnership performance", order=2)

PREFIX = "ward-map"
SCHEMATIC_NOTE = "Schematic layout: each hexagon is one ward placed roughly where it is, not its real outline."


@ui.safe_layout
def layout(**params: str | None) -> Component:
    settings = current_settings()
    return page(settings.database_url, settings.home_area, params)


def page(url: str, home: str, params: dict[str, str | None]) -> html.Div:
    """The whole page but the map's figure, which ``draw`` fills in from the stored query."""
    reading = map_reading(params, publishing_area(params.get("area"), home))
    if reading.refusal:
        return html.Div([html.H1("Ward map", id=f"{PREFIX}-heading"), refusal_notice(reading, "/map")])
    params = reading.params
    try:
        state = resolve(url, home, params)
    except MapRequestError as exc:
        return html.Div([html.H1("Ward map"), ui.notice("We can't show this map", str(exc))])
    data = ward_figures(url, state)
    rate_ok = state.measure.unit == "count" and any(f.population for f in data.figures)
    notices: list[Component] = []
    if state.view == "rate" and not rate_ok:
        notices.append(
            ui.notice(
                "Showing numbers, not rates",
                "Rates need population figures for these wards, so the map shows numbers instead.",
                "warning",
            )
        )
        state = replace(state, view="count")
    area_name = area_label(state)
    heading = f"Ward map: {state.measure.label}, {area_name}, {state.period.label}"
    intro = html.P(
        "Each ward is coloured by the figure chosen below. Hover over a ward for its figures, or click it (or its name in "
        "the table) to open its profile. The address of this page records your choices, so you can bookmark or share it.",
        className="lead no-print",
    )
    out: list[Component] = [html.H1(heading, id=f"{PREFIX}-heading"), *draft_banner(reading, state.period.quarter, PREFIX), intro]
    # The borough's scorecard for "All London wards" (no London scorecard is published).
    out += publishing.current_figures_notice(params, state.period.quarter, home if state.area == LONDON else state.area, PREFIX)
    out.append(controls(reading.offered(state), prefix=PREFIX, rate_ok=rate_ok))
    if not rate_ok and state.measure.unit == "count":
        out.append(html.P(missing_note(POPULATION_NOTE, "population"), className="cell-note", id=f"{PREFIX}-rate-note"))
    out += notices
    if data.vintage is None:
        out.append(
            ui.notice(
                "No ward outlines", missing_note("No ward outlines have been loaded for these wards.", "boundaries"), "info"
            )
        )
    elif data.vintage == "schematic":
        out.append(ui.notice("Schematic layout, not real boundaries", missing_note(SCHEMATIC_NOTE, "boundaries"), "info"))
    shown, missing, values, classes = split_figures(data, state)
    # Where a borough holds two ward generations, say which one this quarter's figures use.
    generation = generation_note(data)
    if shown:
        kind = "diverging blue (fewer) to orange (more)" if state.view == "change" else "light (lower) to dark blue (higher)"
        caption = (
            f"Map of {view_phrase(state)} in {area_name}'s wards{generation}, {state.period.label}: {classes.legend_note}, coloured {kind}; "
            "grey wards have no figure. The same figures and each ward's class are in the table below."
        )
        out.append(map_parts.graph(f"{PREFIX}-graph", maps.placeholder(map_height(len(shown))), caption))
    if missing and data.vintage:
        out.append(
            html.P(
                f"{len(missing)} wards with figures have no outline in the {data.vintage} boundaries: "
                + ", ".join(f.name for f in missing)
                + ".",
                className="cell-note",
            )
        )
    caption = f"{view_phrase(state)[:1].upper()}{view_phrase(state)[1:]} by ward{generation}, {area_name}, {state.period.label}, highest first, with each ward's map class."
    query = state.query()

    def href(code: str) -> str:
        return here(f"/ward/{code}{query}")

    out.append(html.H2("The numbers", id=f"{PREFIX}-numbers"))
    out.append(
        ui.scroll_region(caption, table(shown + missing, classes, values, state, caption, href=href, table_id=f"{PREFIX}-table"))
    )
    if shown:
        out.append(map_downloads(query))
    out.append(dcc.Store(id=f"{PREFIX}-query", data=query))
    return html.Div(out)


def map_downloads(query: str) -> html.Div:
    """The map as a print-resolution image for packs and slides (drawn on the server, as
    ``cspdash export map``), the wards' figures, and the address that embeds it on a web page."""
    embed = f"/embed/map{query}"
    return html.Div(
        [
            html.H2("The map for packs and slides"),
            ui.download_links("the ward map", f"/export/map.{{fmt}}{query}", f"/export/map.{{fmt}}{query}"),
            embed_panel(PREFIX, embed, "Ward map", MAP_HEIGHT, "this map"),
        ],
        className="no-print",
        id=f"{PREFIX}-exports",
    )


@callback(Output(f"{PREFIX}-graph", "figure"), Input(f"{PREFIX}-query", "data"))
def draw(query: str | None) -> dict:
    settings = current_settings()
    try:
        return map_figure(settings.database_url, settings.home_area, query or "")
    except Exception:
        logging.getLogger(__name__).exception("the ward map could not be drawn")
        return maps.placeholder(map_height(0), "Sorry, the map could not be drawn. The figures are in the table below.")


# Clicking a ward (its area, or its label) opens its profile with the same measure and period.
clientside_callback(
    r"""function (click, query) {
        if (!click || !click.points || !click.points.length) { return window.dash_clientside.no_update; }
        var point = click.points[0];
        var code = point.location || (point.customdata && point.customdata[0]);
        if (!code || code.indexOf("E05") !== 0) { return window.dash_clientside.no_update; }
        // under the page's partnership (/p/CODE), as every link on the page is
        var root = (window.location.pathname.match(/^\/p\/[^\/]+/) || [""])[0];
        return root + "/ward/" + code + (query || "");
    }""",
    Output(f"{PREFIX}-location", "href"),
    Input(f"{PREFIX}-graph", "clickData"),
    State(f"{PREFIX}-query", "data"),
    prevent_initial_call=True,
)
