"""The scorecard (``/``): every rated indicator for a quarter and area, as in Appendix 1 of
the quarterly performance report, with the RAG summary above it.

State lives in the URL (``?period=2016-17-Q3&area=E09000016``). The page renders in full
from the URL; changing a control re-renders the figures and pushes the new URL onto the
history, and Back re-renders the page from the old one.
"""

from __future__ import annotations

from datetime import date

import dash
from dash import dcc, html
from dash.development.base_component import Component

from reporting.actions import outcome_words
from reporting.formatting import format_value
from reporting.published_document import NOT_RECORDED
from reporting.scoring import RED_WITHOUT_ACTION, Scorecard, ScoreRow
from rules.periods import Quarter
from rules.projection import projection_words
from rules.rating import Rating
from rules.summary import summary_sentence
from views import data
from views.charts import summary_bar
from views.data import PageState, make_query
from views.figure_notes import HEADING as NOTES_HEADING
from views.figure_notes import FigureNote, figure_notes, notes_for, table_rows
from views.publication import NotPublished, Publication, frozen_scorecard, parse_request, publication
from views.wording import (
    LONG_TERM_HEADING,
    SHORT_TERM_HEADING,
    SPC_EXPLAINER,
    SPC_KEY,
    basis_label,
    break_note,
    dot_words,
    long_term_title,
    plural,
    reason_text,
    short_term_title,
    signed_percent,
    significance_title,
    significance_words,
    spc_assurance_words,
    spc_variation_words,
    summary_finding,
    why_line,
)
from web.addresses import here
from web.parts import components as ui
from web.parts import publishing
from web.parts.components import slug
from web.parts.context import current_settings
from web.parts.newer_figures import newer_figures_notice, resolve_for_viewer

dash.register_page(__name__, path="/", name="Scorecard", title="Scorecard – Community Safety Partnership performance", order=0)


def heading(state: PageState) -> str:
    if state.period is None or state.error:
        return "Performance scorecard"
    return f"Performance scorecard: {state.area_name}, {state.period.label}"


@ui.safe_layout
def layout(period: str | None = None, area: str | None = None, **query: object) -> Component:
    settings = current_settings()
    state = resolve_for_viewer(period, area)
    as_published, version, version_error = parse_request(query.get("as"), query.get("version"))
    return html.Div(
        [
            html.H1(heading(state), id="scorecard-heading"),
            html.P(
                "How the Community Safety Partnership's rated indicators performed against their "
                "targets. Choose a quarter and an area; the address of this page changes too, so "
                "you can bookmark or share what you see.",
                className="lead no-print",
            ),
            ui.period_controls("scorecard", state, publishing.kept_in_url(query)),
            *([] if state.error else newer_figures_notice(settings.database_url, state.period, state.area, "/", "scorecard")),
            html.P(status(state), id="scorecard-status", role="status", className="visually-hidden"),
            html.Div(body(settings.database_url, state, as_published, version, version_error), id="scorecard-body"),
        ]
    )


def status(state: PageState) -> str:
    return state.error or (f"Showing {state.period.label} for {state.area_name}." if state.period else "")


def body(
    url: str, state: PageState, as_published: bool = False, version: int | None = None, version_error: str | None = None
) -> list[Component]:
    if state.error or version_error:
        return [ui.notice("We can't show this scorecard", state.error or version_error or "")]
    try:
        try:
            pub = publication(url, state.period, state.area, as_published, version)  # type: ignore[arg-type]
        except NotPublished as exc:
            return [publishing.not_published(str(exc), "/", state.query())]
        card: Scorecard  # as published: a FrozenScorecard
        if as_published:
            frozen = frozen_scorecard(url, state.period, state.area, version)  # type: ignore[arg-type]
            card, levels = frozen.card, frozen.card.comparator_levels
        else:
            card, levels = data.scorecard(url, state.period, state.area)  # type: ignore[arg-type]
        return publication_top(pub, state) + render(card, levels, state, pub)
    except Exception as exc:
        return [ui.failure(exc)]


def publication_top(pub: Publication, state: PageState) -> list[Component]:
    """Draft or published (and by whom), the switch to the published figures, and what changed."""
    parts = [
        publishing.banner(pub, "scorecard"),
        publishing.switch(pub, "/", state.query(), "scorecard"),
        publishing.changes_section(pub, "scorecard"),
    ]
    return [p for p in parts if p is not None]


def render(card: Scorecard, levels: dict[str, float] | None, state: PageState, pub: Publication | None = None) -> list[Component]:
    rated = [r for r in card.rows if r.rated]
    context = [r for r in card.rows if not r.rated]
    if not rated:
        return [
            ui.notice("No rated indicators", "No rated indicators are defined yet. Load indicator definitions first.", "info")
        ]
    if all(r.rag is Rating.NO_DATA for r in rated):
        return [
            ui.notice(
                "No figures for this quarter",
                f"None of the rated indicators has a figure for {card.period.label} in {card.area_name}.",
                "info",
            )
        ]
    out: list[Component] = [summary_section(card, state, publishing.links_query(pub, state.query()))]
    if any(a.code == state.area and a.level == "ward" for a in state.areas):
        # Targets loaded without an area apply to every area, wards included; a borough-sized
        # target makes almost any ward look Green, so say so where the reader will see it.
        out.append(
            ui.notice(
                "Ward figures",
                "A ward is rated only against a target set for that ward; borough targets do not apply "
                "to a ward, so without one its indicators are Not rated (no target for this ward) and "
                "are not counted in the summary. Compare ward figures with each other and with last year.",
                "info",
            )
        )
    missing = [r for r in rated if RED_WITHOUT_ACTION in r.flags]
    if missing:
        names = ", ".join(r.name for r in missing)
        out.append(
            ui.notice(
                f"{plural(len(missing), 'Red indicator')} without corrective action",
                f"The framework asks for a corrective action for every Red indicator. Missing for: {names}.",
                "warning",
            )
        )
    out.append(
        html.Section(
            [
                html.H2("Rated indicators", id="scorecard-table-heading"),
                ui.scroll_region(
                    f"Rated indicators, {card.period.label} (scrolls sideways)", scorecard_table(card, levels, state, pub)
                ),
            ],
            **ui.attrs({"aria-labelledby": "scorecard-table-heading"}),
        )
    )
    if notes := figure_notes(card.rows):
        out.append(notes_section(notes))
    out.append(html.P(SPC_EXPLAINER, id="scorecard-spc-explainer", className="explainer"))
    out.append(html.P(SPC_KEY, id="scorecard-spc-key", className="explainer"))
    if context:
        out.append(
            html.P(
                [
                    (
                        f"{plural(len(context), 'context indicator')} (not rated) — such as "
                        f"{context[0].name.lower()} — {'is' if len(context) == 1 else 'are'} shown on "
                    ),
                    dcc.Link("Demand pressures", href=here(f"/demand{state.query()}")),
                    ".",
                ],
                className="context-note no-print",
            )
        )
    out.append(pack_downloads(state, pub))
    sign_off = publishing.panel(pub, card.period, state.area) if pub and not pub.as_published else None
    if sign_off is not None:
        out.append(sign_off)
    out.append(ui.symbol_key())
    return out


def pack_downloads(state: PageState, pub: Publication | None = None) -> html.Section:
    """The committee pack for this quarter and area, in the formats committee services use
    (as published: the stored files, byte for byte)."""
    query = publishing.links_query(pub, state.query())
    links = [
        html.A(
            f"Download committee pack ({label})",
            href=here(f"/export/pack.{fmt}{query}"),
            download="",
            className="button button--secondary",
        )
        for fmt, label in (("docx", "Word"), ("pdf", "PDF"), ("html", "web page"))
    ]
    return html.Section(
        [
            html.H2("Committee pack", id="scorecard-pack-heading"),
            html.P(
                "The quarter's performance report with this table, the charts and commentary, ready for the agenda pack. It takes a few seconds to build."
            ),
            html.Div(links, className="download-links"),
        ],
        className="no-print",
        **ui.attrs({"aria-labelledby": "scorecard-pack-heading"}),
    )


def summary_section(card: Scorecard, state: PageState, query: str | None = None) -> html.Section:
    """The RAG summary; ``query`` for its download links (default: the current figures)."""
    query = query or state.query()
    summary = card.summary
    counts = summary.overall
    parts: list[Component] = [
        html.H2("Summary", id="scorecard-summary-heading"),
        html.P(summary_sentence(counts), id="scorecard-summary", className="summary-sentence"),
    ]
    if counts.no_data:
        parts.append(
            html.P(
                f"{plural(counts.no_data, 'rated indicator')} had no figure for {card.period.label} and {'is' if counts.no_data == 1 else 'are'} not counted."
            )
        )
    if len(summary.by_goal) > 1:
        parts.append(
            html.Ul([html.Li(f"{goal}: {summary_sentence(c)}") for goal, c in summary.by_goal.items()], className="goal-summary")
        )
    if counts.rated_total == 0:  # e.g. a ward without ward targets: nothing to chart
        return html.Section(parts, className="summary", **ui.attrs({"aria-labelledby": "scorecard-summary-heading"}))
    parts.append(
        ui.chart(
            "scorecard-summary-chart",
            summary_bar(counts, summary_finding(counts, card.period.label)),
            "Bar chart of the number of rated indicators with each rating; the figures are in the sentence above.",
        )
    )
    # The chart for a paper or slide (drawn on the server) and the counts for a spreadsheet.
    parts.append(
        ui.download_links(
            "the summary chart of ratings",
            f"/export/summary.{{fmt}}{query}",
            f"/export/summary.{{fmt}}{query}",
            block_id="scorecard-summary-downloads",
        )
    )
    return html.Section(parts, className="summary", **ui.attrs({"aria-labelledby": "scorecard-summary-heading"}))


def notes_section(notes: list[FigureNote]) -> html.Section:
    """The notes on the figures, under the table, each where its marker links to."""
    return html.Section(
        [
            html.H3(NOTES_HEADING, id="scorecard-figure-notes-heading"),
            html.Ul([html.Li(n.line, id=f"scorecard-note-{n.number}") for n in notes], className="figure-notes"),
        ],
        id="scorecard-figure-notes",
        **ui.attrs({"aria-labelledby": "scorecard-figure-notes-heading"}),
    )


def _markers(notes: list[FigureNote], code: str, figure: str) -> list[Component]:
    """``[1]`` beside a figure with a note: text (read as "note [1]"), linked to the note."""
    return [
        html.Sup(
            html.A([html.Span("note ", className="visually-hidden"), n.marker], href=f"#scorecard-note-{n.number}", title=n.text),
            className="note-marker",
        )
        for n in notes_for(notes, code, figure)
    ]


def _noted(value: str, notes: list[FigureNote], code: str, figure: str) -> str | html.Span:
    """A figure with its note markers kept beside it (one piece, also in a phone's stacked card)."""
    markers = _markers(notes, code, figure)
    return html.Span([value, *markers], className="noted") if markers else value


def _cell_note(text: str) -> html.Span:
    return html.Span(text, className="cell-note")


def _comparator(row: ScoreRow, levels: dict[str, float] | None) -> list[Component | str] | str:
    """The comparator's own level for a percentage or rate, else its change on last year.
    ``levels`` is None for a version published before the levels were stored with it."""
    if not row.comparator_label:
        return "–"
    label: str = row.comparator_label
    rates = row.comparator_rates()
    if row.comparator_members is not None and row.comparator_rate is not None:  # a group: its weighted figure and rank
        return [label, _cell_note(rates)]
    words: list[Component | str] = [label, _cell_note(_comparator_words(row, levels))]
    return [*words, _cell_note(rates)] if rates else words


def _comparator_words(row: ScoreRow, levels: dict[str, float] | None) -> str:
    """The comparator's level or change on last year (or why there is none)."""
    if levels is None and row.unit in ("percent", "rate"):
        return NOT_RECORDED
    levels = levels or {}
    if row.code in levels:
        return format_value(levels[row.code], row.unit)
    if row.comparator_change is None:
        return row.comparator_note or "no figure"
    return f"{signed_percent(row.comparator_change)} on last year"


def _change(row: ScoreRow) -> str:
    if row.unit == "percent":
        if row.actual is None or row.same_period_last_year is None:
            return "–"
        points = round(row.actual - row.same_period_last_year, 1)
        return f"{signed_percent(points)[:-1]} points" if points else "0.0 points"  # percentage points, not per cent
    return signed_percent(row.change_on_last_year)


def _rows(
    row: ScoreRow,
    levels: dict[str, float] | None,
    state: PageState,
    columns: int,
    pub: Publication | None = None,
    notes: list[FigureNote] | None = None,
) -> list[html.Tr]:
    """Two rows per indicator: the figures, then its commentary and corrective action across
    the full width (as columns they would be too narrow to read at 1280px)."""
    period = state.period
    assert period is not None
    href = f"/indicator/{row.code}{publishing.links_query(pub, make_query(period, state.area))}"  # as published too, when it is
    name_id = f"scorecard-name-{row.code}"
    today = date.today()
    action: list[Component] | str = row.corrective_action or "None recorded."
    if row.actions:
        action = [html.Ul([html.Li(a.sentence(today)) for a in row.actions], className="action-list")]
    if RED_WITHOUT_ACTION in row.flags:
        action = [html.Strong("⚠ Missing: a Red rating needs a corrective action", className="flag")]
    if row.previous_actions:
        outcome = outcome_words(row.previous_actions, today)
        action = [*([html.P(action)] if isinstance(action, str) else action), html.P(outcome + ".", className="cell-note")]
    target: list[Component | str] | str = (
        [row.target_text(), _cell_note(f"tolerance {row.tolerance_text()}")] if row.target else "No target"
    )
    labels = _column_labels(period)
    notes = notes or []
    figures = html.Tr(
        [
            html.Th(
                [
                    dcc.Link(row.name, href=here(href)),
                    *_markers(notes, row.code, "row"),
                    _cell_note(f"{row.code} · rated on {basis_label(row.basis)}"),
                ],
                scope="row",
                id=name_id,
                rowSpan=2,
            ),
            html.Td(
                [
                    ui.rag_badge(row.rag, title=f"{row.rag.value}: {reason_text(row)}"),
                    html.Span(why_line(row), className="cell-note why", id=f"scorecard-why-{row.code}"),
                ],
                className="rating",
                **ui.attrs({"data-label": labels[1]}),
            ),
            html.Td(
                _spc_cell(*spc_variation_words(row), f"scorecard-variation-{row.code}"), **ui.attrs({"data-label": labels[2]})
            ),
            html.Td(
                _spc_cell(*spc_assurance_words(row), f"scorecard-assurance-{row.code}"), **ui.attrs({"data-label": labels[3]})
            ),
            html.Td(_arrow_cell(row, "short", short_term_title(row, period)), **ui.attrs({"data-label": labels[4]})),
            html.Td(_arrow_cell(row, "long", long_term_title(row, period)), **ui.attrs({"data-label": labels[5]})),
            html.Td(target, className="num", **ui.attrs({"data-label": labels[6]})),
            html.Td(
                [
                    _noted(format_value(row.quarter_value, row.unit), notes, row.code, "quarter"),
                    publishing.revised_note(pub, row.code, "quarter_value"),
                ],
                className="num" + (" rated" if row.basis == "quarter" else ""),
                **ui.attrs({"data-label": labels[7]}),
            ),
            html.Td(
                [
                    _noted(format_value(row.ytd_value, row.unit), notes, row.code, "ytd"),
                    publishing.revised_note(pub, row.code, "ytd_value"),
                ],
                className="num" + (" rated" if row.basis == "ytd" else ""),
                **ui.attrs({"data-label": labels[8]}),
            ),
            html.Td(
                _noted(format_value(row.same_period_last_year, row.unit), notes, row.code, "last_year"),
                className="num",
                **ui.attrs({"data-label": labels[9]}),
            ),
            html.Td(_change(row), className="num", **ui.attrs({"data-label": labels[10]})),
            html.Td(_comparator(row, levels), **ui.attrs({"data-label": labels[11]})),
        ],
        id=f"scorecard-row-{row.code}",
        className="figures-row",
    )
    notes_row = html.Tr(
        html.Td(
            html.Div(
                [
                    *_verdict_item(row),
                    html.Div(
                        [html.Span("Commentary", className="notes__label"), html.P(row.commentary or "None recorded.")],
                        className="notes__item",
                    ),
                    html.Div(
                        [
                            html.Span("Corrective action", className="notes__label"),
                            html.Div(html.P(action) if isinstance(action, str) else action),
                        ],
                        className="notes__item",
                    ),
                    *_projection_item(row),
                ],
                className="notes",
            ),
            colSpan=columns - 1,
            headers=name_id,
        ),
        id=f"scorecard-notes-{row.code}",
        className="notes-row",
    )
    return [figures, notes_row]


def _verdict_item(row: ScoreRow) -> list[html.Div]:
    """The indicator's one plain verdict, first; absent from a version published before it existed."""
    if not row.summary_sentence:
        return []
    return [
        html.Div(
            [html.Span("In short", className="notes__label"), html.P(row.summary_sentence, id=f"scorecard-verdict-{row.code}")],
            className="notes__item notes__item--verdict",
        )
    ]


def _projection_item(row: ScoreRow) -> list[html.Div]:
    """The projected year end beside the commentary: in words, with a mark (+ ! × –) by the state."""
    if row.projection is None:
        return []
    return [
        html.Div(
            [
                html.Span("Projected year end", className="notes__label"),
                html.P(projection_words(row.projection, row.unit), id=f"scorecard-projection-{row.code}"),
            ],
            className="notes__item",
        )
    ]


def _headers(period: Quarter) -> list[tuple[str, str | None, bool]]:
    short, short_note = SHORT_TERM_HEADING
    long, long_note = LONG_TERM_HEADING
    return [
        ("Indicator", None, False),
        ("Rating", "and why", False),
        ("Variation", "SPC: is the latest figure unusual?", False),
        ("Assurance", "SPC: will the target be met?", False),
        (short, f"{period.label} v {period.previous().label}, {short_note}", False),
        (long, f"{period.label} v {period.same_quarter_last_year().label}, {long_note}", False),
        ("Target", "and tolerance", True),
        (period.label, "the quarter", True),
        ("Year to date", f"to end of Q{period.q}", True),
        ("Same period last year", "quarter or year to date, as rated", True),
        ("Change on last year", None, True),
        ("Comparator", "and its figure", False),
    ]


def _column_labels(period: Quarter) -> list[str]:
    """Each column's heading, repeated on its cell for the stacked cards on a phone."""
    return [title for title, _, _ in _headers(period)]


def _spc_cell(shape: str, words: str, why: str, cell_id: str) -> html.Span:
    return html.Span(
        [
            html.Span(shape, className="spc__shape", **ui.attrs({"aria-hidden": "true"})),
            words,
            html.Span(why, className="visually-hidden"),
        ],
        className=f"spc spc--{slug(words)}",
        title=why,
        id=cell_id,
    )


def _arrow_cell(row: ScoreRow, which: str, title: str) -> list[Component]:
    """The arrow (neutral words for a context indicator), whether the change is real (figures in
    the tooltip and, for print, in the cell) and any series break it crosses."""
    d = row.dot_short if which == "short" else row.dot_long
    out: list[Component] = [ui.direction_badge(d, title, words=dot_words(row, which))]
    if words := significance_words(row, which):
        out.append(
            html.Span(
                words,
                className="cell-note significance",
                title=significance_title(row, which),
                id=f"scorecard-sig-{which}-{row.code}",
            )
        )
    if note := break_note(row, which):
        out.append(html.Span(f"⚠ {note}", className="cell-note series-break"))
    return out


def scorecard_table(
    card: Scorecard, levels: dict[str, float] | None, state: PageState, pub: Publication | None = None
) -> html.Table:
    period = card.period
    headers = _headers(period)
    head = html.Thead(
        html.Tr(
            [
                html.Th(
                    [title, html.Span(note, className="th-note")] if note else title,
                    scope="col",
                    className="num" if num else None,
                )
                for title, note, num in headers
            ]
        )
    )
    notes = figure_notes(card.rows)  # numbered in table_rows' order, the order of this table
    bodies = [
        html.Tbody(
            [html.Tr(html.Th(f"Goal: {goal}", colSpan=len(headers), scope="rowgroup"), className="group-row")]
            + [tr for r in rows for tr in _rows(r, levels, state, len(headers), pub, notes)]
        )
        for goal, rows in table_rows(card.rows)
    ]
    caption = (
        f"Rated indicators for {card.area_name}, {period.label}. Bold figures are the ones rated; "
        "commentary and corrective action follow each indicator."
    )
    return html.Table([html.Caption(caption), head, *bodies], className="table scorecard-table", id="scorecard-table")
