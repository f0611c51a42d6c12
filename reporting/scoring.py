"""Scoring over already-loaded series: every indicator's actual, target, rating and direction
of travel for a quarter, and the notes a reader needs beside them.

Pure: ``store.scorecard`` loads the indicators, series, targets and breaks and calls
``score_row`` here, so the CLI, the dashboard and the committee pack always show the same
figures and ratings, and a ``ScoreRow`` can be built (and tested) without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Any, Protocol

from reporting.actions import ActionEntry, action_summary
from reporting.formatting import format_target, format_tolerance, format_tolerance_units, format_value, json_number, plain_number
from rules.breaks import SeriesBreak, breaks_crossed, span_of
from rules.direction import Direction, direction, movement
from rules.narrative import NarrativeFigures, draft_narrative
from rules.periods import Quarter
from rules.projection import Projection
from rules.rating import Polarity, Rating, RatingResult, Target, ToleranceType, rate, tolerance_units
from rules.ratios import PeriodValue
from rules.significance import ChangeTest, compare_counts, compare_proportions, significance_cell
from rules.spc import SpcResult
from rules.summary import RagSummary, summarise
from rules.targets import blank_quarter_applies
from rules.verdict import VerdictFigures, summary_sentence


class IndicatorRecord(Protocol):
    """What scoring reads of an indicator's definition (``store.models.Indicator`` has it)."""

    code: str
    name: str
    goal: str
    basis: str
    unit: str
    polarity: str
    rated: bool
    rag_comparison: str
    comparator_area: str | None
    comparator_label: str | None

    @property
    def description(self) -> str | None: ...  # read only: a record holding a plain str fits


class TargetRecord(Protocol):
    """A stored target row (``store.models.Target``, or ``store.annual_targets.DerivedTarget``):
    ``find_target`` picks among them. Read only, so a record with narrower fields fits."""

    @property
    def indicator_code(self) -> str: ...
    @property
    def year(self) -> str: ...
    @property
    def quarter(self) -> int | None: ...
    @property
    def area_code(self) -> str | None: ...
    @property
    def target(self) -> float | None: ...
    @property
    def target_low(self) -> float | None: ...
    @property
    def target_high(self) -> float | None: ...
    @property
    def tolerance(self) -> float: ...
    @property
    def tolerance_type(self) -> str: ...


class LoadedSeries(Protocol):
    """An indicator's quarter values already loaded for one area (``store.measures.Series``)."""

    @property
    def indicator(self) -> Any: ...  # has ``unit`` and ``basis``
    @property
    def overrides(self) -> dict[Quarter, Any]: ...  # store.measures.Override: uploaded, other, other_source
    def quarter(self, q: Quarter) -> float | None: ...
    def ytd(self, q: Quarter) -> float | None: ...
    def basis(self, q: Quarter) -> float | None: ...
    def quarter_value(self, q: Quarter) -> PeriodValue | None: ...
    def basis_value(self, q: Quarter) -> PeriodValue | None: ...
    def gap(self, q: Quarter, basis: str | None = None) -> str: ...
    def is_published_ytd(self, q: Quarter) -> bool: ...


CSV_COLUMNS = [
    "code", "name", "goal", "area_code", "period", "basis", "actual", "target", "tolerance", "rag",
    "dot_short", "dot_long", "previous_quarter", "same_period_last_year",
    "dot_short_p", "dot_long_p", "dot_short_significant", "dot_long_significant", "dot_short_break", "dot_long_break",
    "spc_variation", "spc_assurance",
    "projected_year_end", "projected_low", "projected_high", "projection_method", "on_track",
]  # fmt: skip


def csv_columns(records: list[dict[str, object]]) -> list[str]:
    """The CSV's columns for stored records (a published version's): those the records hold, in
    ``CSV_COLUMNS`` order, so ``--as-published`` and the current CSV line up column for column
    (a stored document's keys may come back in another order, e.g. sorted by PostgreSQL's
    JSONB); any column a later release dropped follows, in the order stored."""
    held = list(dict.fromkeys(k for r in records for k in r))
    return [c for c in CSV_COLUMNS if c in held] + [c for c in held if c not in CSV_COLUMNS]


def comparison_figure(value: float, unit: str) -> str:
    """A compared figure as read: a count's rate per 1,000 residents, else the unit's own."""
    return f"{value:,.1f} per 1,000" if unit == "count" else format_value(value, unit)


WARD_WITHOUT_TARGET = "no target for this ward (borough targets do not apply to a ward)"
RED_WITHOUT_ACTION = "Red without corrective action"  # the flag ``add_commentary`` sets


@dataclass
class ScoreRow:
    code: str
    name: str
    goal: str
    area_code: str
    period: str
    basis: str
    unit: str
    polarity: str
    rated: bool
    actual: float | None
    quarter_value: float | None
    ytd_value: float | None
    previous_quarter: float | None  # last quarter's quarter value (what dot_short compares)
    same_period_last_year: float | None  # basis value a year earlier (what dot_long compares)
    quarter_last_year: float | None
    ytd_last_year: float | None
    target: Target | None
    rag: Rating
    reason: str
    no_comparator: bool
    dot_short: Direction
    dot_long: Direction
    comparator_area: str | None = None
    comparator_label: str | None = None
    comparator_change: float | None = None  # % change on last year for the comparator area
    # Why the comparator has no figure when it has only partial data: "not available (only 1 of 33 boroughs loaded)".
    comparator_note: str = ""
    # Rates per 1,000 residents where counts are compared (issue 21 part 4); for a group of
    # similar areas its weighted figure, how many members it has and the area's rank in it
    # ("Hartlepool 9th of 16 (1st = lowest rate)"). ``comparator_rate_note``: why rates are not
    # compared (the population missing).
    comparator_rate: float | None = None
    home_rate: float | None = None
    comparator_rank: str = ""
    comparator_members: int | None = None
    comparator_rate_note: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. a partial actual, a published year to date
    # Which figure each note is about, in step with ``notes``: quarter | ytd | last_year | row
    # (the scorecard and the pack put a numbered marker there and list the notes under the table).
    note_figures: list[str] = field(default_factory=list)
    commentary: str = ""
    corrective_action: str = ""  # the quarter's open and done actions as one text (reporting.actions)
    description: str = ""
    flags: list[str] = field(default_factory=list)
    # What each arrow compares, with numerators and denominators: (this period, the earlier one).
    # The significance tests and the narrative are worked out from them only when read (below),
    # since the rating history scores many quarters and shows neither.
    short_values: tuple[PeriodValue | None, PeriodValue | None] = (None, None)
    long_values: tuple[PeriodValue | None, PeriodValue | None] = (None, None)
    # Series breaks between the compared periods: the arrow compares unlike with unlike.
    dot_short_breaks: list[SeriesBreak] = field(default_factory=list)
    dot_long_breaks: list[SeriesBreak] = field(default_factory=list)
    gap: float | None = None  # outside target, in units of the measure
    # SPC verdicts, filled by store.spc_series.attach_spc (None when not computed or provisional)
    spc: Any = None  # store.spc_series.StoredSpc
    spc_variation: str | None = None
    spc_assurance: str | None = None
    # The projected year end (rules.projection.Projection), filled by build_scorecard and the
    # indicator page for the quarter shown; None for a context indicator or where not computed.
    projection: Any = None
    # The one plain verdict (rules.verdict), set by ``fill_summary_sentence`` when the row is
    # scored and again once its SPC chart is attached. None on a row rebuilt from a version
    # published before the sentence existed: a frozen document is never re-worded.
    summary_sentence: str | None = None
    # Corrective actions (reporting.actions): those set for this quarter, and last quarter's
    # with their outcome (shown beside the new rating). Empty on a row published before them.
    actions: list[ActionEntry] = field(default_factory=list)
    previous_actions: list[ActionEntry] = field(default_factory=list)

    @cached_property
    def dot_short_test(self) -> ChangeTest | None:
        """Is the short-term arrow's change more than chance? None where no test applies."""
        return change_test(self.unit, *self.short_values)

    @cached_property
    def dot_long_test(self) -> ChangeTest | None:
        return change_test(self.unit, *self.long_values)

    @cached_property
    def narrative(self) -> str:
        """Drafted commentary for the analyst to keep or edit (never published unedited)."""
        return draft_narrative(
            NarrativeFigures(
                name=self.name, unit=self.unit, polarity=self.polarity, basis=self.basis,
                period_label=Quarter.parse(self.period).label, actual=self.actual, last_year=self.same_period_last_year,
                rating=self.rag, target=self.target, gap=self.gap, change_test=self.dot_long_test,
                comparator_label=self.comparator_label, comparator_change=self.comparator_change,
                breaks=self.dot_long_breaks, no_comparator=self.no_comparator, projection=self.projection,
            )
        )  # fmt: skip

    def verdict_figures(self) -> VerdictFigures:
        """What ``summary_sentence`` is built from: the row's figures and, where its SPC chart is
        attached and past its provisional limits, the chart's current baseline."""
        by, values, target = "", (), None
        result = getattr(self.spc, "result", None)
        # Only a chart with a verdict on the scored quarter (``attach_spc`` sets the variation then).
        if isinstance(result, SpcResult) and not result.provisional and self.spc_variation is not None:
            seg = result.current
            by, values = self.spc.by, tuple(self.spc.values[seg.start : seg.end])
            # No target line for a row without its own target (a ward against the borough's).
            target = result.target if self.target is not None else None
        return VerdictFigures(
            name=self.name, unit=self.unit, polarity=self.polarity, rated=self.rated,
            period_label=Quarter.parse(self.period).label, actual=self.actual, last_year=self.same_period_last_year,
            rating=self.rag, target=self.target, gap=self.gap, change_test=self.dot_long_test,
            across_break=bool(self.dot_long_breaks), spc_by=by, spc_values=values, spc_target=target,
            spc_assurance=self.spc_assurance, spc_variation=self.spc_variation,
        )  # fmt: skip

    def fill_summary_sentence(self) -> str:
        self.summary_sentence = summary_sentence(self.verdict_figures())
        return self.summary_sentence

    @property
    def change_on_last_year(self) -> float | None:
        if self.actual is None or not self.same_period_last_year:
            return None
        return 100.0 * (self.actual - self.same_period_last_year) / self.same_period_last_year

    def comparator_rates(self) -> str:
        """The comparator's rate or weighted figure in words, with the area's own and its rank:
        "61.2 per 1,000, Hartlepool 9th of 16 (1st = lowest rate)", "48.3 per 1,000 against 52.0
        here"; why not, where a population is missing; "" where nothing is compared on rates."""
        if self.comparator_rate is None:
            return self.comparator_rate_note
        figure = comparison_figure(self.comparator_rate, self.unit)
        if self.comparator_members is not None:  # a group: its weighted figure and the rank in it
            return ", ".join(part for part in (figure, self.comparator_rank or self.comparator_rate_note) if part)
        if self.home_rate is None:
            return ", ".join(part for part in (figure, self.comparator_rate_note) if part)
        return f"{figure} against {comparison_figure(self.home_rate, self.unit)} here"

    def target_text(self) -> str:
        return format_target(self.target, self.polarity, self.unit)

    def tolerance_text(self) -> str:
        return format_tolerance(self.target, self.unit)

    def tolerance_units_text(self) -> str:
        """The tolerance this figure was rated with, as people read it: whole units of a count
        rounded half up, with the percentage it came from ("183 (2.5%)", not "182.5"); the
        rating itself used the exact tolerance. Empty where the row was not rated on a target."""
        if self.target is None or self.actual is None or self.rag not in (Rating.RED, Rating.AMBER, Rating.GREEN):
            return ""
        return format_tolerance_units(tolerance_units(self.actual, self.polarity, self.target), self.target, self.unit)

    def numbers_record(self) -> dict[str, object]:
        """``csv_record`` with numbers as JSON numbers (None where there is no figure)."""
        record = self.csv_record()
        for key, value in (
            ("actual", self.actual),
            ("previous_quarter", self.previous_quarter),
            ("same_period_last_year", self.same_period_last_year),
        ):
            record[key] = json_number(value)
        if self.target is not None and self.polarity != Polarity.BAND:
            record["target"] = json_number(self.target.target)
        if self.target is not None and self.target.tolerance_type != ToleranceType.PCT:
            record["tolerance"] = json_number(self.target.tolerance)
        record["comparator_change"] = None if self.comparator_change is None else round(self.comparator_change, 1)
        record["comparator_note"] = self.comparator_note
        record["comparator_rate"] = None if self.comparator_rate is None else round(self.comparator_rate, 2)
        record["home_rate"] = None if self.home_rate is None else round(self.home_rate, 2)
        record["comparator_rank"] = self.comparator_rank
        record["comparator_members"] = self.comparator_members
        record["notes"] = list(self.notes)
        return record

    def csv_record(self) -> dict[str, object]:
        return {
            "code": self.code, "name": self.name, "goal": self.goal, "area_code": self.area_code,
            "period": self.period, "basis": self.basis, "actual": plain_number(self.actual),
            "target": format_target(self.target, self.polarity, self.unit, plain=True),
            "tolerance": format_tolerance(self.target, self.unit, plain=True), "rag": self.rag.value,
            "dot_short": self.dot_short.value, "dot_long": self.dot_long.value,
            "previous_quarter": plain_number(self.previous_quarter),
            "same_period_last_year": plain_number(self.same_period_last_year),
            "dot_short_p": _p(self.dot_short_test), "dot_long_p": _p(self.dot_long_test),
            "dot_short_significant": significance_cell(self.dot_short_test),
            "dot_long_significant": significance_cell(self.dot_long_test),
            "dot_short_break": "; ".join(b.label() for b in self.dot_short_breaks),
            "dot_long_break": "; ".join(b.label() for b in self.dot_long_breaks),
            "spc_variation": self.spc_variation or "", "spc_assurance": self.spc_assurance or "",
            **projection_cells(self.projection),
        }  # fmt: skip

    def json_record(self) -> dict[str, object]:
        """The record with numbers as numbers, the tests' figures and the drafted narrative
        (``cspdash score --format json``)."""
        return {
            **self.numbers_record(),
            "dot_short_test": None if self.dot_short_test is None else self.dot_short_test.as_dict(),
            "dot_long_test": None if self.dot_long_test is None else self.dot_long_test.as_dict(),
            "narrative": self.narrative,
            "summary_sentence": self.summary_sentence,
            "spc": None if self.spc is None else self.spc.summary(),
            **projection_fields(self.projection),
        }

    def as_dict(self) -> dict[str, object]:
        data = asdict(replace(self, spc=None))  # the chart holds ORM objects: see json_record
        data["target"] = None if self.target is None else asdict(self.target)
        data["projection"] = None if self.projection is None else asdict(self.projection)
        return data


@dataclass
class Scorecard:
    period: Quarter
    area_code: str
    area_name: str
    rows: list[ScoreRow]

    @property
    def summary(self) -> RagSummary:
        return summarise((r.goal, r.rag) for r in self.rows if r.rated)


def projection_cells(p: Projection | None) -> dict[str, str]:
    """The projection as CSV cells: blank where none was made (the JSON's note says why)."""
    made = p if p is not None and p.made else None
    return {
        "projected_year_end": plain_number(made.value if made else None),
        "projected_low": plain_number(made.low if made else None),
        "projected_high": plain_number(made.high if made else None),
        "projection_method": made.method if made else "",
        "on_track": made.on_track.value if made and made.on_track else "",
    }


def projection_fields(p: Projection | None) -> dict[str, object]:
    """The projection as the API and ``score --format json`` carry it: numbers (None where
    there is no projection), the method, the on-track state and, in words, why."""
    made = p if p is not None and p.made else None  # the projection, when one was made
    return {
        "projected_year_end": json_number(made.value) if made is not None else None,
        "projected_low": json_number(made.low) if made is not None else None,
        "projected_high": json_number(made.high) if made is not None else None,
        "projection_method": made.method if made is not None else None,
        "on_track": made.on_track.value if made is not None and made.on_track else None,
        "projection_note": (p.on_track_reason if made is not None else p.reason) if p is not None else "",
        "projection_arithmetic": made.arithmetic if made is not None else "",
    }


def _p(test: ChangeTest | None) -> str:
    if test is None:
        return ""
    # Very small p-values underflow to 0 in the E-test; never print a p of exactly zero.
    return "<0.0001" if test.p_value < 0.0001 else f"{test.p_value:.4f}"


def change_test(unit: str, now: PeriodValue | None, before: PeriodValue | None) -> ChangeTest | None:
    """The significance test that fits the measure: two proportions when both periods have a
    numerator and denominator, two Poisson counts for counts; None otherwise (e.g. a rate
    without its parts, or a missing period)."""
    if now is None or before is None:
        return None
    if now.numerator is not None and now.denominator and before.numerator is not None and before.denominator:
        return compare_proportions(now.numerator, now.denominator, before.numerator, before.denominator)
    if unit == "count":
        return compare_counts(now.value, before.value)
    return None


def _basis_quarters(indicator: IndicatorRecord, q: Quarter) -> list[str]:
    return [x.key for x in (q.ytd_quarters() if indicator.basis == "ytd" else [q])]


def find_target(
    rows: Sequence[TargetRecord],
    indicator: str,
    period: Quarter,
    area: str,
    own_area_only: bool = False,
    basis: str | None = None,
) -> Target | None:
    """Most specific target wins: this area before every area, this quarter before all quarters.

    ``own_area_only`` (wards): only a target set for this very area counts, because a target
    without an area is the borough's, and a ward's figure is not comparable with it.
    ``basis`` ``ytd``: a row with a blank quarter (one figure for every quarter) is never
    compared with a year to date (``rules.targets``); the loader refuses such rows, and this
    keeps one stored before that rule (or the indicator re-based since) from being used."""
    best: tuple[int, TargetRecord] | None = None
    allowed = (area,) if own_area_only else (None, area)
    for t in rows:
        if t.indicator_code != indicator or t.year != period.financial_year.key:
            continue
        if t.quarter not in (None, period.q) or t.area_code not in allowed:
            continue
        if t.quarter is None and basis is not None and not blank_quarter_applies(basis):
            continue
        score = (2 if t.area_code else 0) + (1 if t.quarter else 0)
        if best is None or score > best[0]:
            best = (score, t)
    if best is None:
        return None
    t = best[1]
    return Target(t.target, t.target_low, t.target_high, t.tolerance, ToleranceType(t.tolerance_type))


def score_row(
    indicator: IndicatorRecord,
    period: Quarter,
    area: str,
    s: LoadedSeries,
    targets: Sequence[TargetRecord],
    breaks: list[SeriesBreak],
    *,
    is_ward: bool = False,
    comparator_series: LoadedSeries | None = None,
) -> ScoreRow:
    """Score ``indicator`` for ``period`` and ``area`` from its loaded series ``s``. ``is_ward``:
    only a target set for the ward itself applies. ``comparator_series``: the comparator area's
    series, when the indicator has a comparator area other than ``area``."""
    last_year = period.same_quarter_last_year()
    actual = s.basis(period)
    target = find_target(targets, indicator.code, period, area, own_area_only=is_ward, basis=indicator.basis)
    if indicator.rag_comparison == "previous_quarter":
        comparator, label = s.basis(period.previous()), f"the previous quarter ({period.previous().label})"
    else:
        comparator, label = s.basis(last_year), f"the same period last year ({last_year.label})"
    result: RatingResult = rate(actual, indicator.polarity, target, comparator, indicator.rated, comparator_label=label)
    if is_ward and target is None and result.rating == Rating.NOT_RATED and indicator.rated:
        result = RatingResult(Rating.NOT_RATED, None, None, reason=WARD_WITHOUT_TARGET)
    row = ScoreRow(
        code=indicator.code,
        name=indicator.name,
        goal=indicator.goal,
        area_code=area,
        period=period.key,
        basis=indicator.basis,
        unit=indicator.unit,
        polarity=indicator.polarity,
        rated=indicator.rated,
        actual=actual,
        quarter_value=s.quarter(period),
        ytd_value=s.ytd(period),
        previous_quarter=s.quarter(period.previous()),
        same_period_last_year=s.basis(last_year),
        quarter_last_year=s.quarter(last_year),
        ytd_last_year=s.ytd(last_year),
        target=target,
        rag=result.rating,
        reason=result.reason,
        no_comparator=result.no_comparator,
        dot_short=_direction(indicator, s.quarter(period), s.quarter(period.previous()), target),
        dot_long=_direction(indicator, actual, s.basis(last_year), target),
        comparator_area=indicator.comparator_area,
        comparator_label=indicator.comparator_label,
        description=indicator.description or "",
        short_values=(s.quarter_value(period), s.quarter_value(period.previous())),
        long_values=(s.basis_value(period), s.basis_value(last_year)),
        dot_short_breaks=breaks_crossed(span_of([period.previous().key]), span_of([period.key]), breaks),
        dot_long_breaks=breaks_crossed(
            span_of(_basis_quarters(indicator, last_year)), span_of(_basis_quarters(indicator, period)), breaks
        ),
        gap=result.gap,
    )
    if result.no_comparator:
        row.flags.append("no comparator")
    placed = figure_notes(s, indicator.basis, period)
    row.notes, row.note_figures = [text for text, _ in placed], [figure for _, figure in placed]
    if comparator_series is not None:
        c = comparator_series
        now, before = c.basis(period), c.basis(last_year)
        if now is not None and before:
            row.comparator_change = 100.0 * (now - before) / before
        elif gap := (c.gap(period) or c.gap(last_year)):
            row.comparator_note = f"not available ({gap})"
    return row


def _direction(indicator: IndicatorRecord, current: float | None, previous: float | None, target: Target | None) -> Direction:
    """Better/worse for a rated indicator; up/down for a context one (a rise is not "worse")."""
    if not indicator.rated:
        return movement(current, previous)
    return direction(current, previous, indicator.polarity, target)


def coverage_notes(s: LoadedSeries, basis: str, period: Quarter) -> list[str]:
    """What a reader must know about the figures behind a row: a figure missing because only
    part of the area was loaded, or a year to date that is the published figure."""
    return [text for text, _ in figure_notes(s, basis, period)]


def figure_notes(s: LoadedSeries, basis: str, period: Quarter) -> list[tuple[str, str]]:
    """``coverage_notes`` with the figure each is about: ``quarter`` or ``ytd`` (this period's
    columns), ``last_year`` (the same period last year, on the rated basis) or ``row``."""
    notes = []
    last_year = period.same_quarter_last_year()
    rated = "ytd" if basis == "ytd" else "quarter"
    for q, what, figure in ((period, "this period", rated), (last_year, "the same period last year", "last_year")):
        if gap := s.gap(q, basis):
            notes.append((f"{what} ({q.label}) not available ({gap})", figure))
        if s.is_published_ytd(q):
            shown = "ytd" if q == period else ("last_year" if basis == "ytd" else "row")
            notes.append((f"year to date {q.label} is the published figure, not the sum of the quarters", shown))
    notes += override_notes(s, basis, period)
    return notes


def override_text(s: LoadedSeries, q: Quarter) -> str:
    """``uploaded value 1,000; counts give 1,322``."""
    o = s.overrides[q]
    unit = s.indicator.unit
    return f"uploaded value {format_value(o.uploaded, unit)}; {o.other_source} give {format_value(o.other, unit)}"


def override_notes(s: LoadedSeries, basis: str, period: Quarter) -> list[tuple[str, str]]:
    """Where an uploaded value takes precedence over the figure the counts (or returns, or
    monthly values) give: on this quarter, this year to date, and the year-earlier figure."""
    notes = []
    if period in s.overrides:
        notes.append((f"{period.label} is the {override_text(s, period)}", "quarter"))
    if not s.is_published_ytd(period):
        for q in period.ytd_quarters():
            if q in s.overrides and s.ytd(period) is not None:
                notes.append((f"year to date {period.label} includes {q.label}'s {override_text(s, q)}", "ytd"))
    last_year = period.same_quarter_last_year()
    spans = last_year.ytd_quarters() if basis == "ytd" and not s.is_published_ytd(last_year) else [last_year]
    for q in spans:
        if q in s.overrides and s.basis(last_year) is not None:
            notes.append((f"the same period last year includes {q.label}'s {override_text(s, q)}", "last_year"))
    return notes


def add_commentary(
    row: ScoreRow,
    commentary: str,
    corrective_action: str = "",
    actions: list[ActionEntry] | None = None,
    previous_actions: list[ActionEntry] | None = None,
) -> ScoreRow:
    """Put the quarter's commentary and corrective actions on ``row``; a Red without
    corrective action is flagged. Given ``actions``, the row's ``corrective_action`` text is
    the quarter's open and done ones (``reporting.actions.action_summary``): a Red counts as
    without corrective action when it has none."""
    row.commentary, row.corrective_action = commentary, corrective_action
    if actions is not None:
        row.actions = list(actions)
        row.corrective_action = action_summary(actions, row.period)
    if previous_actions is not None:
        row.previous_actions = list(previous_actions)
    if row.rag == Rating.RED and not row.corrective_action.strip():
        row.flags.append(RED_WITHOUT_ACTION)
    return row
