"""Demand pressures (``/demand``): the context indicators that are not rated, as small
multiples with the change on the same quarter last year (Appendix 2 of the report). Each
chart, and all of them as one image, can be downloaded as PNG or SVG, and the figures as
CSV or XLSX (``web/embed.py``)."""

from __future__ import annotations

import dash
from dash import dcc, html
from dash.development.base_component import Component

from reporting.formatting import format_value
from views import charts, data
from views.data import PageState
from views.publication import frozen_demand
from views.records import DemandPanel
from views.wording import demand_finding, statement
from web.addresses import here
from web.parts import components as ui
from web.parts import publishing
from web.parts.context import current_settings
from web.parts.newer_figures import newer_figures_notice, resolve_for_viewer

dash.register_page(
    __name__,
    path="/demand",
    name="Demand pressures",
    title="Demand pressures – Community Safety Partnership performance",
    order=1,
)


def heading(state: PageState) -> str:
    if state.period is None or state.error:
        return "Demand pressures"
    return f"Demand pressures: {state.area_name}, {state.period.label}"


@ui.safe_layout
def layout(period: str | None = None, area: str | None = None, **query: object) -> Component:
    settings = current_settings()
    state = resolve_for_viewer(period, area)
    return html.Div(
        [
            html.H1(heading(state), id="demand-heading"),
            html.P(
                "How busy services are. These context indicators have no targets and are not "
                "rated: a rise can mean more need, or better reporting.",
                className="lead",
            ),
            ui.period_controls("demand", state, publishing.kept_in_url(query)),
            *([] if state.error else newer_figures_notice(settings.database_url, state.period, state.area, "/demand", "demand")),
            html.P(status(state), id="demand-status", role="status", className="visually-hidden"),
            html.Div(body(settings.database_url, state, query), id="demand-body"),
        ]
    )


def status(state: PageState) -> str:
    return state.error or (f"Showing {state.period.label} for {state.area_name}." if state.period else "")


def body(url: str, state: PageState, query: dict | None = None) -> list[Component]:
    if state.error:
        return [ui.notice("We can't show demand pressures", state.error)]
    pub, message = publishing.page_publication(url, state.period, state.area, query or {})  # type: ignore[arg-type]
    if message:
        return [publishing.not_published(message, "/demand", state.query())]
    try:
        if pub is not None and pub.as_published:
            panels = frozen_demand(url, state.period, state.area, pub.version)  # type: ignore[arg-type]
        else:
            panels = data.demand(url, state.period, state.area)  # type: ignore[arg-type]
    except Exception as exc:
        return [ui.failure(exc)]
    return publishing.header(pub, "/demand", state.query(), "demand") + panels_body(
        panels, state, publishing.links_query(pub, state.query())
    )


def panels_body(panels: list, state: PageState, query: str | None = None) -> list[Component]:
    """The panels and their downloads; ``query`` for the download links (default: the current figures)."""
    if not panels:
        return [
            ui.notice("No context indicators", "No indicators are marked as not rated, so there is nothing to show here.", "info")
        ]
    query = query or state.query()
    return [
        html.P(f"{demand_finding(panels)}.", className="summary-sentence", id="demand-summary"),
        html.Ul(
            [html.Li(panel_card(p, state, query), className="panel", id=f"demand-panel-{p.indicator.code}") for p in panels],
            className="panels",
        ),
        html.Section(
            [
                html.H2("Charts and figures for packs and slides", id="demand-downloads-heading"),
                html.P("All the charts above as one image, and every indicator's figures by quarter."),
                ui.download_links(
                    "all the demand charts",
                    f"/export/demand.{{fmt}}{query}",
                    f"/export/demand.{{fmt}}{query}",
                    block_id="demand-downloads",
                    one_image=True,
                ),
            ],
            className="no-print",
            **ui.attrs({"aria-labelledby": "demand-downloads-heading"}),
        ),
    ]


def panel_card(panel: DemandPanel, state: PageState, query: str) -> list[Component]:
    info = panel.indicator
    heading = html.H2(dcc.Link(info.name, href=here(f"/indicator/{info.code}{state.query()}")))
    if all(v is None for _, v in panel.points):
        # No chart rather than empty axes (e.g. a borough-wide return viewed for a ward).
        return [
            heading,
            html.P(f"No figures are held for {state.area_name}.", className="panel__statement"),
            html.P(info.description, className="cell-note"),
        ]
    rows = [[q.label, format_value(v, info.unit)] for q, v in panel.points]
    return [
        heading,
        html.P(statement(panel), className="panel__statement"),
        html.P(info.description, className="cell-note"),
        ui.chart(
            f"demand-graph-{info.code}",
            charts.sparkline(panel, ""),
            "The last eight quarters; the numbers are in the table below.",
        ),
        ui.numbers(
            "Show the numbers",
            ui.table(f"{info.name} by quarter", ["Quarter", info.name], rows, numeric=[1], caption_hidden=True),
        ),
        ui.download_links(
            f"the {info.name} chart",
            f"/export/demand.{{fmt}}{query}&indicator={info.code}",
            block_id=f"demand-downloads-{info.code}",
        ),
    ]
