"""Scoring on plain values, with no database: a ``ScoreRow`` built from an already-loaded series
(``reporting.scoring.score_row``), the target chosen for it, its notes and its CSV and JSON
records, and the figures as people and CSV cells read them (``reporting.formatting``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from reporting.formatting import format_target, format_tolerance, format_value, json_number, plain_number
from reporting.scoring import (
    RED_WITHOUT_ACTION,
    WARD_WITHOUT_TARGET,
    Scorecard,
    ScoreRow,
    add_commentary,
    csv_columns,
    figure_notes,
    find_target,
    score_row,
)
from rules.direction import Direction
from rules.periods import Quarter
from rules.rating import Rating, Target, ToleranceType
from rules.ratios import PeriodValue

Q3 = Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"


def indicator(**overrides: Any) -> SimpleNamespace:
    values = dict(
        code="CSP1", name="Total notifiable offences", goal="Reduce crime", basis="ytd", unit="count", polarity="lower",
        rated=True, rag_comparison="same_period_last_year", comparator_area=None, comparator_label=None, description="",
    )  # fmt: skip
    return SimpleNamespace(**{**values, **overrides})


@dataclass
class FakeSeries:
    """Quarter values held in memory: what ``store.measures.Series`` hands scoring."""

    indicator: Any
    values: dict[Quarter, float]
    gaps: dict[Quarter, str] = field(default_factory=dict)
    overrides: dict[Quarter, Any] = field(default_factory=dict)

    def quarter(self, q: Quarter) -> float | None:
        return self.values.get(q)

    def ytd(self, q: Quarter) -> float | None:
        parts = [self.values.get(x) for x in q.ytd_quarters()]
        return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]

    def basis(self, q: Quarter) -> float | None:
        return self.ytd(q) if self.indicator.basis == "ytd" else self.quarter(q)

    def quarter_value(self, q: Quarter) -> PeriodValue | None:
        v = self.quarter(q)
        return None if v is None else PeriodValue(v)

    def basis_value(self, q: Quarter) -> PeriodValue | None:
        v = self.basis(q)
        return None if v is None else PeriodValue(v)

    def gap(self, q: Quarter, basis: str | None = None) -> str:
        if (basis or self.indicator.basis) == "ytd":
            return next((self.gaps[x] for x in q.ytd_quarters() if x not in self.values and x in self.gaps), "")
        return "" if q in self.values else self.gaps.get(q, "")

    def is_published_ytd(self, q: Quarter) -> bool:
        return False


def target_row(**overrides: Any) -> SimpleNamespace:
    values = dict(indicator_code="CSP1", year="2016-17", quarter=3, area_code=None, target=13000.0, target_low=None,
                  target_high=None, tolerance=2.0, tolerance_type="pct")  # fmt: skip
    return SimpleNamespace(**{**values, **overrides})


def two_years(this_year: tuple[float, float, float], last_year: tuple[float, float, float]) -> dict[Quarter, float]:
    now = dict(zip(Q3.ytd_quarters(), this_year, strict=True))
    before = dict(zip(Q3.same_quarter_last_year().ytd_quarters(), last_year, strict=True))
    return {**now, **before}


def test_scoring_a_row_needs_no_database() -> None:
    """Year to date 13,800 against a target of 13,000 (2% tolerance): Red, and worse than last year."""
    ind = indicator()
    s = FakeSeries(ind, two_years((4500, 4600, 4700), (4300, 4400, 4500)))
    row = score_row(ind, Q3, HAVERING, s, [target_row()], [])
    assert (row.actual, row.same_period_last_year, row.quarter_value, row.previous_quarter) == (13800, 13200, 4700, 4600)
    assert row.rag is Rating.RED and row.dot_long is Direction.WORSE and row.dot_short is Direction.WORSE
    assert row.target == Target(13000.0, None, None, 2.0, ToleranceType.PCT)
    assert (
        row.csv_record()["actual"] == "13800" and row.csv_record()["target"] == "13000" and row.csv_record()["tolerance"] == "2%"
    )
    assert row.json_record()["actual"] == 13800 and row.json_record()["rag"] == "Red"
    assert "Total notifiable offences" in row.narrative


def test_scoring_a_red_without_corrective_action_is_flagged_once_commentary_is_added() -> None:
    ind = indicator()
    row = score_row(ind, Q3, HAVERING, FakeSeries(ind, two_years((4500, 4600, 4700), (4300, 4400, 4500))), [target_row()], [])
    assert add_commentary(row, "Up 4.5%.", "").flags == [RED_WITHOUT_ACTION]
    row = score_row(ind, Q3, HAVERING, FakeSeries(ind, two_years((4500, 4600, 4700), (4300, 4400, 4500))), [target_row()], [])
    assert add_commentary(row, "Up 4.5%.", "Extra patrols.").flags == []


def test_scoring_a_ward_ignores_the_boroughs_target() -> None:
    ind = indicator()
    s = FakeSeries(ind, two_years((45, 46, 47), (43, 44, 45)))
    row = score_row(ind, Q3, "E05000001", s, [target_row()], [], is_ward=True)
    assert row.target is None and row.rag is Rating.NOT_RATED and row.reason == WARD_WITHOUT_TARGET


def test_scoring_the_most_specific_target_wins() -> None:
    rows = [target_row(target=1.0, quarter=None), target_row(target=2.0), target_row(target=3.0, area_code=HAVERING)]
    assert find_target(rows, "CSP1", Q3, HAVERING).target == 3.0
    assert find_target(rows, "CSP1", Q3, "E09000001").target == 2.0
    # A blank quarter is never compared with a year to date (rules.targets).
    assert find_target([target_row(quarter=None)], "CSP1", Q3, HAVERING, basis="ytd") is None
    assert find_target([target_row(quarter=None)], "CSP1", Q3, HAVERING, basis="quarter").target == 13000.0


def test_scoring_a_missing_month_is_noted_against_the_rated_figure() -> None:
    ind = indicator()
    values = two_years((4500, 4600, 4700), (4300, 4400, 4500))
    del values[Q3]
    s = FakeSeries(ind, values, gaps={Q3: "only 1 of 3 months loaded"})
    row = score_row(ind, Q3, HAVERING, s, [target_row()], [])
    assert row.actual is None and row.rag is Rating.NO_DATA
    assert figure_notes(s, "ytd", Q3) == [("this period (Q3 2016/17) not available (only 1 of 3 months loaded)", "ytd")]
    assert row.notes == ["this period (Q3 2016/17) not available (only 1 of 3 months loaded)"] and row.note_figures == ["ytd"]


def test_scoring_the_comparators_change_on_last_year() -> None:
    ind = indicator(comparator_area="E12000007", comparator_label="London")
    london = FakeSeries(ind, two_years((200, 200, 200), (150, 150, 200)))
    row = score_row(ind, Q3, HAVERING, FakeSeries(ind, two_years((1, 1, 1), (1, 1, 1))), [], [], comparator_series=london)
    assert row.comparator_change == 20.0


def test_scoring_csv_columns_keep_the_published_order() -> None:
    assert csv_columns([{"rag": "Red", "code": "CSP1", "dropped_later": 1}]) == ["code", "rag", "dropped_later"]


def test_scoring_summary_counts_only_rated_rows() -> None:
    ind = indicator()
    rated = score_row(ind, Q3, HAVERING, FakeSeries(ind, two_years((4500, 4600, 4700), (4300, 4400, 4500))), [target_row()], [])
    context = score_row(indicator(code="CX1", rated=False), Q3, HAVERING, FakeSeries(ind, {}), [], [])
    card = Scorecard(Q3, HAVERING, "Havering", [rated, context])
    assert card.summary.overall.red == 1 and card.summary.by_goal["Reduce crime"].red == 1
    assert isinstance(rated, ScoreRow) and context.rag is Rating.NOT_RATED


def test_formatting_figures_for_people_and_for_csv() -> None:
    assert format_value(13143, "count") == "13,143" and format_value(None, "count") == "–"
    assert format_value(37.25, "percent") == "37.2%" and format_value(1234.56, "rate") == "1,234.6"
    band = Target(None, 28, 40, 5, ToleranceType.ABS)
    assert format_target(band, "band", "percent") == "28–40%" and format_target(band, "band", "percent", plain=True) == "28-40"
    assert format_tolerance(band, "percent") == "5 points" and format_tolerance(band, "percent", plain=True) == "5"
    assert format_tolerance(Target(100, tolerance=2.5, tolerance_type=ToleranceType.PCT), "count", plain=True) == "2.5%"
    assert (json_number(12.0), json_number(12.345), json_number(None)) == (12, 12.3, None)
    assert (plain_number(12400.0), plain_number(0.25), plain_number(None)) == ("12400", "0.2", "")
    # A million or more with a fraction stays a number a spreadsheet reads, to one decimal place.
    assert (plain_number(1234567.84), plain_number(6123456.96), plain_number(-3.75)) == ("1234567.8", "6123457", "-3.8")
