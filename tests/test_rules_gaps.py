"""Gaps in a series (rules.gaps): which gaps break an SPC baseline, where a long chart opens,
and whether a series has a point for the chosen quarter. Plain values, no database."""

from __future__ import annotations

from rules.gaps import (
    MAX_BASELINE_GAP_MONTHS,
    baseline_breaks,
    every_period,
    gaps,
    has_point_for,
    latest_label,
    months_missing,
    no_figures_yet,
    recent_run,
)
from rules.periods import Quarter


def month_run(first: str, last: str) -> list[str]:
    return every_period(first, last)


def test_months_missing_between_months_and_quarters():
    assert months_missing("2017-03", "2017-04") == 0
    assert months_missing("2017-03", "2024-04") == 84
    assert months_missing("2016-17-Q4", "2017-18-Q1") == 0
    assert months_missing("2016-17-Q4", "2024-25-Q1") == 84


def test_a_gap_of_more_than_twelve_months_breaks_the_baseline_a_shorter_one_does_not():
    twelve = [*month_run("2015-04", "2016-03"), *month_run("2017-04", "2018-03")]  # April 2016 – March 2017 missing
    assert [g.months for g in gaps(twelve)] == [MAX_BASELINE_GAP_MONTHS]
    assert baseline_breaks(twelve) == [] and recent_run(twelve) == 0
    thirteen = [*month_run("2015-04", "2016-03"), *month_run("2017-05", "2018-03")]
    (gap,) = baseline_breaks(thirteen)
    assert (gap.index, gap.before, gap.after, gap.months) == (12, "2016-03", "2017-05", 13)
    assert recent_run(thirteen) == 12


def test_the_demo_then_the_real_file_breaks_at_the_seven_empty_years():
    held = [*month_run("2014-04", "2017-03"), *month_run("2024-04", "2026-03")]
    (gap,) = baseline_breaks(held)
    assert gap.words() == "no figures for 7 years (April 2017 to March 2024)"
    assert held[recent_run(held)] == "2024-04"
    quarters = [q.key for q in Quarter(2016, 1).financial_year.quarters()] + ["2024-25-Q1"]
    (qgap,) = baseline_breaks(quarters)
    assert qgap.words() == "no figures for 7 years (Q1 2017/18 to Q4 2023/24)"
    assert gaps(["2016-03", "2016-05"])[0].words() == "no figures for 1 month (April 2016 to April 2016)"


def test_a_series_has_a_point_for_a_quarter_only_when_it_reaches_its_end():
    asb = month_run("2014-04", "2017-03")
    assert has_point_for(asb, Quarter(2016, 4))
    assert not has_point_for(asb, Quarter(2025, 4))
    assert not has_point_for(asb[:-1], Quarter(2016, 4))  # February is not the quarter
    assert has_point_for(["2016-17-Q3"], Quarter(2016, 3)) and not has_point_for(["2016-17-Q3"], Quarter(2016, 4))
    assert not has_point_for([], Quarter(2016, 4))
    assert latest_label(asb) == "Q4 2016/17"
    assert no_figures_yet("2025/26", latest_label(asb)) == "No figures for 2025/26 yet (latest: Q4 2016/17)"
    assert no_figures_yet("2025/26", None) == "No figures for 2025/26 yet"
