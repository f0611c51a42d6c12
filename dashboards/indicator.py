"""One indicator in depth (``/indicator/<code>?period=…&area=…``): the quarterly series
against target and tolerance, year to date against last year, the comparator, the months
behind a crime or ASB count, the rating history and the commentary history.

Every chart has a table of its numbers, built by the same function as the CSV download,
so the chart, the table and the file cannot disagree.
"""

from __future__ import annotations

import csv
import io

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.development.base_component import Component

from dashboards import components as ui
from dashboards import publishing
from dashboards.context import current_settings
from exports.tabular import neutralise
from rag.periods import Quarter
from store.queries import IndicatorDetail, UnknownIndicator
from store.scorecard import format_value
from views import charts, data
from views.data import PageState, make_query
from views.publication import NotPublished, frozen_detail
from views.wording import (
    QUARTER_MONTHS,
    change_phrase,
    chart_names,
    comparator_finding,
    long_term_title,
    month_label,
    monthly_finding,
    noun,
    reason_text,
    short_term_title,
    signed_percent,
    target_finding,
    ytd_values,
)

dash.register_page(
    __name__,
    path_template="/indicator/<code>",
    name="Indicator",
    title=lambda code=None, **_: f"{code or 'Indicator'} – Community Safety Partnership performance",
)

Table = tuple[list[str], list[list[str]]]  # headers, rows (formatted for people)


@ui.safe_layout
def layout(code: str | None = None, period: str | None = None, area: str | None = None, **query: object) -> Component:
    settings = current_settings()
    state = data.resolve(settings.database_url, settings.home_area, period, area)
    back = dcc.Link("← Back to the scorecard", href=f"/{state.query()}", className="back-link no-print")
    if state.error:
        return html.Div([back, html.H1("Indicator"), ui.notice("We can't show this indicator", state.error)])
    try:
        detail, top = published_or_current(settings.database_url, code or "", state, query)
    except UnknownIndicator as exc:
        return html.Div([back, html.H1("Indicator not found"), ui.notice("We can't show this indicator", f"{exc} Choose one from the scorecard.")])
    except NotPublished as exc:
        return html.Div([back, html.H1("Indicator"), publishing.not_published(str(exc), f"/indicator/{code}", state.query())])
    page = render(detail, state)
    return html.Div([back, *page[:1], *top, *page[1:]])


def published_or_current(url: str, code: str, state: PageState, query: dict) -> tuple[IndicatorDetail, list[Component]]:
    """The figures now (with revision notes) or, with ``?as=published``, as published; and the
    banner and switch for the top of the page."""
    pub, message = publishing.page_publication(url, state.period, state.area, query)  # type: ignore[arg-type]
    if message:
        raise NotPublished(message)
    if pub is not None and pub.as_published:
        detail = frozen_detail(url, code, state.period, state.area, pub.version)  # type: ignore[arg-type]
    else:
        detail = data.detail(url, code, state.period, state.area)  # type: ignore[arg-type]
    return detail, publishing.header(pub, f"/indicator/{code}", state.query(), "indicator", code)


def quarterly_table(detail: IndicatorDetail) -> Table:
    basis = "Year to date" if detail.indicator.basis == "ytd" else "Quarter"
    headers = ["Quarter", f"{detail.area_name}: {basis.lower()}", "Target", "Still Green from", "Still Green up to", "Rating"]
    percent_comparator = bool(detail.comparator) and detail.indicator.unit == "percent"
    if percent_comparator:
        headers.append(detail.indicator.comparator_label or "Comparator")
    rows = []
    for r in detail.history:
        lo, hi = charts.tolerance_bounds(r.target, r.polarity)
        row = [
            Quarter.parse(r.period).label, format_value(r.actual, r.unit), r.target_text() or "–",
            format_value(lo, r.unit), format_value(hi, r.unit), r.rag.value,
        ]  # fmt: skip
        if percent_comparator:
            row.append(format_value(detail.comparator.get(r.period), r.unit))
        rows.append(row)
    return headers, rows


def ytd_table(detail: IndicatorDetail) -> Table:
    this, last = ytd_values(detail)
    fy, unit = detail.period.financial_year, detail.indicator.unit
    headers = ["End of quarter", f"{fy.label} year to date", f"{Quarter(fy.start - 1, 1).financial_year.label} year to date"]
    rows = [
        [f"Q{q} ({QUARTER_MONTHS[q]})", format_value(this[q - 1] if q <= len(this) else None, unit), format_value(last[q - 1], unit)]
        for q in (1, 2, 3, 4)
    ]
    return headers, rows


def comparator_table(detail: IndicatorDetail) -> Table:
    label = detail.indicator.comparator_label or "Comparator"
    rows = [
        [Quarter.parse(r.period).label, signed_percent(r.change_on_last_year), signed_percent(r.comparator_change)]
        for r in detail.history
        if r.change_on_last_year is not None or r.comparator_change is not None
    ]
    return ["Quarter", f"{detail.area_name}: change on a year earlier", f"{label}: change on a year earlier"], rows


def monthly_table(detail: IndicatorDetail) -> Table:
    return ["Month", f"{noun(detail)} in {detail.area_name}"], [[month_label(m), f"{v:,}"] for m, v in detail.monthly]


def tables(detail: IndicatorDetail) -> dict[str, Table]:
    out = {"quarterly": quarterly_table(detail), "year-to-date": ytd_table(detail)}
    if detail.comparator and detail.indicator.unit != "percent":
        out["comparator"] = comparator_table(detail)
    if detail.monthly:
        out["monthly"] = monthly_table(detail)
    return out


def csv_text(table: Table) -> str:
    """The table as CSV, numbers without thousands separators so spreadsheets read them."""
    headers, rows = table
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return out.getvalue()


def _csv_cell(cell: str) -> str:
    """Numbers plain (no separators, ASCII minus) so spreadsheets read them; text that a
    spreadsheet would run as a formula is neutralised."""
    plain = cell.replace(",", "").replace("\u2212", "-")
    try:
        float(plain)
    except ValueError:
        return neutralise(cell.replace("\u2212", "-"))
    return plain


def _numbers(name: str, caption: str, table: Table) -> html.Details:
    headers, rows = table
    return ui.numbers(
        "Show the numbers behind this chart",
        ui.scroll_region(caption, ui.table(caption, headers, rows, numeric=range(1, len(headers)), table_id=f"indicator-{name}-table")),
    )


def render(detail: IndicatorDetail, state: PageState) -> list[Component]:
    row, info, period = detail.current, detail.indicator, detail.period
    if all(r.actual is None for r in detail.history):
        # Empty axes look like a fault; say plainly that nothing is held (e.g. MARAC by ward).
        return [
            html.H1(info.name),
            html.P([f"{info.code} · {detail.area_name} · {period.label}. ", info.description], className="lead"),
            ui.notice(
                "No figures for this area",
                f"No figures for \"{info.name}\" are held for {detail.area_name} up to {period.label}. "
                "Choose another area on the scorecard.",
                "info",
            ),
            html.H2("Commentary"),
            commentary(detail),
        ]
    tabs = tables(detail)
    y_title = f"{noun(detail)} ({'year to date' if info.basis == 'ytd' else 'each quarter'})"
    out: list[Component] = [
        html.H1(info.name),
        html.P([f"{info.code} · {detail.area_name} · {period.label}. ", info.description], className="lead"),
        html.Div(
            [
                ui.rag_badge(row.rag),
                ui.direction_badge(row.dot_short, short_term_title(row, period)),
                html.Span("short term", className="cell-note"),
                ui.direction_badge(row.dot_long, long_term_title(row, period)),
                html.Span("long term", className="cell-note"),
            ],
            className="indicator-headline",
        ),
        html.P([html.Strong(f"{row.rag.value}: "), reason_text(row)], className="reason", id="indicator-reason"),
        html.P(f"Short term: {short_term_title(row, period)} Long term: {long_term_title(row, period)}", className="cell-note"),
        html.H2("Against target"),
        ui.chart(
            "indicator-quarterly-graph",
            charts.quarterly(detail, target_finding(row, period), y_title),
            "Solid blue line with circles: the figure each quarter. Dashed line: the target. "
            "Shaded band: the tolerance, where the indicator is still rated Green.",
        ),
        _numbers("quarterly", f"{info.name} by quarter, {detail.area_name}", tabs["quarterly"]),
        html.H2("Rating each quarter"),
        rating_strip(detail),
    ]
    this, last = ytd_values(detail)
    ly = period.same_quarter_last_year()
    if this[-1] is None:
        ytd_title = f"No year-to-date figure for {period.label}"
    else:
        ytd_title = f"{format_value(this[-1], info.unit)} year to date by {period.label}, " + change_phrase(
            this[-1], last[period.q - 1], f"the same point in {ly.financial_year.label}", info.unit
        )
    out += [
        html.H2("Year to date against last year"),
        ui.chart(
            "indicator-ytd-graph",
            charts.year_to_date(this, last, (period.financial_year.label, ly.financial_year.label), info.unit, ytd_title),
            f"Solid blue line with circles: {period.financial_year.label}. Dashed orange line with diamonds: {ly.financial_year.label}.",
        ),
        _numbers("year-to-date", f"{info.name}, year to date", tabs["year-to-date"]),
    ]
    if "comparator" in tabs:
        label = info.comparator_label or "the comparator"
        out += [
            html.H2(f"Compared with {label}"),
            ui.chart(
                "indicator-comparator-graph",
                charts.comparator_change(detail, comparator_finding(detail)),
                f"Change on the same period a year earlier. Solid blue: {detail.area_name}. Dashed orange with diamonds: {label}.",
            ),
            _numbers("comparator", f"Change on a year earlier: {detail.area_name} and {label}", tabs["comparator"]),
        ]
    if "monthly" in tabs:
        out += [
            html.H2("Month by month"),
            ui.chart(
                "indicator-monthly-graph",
                charts.monthly([m for m, _ in detail.monthly], [v for _, v in detail.monthly], set(period.months()), monthly_finding(detail), noun(detail)),
                "Blue line with open circles: each month. Filled squares: the months of the chosen quarter.",
            ),
            _numbers("monthly", f"{info.name} by month, {detail.area_name}", tabs["monthly"]),
        ]
    out += [
        html.H2("Commentary"),
        commentary(detail),
        html.H2("Download the figures", className="no-print"),
        html.Div(
            [
                html.Button(f"Download {name.replace('-', ' ')} figures (CSV)", id={"type": "indicator-csv", "table": name}, className="button", n_clicks=0)
                for name in tabs
            ],
            className="no-print",
        ),
        chart_downloads(info.code, make_query(period, detail.area_code), chart_names(detail)),
        html.Div(id="indicator-download-status", **{"aria-live": "polite"}),
        dcc.Download(id="indicator-download"),
        dcc.Store(id="indicator-params", data={"code": info.code, "period": period.key, "area": detail.area_code}),
    ]
    return out


CHART_LABELS = {"trend": "quarterly", "ytd": "year-to-date", "comparator": "comparator", "monthly": "monthly"}


def chart_downloads(code: str, query: str, kinds: tuple[str, ...] = ("trend", "ytd")) -> html.Div:
    """Print-resolution charts for committee packs and slides (one PNG and one SVG link for
    each chart in ``kinds``, the charts the page draws), the data as CSV/XLSX, and the
    stable embed address for council web pages (served by dashboards/embed.py)."""
    charts_links = [
        html.A(f"Download {CHART_LABELS[kind]} chart ({fmt.upper()})", href=f"/export/chart/{code}.{fmt}{query}&kind={kind}", download="", className="button button--secondary")
        for kind in kinds
        for fmt in ("png", "svg")
    ]
    data_links = [
        html.A(f"Download data ({fmt.upper()})", href=f"/export/data/{code}.{fmt}{query}", download="", className="button button--secondary")
        for fmt in ("csv", "xlsx")
    ]
    embed = f"/embed/indicator/{code}{query}"
    return html.Div(
        [
            html.H3("Charts for packs and slides"),
            html.Div(charts_links, className="download-links"),
            html.Div(data_links, className="download-links"),
            html.P(["Embed the quarterly chart on a web page with an iframe pointing at ", html.A(embed, href=embed), "."]),
        ],
        className="no-print",
        id="indicator-exports",
    )


def rating_strip(detail: IndicatorDetail) -> html.Ol:
    cells = [
        html.Li(
            [html.Span(Quarter.parse(r.period).label, className="rating-strip__period"), ui.rag_badge(r.rag, title=f"{r.rag.value}: {reason_text(r)}")],
            className="rating-strip__cell" + (" rating-strip__cell--chosen" if r.period == detail.period.key else ""),
        )
        for r in detail.history
    ]
    return html.Ol(cells, className="rating-strip", id="indicator-rating-strip", **{"aria-label": "Rating each quarter, oldest first"})


def commentary(detail: IndicatorDetail) -> Component:
    if not detail.commentary:
        return html.P("No commentary has been recorded for this indicator and area.")
    items = []
    for entry in detail.commentary:
        parts: list[Component] = [html.H3(entry.period.label)]
        if entry.commentary:
            parts.append(html.P(entry.commentary))
        if entry.corrective_action:
            parts.append(html.P([html.Strong("Corrective action: "), entry.corrective_action]))
        items.append(html.Li(parts))
    return html.Ul(items, className="commentary-list", id="indicator-commentary")


@callback(
    Output("indicator-download", "data"),
    Output("indicator-download-status", "children"),
    Input({"type": "indicator-csv", "table": ALL}, "n_clicks"),
    State("indicator-params", "data"),
    prevent_initial_call=True,
)
def download(clicks: list[int | None], params: dict[str, str]) -> tuple[dict | None, object]:
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update, dash.no_update  # type: ignore[return-value]
    name = ctx.triggered_id["table"]
    try:
        settings = current_settings()
        period = Quarter.parse(params["period"])
        detail = data.detail(settings.database_url, params["code"], period, params["area"])
        text = csv_text(tables(detail)[name])
    except Exception as exc:  # noqa: BLE001 - say so on the page; the log has the trace
        return None, ui.failure(exc)
    filename = f"{detail.indicator.code}-{name}-{detail.area_code}-{period.key}.csv"
    return dcc.send_string(text, filename, type="text/csv"), ""


__all__ = ["csv_text", "download", "layout", "make_query", "tables", "target_finding"]
