"""What goes in a quarter's committee pack, worded once for Word, HTML and PDF alike.

The order follows Havering's Corporate Performance Report (Crime & Disorder Sub-Committee,
17 January 2017, Agenda Item 9): title block, summary with the RAG summary, how ratings
and arrows work, the Appendix 1 table, a section per rated indicator, and the demand
pressures (Appendix 2). Every figure and rating comes from ``build_scorecard``, the function
behind ``cspdash score`` and the dashboard; wording comes from ``views.wording`` and the
symbols from ``web.parts.components``, so the pack reads as the dashboard does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from exports.file_names import file_stem
from reporting.actions import outcome_words
from reporting.formatting import format_value
from reporting.pack_text import (
    DEFAULT_BACKGROUND_PAPERS,
    DEFAULT_FINANCIAL,
    DEFAULT_HUMAN_RESOURCES,
    DEFAULT_LEGAL,
    LABELS,
    PackText,
    default_equalities,
)
from reporting.scoring import RED_WITHOUT_ACTION, Scorecard, ScoreRow
from rules.direction import Direction
from rules.periods import Quarter
from rules.rating import Rating
from rules.summary import RATED, RagCounts, summary_sentence
from settings import Settings
from store.db import Session
from store.pack_sections import pack_text
from store.publishing import quarter_state
from store.queries import IndicatorDetail, comparator_levels, demand_panels, indicator_detail
from store.scorecard import build_scorecard
from store.spc_series import attach_spc
from views import NotAvailable
from views.data_line import contact_of, data_line, dates_in
from views.figure_notes import HEADING as FIGURE_NOTES_HEADING
from views.figure_notes import FigureNote, figure_notes, table_rows, with_markers
from views.figures import Chart, demand_chart, funnel_chart, indicator_funnel, spc_chart, trend_chart, ytd_chart
from views.marks import ARROW, DIRECTION_MEANING, RAG_MEANING, RAG_SHAPE, RATING_COMPARISON
from views.projection_chart import projection_sentence
from views.spc_chart import spc_view
from views.wording import (
    MINUS,
    SPC_EXPLAINER,
    SPC_KEY,
    arrow_note,
    basis_label,
    break_note,
    change_phrase,
    direction_word,
    long_term_title,
    month_label,
    no_figures_this_year,
    plural,
    reason_text,
    short_term_title,
    signed_percent,
    significance_words,
    spc_cell,
    spc_line,
    technical_lines,
    verdict_answers,
    verdicts_seem_to_disagree,
)


@dataclass(frozen=True)
class Mark:
    """A rating or a direction as a symbol plus a word: never colour alone."""

    symbol: str
    word: str
    kind: str  # CSS/Word class: "red", "amber", "green", "better", "worse", "same", …

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.word}"


def rating_mark(rating: Rating) -> Mark:
    return Mark(RAG_SHAPE[rating], rating.value, rating.value.lower().replace(" ", "-"))


def direction_mark(d: Direction) -> Mark:
    return Mark(ARROW[d], direction_word(d), "na" if d is Direction.NA else d.value)


@dataclass(frozen=True)
class TableRow:
    """One indicator in the Appendix 1 table, every cell already worded for people."""

    code: str
    name: str
    basis_note: str  # "rated on the year to date"
    rated_column: str  # "quarter" or "ytd": that figure is printed bold
    target: str
    tolerance: str
    quarter: str
    ytd: str
    last_year: str
    change: str  # on the same period last year: "+4.5%", or points for percentages
    comparator: str  # "London +3.8%" or "National average 24.5%"; "–" when there is none
    rating: Mark
    short: Mark
    long: Mark
    commentary: str
    action: str
    action_missing: bool
    spc: str = ""  # "Variation: ≈ common cause: … Assurance: …"
    short_note: str = ""  # "a real change" / "within normal variation", and any series break crossed
    long_note: str = ""


@dataclass(frozen=True)
class GoalSummary:
    goal: str
    red: str  # "2 (66.7%)"
    amber: str
    green: str
    rated: int
    sentence: str


@dataclass(frozen=True)
class IndicatorSection:
    code: str
    name: str
    description: str
    rating: Mark
    short: Mark
    long: Mark
    reason: str  # "13,143 year to date is … above target …"
    change: str  # against last year, and the comparator where there is one
    short_detail: str  # "Better: Q3 2016/17 against Q2 2016/17 (quarter figures …)"
    long_detail: str
    charts: list[Chart]
    commentary: str
    action: str
    action_missing: bool
    spc: str = ""
    projection: str = ""  # the projected year end in words, with its on-track mark
    # Each corrective action set this quarter in words (text, owner, due date, status), and last
    # quarter's with how they ended under ``previous_heading`` (empty where there were none).
    actions: list[str] = field(default_factory=list)
    previous_heading: str = ""
    previous_actions: list[str] = field(default_factory=list)
    # The one plain verdict (ScoreRow.summary_sentence); "" where there is none.
    verdict: str = ""
    # Where verdicts side by side read as a contradiction: which question each answers.
    questions: list[str] = field(default_factory=list)


ANNEX_INTRO = (
    "The figures behind the words in this report: for each rated indicator, the test comparing each arrow's two "
    "figures (its p-value and, for counts, the ratio with its 95% confidence interval) and the SPC chart's current "
    "baseline and limits. A p-value under 0.05 is reported in the body as \u201ca real change\u201d."
)


@dataclass(frozen=True)
class AnnexEntry:
    """One indicator in the technical annex: the tests and SPC limits behind its words."""

    code: str
    name: str
    lines: list[str]


@dataclass(frozen=True)
class DemandRow:
    code: str
    name: str
    now: str
    last_year: str
    change: str


DRAFT_MARK = "DRAFT — not yet published"  # on every page of a draft pack


@dataclass(frozen=True)
class PackContent:
    committee: str
    title: str
    area_name: str
    area_code: str
    period: Quarter
    period_covered: str
    author: str
    date: str
    intro: str
    summary_sentence: str
    goals: list[GoalSummary]
    red_names: list[str]
    notes: list[str]  # no-data counts, missing corrective actions
    recommendations: list[str]
    key_ratings: list[tuple[Mark, str]]
    key_directions: list[tuple[Mark, str]]
    key_notes: list[str]
    table_caption: str
    table_headers: list[str]
    groups: list[tuple[str, list[TableRow]]]
    sections: list[IndicatorSection]
    demand_intro: str
    demand_chart: Chart | None
    demand_headers: list[str]
    demand_rows: list[DemandRow]
    rows: list[ScoreRow] = field(repr=False, default_factory=list)  # the scorecard itself, for checks
    # Notes on the figures, listed under the Appendix 1 table: "[1] Name: Year to date … is the published figure …"
    figure_notes: list[str] = field(default_factory=list)
    figure_notes_heading: str = FIGURE_NOTES_HEADING
    # Not (yet) published: every page says so and the file name ends "-DRAFT" (issue 20).
    draft: bool = False
    # Test names, p-values, intervals and SPC limits: at the end of the pack, never in its body.
    annex: list[AnnexEntry] = field(default_factory=list)
    # The author's contact details and the lead officer, as Havering's title block gives them
    # (issue 20 part 3): the settings, or what was written for this quarter on the Targets page.
    author_role: str = ""
    author_email: str = ""
    author_phone: str = ""
    lead_officer: str = ""
    # "Implications and risks" (heading, text) and "Background papers", each as written for
    # the quarter or the default wording.
    implications: list[tuple[str, str]] = field(default_factory=list)
    background_papers: str = ""
    # "Data up to March 2017; last updated …; contact …", on every page (views.data_line).
    data_line: str = ""

    @property
    def contact_lines(self) -> list[str]:
        """The lines "Name, role" then "email phone", as Havering's "Report author and contact details"."""
        first = ", ".join(p for p in (self.author, self.author_role) if p)
        second = "  ".join(p for p in (self.author_email, self.author_phone) if p)
        return [line for line in (first, second) if line]

    @property
    def charts(self) -> list[Chart]:
        found = [c for s in self.sections for c in s.charts]
        return found + ([self.demand_chart] if self.demand_chart else [])

    @property
    def file_stem(self) -> str:
        """``Havering-CSP-performance-Q3-2016-17`` (``…-DRAFT`` for a draft): the area's name, as
        a committee clerk files it, not its code."""
        return file_stem(
            self.area_name, "CSP-performance", f"Q{self.period.q}", self.period.financial_year.key, "DRAFT" if self.draft else ""
        )


def title_rows(content: PackContent) -> list[tuple[str, str]]:
    """The title block, as Havering's: subject, lead officer, author and contact details, then
    the area, the period and the date (lines within a value are separated by a newline)."""
    rows = [("Subject heading", content.title)]
    if content.lead_officer:
        rows.append(("Lead officer", content.lead_officer))
    rows += [
        ("Report author and contact details", "\n".join(content.contact_lines) or content.author),
        ("Area", f"{content.area_name} ({content.area_code})"),
        ("Period covered", content.period_covered),
        ("Date", content.date),
    ]
    return rows


def _count(counts: RagCounts, rating: Rating) -> str:
    return f"{counts.count(rating)} ({counts.percent_label(rating)})"


def _period_covered(period: Quarter) -> str:
    months = period.months()
    ytd = period.ytd_months()
    quarter = f"{month_label(months[0]).split()[0]} to {month_label(months[-1])}"
    return f"{period.label} ({quarter}); year to date {month_label(ytd[0]).split()[0]} to {month_label(ytd[-1])}"


def _comparator_figure(row: ScoreRow, levels: dict[str, float]) -> tuple[str, str]:
    """The comparator's figure and its kind: ``level`` (a rate's own value), ``change`` (on a
    year earlier), ``note`` (why it is not available), ``none``; ``""`` when there is none."""
    if not row.comparator_label:
        return "", ""
    if row.code in levels:
        return format_value(levels[row.code], row.unit), "level"
    if row.comparator_change is not None:
        return signed_percent(row.comparator_change), "change"
    if row.comparator_note:
        return row.comparator_note, "note"
    return "no figure", "none"


def _comparator(row: ScoreRow, levels: dict[str, float]) -> str:
    rates = row.comparator_rates()
    if row.comparator_members is not None and row.comparator_rate is not None:  # a group: its weighted figure and rank
        return f" {row.comparator_label}: {rates}."
    figure, kind = _comparator_figure(row, levels)
    if kind in ("", "none"):
        return ""
    said = f" {row.comparator_label}: {figure}{' on a year earlier' if kind == 'change' else ''}"
    return f"{said}; {rates}." if rates else f"{said}."


def _change(row: ScoreRow, period: Quarter, levels: dict[str, float]) -> str:
    last_year = period.same_quarter_last_year().label
    basis = " year to date" if row.basis == "ytd" else f" in {period.label}"
    if row.actual is None:
        return f"No figure is held for {period.label}."
    before = format_value(row.same_period_last_year, row.unit)
    lead = f"{format_value(row.actual, row.unit)}{basis}, {change_phrase(row.actual, row.same_period_last_year, last_year, row.unit)}"
    return (
        f"{lead} ({before}).{_comparator(row, levels)}"
        if row.same_period_last_year is not None
        else f"{lead}.{_comparator(row, levels)}"
    )


def _change_cell(row: ScoreRow) -> str:
    if row.actual is None or row.same_period_last_year is None:
        return "–"
    if row.unit == "percent":
        points = round(row.actual - row.same_period_last_year, 1)
        return "0.0 points" if points == 0 else f"{'+' if points > 0 else MINUS}{abs(points):.1f} points"
    return signed_percent(row.change_on_last_year)


def _comparator_cell(row: ScoreRow, levels: dict[str, float]) -> str:
    figure, kind = _comparator_figure(row, levels)
    if not kind:
        return "–"
    rates = row.comparator_rates()
    if row.comparator_members is not None and row.comparator_rate is not None:  # a group: its weighted figure and rank
        return f"{row.comparator_label}: {rates}"
    cell = f"{row.comparator_label}{':' if kind in ('note', 'none') else ''} {figure}"
    return f"{cell}; {rates}" if rates else cell


def _table_row(row: ScoreRow, levels: dict[str, float], notes: list[FigureNote] | None = None) -> TableRow:
    missing = RED_WITHOUT_ACTION in row.flags
    notes = notes or []
    return TableRow(
        code=row.code, name=with_markers(row.name, notes, row.code, "row"), basis_note=f"rated on {basis_label(row.basis)}", rated_column=row.basis,
        target=row.target_text() or "No target", tolerance=row.tolerance_text() or "–",
        quarter=with_markers(format_value(row.quarter_value, row.unit), notes, row.code, "quarter"),
        ytd=with_markers(format_value(row.ytd_value, row.unit), notes, row.code, "ytd"),
        last_year=with_markers(format_value(row.same_period_last_year, row.unit), notes, row.code, "last_year"), change=_change_cell(row),
        comparator=_comparator_cell(row, levels), rating=rating_mark(row.rag),
        short=direction_mark(row.dot_short), long=direction_mark(row.dot_long),
        commentary=row.commentary or "None recorded.",
        action="Missing: a Red rating needs a corrective action." if missing else (row.corrective_action or "None recorded."),
        action_missing=missing, spc=spc_cell(row), short_note=arrow_note(row, "short"), long_note=arrow_note(row, "long"),
    )  # fmt: skip


def _spc_charts(session: Session, detail: IndicatorDetail) -> list[Chart]:
    """The indicator page's SPC chart, after its two others; none where nothing can be charted."""
    view = spc_view(session, detail.indicator.code, detail.period, detail.area_code)
    return [spc_chart(detail, view)] if view.stored is not None else []


def _funnel_charts(session: Session, detail: IndicatorDetail) -> list[Chart]:
    """The indicator page's funnel plot, for crime counts when the Home Office CSP tables are
    held; none otherwise (the page says why; the pack does not repeat it for each indicator)."""
    try:
        return [funnel_chart(detail, indicator_funnel(session, detail))]
    except NotAvailable:
        return []


def _detail(row: ScoreRow, which: str, title: str) -> str:
    """The arrow's tooltip text, then whether the change is real (in words: the test and its
    figures are in the technical annex), and any break."""
    words = significance_words(row, which)
    extra = ([f"{words[:1].upper()}{words[1:]}."] if words else []) + (
        [f"{note[:1].upper()}{note[1:]}."] if (note := break_note(row, which)) else []
    )
    return " ".join([title, *extra])


def _section(session: Session, row: ScoreRow, card: Scorecard, levels: dict[str, float], when: dt.date) -> IndicatorSection:
    detail = indicator_detail(session, row.code, card.period, card.area_code)
    # A year with no figure yet gets no empty year-to-date or SPC chart: the reason says so.
    missing_year = no_figures_this_year(detail) if detail.history else ""
    charts = (
        [
            trend_chart(detail),
            *([] if missing_year else [ytd_chart(detail), *_spc_charts(session, detail), *_funnel_charts(session, detail)]),
        ]
        if detail.history
        else []
    )
    table = _table_row(row, levels)
    return IndicatorSection(
        code=row.code, name=row.name, description=row.description, rating=table.rating, short=table.short, long=table.long,
        reason=(reason_text(row).rstrip(".") + f". {missing_year}.") if missing_year else reason_text(row), change=_change(row, card.period, levels),
        short_detail=_detail(row, "short", short_term_title(row, card.period)),
        long_detail=_detail(row, "long", long_term_title(row, card.period)),
        charts=charts, commentary=table.commentary, action=table.action, action_missing=table.action_missing, spc=spc_line(row),
        projection=projection_sentence(detail) if detail.history else "",
        verdict=row.summary_sentence or "", questions=verdict_answers(row) if verdicts_seem_to_disagree(row) else [],
        **_actions(row, card.period, when),
    )  # fmt: skip


def _actions(row: ScoreRow, period: Quarter, today: dt.date) -> dict[str, Any]:
    """The section's corrective actions in words; overdue is judged on the pack's date."""
    previous = row.previous_actions
    heading = f"{outcome_words(previous, today)}." if previous else ""
    return {
        "actions": [a.sentence(today) for a in row.actions],
        "previous_heading": heading.replace("Last quarter's", f"Set last quarter ({period.previous().label}),", 1),
        "previous_actions": [a.sentence(today) for a in previous],
    }


def _key(period: Quarter) -> tuple[list[tuple[Mark, str]], list[tuple[Mark, str]], list[str]]:
    ratings = [(rating_mark(r), RAG_MEANING[r]) for r in (*RATED, Rating.NO_DATA, Rating.NOT_RATED)]
    directions = [
        (direction_mark(d), DIRECTION_MEANING[d]) for d in (Direction.BETTER, Direction.WORSE, Direction.SAME, Direction.NA)
    ]
    notes = [
        (
            "The target tolerance is how far from the quarter target an indicator may be and still be rated Green. "
            "Where an indicator is Red, the report includes the corrective action the partnership is taking."
        ),
        (
            f"Direction of travel is shown twice: short term compares {period.label} with the previous quarter "
            f"({period.previous().label}); long term compares with the same period a year earlier "
            f"({period.same_quarter_last_year().label})."
        ),
        "Arrows show performance, not whether the number went up: for crime, where lower is better, a fall is shown as ↑ Better.",
        RATING_COMPARISON,
        SPC_EXPLAINER,
        SPC_KEY,
    ]
    return ratings, directions, notes


def _demand(session: Session, card: Scorecard) -> tuple[Chart | None, list[str], list[DemandRow]]:
    panels = demand_panels(session, card.period, card.area_code)
    last = card.period.same_quarter_last_year().label
    headers = ["Indicator", card.period.label, last, "Change"]
    rows = []
    for p in panels:
        unit = p.indicator.unit
        change = change_phrase(p.current, p.last_year, last, unit).replace(f" on {last}", "")
        rows.append(
            DemandRow(p.indicator.code, p.indicator.name, format_value(p.current, unit), format_value(p.last_year, unit), change)
        )
    return demand_chart(panels, card.area_name, card.period), headers, rows


def _implications(text: PackText, red_names: list[str]) -> list[tuple[str, str]]:
    """Havering's four headings, each as written for the quarter or its default wording."""
    return [
        (LABELS["financial"], text.financial or DEFAULT_FINANCIAL),
        (LABELS["legal"], text.legal or DEFAULT_LEGAL),
        (LABELS["human_resources"], text.human_resources or DEFAULT_HUMAN_RESOURCES),
        (LABELS["equalities"], text.equalities or default_equalities(red_names)),
    ]


def published_anyway_note(reason: str) -> str:
    """The pack's one paragraph on a quarter published although something was missing."""
    return f"Published although something was missing, for this reason: {reason.strip().rstrip('.')}."


def build_pack_content(
    session: Session,
    period: Quarter,
    area: str,
    settings: Settings,
    date: dt.date | None = None,
    *,
    draft: bool | None = None,
    published_anyway: str | None = None,
) -> PackContent:
    """Everything the pack says for ``period`` and ``area``. ``draft``: whether the pack is
    marked DRAFT (default: unless the quarter is published; publishing passes False).
    ``published_anyway``: the reason a lead gave for publishing although something was missing
    (publishing passes it; default: the latest published version's, when it was forced)."""
    status = quarter_state(session, period, area)
    if draft is None:
        draft = not status.is_published
    if published_anyway is None:
        latest = status.latest if status.is_published else None
        published_anyway = latest.force_reason if latest and latest.forced else ""
    card = build_scorecard(session, period, area)
    attach_spc(session, card)  # the SPC verdicts beside each rating
    rated = [r for r in card.rows if r.rated]
    context = [r for r in card.rows if not r.rated]
    levels = comparator_levels(session, period, area)
    summary = card.summary
    goals = [
        GoalSummary(
            goal, _count(c, Rating.RED), _count(c, Rating.AMBER), _count(c, Rating.GREEN), c.rated_total, summary_sentence(c)
        )
        for goal, c in summary.by_goal.items()
    ]
    notes = []
    if summary.overall.no_data:
        n = summary.overall.no_data
        notes.append(
            f"{plural(n, 'rated indicator')} had no figure for {period.label} and {'is' if n == 1 else 'are'} not counted."
        )
    missing = [r.name for r in rated if RED_WITHOUT_ACTION in r.flags]
    if missing:
        notes.append(f"The framework asks for a corrective action for every Red indicator. Missing for: {', '.join(missing)}.")
    if published_anyway and published_anyway.strip():
        notes.append(published_anyway_note(published_anyway))
    numbered = figure_notes(card.rows)  # the scorecard page numbers them the same way
    groups = [(goal, [_table_row(r, levels, numbered) for r in rows]) for goal, rows in table_rows(card.rows)]
    ratings, directions, key_notes = _key(period)
    chart, demand_headers, demand_rows = _demand(session, card)
    when = date or dt.date.today()
    text = pack_text(session, period, area)
    red_names = [r.name for r in rated if r.rag is Rating.RED]
    return PackContent(
        committee=settings.committee_name,
        title=f"Community Safety Partnership Performance Report: Quarter {period.q} ({period.financial_year.label})",
        area_name=card.area_name, area_code=area, period=period, period_covered=_period_covered(period),
        author=text.author_name or settings.report_author, date=f"{when.day} {when:%B %Y}",
        author_role=text.author_role or settings.report_author_role, author_email=text.author_email or settings.report_author_email,
        author_phone=text.author_phone or settings.report_author_phone, lead_officer=text.lead_officer or settings.lead_officer,
        implications=_implications(text, red_names), background_papers=text.background_papers or DEFAULT_BACKGROUND_PAPERS,
        data_line=data_line(dates_in(session, period), settings.contact or text.author_email or contact_of(settings)),
        intro=(
            f"This report sets out how {card.area_name} performed in {period.label} against the "
            f"{plural(len(rated), 'rated indicator')} of the Community Safety Partnership, and the demand on "
            f"services shown by {plural(len(context), 'context indicator')} that are not rated."
        ),
        summary_sentence=summary_sentence(summary.overall), goals=goals,
        red_names=red_names, notes=notes,
        recommendations=[
            "Review the levels of performance set out in Appendix 1 and the corrective action that is being taken.",
            "Note the demand pressures set out in Appendix 2.",
        ],
        key_ratings=ratings, key_directions=directions, key_notes=key_notes,
        table_caption=(
            f"Rated indicators for {card.area_name}, {period.label}. The rated figure is in bold; the same period "
            "last year is on the rated basis (quarter or year to date)."
        ),
        table_headers=[
            "Indicator", "Target", "Tolerance", f"{period.label} (quarter)", f"Year to date (to end of Q{period.q})",
            "Same period last year", "Change on last year", "Comparator", "Rating", f"v last quarter ({period.previous().label})",
            f"v {period.same_quarter_last_year().label} (used for the rating)", "Commentary", "Corrective action",
        ],
        groups=groups,
        sections=[_section(session, r, card, levels, when) for r in rated],
        demand_intro=(
            "How busy services are. These context indicators have no targets and are not rated: a rise can mean "
            "more need, or better reporting."
        ),
        demand_chart=chart, demand_headers=demand_headers, demand_rows=demand_rows, rows=card.rows,
        figure_notes=[n.line for n in numbered], draft=draft,
        annex=[AnnexEntry(r.code, r.name, technical_lines(r)) for r in rated],
    )  # fmt: skip
