"""The charts of the ward profile, London comparison, demand and scorecard pages as
committee-ready images: each drawn by the page's own builder, titled with the page's own
finding, with the measure and period as subtitle and the source underneath (what the
pages' "Download PNG / SVG" links and ``cspdash export ward|london|demand|summary`` serve).

Long titles and subtitles are broken onto lines here, so they stay inside an A4-wide image.
"""

from __future__ import annotations

from typing import Any

from reporting.scoring import Scorecard
from rules.summary import RATED
from store.queries import DemandPanel
from views import NotAvailable
from views.charts import sparkline, summary_bar
from views.figures import Chart, source_line
from views.london_maps import LondonView, geo_figure, london_view, map_title, rank_statement, tile_figure
from views.map_state import borough_vintage, view_phrase
from views.print_style import PRINT_HEIGHT, PRINT_WIDTH, committee_style, mark_schematic
from views.small_multiples import Cells, small_multiples
from views.ward_charts import (
    WardView,
    category_chart,
    category_finding,
    category_title,
    locator_figure,
    trend_chart,
    trend_title,
    ward_view,
)
from views.wording import plural, statement, summary_finding

WARD_KINDS = ("trend", "categories", "locator")
LONDON_KINDS = ("tile", "geo")
MAP_HEIGHT, SUMMARY_HEIGHT, PANEL_HEIGHT = 640, 320, 400
CATEGORY_CELLS = Cells(heading=50, plot=130, ticks=30)


def _style(figure: Any, title: str, subtitle: str, source: str, width: int, height: int) -> dict:
    return committee_style(figure, title, subtitle, source, width, height)  # it wraps both to the width


def _rename(traces: list[dict], names: dict[Any, str]) -> None:  # Any: a trace may have no name
    for t in traces:
        t["name"] = names.get(t.get("name"), t.get("name"))


def _map_key(figure: dict) -> str:
    """The map's key heading as one line for the subtitle; the legend keeps only its entries."""
    legend = figure["layout"]["legend"]
    key = str(legend["title"]["text"]).replace("<br>", ": ")
    legend["title"]["text"] = ""
    return key


def _geo_fill(styled: dict) -> dict:
    styled["layout"]["geo"] = {**styled["layout"].get("geo", {}), "domain": {"x": [0, 1], "y": [0, 1]}}
    return styled


# --- Ward profile ----------------------------------------------------------------------------


def _span(view: WardView) -> str:
    quarters = view.series.quarters
    return f"{quarters[0].label} to {quarters[-1].label}"


def ward_trend(view: WardView, width: int = PRINT_WIDTH, height: int | None = None) -> Chart:
    if not view.series.quarters:
        raise NotAvailable(f"No complete quarter of crime or ASB figures is held for {view.name}.")
    quarter = view.state.period.quarter.label
    title = trend_title(view)
    figure = trend_chart(view.series, title, view.chosen).to_dict()
    _rename(figure["data"], {"The map's quarter": quarter})
    subtitle = f"All crime (offences) and anti-social behaviour (incidents), {view.name} ward, {view.borough}, each quarter, {_span(view)}"
    height = height or PRINT_HEIGHT
    styled = _style(figure, title, subtitle, source_line("crime", "asb"), width, height)
    alt = (
        f"Line chart: all crime in {view.name} ward each quarter, {_span(view)}, as a solid line with circles, and anti-social "
        f"behaviour incidents as a dashed line with diamonds; {quarter} is marked with a square. {title}."
    )
    return Chart(
        f"ward-{view.code}-trend-{view.state.period.key}",
        styled,
        alt,
        f"All crime and ASB by quarter, {view.name} ward",
        width,
        height,
    )


def ward_categories(view: WardView, width: int = PRINT_WIDTH, height: int | None = None) -> Chart:
    """The crime categories as small multiples, three a row, each with its own scale."""
    series = view.series
    if not series.quarters or not series.categories:
        raise NotAvailable(f"No crime categories are held for {view.name}.")
    quarter = view.state.period.quarter.label
    parts = []
    headings = []
    for label, values in series.categories.items():
        part = category_chart(label, values, view.labels, view.chosen).to_dict()
        _rename(part["data"], {label: "Offences each quarter", "The map's quarter": quarter})
        parts.append(part)
        headings.append(f"<b>{label}</b><br>{category_title(label, values, view.labels, view.chosen).split(': ', 1)[1]}")
    title = category_finding(view)
    subtitle = f"Offences by crime category, {view.name} ward, {view.borough}, each quarter, {_span(view)}. Each chart has its own scale."
    styled, drawn = small_multiples(parts, headings, title, subtitle, source_line("crime"), 3, CATEGORY_CELLS, width)
    if height:
        styled["layout"]["height"] = drawn = height
    alt = (
        f"{len(parts)} small line charts, one per crime category, of offences in {view.name} ward each quarter, {_span(view)}, "
        f"each with its own scale and {quarter} marked with a square. {title}."
    )
    return Chart(
        f"ward-{view.code}-categories-{view.state.period.key}",
        styled,
        alt,
        f"Offences by crime category and quarter, {view.name} ward",
        width,
        drawn,
    )


def ward_locator(url: str, view: WardView, width: int = PRINT_WIDTH, height: int | None = None) -> Chart:
    vintage = view.figures.vintage
    if not vintage:
        raise NotAvailable(f"No ward outlines are held for {view.borough}, so there is no map of where {view.name} is.")
    figure = locator_figure(url, view)
    figure["layout"]["legend"]["title"]["text"] = ""
    count = len(view.figures.outlined)
    title = f"{view.name} ward (dark blue, thick outline) among the {plural(count, 'ward')} of {view.borough}"
    layout = (
        "schematic layout: each hexagon is one ward, placed roughly where it is"
        if vintage == "schematic"
        else f"{vintage} ward boundaries"
    )
    subtitle = f"Where {view.name} ward is, {view.borough} ({layout})"
    height = height or MAP_HEIGHT
    styled = _geo_fill(_style(figure, title, subtitle, "Source: ward boundaries held by cspdash", width, height))
    if vintage == "schematic":
        mark_schematic(styled)
    alt = f"Map of the wards of {view.borough} with {view.name} ward shaded dark blue and outlined in black."
    return Chart(f"ward-{view.code}-locator-{view.state.period.key}", styled, alt, f"Where {view.name} ward is", width, height)


def ward_chart(
    url: str,
    home: str,
    code: str,
    params: dict[str, str | None],
    kind: str = "trend",
    width: int = PRINT_WIDTH,
    height: int | None = None,
) -> Chart:
    """One of the /ward/<code> page's charts for the same query. Raises MapRequestError and
    NotAvailable."""
    if kind not in WARD_KINDS:
        raise NotAvailable(f"Unknown ward chart {kind!r}: choose {', '.join(WARD_KINDS[:-1])} or {WARD_KINDS[-1]}.")
    view = ward_view(url, home, code, params)
    if kind == "locator":
        return ward_locator(url, view, width, height)
    return ward_trend(view, width, height) if kind == "trend" else ward_categories(view, width, height)


# --- London comparison -----------------------------------------------------------------------


def london_map(
    url: str, home: str, view: LondonView, kind: str = "tile", width: int = PRINT_WIDTH, height: int | None = None
) -> Chart:
    state = view.state
    if kind == "geo":
        vintage = borough_vintage(url)
        if vintage is None:
            raise NotAvailable("Borough outlines are not loaded, so only the tile map can be exported.")
        figure = geo_figure(url, view, home, vintage)
    else:
        figure = tile_figure(view, home)
    key = _map_key(figure)
    title = rank_statement(view.figures, view.values, state, home).removesuffix(".")
    phrase = view_phrase(state)
    shape = "one equal square per borough" if kind == "tile" else "borough outlines"
    subtitle = f"{phrase[:1].upper()}{phrase[1:]} by London borough ({shape}), {state.period.label}. {map_title(view)}. {key}"
    height = height or MAP_HEIGHT
    styled = _geo_fill(_style(figure, title, subtitle, source_line(state.measure.source), width, height))
    alt = (
        f"{'Tile map' if kind == 'tile' else 'Map'} of London's boroughs ({shape}) shaded by {phrase}, {state.period.label} ({key}); "
        f"the home borough has a thick black outline. {title}. {map_title(view)}."
    )
    name = f"london-{kind}-{state.measure.key}-{state.period.key}-{state.view}".replace(":", "-").replace("/", "-")
    return Chart(name, styled, alt, f"{phrase[:1].upper()}{phrase[1:]} by London borough, {state.period.label}", width, height)


def london_chart(
    url: str, home: str, params: dict[str, str | None], kind: str = "tile", width: int = PRINT_WIDTH, height: int | None = None
) -> Chart:
    """The /london page's tile map or borough map for the same query. Raises
    MapRequestError and NotAvailable."""
    if kind not in LONDON_KINDS:
        raise NotAvailable(f"Unknown London map {kind!r}: choose {' or '.join(LONDON_KINDS)}.")
    return london_map(url, home, london_view(url, home, params), kind, width, height)


# --- Demand pressures and the scorecard summary ----------------------------------------------


def demand_panel_chart(panel: DemandPanel, area_name: str, width: int = PRINT_WIDTH, height: int | None = None) -> Chart:
    """One context indicator's chart from /demand, titled with its statement."""
    info = panel.indicator
    if all(v is None for _, v in panel.points):
        raise NotAvailable(f"No figures for {info.name} are held for {area_name}.")
    first = panel.points[0][0].label
    title = f"{info.name}: {statement(panel)}"
    subtitle = f"{info.name}, {area_name}, each quarter, {first} to {panel.period.label} (context indicator, not rated)"
    height = height or PANEL_HEIGHT
    styled = _style(sparkline(panel, ""), title, subtitle, source_line(info.source), width, height)
    alt = (
        f"Line chart: {info.name} in {area_name} each quarter, {first} to {panel.period.label}, with the same quarter last year "
        f"marked by a diamond and {panel.period.label} by a square. {title}."
    )
    return Chart(f"demand-{info.code}", styled, alt, f"{info.name}, each quarter, {area_name}", width, height)


def summary_chart(card: Scorecard, sources: list[str], width: int = PRINT_WIDTH, height: int | None = None) -> Chart:
    """The scorecard's summary bar chart: how many rated indicators are Red, Amber, Green."""
    counts = card.summary.overall
    if not counts.rated_total:
        raise NotAvailable(f"No rated indicator has a figure for {card.period.label} in {card.area_name}.")
    title = summary_finding(counts, card.period.label)
    unrated = f"; {plural(counts.no_data, 'indicator')} with no figure not counted" if counts.no_data else ""
    subtitle = f"Rated indicators by rating (Red, Amber, Green), {card.area_name}, {card.period.label}{unrated}"
    height = height or SUMMARY_HEIGHT
    figure = summary_bar(counts, title)
    figure["layout"]["margin"]["b"] = 70  # room for the axis title above the source line
    styled = _style(figure, title, subtitle, source_line(*sources), width, height)
    bars = ", ".join(f"{r.value} {counts.count(r)} ({counts.percent_label(r)})" for r in RATED)
    alt = (
        f"Bar chart of the number of rated indicators with each rating in {card.area_name}, {card.period.label}: {bars}. {title}."
    )
    return Chart(
        f"summary-{card.area_code}-{card.period.key}",
        styled,
        alt,
        f"Rated indicators by rating, {card.period.label}",
        width,
        height,
    )
