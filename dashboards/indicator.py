"""One indicator in depth (``/indicator/<code>?period=…&area=…``): the quarterly series
against target and tolerance, year to date against last year, the comparator, the months
behind a crime or ASB count, the rating history and the commentary history.

Every chart has a table of its numbers, built by the same function as the CSV download,
so the chart, the table and the file cannot disagree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html
from dash.development.base_component import Component

from reporting.scoring import ScoreRow
from rules.periods import Quarter
from rules.rating import Rating
from views import charts, data
from views.data import PageState, make_query
from views.funnel import (
    FunnelView,
    cached_funnel_view,
    funnel_figure,
    funnel_measure,
    funnel_method,
    funnel_subtitle,
    funnel_summary,
    funnel_table,
    funnel_title,
)
from views.gap_axis import opening_run
from views.indicator_tables import Table, chart_tables
from views.projection_chart import CAPTION as PROJECTION_CAPTION
from views.projection_chart import add_projection, projection_of, projection_sentence
from views.publication import NotPublished, frozen_detail
from views.records import IndicatorDetail, UnknownIndicator
from views.spc_chart import (
    SpcView,
    add_break_lines,
    assurance_words,
    cached_spc_view,
    no_icons_reason,
    period_words,
    point_words,
    spc_figure,
    spc_subtitle,
    spc_title,
    variation_words,
)
from views.wording import (
    comparator_finding,
    comparator_gap_notes,
    comparator_sentence,
    long_term_title,
    monthly_finding,
    no_figures_this_year,
    noun,
    reason_text,
    short_term_title,
    target_finding,
    verdict_answers,
    verdicts_seem_to_disagree,
    ytd_values,
)
from views.ytd_chart import has_ytd_targets, ytd_against_target, ytd_title
from web.access import requires_role
from web.addresses import here
from web.parts import actions_panel, new_baseline, publishing
from web.parts import components as ui
from web.parts.context import current_settings
from web.parts.embed_panel import INDICATOR_HEIGHT, embed_panel
from web.parts.new_baseline import baseline_panel
from web.parts.newer_figures import newer_figures_notice, resolve_for_viewer

dash.register_page(
    __name__,
    path_template="/indicator/<code>",
    name="Indicator",
    title=lambda code=None, **_: f"{code or 'Indicator'} – Community Safety Partnership performance",
)


@ui.safe_layout
def layout(code: str | None = None, period: str | None = None, area: str | None = None, **query: object) -> Component:
    settings = current_settings()
    state = resolve_for_viewer(period, area)
    back = dcc.Link("← Back to the scorecard", href=here(f"/{state.query()}"), className="back-link no-print")
    if state.error:
        return html.Div([back, html.H1("Indicator"), ui.notice("We can't show this indicator", state.error)])
    try:
        detail, top, links = published_or_current(settings.database_url, code or "", state, query)
    except UnknownIndicator as exc:
        return html.Div(
            [
                back,
                html.H1("Indicator not found"),
                ui.notice("We can't show this indicator", f"{exc} Choose one from the scorecard."),
            ]
        )
    except NotPublished as exc:
        return html.Div([back, html.H1("Indicator"), publishing.not_published(str(exc), f"/indicator/{code}", state.query())])
    page = render(detail, state, links)
    newer = newer_figures_notice(
        settings.database_url, state.period, state.area, f"/indicator/{detail.indicator.code}", "indicator"
    )
    return html.Div([back, *page[:1], *top, *newer, *page[1:]])


def published_or_current(url: str, code: str, state: PageState, query: dict) -> tuple[IndicatorDetail, list[Component], str]:
    """The figures now (with revision notes) or, with ``?as=published``, as published; the
    banner and switch for the top of the page; and the query for its download links (as
    published too, so a download is the frozen figures the page shows)."""
    pub, message = publishing.page_publication(url, state.period, state.area, query)  # type: ignore[arg-type]
    if message:
        raise NotPublished(message)
    if pub is not None and pub.as_published:
        detail = frozen_detail(url, code, state.period, state.area, pub.version)  # type: ignore[arg-type]
    else:
        detail = data.detail(url, code, state.period, state.area)  # type: ignore[arg-type]
    return (
        detail,
        publishing.header(pub, f"/indicator/{code}", state.query(), "indicator", code),
        publishing.links_query(pub, state.query()),
    )


def _numbers(name: str, caption: str, table: Table) -> html.Details:
    headers, rows = table
    return ui.numbers(
        "Show the numbers behind this chart",
        ui.scroll_region(
            caption, ui.table(caption, headers, rows, numeric=range(1, len(headers)), table_id=f"indicator-{name}-table")
        ),
    )


def render(detail: IndicatorDetail, state: PageState, query: str | None = None) -> list[Component | None]:
    """The page below its banner; ``query`` for the download links (default: the current figures)."""
    row, info, period = detail.current, detail.indicator, detail.period
    if all(r.actual is None for r in detail.history):
        # Empty axes look like a fault; say plainly that nothing is held (e.g. MARAC by ward).
        return [
            html.H1(info.name),
            html.P([f"{info.code} · {detail.area_name} · {period.label}. ", info.description], className="lead"),
            ui.notice(
                "No figures for this area",
                f'No figures for "{info.name}" are held for {detail.area_name} up to {period.label}. '
                "Choose another area on the scorecard.",
                "info",
            ),
            html.H2("Commentary"),
            commentary(detail),
        ]
    spc = cached_spc_view(current_settings().database_url, info.code, period, detail.area_code)
    tabs = chart_tables(detail, spc)
    query = query or make_query(period, detail.area_code)
    y_title = f"{noun(detail)} ({'year to date' if info.basis == 'ytd' else 'each quarter'})"
    out: list[Component | None] = [  # None: a part with nothing to say, which Dash leaves out
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
        # The one plain verdict; absent from a version published before it existed.
        html.P(row.summary_sentence, className="verdict", id="indicator-verdict") if row.summary_sentence else None,
        html.P([html.Strong(f"{row.rag.value}: "), reason_text(row)], className="reason", id="indicator-reason"),
        _answers(row) if row.summary_sentence else None,
        _actions(detail),
        baseline_panel(spc, info.code, detail.area_code),
        html.P(f"Short term: {short_term_title(row, period)} Long term: {long_term_title(row, period)}", className="cell-note"),
        value_notes(detail),
        html.P(comparator_sentence(row), id="indicator-comparator-figure") if comparator_sentence(row) else None,
    ]
    missing_year = no_figures_this_year(detail)
    if missing_year:
        # Empty year-to-date and SPC charts for a year with no figure look like a fault: say so.
        out.append(
            html.Div(
                ui.notice(
                    missing_year,
                    f"{info.name} has no figure for {detail.area_name} in {period.financial_year.label} so far, so there is no "
                    "year-to-date or statistical process control chart for it. The charts below show the figures held.",
                    "info",
                ),
                id="indicator-no-figures-this-year",
            )
        )
    out += quarterly_section(detail, state, y_title, spc, tabs, query)
    if not missing_year:
        out += ytd_section(detail, query, tabs)
    if "comparator" in tabs:
        label = row.comparator_label or "the comparator"
        out += [
            html.H2(f"Compared with {label}"),
            ui.chart(
                "indicator-comparator-graph",
                charts.comparator_change(detail, comparator_finding(detail)),
                f"{charts.comparator_note(detail)} Change on the same period a year earlier. Solid blue: {detail.area_name}. Dashed orange with diamonds: {label}.".strip(),
            ),
            comparator_gaps(detail),
            _numbers("comparator", f"Change on a year earlier: {detail.area_name} and {label}", tabs["comparator"]),
            download_menu(info.code, query, "comparator", "comparator"),
        ]
    if "monthly" in tabs:
        out += [
            html.H2("Month by month"),
            ui.chart(
                "indicator-monthly-graph",
                with_breaks(
                    charts.monthly(
                        [m for m, _ in detail.monthly],
                        [v for _, v in detail.monthly],
                        set(period.months()),
                        monthly_finding(detail),
                        noun(detail),
                    ),
                    spc,
                    "month",
                    [m for m, _ in detail.monthly],
                ),
                (
                    f"{opening_run([m for m, _ in detail.monthly])[1]} "
                    if opening_run([m for m, _ in detail.monthly])[1]
                    else drawn_range(detail.monthly[0][0], detail.monthly[-1][0])
                )
                + "Blue line with open circles: each month. Filled squares: the months of the chosen quarter."
                + (BREAK_CAPTION if spc.breaks else ""),
            ),
            breaks_list(spc, "monthly"),
            _numbers("monthly", f"{info.name} by month, {detail.area_name}", tabs["monthly"]),
            download_menu(info.code, query, "monthly", "monthly"),
        ]
    # SPC charts are not frozen when a quarter is published: an as-published page draws the
    # figures held now, says so, and its SPC downloads are the current ones.
    current = make_query(period, detail.area_code)
    out += funnel_section(detail, current, figures_query=query)  # the national tables as held now, like the SPC chart
    if not missing_year:
        out += spc_section(detail, spc, current, tabs, figures_query=query)
    out += [
        html.H2("Commentary"),
        commentary(detail),
        embed_link(info.code, query),
    ]
    return out


@callback(
    Output("baseline-message", "children"),
    Input("baseline-save", "n_clicks"),
    State("baseline-context", "data"),
    State("baseline-reason", "value"),
    prevent_initial_call=True,
)
@requires_role("analyst")
def save_baseline(clicks: int, context: dict[str, str] | None, reason: str | None) -> Any:
    """Start a new SPC baseline where the panel offers one (``web.parts.new_baseline``)."""
    return new_baseline.save_baseline(clicks, context, reason)


def _answers(row: ScoreRow) -> html.Details:
    """Which question each verdict answers: a Red rating, "a real change" and "common cause"
    can all be true at once. Open where they seem to disagree."""
    return html.Details(
        [html.Summary("What each verdict answers"), html.Ul([html.Li(a) for a in verdict_answers(row)])],
        open=verdicts_seem_to_disagree(row), id="indicator-answers", className="answers",
    )  # fmt: skip


CHART_LABELS = {
    "trend": "quarterly", "ytd": "year-to-date", "comparator": "comparator", "monthly": "monthly", "spc": "SPC", "funnel": "funnel",
}  # fmt: skip
TABLE_OF = {
    "trend": "quarterly", "ytd": "year-to-date", "comparator": "comparator", "monthly": "monthly", "spc": "spc", "funnel": "funnel",
}  # fmt: skip


def funnel_section(detail: IndicatorDetail, query: str, figures_query: str | None = None) -> list[Component | None]:
    """Every partnership's rate against its population (``views.funnel``): for crime counts when
    the Home Office CSP tables are held; otherwise a sentence saying why there is none. Like the
    SPC chart it is not frozen by publishing: ``query`` is the current figures', ``figures_query``
    the page's (as published, for the XLSX of the indicator's figures)."""
    as_published = figures_query not in (None, query)
    info = detail.indicator
    heading = html.H2("Compared with every partnership: funnel plot", id="funnel")
    measure = funnel_measure(info.measure, info.unit)
    if isinstance(measure, str):
        return [heading, html.P(f"No funnel plot for this indicator: {measure}", id="indicator-funnel-none")]
    view = cached_funnel_view(current_settings().database_url, measure, detail.period, detail.area_code, info.comparator_area)
    if view.unavailable:
        return [heading, html.P(f"No funnel plot: {view.unavailable}.", id="indicator-funnel-none")]
    caption = f"{info.name}: funnel plot of every partnership's {measure.words} per 1,000 residents, {view.year.label if view.year else ''}"
    current = html.P(
        [html.Strong("Current figures, not as published: "), "publishing does not freeze this chart, so it is drawn from the "
         "Home Office tables and populations held now."],
        className="spc-current", id="indicator-funnel-current",
    )  # fmt: skip
    return [
        heading,
        current if as_published else None,
        html.P(funnel_subtitle(view) + ".", id="indicator-funnel-subtitle"),
        ui.chart("indicator-funnel-graph", funnel_figure(view, funnel_title(view)), funnel_caption(view)),
        funnel_notes(view),
        _numbers("funnel", caption, funnel_table(view)),
        download_menu(info.code, query, "funnel", "funnel", figures_query=figures_query),
    ]


def funnel_caption(view: FunnelView) -> str:
    """What each mark is, in words and shapes as well as colours."""
    marks = "Open grey circles: partnerships. Purple star, named: the home area."
    if view.group:
        marks += " Teal diamonds: its similar partnerships."
    return f"{funnel_method(view)} {marks} {funnel_summary(view)}"


def funnel_notes(view: FunnelView) -> Component | None:
    """The partnerships left out and why, counted (a chart never looks complete when it is not)."""
    if not view.notes:
        return None
    return html.Div(
        [html.P("Not on the chart:", className="chart-gaps__lead"), html.Ul([html.Li(n) for n in view.notes])],
        id="indicator-funnel-notes", className="chart-gaps",
    )  # fmt: skip


def value_notes(detail: IndicatorDetail) -> Component | None:
    """Where an uploaded value takes precedence over the counts: which figure each chart shows."""
    if not detail.value_notes:
        return None
    return html.Div(
        [html.P("Uploaded values and counts differ:", className="chart-gaps__lead"), html.Ul([html.Li(n) for n in detail.value_notes])],
        id="indicator-value-notes", className="chart-gaps",
    )  # fmt: skip


def comparator_gaps(detail: IndicatorDetail) -> Component | None:
    """Under the comparator chart: the quarters it leaves out and why (the lines break there)."""
    notes = comparator_gap_notes(detail)
    if not notes:
        return None
    return html.Div(
        [html.P("Gaps in the lines:", className="chart-gaps__lead"), html.Ul([html.Li(n) for n in notes])],
        id="indicator-comparator-gaps", className="chart-gaps",
    )  # fmt: skip


def download_menu(code: str, query: str, kind: str, table: str | None = None, figures_query: str | None = None) -> html.Details:
    """One "Download" menu for a chart: its image (PNG, SVG) and its numbers (CSV, XLSX).
    A native disclosure of plain links: it opens without JavaScript and under the CSP.
    ``figures_query``: for the XLSX of all the indicator's figures, when not ``query``."""
    label = CHART_LABELS[kind]
    table = table or TABLE_OF[kind]
    items = [
        (f"/export/chart/{code}.png{query}&kind={kind}", "PNG image", f" of the {label} chart"),
        (f"/export/chart/{code}.svg{query}&kind={kind}", "SVG image", f" of the {label} chart"),
        (f"/export/data/{code}.csv{query}&table={table}", "CSV", f" of the {label} chart's numbers"),
        (f"/export/data/{code}.xlsx{figures_query or query}", "XLSX", " of all this indicator's figures by quarter"),
    ]
    links = [
        html.Li(html.A([words, html.Span(hidden, className="visually-hidden")], href=here(href), download=""))
        for href, words, hidden in items
    ]
    return html.Details(
        [
            html.Summary(
                ["Download", html.Span(f" the {label} chart or its numbers", className="visually-hidden")],
                className="download-menu__button",
            ),
            html.Ul(links, className="download-menu__list"),
        ],
        className="download-menu no-print",
        id=f"indicator-{kind}-downloads",
    )


def embed_link(code: str, query: str) -> html.Section:
    """The embed panel: the quarterly chart's address, its ``<iframe>`` code and what IT must allow."""
    return embed_panel(
        "indicator", f"/embed/indicator/{code}{query}", f"{code}: the quarterly figures against target", INDICATOR_HEIGHT,
        "the quarterly chart",
    )  # fmt: skip


def chart_downloads(code: str, query: str, kinds: tuple[str, ...] = ("trend", "ytd")) -> html.Div:
    """Every chart's download menu for ``kinds`` (the charts the page draws) and the embed
    address: all the download links the indicator page offers."""
    return html.Div([*(download_menu(code, query, kind) for kind in kinds), embed_link(code, query)])


BREAK_CAPTION = " Dash-dot vertical lines: series breaks, listed under the chart."


def with_breaks(figure: dict, spc: SpcView, by: str, periods: list[str]) -> dict:
    """``figure`` with the series breaks drawn on it (as the exports draw them)."""
    add_break_lines(figure, spc.breaks, by, periods)
    return figure


def breaks_list(spc: SpcView, chart: str) -> Component:
    """The series breaks under a chart, with their dates and reasons."""
    if not spc.breaks:
        return html.Div()
    return html.Div(
        [
            html.P(html.Strong("Series breaks (figures either side are not like for like):")),
            html.Ul([html.Li([html.Strong(f"{b.date.day} {b.date:%B %Y}: "), b.reason]) for b in spc.breaks]),
        ],
        className="series-breaks",
        id=f"indicator-{chart}-breaks",
    )


def drawn_range(first: str, last: str) -> str:
    """ "Q1 2014/15 to Q3 2016/17. " – what a chart actually draws, at the head of its caption."""
    return f"{period_words(first)} to {period_words(last)}. "


def quarterly_section(
    detail: IndicatorDetail, state: PageState, y_title: str, spc: SpcView, tabs: dict[str, Table], query: str
) -> list[Component]:
    """The quarterly chart: against target for a rated indicator; a context indicator (not
    rated) has no target, so no target legend, no "Against target" and no strip of ratings."""
    row, info, period = detail.current, detail.indicator, detail.period
    figure = with_breaks(
        charts.quarterly(detail, target_finding(row, period), y_title), spc, "quarter", [r.period for r in detail.history]
    )
    breaks = BREAK_CAPTION if spc.breaks else ""
    # A long span opens on its latest run of figures: the caption says which span is shown.
    drawn = (
        (charts.opening_note(detail.history) + " ")
        if charts.opening_note(detail.history)
        else drawn_range(detail.history[0].period, detail.history[-1].period)
    )
    if closing := charts.closing_note(detail.history):
        last = detail.history[charts.closing_index(detail.history) - 1].period
        drawn = drawn_range(detail.history[charts.opening_index(detail.history)].period, last) + closing + " "
    if not info.rated:
        figure["data"] = [t for t in figure["data"] if t.get("legendgroup") not in ("tolerance", "target")]  # no target to draw
        return [
            html.H2("Each quarter"),
            ui.chart(
                "indicator-quarterly-graph",
                figure,
                drawn + "Solid blue line with circles: the figure each quarter (a context indicator: not rated)." + breaks,
            ),
            breaks_list(spc, "quarterly"),
            _numbers("quarterly", f"{info.name} by quarter, {detail.area_name}", tabs["quarterly"]),
            download_menu(info.code, query, "trend"),
        ]
    return [
        html.H2("Against target"),
        ui.chart(
            "indicator-quarterly-graph",
            figure,
            drawn + "Solid blue line with circles: the figure each quarter. Dashed line: the target. "
            "Shaded band: the tolerance, where the indicator is still rated Green." + breaks,
        ),
        breaks_list(spc, "quarterly"),
        _numbers("quarterly", f"{info.name} by quarter, {detail.area_name}", tabs["quarterly"]),
        download_menu(info.code, query, "trend"),
        html.H2("Rating each quarter"),
        rating_strip(detail),
    ]


def projection_paragraph(detail: IndicatorDetail) -> list[Component]:
    """The projected year end in words, its mark beside the state (never colour alone)."""
    sentence = projection_sentence(detail)
    return [html.P(sentence, id="indicator-projection", className="projection")] if sentence else []


def ytd_section(detail: IndicatorDetail, query: str, tabs: dict[str, Table]) -> list[Component]:
    """Year to date: against target and tolerance (as a per cent of target, so the gap shows)
    where the indicator is rated on the year to date, else against last year."""
    info, period = detail.indicator, detail.period
    this, last = ytd_values(detail)
    ly = period.same_quarter_last_year()
    labels = (period.financial_year.label, ly.financial_year.label)
    if has_ytd_targets(detail):
        heading = "Year to date against target"
        figure = ytd_against_target(detail, ytd_title(detail), labels)
        caption = (
            f"Each year's year to date as a per cent of that quarter's target. Solid blue line with circles: {labels[0]}. "
            f"Dashed orange line with diamonds: {labels[1]}. Dashed purple line: the target (100%). "
            "Shaded band: the tolerance, where the indicator is still rated Green."
        )
    else:
        heading = "Year to date against last year"
        figure = charts.year_to_date(this, last, labels, info.unit, ytd_title(detail))
        caption = f"Solid blue line with circles: {labels[0]}. Dashed orange line with diamonds: {labels[1]}."
    projection = projection_of(detail)
    if projection is not None and projection.made:
        figure = add_projection(figure, detail, projection.target if has_ytd_targets(detail) else None)
        caption += " " + PROJECTION_CAPTION
    return [
        html.H2(heading),
        ui.chart("indicator-ytd-graph", figure, caption),
        *projection_paragraph(detail),
        _numbers("year-to-date", f"{info.name}, year to date", tabs["year-to-date"]),
        download_menu(info.code, query, "ytd"),
    ]


VARIATION_LETTER = {"improvement": "↑", "concern": "!", "neutral_high": "H", "neutral_low": "L", "common_cause": "~"}
ASSURANCE_LETTER = {"pass": "P", "fail": "F", "inconsistent": "?"}


def spc_icons(spc: SpcView) -> Component:
    """Making Data Count's variation and assurance icons, each with its words."""
    result = spc.stored.result if spc.stored else None
    why = no_icons_reason(spc)
    if result is None or why or result.variation is None:
        return ui.notice("No variation or assurance icons", why or "Not enough figures to judge variation.", "info")
    items = [
        html.Li(
            [html.Span(VARIATION_LETTER[result.variation.value], className=f"spc-icon spc-icon--{result.variation.value}", **ui.attrs({"aria-hidden": "true"})),
             html.Strong("Variation: "), variation_words(spc)],
        )
    ]  # fmt: skip
    if result.assurance is not None:
        items.append(
            html.Li(
                [html.Span(ASSURANCE_LETTER[result.assurance.value], className=f"spc-icon spc-icon--{result.assurance.value}", **ui.attrs({"aria-hidden": "true"})),
                 html.Strong("Assurance: "), assurance_words(spc)],
            )
        )  # fmt: skip
    else:
        items.append(html.Li([html.Strong("Assurance: "), "none (no target, or a context indicator)."]))
    return html.Ul(items, className="spc-icons", id="indicator-spc-icons")


FLAGGED_OPEN = 8  # more flagged points than this are folded away under a count


def flagged_points(spc: SpcView) -> Component:
    """The special-cause points named in words (the chart's shapes and colours, as text)."""
    points = spc.flagged
    if not points:
        return html.P("No point is flagged: the variation is common cause throughout.", id="indicator-spc-flagged")
    rows = [
        [period_words(p.period), f"{p.value:,.0f}" if float(p.value).is_integer() else f"{p.value:,.1f}", point_words(p)]
        for p in points
    ]
    caption = "Special-cause points"
    kinds: dict[str, int] = {}
    for p in points:
        word = point_words(p).rsplit("(", 1)[-1].rstrip(")")
        kinds[word] = kinds.get(word, 0) + 1
    count = f"{len(points)} of {len(spc.stored.result.points) if spc.stored else 0} points flagged: " + ", ".join(
        f"{n} {k}" for k, n in kinds.items()
    )
    table = ui.scroll_region(
        caption, ui.table(caption, ["Period", "Value", "Why it is flagged"], rows, numeric=[1], table_id="indicator-spc-flagged")
    )
    if len(points) <= FLAGGED_OPEN:
        return html.Div([html.H3(caption), html.P(count), table])
    return html.Div([html.H3(caption), html.Details([html.Summary(f"{count} (show the list)"), table], className="numbers")])


def spc_section(
    detail: IndicatorDetail, spc: SpcView, query: str, tabs: dict[str, Table], figures_query: str | None = None
) -> list[Component]:
    """The XmR chart (Making Data Count): is the change real? Kept in its own function.
    ``figures_query``: the page's own query, when it shows published figures (which this
    chart is not) and so differs from ``query``."""
    as_published = figures_query not in (None, query)
    info = detail.indicator
    heading = html.H2("Is this change real? Statistical process control", id="spc")
    if spc.stored is None:
        return [heading, ui.notice("No chart of variation", no_icons_reason(spc), "info")]
    subtitle = spc_subtitle(spc, info.name, detail.area_name)
    current = html.P(
        [html.Strong("Current figures, not as published: "), "publishing does not freeze this chart, so it is drawn from the figures held now. "
         "The Variation and Assurance verdicts as published are on the published scorecard."],
        className="spc-current", id="indicator-spc-current",
    )  # fmt: skip
    return [
        heading,
        *([current] if as_published else []),
        html.P(
            f"The mean and process limits (mean ± 2.66 × the average moving range) show the range ordinary {spc.by}-to-{spc.by} "
            "variation reaches. Points outside it, long runs and trends are flagged as special cause, the NHS England "
            "\u201cMaking Data Count\u201d rules.",
            className="cell-note",
        ),
        spc_icons(spc),
        ui.chart(
            "indicator-spc-graph",
            spc_figure(spc, spc_title(spc), noun(detail), two_sigma=False),
            f"{subtitle}. "
            + (opening_run(spc.stored.periods)[1] + " " if opening_run(spc.stored.periods)[1] else "")
            + f"Blue line with dots: each {spc.by}. Solid black line: the mean. Dashed grey lines: the process limits, "
            f"recalculated at series breaks. The 2-sigma lines (dotted grey) are drawn when chosen in the key. Special-cause points: {SPECIAL_CAUSE_KEY}."
            + (BREAK_CAPTION if spc.breaks else ""),
        ),
        breaks_list(spc, "spc"),
        gap_breaks_list(spc),
        flagged_points(spc),
        _numbers("spc", f"{info.name}: SPC chart points, {detail.area_name}", tabs["spc"]),
        download_menu(info.code, query, "spc", figures_query=figures_query),
    ]


def gap_breaks_list(spc: SpcView) -> Component:
    """Where a gap of more than a year breaks the chart's baseline, in words."""
    if not spc.gap_notes:
        return html.Div()
    return html.Div(
        [html.P(html.Strong("Gaps that break the baseline (the limits are worked out afresh after each):")),
         html.Ul([html.Li(n[:1].upper() + n[1:] + ".") for n in spc.gap_notes])],
        className="series-breaks", id="indicator-spc-gaps",
    )  # fmt: skip


SPECIAL_CAUSE_KEY = "improvement, blue triangles; concern, orange squares; neither better nor worse, purple diamonds"


EMPTY_RUN = 4  # this many quarters or more in a row with no figure share one cell


def _strip_runs(detail: IndicatorDetail) -> list[list]:
    """The history as runs: a quarter on its own, or (years not loaded) four or more quarters
    in a row with no figure, which would otherwise fill the strip with "No data"."""
    runs: list[list] = []
    for r in detail.history:
        empty = r.rag is Rating.NO_DATA and r.period != detail.period.key
        if empty and runs and runs[-1][0].rag is Rating.NO_DATA and runs[-1][0].period != detail.period.key:
            runs[-1].append(r)
        else:
            runs.append([r])
    out: list[list] = []
    for run in runs:
        out += [run] if len(run) >= EMPTY_RUN else [[r] for r in run]
    return out


def rating_strip(detail: IndicatorDetail) -> html.Ol:
    cells = []
    for run in _strip_runs(detail):
        r = run[0]
        if len(run) > 1:
            span = f"{Quarter.parse(r.period).label} to {Quarter.parse(run[-1].period).label}"
            cells.append(html.Li(
                [html.Span(span, className="rating-strip__period"),
                 ui.rag_badge(r.rag, title=f"{r.rag.value}: no figures for the {len(run)} quarters {span}")],
                className="rating-strip__cell rating-strip__cell--run",
            ))  # fmt: skip
            continue
        cells.append(
            html.Li(
                [
                    html.Span(Quarter.parse(r.period).label, className="rating-strip__period"),
                    ui.rag_badge(r.rag, title=f"{r.rag.value}: {reason_text(r)}"),
                ],
                className="rating-strip__cell" + (" rating-strip__cell--chosen" if r.period == detail.period.key else ""),
            )
        )
    return html.Ol(
        cells,
        className="rating-strip",
        id="indicator-rating-strip",
        **ui.attrs({"aria-label": "Rating each quarter, oldest first"}),
    )


def _actions(detail: IndicatorDetail) -> Component | None:
    """This quarter's corrective actions and last quarter's with how they ended, beside the
    rating (None where neither quarter has any)."""
    entries = {e.period: e for e in detail.commentary}
    now = entries.get(detail.period)
    last = entries.get(detail.period.previous())
    actions, previous = (now.actions if now else ()), (last.actions if last else ())
    if not actions and not previous:
        return None
    return actions_panel.follow_up(detail.period, actions, previous, date.today(), "indicator")


def commentary(detail: IndicatorDetail) -> Component:
    if not detail.commentary:
        return html.P("No commentary has been recorded for this indicator and area.")
    items = []
    for entry in detail.commentary:
        parts: list[Component] = [html.H3(entry.period.label)]
        if entry.commentary:
            parts.append(html.P(entry.commentary))
        if entry.actions:
            parts += [html.P(html.Strong("Corrective actions:")), actions_panel.action_items(entry.actions, date.today())]
        elif entry.corrective_action:
            parts.append(html.P([html.Strong("Corrective action: "), entry.corrective_action]))
        items.append(html.Li(parts))
    return html.Ul(items, className="commentary-list", id="indicator-commentary")


__all__ = ["layout", "make_query", "target_finding"]
