"""The quarter's scorecard as stored now: load every indicator's series, targets, breaks and
commentary, and score them (``reporting.scoring``).

One function builds it for the CLI, the dashboard and the committee pack alike, so all three
always show the same figures and ratings. The scoring itself, ``ScoreRow`` and the formatting
live in ``reporting/``; the names are importable from here as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.formatting import format_target, format_tolerance, format_value
from reporting.scoring import (
    CSV_COLUMNS,
    RED_WITHOUT_ACTION,
    WARD_WITHOUT_TARGET,
    Scorecard,
    ScoreRow,
    TargetRecord,
    add_commentary,
    change_test,
    coverage_notes,
    csv_columns,
    figure_notes,
    find_target,
    override_notes,
    override_text,
    projection_fields,
    score_row,
)
from rules.breaks import SeriesBreak
from rules.periods import Quarter
from store.actions import actions_by_indicator
from store.annotations import breaks_for
from store.annual_targets import targets_for
from store.areas import AreaTree
from store.comparators import attach_comparator, comparator_figures, comparator_measure, resolve_comparator
from store.indicator_queries import indicator_by_code
from store.measures import Series, quarters_needed, series
from store.models import Commentary, Indicator
from store.partnerships import partnership_in_force, partnership_of
from store.projection import projection_for

__all__ = [
    "CSV_COLUMNS", "RED_WITHOUT_ACTION", "WARD_WITHOUT_TARGET", "ScoreRow", "Scorecard", "build_scorecard",
    "change_test", "coverage_notes", "csv_columns", "figure_notes", "find_target", "format_target",
    "format_tolerance", "format_value", "indicators", "override_notes", "override_text", "projection_fields",
    "score_indicator",
]  # fmt: skip


def indicators(session: Session, partnership: str | None = None) -> list[Indicator]:
    """The partnership's indicators in use, in order (a retired one keeps its history but is not
    scored); by default the partnership in force."""
    held = partnership or partnership_in_force(session)
    in_use = select(Indicator).where(Indicator.partnership_code == held, Indicator.retired_at.is_(None))
    return list(session.scalars(in_use.order_by(Indicator.sort_order, Indicator.code)))


def is_ward(tree: AreaTree, area: str) -> bool:
    return area in tree.by_code and tree.by_code[area].level == "ward"


def score_indicator(
    session: Session,
    indicator: Indicator,
    period: Quarter,
    area: str,
    targets: Sequence[TargetRecord],
    tree: AreaTree,
    history: Series | None = None,
    breaks: list[SeriesBreak] | None = None,
) -> ScoreRow:
    """Load what ``indicator`` is scored on (unless given) and score it."""
    s = history or series(session, indicator, area, quarters_needed(period), tree)
    breaks = breaks_for(session, indicator, area, tree) if breaks is None else breaks
    quarters = quarters_needed(period)
    resolved = resolve_comparator(session, tree, indicator.comparator_area, indicator.comparator_label, area, indicator.measure)
    comparator_series = None
    if resolved is not None and resolved.code and resolved.code != area:
        comparator_series = series(session, comparator_measure(indicator, resolved), resolved.code, quarters, tree)
    row = score_row(indicator, period, area, s, targets, breaks, is_ward=is_ward(tree, area), comparator_series=comparator_series)
    if resolved is not None and resolved.code != area:
        figures = comparator_figures(
            session, tree, indicator, indicator.polarity, resolved, area, period, s, quarters, comparator_series
        )
        attach_comparator(row, figures)
    return row


def score_indicator_code(
    session: Session,
    code: str,
    period: Quarter,
    area: str,
    tree: AreaTree,
    targets: Sequence[TargetRecord] | None = None,
) -> ScoreRow:
    """``score_indicator`` for the indicator with ``code``, for callers that hold codes rather than
    rows (the targets page and its overview): the same function the scorecard uses, so the page
    and the report agree. ``targets`` defaults to those held for ``area``, typed and derived from
    annual targets."""
    indicator = indicator_by_code(session, code)
    if indicator is None:
        raise LookupError(f"no indicator with code {code!r}")
    if targets is None:
        targets = [t for t in targets_for(session, area, tree) if t.indicator_code == code]
    return score_indicator(session, indicator, period, area, targets, tree)


def build_scorecard(session: Session, period: Quarter, area: str) -> Scorecard:
    tree = AreaTree.load(session)
    partnership = partnership_of(session, area)  # its indicators, targets and commentary only
    targets = targets_for(session, area, tree)  # typed per quarter, and derived from annual targets
    said = select(Commentary).where(
        Commentary.partnership_code == partnership, Commentary.period == period.key, Commentary.area_code == area
    )
    notes = {c.indicator_code: c for c in session.scalars(said)}
    actions = actions_by_indicator(session, area, period)
    previous = actions_by_indicator(session, area, period.previous())
    rows = []
    for indicator in indicators(session, partnership):
        row = score_indicator(session, indicator, period, area, targets, tree)
        row.projection = projection_for(session, indicator, period, area, targets, tree, find_target, is_ward(tree, area))
        note = notes.get(indicator.code)
        add_commentary(
            row,
            note.commentary if note else "",
            actions=actions.get(indicator.code, []),
            previous_actions=previous.get(indicator.code, []),
        )
        row.fill_summary_sentence()  # again with the SPC chart where a caller attaches it
        rows.append(row)
    return Scorecard(period, area, tree.name(area), rows)
