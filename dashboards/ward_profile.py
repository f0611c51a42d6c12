"""A ward's profile (``/ward/<code>?measure=…&period=…&span=…&view=…``): where it ranks in
its borough on the map's measure and period, where it is, and its trend by quarter (all
crime and ASB, then each crime category as small multiples), each with a table and links to
download the chart (PNG, SVG) and its figures (CSV, XLSX).

The figures and sentences come from ``views/ward_charts.py``, which the downloads share.
"""

from __future__ import annotations

import dash
from dash import dcc, html
from dash.development.base_component import Component

from views import maps
from views.data import ward_label
from views.map_state import fmt_for
from views.records import MapRequestError
from views.ward_charts import (  # noqa: F401 - short_quarter, rank_sentence: used by tests and the benchmark
    TREND_HEIGHT,
    WardFigures,
    WardView,
    category_finding,
    locator_figure,
    page_figures,
    rank_sentence,
    short_quarter,
    ward_rank,
    ward_view,
)
from views.wording import change_phrase
from web.addresses import here
from web.parts import components as ui
from web.parts import map_parts, publishing
from web.parts.context import current_settings
from web.parts.map_readers import draft_banner, map_reading, refusal_notice

dash.register_page(
    __name__,
    path_template="/ward/<code>",
    name="Ward profile",
    title=lambda code=None, **_: f"Ward {code or ''} – Community Safety Partnership performance",
)

PREFIX = "ward-profile"


@ui.safe_layout
def layout(code: str | None = None, **params: str | None) -> Component:
    settings = current_settings()
    return page(settings.database_url, settings.home_area, code or "", params)


def page(url: str, home: str, code: str, params: dict[str, str | None]) -> html.Div:
    reading = map_reading(params, home)
    if reading.refusal:
        return html.Div(
            [
                dcc.Link("← Back to the ward map", href=here("/map"), className="back-link"),
                html.H1("Ward profile", id=f"{PREFIX}-heading"),
                refusal_notice(reading, f"/ward/{code}"),
            ]
        )
    params = reading.params
    try:
        view = ward_view(url, home, code, params)
    except MapRequestError as exc:
        return html.Div(
            [
                dcc.Link("← Back to the ward map", href=here("/map"), className="back-link"),
                html.H1("Ward profile"),
                ui.notice("We can't show this ward", str(exc)),
            ]
        )
    state, name, borough = view.state, view.name, view.borough
    mine = next((f for f in view.figures.figures if f.code == code), None)
    fmt = fmt_for("count", state.measure)
    out: list[Component] = [
        dcc.Link(
            "← Back to the ward map", href=here(f"/map{state.query()}"), className="back-link no-print", id=f"{PREFIX}-back"
        ),
        html.H1(f"{ward_label(url, state.area, code, name)}, {borough}", id=f"{PREFIX}-heading"),
        *draft_banner(reading, state.period.quarter, PREFIX),
        *publishing.current_figures_notice(params, state.period.quarter, state.area, PREFIX),
        html.P(ward_rank(view), className="rank-statement", id=f"{PREFIX}-rank"),
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
    if view.figures.vintage:
        out += [
            html.H2("Where it is"),
            locator(url, view, page_figures(url, view).locator),
            downloads(view, "locator", f"the map of where {name} ward is", data=False),
        ]
    out += trend_section(view, page_figures(url, view))
    return html.Div(out)


def downloads(view: WardView, kind: str, what: str, data: bool = True, one_image: bool = False) -> html.Div:
    """PNG and SVG of one of the page's charts (drawn on the server, titled with its finding)
    and, with ``data``, the ward's figures by quarter; the links keep the page's choices."""
    query = view.state.query()
    base = f"/export/ward/{view.code}.{{fmt}}{query}"
    return ui.download_links(
        what, f"{base}&kind={kind}", base if data else None, block_id=f"{PREFIX}-{kind}-downloads", one_image=one_image
    )


def locator(url: str, view: WardView, figure: dict | None = None) -> html.Figure:
    note = (
        " (schematic layout: each hexagon is one ward, placed roughly where it is)" if view.figures.vintage == "schematic" else ""
    )
    caption = f"{view.name} ward, shaded dark blue with a thick outline, among the wards of {view.borough}{note}."
    return map_parts.graph(f"{PREFIX}-locator", figure or locator_figure(url, view), caption)


def trend_caption(asb: list) -> str:
    """The trend chart described as drawn: a ward with no ASB figures (the current wards: ASB
    is held for the older ones) gets no ASB line, so the caption does not describe one."""
    middle = (
        "Dashed orange line with diamonds: anti-social behaviour incidents."
        if any(a is not None for a in asb)
        else "No anti-social behaviour figures are held for this ward in these quarters, so there is no ASB line."
    )
    return f"Solid blue line with circles: all crime. {middle} Purple square: the quarter shown on the map."


def trend_section(view: WardView, figures: WardFigures) -> list[Component]:
    series, name = view.series, view.name
    if not series.quarters:
        return [html.H2("Trend"), html.P("No complete quarter of crime or ASB figures is held for this ward.")]
    labels = view.labels
    rows = [[q.label, maps.number(c), maps.number(a)] for q, c, a in zip(series.quarters, series.all_crime, series.asb)]
    out: list[Component] = [
        html.H2("All crime and anti-social behaviour by quarter"),
        ui.chart(f"{PREFIX}-trend", figures.trend, height=TREND_HEIGHT, caption=trend_caption(series.asb)),
        ui.numbers("Show the numbers behind this chart", ui.scroll_region(f"All crime and ASB by quarter, {name}", ui.table(f"All crime and anti-social behaviour by quarter, {name}", ["Quarter", "All crime (offences)", "ASB (incidents)"], rows, numeric=[1, 2], table_id=f"{PREFIX}-trend-table"))),
        downloads(view, "trend", "the all crime and anti-social behaviour chart"),
    ]  # fmt: skip
    if series.categories:
        charts = [
            html.Li(
                ui.image_chart(f"{PREFIX}-category-{i}", chart.src, chart.alt, f"{chart.label} by quarter in {name}."),
                className="small-multiple",
            )
            for i, chart in enumerate(figures.categories)
        ]
        body = [[label, *[maps.number(v) for v in values]] for label, values in series.categories.items()]
        caption = f"Offences by crime category and quarter, {name}"
        out += [
            html.H2("Crime by category"),
            html.P(f"{category_finding(view)}.", className="lead", id=f"{PREFIX}-category-finding"),
            html.P(
                "One chart per Home Office crime category, each with its own scale so the trend is clear; compare sizes in the table.",
                className="cell-note",
            ),
            html.Ul(charts, className="small-multiples", id=f"{PREFIX}-categories"),
            ui.scroll_region(
                f"{caption} (scrolls sideways)",
                ui.table(
                    caption, ["Category", *labels], body, numeric=range(1, len(labels) + 1), table_id=f"{PREFIX}-category-table"
                ),
            ),
            downloads(view, "categories", "the crime category charts", one_image=True),
        ]
    return out
