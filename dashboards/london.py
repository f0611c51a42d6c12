"""London comparison (``/london?measure=crime&period=2016-17-Q3&span=quarter&view=rate``): the
boroughs on one measure, as a rate per 1,000 residents, change on the same period last year
or counts, with the home borough outlined and its rank stated in words.

Two maps: the real borough outlines when they are loaded, and a tile map (one equal square
per borough) that is always available. A table holds the same numbers. Each map can be
downloaded as PNG or SVG and the figures as CSV or XLSX (``web/embed.py``). The
figures and sentences come from ``views/london_maps.py``, which the downloads share.
"""

from __future__ import annotations

import dash
from dash import html
from dash.development.base_component import Component

from views.london_maps import (  # noqa: F401 - CITY, SHORT_NAMES, rank_statement: kept importable from the page
    CITY,
    SHORT_NAMES,
    LondonView,
    geo_figure,
    london_view,
    rank_statement,
    tile_figure,
)
from views.map_state import LONDON_POPULATION_NOTE, borough_vintage, view_phrase
from views.records import LONDON_BOROUGHS, MapRequestError
from web.parts import components as ui
from web.parts import map_parts, publishing
from web.parts.context import current_settings
from web.parts.load_links import missing_note
from web.parts.map_parts import controls, table
from web.parts.map_readers import draft_banner, map_reading, refusal_notice

dash.register_page(
    __name__,
    path="/london",
    name="London comparison",
    title="London comparison – Community Safety Partnership performance",
    order=3,
)

PREFIX = "london"
BOROUGH_FILE_NOTE = "the Met's borough crime file (London Datastore) needs to be loaded"
BOUNDARY_NOTE = "Borough outlines are not loaded, so only the tile map is shown."


@ui.safe_layout
def layout(**params: str | None) -> Component:
    settings = current_settings()
    return page(settings.database_url, settings.home_area, params)


def page(url: str, home: str, params: dict[str, str | None]) -> html.Div:
    reading = map_reading(params, home)
    if reading.refusal:
        return html.Div([html.H1("London comparison", id=f"{PREFIX}-heading"), refusal_notice(reading, "/london")])
    params = reading.params
    try:
        view = london_view(url, home, params)
    except MapRequestError as exc:
        return html.Div([html.H1("London comparison"), ui.notice("We can't show this comparison", str(exc))])
    state, figures, values, classes = view.state, view.figures, view.values, view.classes
    missing = [f for f in figures if f.value is None and f.code != CITY]
    out: list[Component] = [
        html.H1(f"London comparison: {state.measure.label}, {state.period.label}", id=f"{PREFIX}-heading"),
        html.P(
            "London's boroughs compared on one measure. Rates per 1,000 residents allow for boroughs' different sizes; "
            "change compares each borough with itself a year earlier.",
            className="lead no-print",
        ),
        controls(reading.offered(state), prefix=PREFIX, with_area=False, rate_ok=view.rate_ok),
    ]
    out[1:1] = publishing.current_figures_notice(params, state.period.quarter, home, PREFIX)
    out[1:1] = draft_banner(reading, state.period.quarter, PREFIX)
    if not view.rate_ok and state.measure.unit == "count":
        out.append(html.P(missing_note(LONDON_POPULATION_NOTE, "population"), className="cell-note", id=f"{PREFIX}-rate-note"))
    if view.rate_refused:
        out.append(
            ui.notice("Showing change on last year, not rates", missing_note(LONDON_POPULATION_NOTE, "population"), "warning")
        )
    out.append(html.P(rank_statement(figures, values, state, home), className="rank-statement", id=f"{PREFIX}-rank"))
    if missing:
        held = [f.name for f in figures if f.value is not None]
        what = ("Only " + ", ".join(held) + " has figures") if len(held) == 1 else f"{len(held)} boroughs have figures"
        out.append(
            ui.notice(
                "Other boroughs have no data yet",
                missing_note(
                    f"{what} for {state.measure.label.lower()} in {state.period.label}; {len(missing)} boroughs have no data yet. "
                    f"To compare with them, {BOROUGH_FILE_NOTE}.",
                    "crime",
                ),
                "info",
            )
        )
    out += maps_section(url, view, home)
    caption = f"{view_phrase(state)[:1].upper()}{view_phrase(state)[1:]} by borough, {state.period.label}, highest first, with each borough's map class."
    out.append(html.H2("The numbers"))
    out.append(
        ui.scroll_region(
            caption,
            table(
                figures,
                classes,
                values,
                state,
                caption,
                first="Borough",
                table_id=f"{PREFIX}-table",
                home=home,
                rates=view.rate_ok,
            ),
        )
    )
    out.append(
        html.P(
            "The City of London is policed by the City of London Police, not the Met, so the Met's files have no figures for it.",
            className="cell-note map-note",
        )
    )
    return html.Div(out)


def downloads(view: LondonView, kind: str, what: str) -> html.Div:
    """The map as PNG or SVG (drawn on the server, titled with the rank statement) and the
    boroughs' figures as CSV or XLSX; the links keep the page's choices."""
    base = f"/export/london.{{fmt}}{view.state.query()}"
    return ui.download_links(what, f"{base}&kind={kind}", base, block_id=f"{PREFIX}-{kind}-downloads")


def maps_section(url: str, view: LondonView, home: str) -> list[Component]:
    state, classes = view.state, view.classes
    kind = "diverging blue (fewer) to orange (more)" if state.view == "change" else "light (lower) to dark blue (higher)"
    name = LONDON_BOROUGHS.get(home, home)
    out: list[Component] = []
    vintage = borough_vintage(url)
    if vintage is None:
        out.append(ui.notice("No borough outlines", missing_note(BOUNDARY_NOTE, "boundaries"), "info"))
    else:
        out += [
            html.H2("Map"),
            map_parts.graph(
                f"{PREFIX}-geo-graph",
                geo_figure(url, view, home, vintage),
                f"Map of London's boroughs ({vintage} outlines) showing {view_phrase(state)}, {state.period.label}: {classes.legend_note}, "
                f"coloured {kind}; grey boroughs have no figure. {name} has a thick black outline.",
            ),
            downloads(view, "geo", "the map of London's boroughs"),
        ]
    out += [
        html.H2("Tile map"),
        map_parts.graph(
            f"{PREFIX}-tile-graph",
            tile_figure(view, home),
            f"Tile map: one equal square per borough, placed roughly where it is, so small central boroughs are as visible as large "
            f"outer ones. Showing {view_phrase(state)}, {state.period.label}: {classes.legend_note}, coloured {kind}; grey squares have "
            f"no figure. {name} has a thick black outline. The numbers are in the table below.",
        ),
        downloads(view, "tile", "the tile map of London's boroughs"),
    ]
    return out
