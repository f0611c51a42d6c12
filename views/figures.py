"""The charts a pack or a download shows, built by the dashboard's own figure functions
(``views.charts``) and titled with its own wording, then dressed for paper.

A ``Chart`` carries its alt text: Word, HTML and PDF all need one, and it is written from
the same figures as the title.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rules.periods import Quarter
from sources.registry import SOURCES as DECLARED_SOURCES
from store.db import Session
from store.queries import DemandPanel, IndicatorDetail, indicator_detail
from views import MapExportedApart, NotAvailable, charts
from views.funnel import (
    FUNNEL_HEIGHT,
    FunnelView,
    funnel_alt,
    funnel_figure,
    funnel_measure,
    funnel_method,
    funnel_subtitle,
    funnel_title,
    funnel_view,
)
from views.print_style import PRINT_HEIGHT, PRINT_WIDTH, committee_style, mark_schematic
from views.projection_chart import add_projection, projection_of
from views.small_multiples import small_multiples
from views.spc_chart import (
    SpcView,
    add_break_lines,
    assurance_words,
    no_icons_reason,
    period_words,
    point_words,
    spc_figure,
    spc_subtitle,
    spc_title,
    spc_view,
    variation_words,
)
from views.wording import (
    chart_names,
    comparator_finding,
    comparator_gap_notes,
    demand_finding,
    month_label,
    monthly_finding,
    noun,
    statement,
    target_finding,
    ytd_values,
)
from views.ytd_chart import has_ytd_targets, ytd_against_target, ytd_title

if TYPE_CHECKING:
    from views.map_state import MapState

KINDS = ("trend", "ytd", "comparator", "monthly", "spc", "funnel")
YTD_HEIGHT = 400  # four points a year need less height than the trend


@dataclass(frozen=True)
class Chart:
    name: str  # file-safe, e.g. "CSP1-trend"
    figure: dict[str, Any]  # committee-styled Plotly figure
    alt: str  # what the chart shows and what it finds, for people who cannot see it
    caption: str  # what the chart is, for "Figure n: …" (its title states the finding)
    width: int = PRINT_WIDTH
    height: int = PRINT_HEIGHT

    @property
    def title(self) -> str:
        return self.figure["layout"]["title"]["text"]


def source_line(*sources: str) -> str:
    names = list(dict.fromkeys(DECLARED_SOURCES[s].chart_source if s in DECLARED_SOURCES else "partner returns" for s in sources))
    return f"Source: {'; '.join(names)}; cspdash"


def _span(detail: IndicatorDetail) -> str:
    """The quarters a quarterly chart shows: a long span opens on its latest run of figures."""
    first = detail.history[charts.opening_index(detail.history)].period if detail.history else detail.period.key
    # A chart with no figure for over a year before the chosen quarter ends at its last figure.
    last = detail.history[charts.closing_index(detail.history) - 1].period if detail.history else detail.period.key
    return f"{Quarter.parse(first).label} to {Quarter.parse(last).label}"


def _dressed(
    detail: IndicatorDetail, kind: str, figure: dict[str, Any], title: str, subtitle: str | None, alt: str, caption: str,
    width: int, height: int,
) -> Chart:  # fmt: skip
    """An indicator page chart in committee styling, with the indicator's source line."""
    styled = committee_style(figure, title, subtitle, source_line(detail.indicator.source), width, height)
    return Chart(f"{detail.indicator.code}-{kind}", styled, alt, caption, width, height)


def _line_chart(
    detail: IndicatorDetail, kind: str, figure: dict[str, Any], title: str, subtitle: str, drawn: str, caption: str, width: int, height: int
) -> Chart:  # fmt: skip
    """``_dressed`` for a line chart: its alt text says what is drawn, then what it finds."""
    return _dressed(detail, kind, figure, title, subtitle, f"Line chart: {drawn}. {title}.", caption, width, height)


def trend_chart(
    detail: IndicatorDetail, width: int = PRINT_WIDTH, height: int = PRINT_HEIGHT, finding_in_title: bool = True
) -> Chart:
    """The quarterly series against target and tolerance: the indicator page's first chart.
    Without ``finding_in_title`` (a page that states the finding beside the chart) the
    measure and period become the title."""
    info, row = detail.indicator, detail.current
    ytd = info.basis == "ytd"
    title = target_finding(row, detail.period)
    figure = charts.quarterly(detail, title, f"{noun(detail)} ({'year to date' if ytd else 'each quarter'})")
    subtitle = f"{info.name}, {detail.area_name}, {'year to date' if ytd else 'each quarter'}, {_span(detail)}"
    alt = (
        f"Line chart: {info.name} in {detail.area_name} ({'year to date' if ytd else 'each quarter'}), "
        f"{_span(detail)}, with the target as a dashed line and the tolerance as a shaded band. {title}. "
        f"Rated {row.rag.value}."
    )
    caption = f"{info.name}, {'year to date' if ytd else 'each quarter'}, against target and tolerance, {_span(detail)}"
    heading, subheading = (title, subtitle) if finding_in_title else (subtitle, None)
    return _dressed(detail, "trend", figure, heading, subheading, alt, caption, width, height)


def ytd_chart(detail: IndicatorDetail, width: int = PRINT_WIDTH, height: int = YTD_HEIGHT) -> Chart:
    """Year to date at the end of each quarter: against target and tolerance (per cent of
    target) where the indicator is rated on the year to date, else this year against last."""
    info, period = detail.indicator, detail.period
    this, last = ytd_values(detail)
    last_year = period.same_quarter_last_year().financial_year
    title = ytd_title(detail)  # as the indicator page words it
    labels = (period.financial_year.label, last_year.label)
    if has_ytd_targets(detail):
        figure = ytd_against_target(detail, title, labels)
        what = (
            "year to date as a per cent of target at the end of each quarter",
            "year to date as a per cent of each quarter's target",
        )
        lines = (
            f"{labels[0]} as a solid line, {labels[1]} as a dashed line, the target at 100% and the tolerance as a shaded band"
        )
        caption = f"{info.name}, year to date against target and tolerance, {labels[0]} and {labels[1]}"
    else:
        figure = charts.year_to_date(this, last, labels, info.unit, title)
        what = ("year to date at the end of each quarter", "year to date")
        lines = f"{labels[0]} as a solid line, {labels[1]} as a dashed line"
        caption = f"{info.name}, year to date, {labels[0]} against {labels[1]}"
    projection = projection_of(detail)
    if projection is not None and projection.made:
        figure = add_projection(figure, detail, projection.target if has_ytd_targets(detail) else None)
        lines += ", and a dashed line to Q4 with a shaded wedge for the projected year end and its range"
    subtitle = f"{info.name}, {detail.area_name}, {what[0]}, {labels[0]} and {labels[1]}"
    return _line_chart(
        detail, "ytd", figure, title, subtitle, f"{info.name}, {what[1]}, in {detail.area_name}: {lines}", caption, width, height
    )


def comparator_chart(detail: IndicatorDetail, width: int = PRINT_WIDTH, height: int = YTD_HEIGHT) -> Chart:
    """Change on a year earlier, this area against the comparator: the page's third chart."""
    info = detail.indicator
    label = info.comparator_label or "the comparator"
    title = comparator_finding(detail)
    figure = charts.comparator_change(detail, title)
    drawn = [r.period for r in detail.history if r.change_on_last_year is not None or r.comparator_change is not None]
    # The quarters drawn: from the latest run's first (the chart opens there), to the last.
    first = drawn[drawn.index(detail.history[charts.comparator_opening(detail.history)[0]].period)] if drawn else None
    span = f"{Quarter.parse(first).label} to {Quarter.parse(drawn[-1]).label}" if first is not None else _span(detail)
    subtitle = f"{info.name}, change on the same quarter a year earlier, {detail.area_name} and {label}, {span}"
    described = f"change in {info.name} on a year earlier, each quarter, {_span(detail)}: {detail.area_name} as a solid line with circles, {label} as a dashed line with diamonds"
    if gaps := comparator_gap_notes(detail):  # the lines break there: say why
        described += f". Not shown: {'; '.join(gaps)}"
    caption = f"{info.name}, change on a year earlier, {detail.area_name} against {label}"
    return _line_chart(detail, "comparator", figure, title, subtitle, described, caption, width, height)


def monthly_chart(detail: IndicatorDetail, width: int = PRINT_WIDTH, height: int = YTD_HEIGHT) -> Chart:
    """The months behind a count, the chosen quarter's months marked: the page's last chart."""
    info, period = detail.indicator, detail.period
    title = monthly_finding(detail)
    months = [m for m, _ in detail.monthly]
    figure = charts.monthly(months, [v for _, v in detail.monthly], set(period.months()), title, noun(detail))
    drawn = f"{month_label(months[0])} to {month_label(months[-1])}" if months else period.label
    subtitle = f"{info.name}, {detail.area_name}, each month, {drawn}"
    lines = f"{info.name} in {detail.area_name} each month, with the months of {period.label} marked by filled squares"
    return _line_chart(
        detail, "monthly", figure, title, subtitle, lines, f"{info.name}, each month, {detail.area_name}", width, height
    )


def indicator_chart(
    session: Session, code: str, period: Quarter, area: str, kind: str, width: int = PRINT_WIDTH, height: int | None = None,
    *, as_published: bool = False, version: int | None = None,
) -> Chart:  # fmt: skip
    """One chart for ``export chart`` and the download links (``as_published``: from the
    frozen figures of the latest published version, or ``version``). Raises UnknownIndicator
    or UnknownArea (from ``store.queries``) and NotAvailable."""
    if kind == "map":
        raise MapExportedApart("The ward map is exported on its own: use /export/map.png.")
    if kind not in KINDS:
        raise NotAvailable(f"Unknown chart kind {kind!r}: choose {', '.join(KINDS[:-1])} or {KINDS[-1]}.")
    detail = (
        published_detail(session, code, period, area, version) if as_published else indicator_detail(session, code, period, area)
    )
    if kind == "funnel":
        return funnel_chart(detail, indicator_funnel(session, detail), width, height or FUNNEL_HEIGHT)
    if kind != "spc" and kind not in chart_names(detail):
        why = "it has no comparator for counts" if kind == "comparator" else "no monthly figures are held for it"
        raise NotAvailable(f"{detail.indicator.code} has no {kind} chart: {why}.")
    if kind == "trend":
        return _with_breaks(session, detail, trend_chart(detail, width, height or PRINT_HEIGHT), "quarter")
    if kind == "comparator":
        return comparator_chart(detail, width, height or YTD_HEIGHT)
    if kind == "monthly":
        return _with_breaks(session, detail, monthly_chart(detail, width, height or YTD_HEIGHT), "month")
    if kind == "spc":
        return spc_chart(
            detail, spc_view(session, detail.indicator.code, detail.period, detail.area_code), width, height or PRINT_HEIGHT
        )
    return ytd_chart(detail, width, height or YTD_HEIGHT)


def published_detail(session: Session, code: str, period: Quarter, area: str, version: int | None = None) -> IndicatorDetail:
    """An indicator's figures exactly as published; NotAvailable if it was not."""
    from store.publishing import published_indicator_detail

    detail = published_indicator_detail(session, code, period, area, version)
    if detail is None:
        raise NotAvailable(
            f"{code} was not part of a published {period.label} report for {area}"
            + (f" (version {version})." if version else ".")
        )
    return detail


def _with_breaks(session: Session, detail: IndicatorDetail, chart: Chart, by: str) -> Chart:
    """The series breaks drawn on a chart of the series, as the page draws them."""
    from store.annotations import breaks_for
    from store.indicator_queries import indicator_by_code

    indicator = indicator_by_code(session, detail.indicator.code)
    periods = [m for m, _ in detail.monthly] if by == "month" else [r.period for r in detail.history]
    if indicator is not None:
        add_break_lines(chart.figure, breaks_for(session, indicator, detail.area_code), by, periods)
    return chart


def spc_chart(detail: IndicatorDetail, view: SpcView, width: int = PRINT_WIDTH, height: int = PRINT_HEIGHT) -> Chart:
    """The XmR chart of the indicator page, dressed for paper. Raises NotAvailable when the
    indicator has no series to chart."""
    info = detail.indicator
    if view.stored is None:
        raise NotAvailable(f"{info.code} has no SPC chart: {view.unavailable}.")
    title = spc_title(view)
    figure = spc_figure(view, title, noun(detail))
    subtitle = spc_subtitle(view, info.name, detail.area_name)
    flagged = "; ".join(f"{period_words(p.period)}: {point_words(p)}" for p in view.flagged) or "no point is flagged"
    verdicts = no_icons_reason(view) or f"Variation: {variation_words(view)}." + (
        f" Assurance: {assurance_words(view)}." if assurance_words(view) else ""
    )
    alt = (
        f"Statistical process control (XmR) chart of {info.name} in {detail.area_name}, {subtitle.split(', ', 2)[-1]}, with the mean "
        f"and process limits. {title}. Flagged points: {flagged}. {verdicts}"
    )
    caption = f"{info.name}: statistical process control chart, {detail.area_name}"
    return _dressed(detail, "spc", figure, title, subtitle, alt, caption, width, height)


def indicator_funnel(session: Session, detail: IndicatorDetail) -> FunnelView:
    """The funnel of ``detail``'s indicator and area; NotAvailable, saying why, when it has none."""
    info = detail.indicator
    measure = funnel_measure(info.measure, info.unit)
    if isinstance(measure, str):
        raise NotAvailable(f"{info.code} has no funnel plot: {measure}")
    view = funnel_view(session, measure, detail.period, detail.area_code, comparator=info.comparator_area)
    if view.unavailable:
        raise NotAvailable(f"{info.code} has no funnel plot: {view.unavailable}.")
    return view


def funnel_chart(detail: IndicatorDetail, view: FunnelView, width: int = PRINT_WIDTH, height: int = FUNNEL_HEIGHT) -> Chart:
    """Every partnership's rate against its population, dressed for paper; the partnerships left
    out are counted under the subtitle, and the method is the caption's."""
    info = detail.indicator
    title = funnel_title(view)
    subtitle = funnel_subtitle(view) + ("; " + " ".join(view.notes) if view.notes else "")
    caption = f"{info.name}: funnel plot of every partnership's rate per 1,000 residents ({view.measure.words}), {view.year.label if view.year else ''}"
    alt = f"{funnel_alt(view)} {' '.join(view.notes)} {funnel_method(view)}".strip()
    styled = committee_style(
        funnel_figure(view, title), title, subtitle, "Source: Home Office police recorded crime by CSP; ONS population estimates; cspdash",
        width, height,
    )  # fmt: skip
    return Chart(f"{info.code}-funnel", styled, alt, caption, width, height)


def demand_chart(
    panels: list[DemandPanel], area_name: str, period: Quarter, columns: int = 2, width: int = PRINT_WIDTH
) -> Chart | None:
    """The demand pressures page as one image: the page's sparklines as small multiples,
    each titled with its indicator and its statement (``1,442 in Q3 2016/17, up 2.9% …``),
    under the page's finding. Panels with no figures are left out, as the page draws none."""
    panels = [p for p in panels if any(v is not None for _, v in p.points)]
    if not panels:
        return None
    first = panels[0].points[0][0].label if panels[0].points else period.label
    title = demand_finding(panels)
    subtitle = f"Demand on services in {area_name}: context indicators (not rated), each quarter, {first} to {period.label}"
    headings = [f"<b>{p.indicator.name}</b><br>{statement(p)}" for p in panels]  # small_multiples wraps each to its cell
    source = source_line(*(p.indicator.source for p in panels))
    styled, height = small_multiples(
        [charts.sparkline(p, "") for p in panels], headings, title, subtitle, source, columns, width=width
    )
    statements = "; ".join(f"{p.indicator.name}: {statement(p)}" for p in panels)
    alt = (
        f"Small line charts of {len(panels)} context indicators for {area_name}, each quarter from {first} to "
        f"{period.label}, with the same quarter last year and the chosen quarter marked. {title}. {statements}."
    )
    caption = f"Demand pressures: context indicators each quarter, {first} to {period.label}"
    return Chart("demand-pressures", styled, alt, caption, width, height)


def ward_map_state(url: str, home: str, params: dict[str, str | None]) -> MapState:
    """The /map page's state for ``params``: rates asked for with no population held become
    numbers, as the page shows them. Raises MapRequestError (``store.map_queries``)."""
    from views.map_state import resolve, ward_figures

    state = resolve(url, home, params)
    if state.view == "rate" and not (
        state.measure.unit == "count" and any(f.population for f in ward_figures(url, state).figures)
    ):
        state = resolve(url, home, {**params, "view": "count"})
    return state


def ward_map_chart(
    url: str, home: str, params: dict[str, str | None], width: int = PRINT_WIDTH, height: int | None = None
) -> Chart:
    """The /map page's ward map for the same query (``measure``, ``period``, ``span``,
    ``view``, ``classes``, ``area``), drawn by the page's own builder and dressed for paper:
    the page's finding as title, the measure, areas and period as subtitle. Raises
    MapRequestError (``store.map_queries``) for a query the page would refuse."""
    from views.map_state import area_label, map_figure, view_phrase, ward_figures

    state = ward_map_state(url, home, params)
    query = state.query()
    figure = map_figure(url, home, query)
    layout = figure["layout"]
    title = layout["title"]["text"]
    key = str(layout["legend"]["title"]["text"]).replace("<br>", ": ")
    layout["legend"]["title"]["text"] = ""  # the key's heading goes in the subtitle
    phrase = view_phrase(state)
    area = area_label(state)
    subtitle = f"{phrase[:1].upper()}{phrase[1:]} by ward, {area}, {state.period.label}. {key}"
    height = height or int(layout.get("height", 620))
    styled = committee_style(figure, title, subtitle, source_line(state.measure.source), width, height)
    styled["layout"]["geo"] = {**styled["layout"].get("geo", {}), "domain": {"x": [0, 1], "y": [0, 1]}}
    if ward_figures(url, state).vintage == "schematic":
        mark_schematic(styled)
    alt = f"Map of {phrase} in {area}'s wards, {state.period.label}, each ward shaded by its class ({key}). {title}."
    caption = f"{phrase[:1].upper()}{phrase[1:]} by ward, {area}, {state.period.label}"
    name = f"map-{state.measure.key}-{state.period.key}-{state.view}".replace(":", "-").replace("/", "-")
    return Chart(name, styled, alt, caption, width, height)
