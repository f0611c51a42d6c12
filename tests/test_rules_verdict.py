"""One plain verdict per indicator (rules.verdict): worked cases, no database."""

from __future__ import annotations

from rules.rating import Rating, Target
from rules.significance import ChangeTest
from rules.spc import xmr
from rules.verdict import VerdictFigures, baseline_words, process_shift, run_against_target, shift_words, summary_sentence

REAL = ChangeTest("poisson", 0.001, 1.045, 1.02, 1.07, "E-test")
CHANCE = ChangeTest("poisson", 0.4, 1.01, 0.98, 1.04, "E-test")


def figures(**kw: object) -> VerdictFigures:
    base: dict[str, object] = dict(
        name="Total notifiable offences", unit="count", polarity="lower", rated=True, period_label="Q3 2016/17",
        actual=16_743.0, last_year=16_022.0, rating=Rating.RED, target=Target(16_000.0, tolerance=5, tolerance_type="pct"),
        gap=743.0, change_test=REAL,
    )  # fmt: skip
    base.update(kw)
    return VerdictFigures(**base)  # type: ignore[arg-type]


def test_the_issue_example_red_real_rise_and_fifteen_months_above_the_target_line() -> None:
    values = [1700.0] * 5 + [1850.0] * 15  # 15 latest months above a target of 1,778 a month
    f = figures(spc_by="month", spc_values=values, spc_target=1778.0, spc_assurance="inconsistent", spc_variation="common_cause")
    assert summary_sentence(f) == (
        "Red: 743 above target; up 4.5% on last year, a real rise; monthly figures have run above the target line for 15 months."
    )


def test_a_short_run_against_the_target_falls_back_to_the_assurance_in_words() -> None:
    values = [1850.0, 1700.0, 1850.0, 1700.0, 1850.0]
    f = figures(spc_by="month", spc_values=values, spc_target=1778.0, spc_assurance="inconsistent")
    assert summary_sentence(f).endswith("monthly figures sometimes meet the target and sometimes miss it.")
    assert summary_sentence(figures(spc_by="quarter", spc_values=[1.0], spc_target=2.0, spc_assurance="pass")).endswith(
        "quarterly figures consistently meet the target."
    )


def test_green_within_normal_variation_and_a_fall() -> None:
    f = figures(rating=Rating.GREEN, actual=15_500.0, last_year=15_600.0, gap=-500.0, change_test=CHANCE)
    assert summary_sentence(f) == "Green: 500 below target; down 0.6% on last year, within normal variation."
    fall = figures(rating=Rating.GREEN, actual=14_000.0, last_year=16_000.0, gap=-2000.0, change_test=REAL)
    assert "down 12.5% on last year, a real fall" in summary_sentence(fall)


def test_amber_says_why_it_is_not_red() -> None:
    f = figures(rating=Rating.AMBER, actual=16_900.0, last_year=17_000.0, gap=900.0, change_test=None)
    assert summary_sentence(f) == "Amber: 900 above target, but no worse than last year; down 0.6% on last year."


def test_percentages_change_in_points_and_a_break_is_named() -> None:
    f = figures(
        name="Sanction detection rate", unit="percent", polarity="higher", actual=22.0, last_year=24.5,
        target=Target(25.0), gap=3.0, change_test=None, across_break=True,
    )  # fmt: skip
    assert summary_sentence(f) == "Red: 3.0 points below target; down 2.5 points on last year (across a series break)."


def test_context_indicator_no_target_no_last_year_and_no_figure() -> None:
    assert summary_sentence(figures(rated=False, rating=Rating.NOT_RATED, target=None, gap=None, change_test=None)) == (
        "Context indicator, not rated; up 4.5% on last year."
    )
    assert summary_sentence(figures(rating=Rating.NOT_RATED, target=None, gap=None, last_year=None)) == (
        "Not rated: no target for Q3 2016/17; no figure for last year to compare."
    )
    assert summary_sentence(figures(actual=None)) == "No figure for Q3 2016/17 yet."


def test_special_cause_in_words_where_there_is_no_target_line() -> None:
    f = figures(rated=False, rating=Rating.NOT_RATED, target=None, gap=None, change_test=None,
                spc_by="month", spc_values=[1.0] * 13, spc_variation="neutral_high")  # fmt: skip
    assert summary_sentence(f).endswith("; the latest month is unusually high.")
    concern = figures(spc_by="month", spc_values=[1.0] * 13, spc_target=None, spc_variation="concern")
    assert summary_sentence(concern).endswith("; the latest month is an unusual change for the worse.")


def test_no_test_names_p_values_or_intervals_in_the_sentence() -> None:
    text = summary_sentence(figures(spc_by="month", spc_values=[2000.0] * 13, spc_target=1778.0))
    for word in ("p =", "p <", "CI", "E-test", "poisson", "special cause", "common cause"):
        assert word not in text


def test_run_against_target_counts_the_latest_points_on_one_side() -> None:
    assert run_against_target([1, 5, 5, 5], 3) == (3, 1)
    assert run_against_target([5, 1, 1], 3) == (2, -1)
    assert run_against_target([5, 3], 3) == (0, 0)
    assert run_against_target([], 3) == (0, 0)


MONTHS = [f"{2014 + (i // 12)}-{i % 12 + 1:02d}" for i in range(33)]


def test_a_level_shift_is_found_where_the_run_starts() -> None:
    values = [100.0, 104, 98, 102, 97, 103, 99, 101, 100, 96, 104, 98, 102, 100, 99, 103, 97, 101] + [
        130.0,
        128,
        133,
        127,
        131,
        129,
        134,
        126,
        130,
        132,
        128,
        131,
        129,
        133,
        130,
    ]
    result = xmr(values, MONTHS, improvement="decrease", target=110.0)
    shift = process_shift(result)
    assert shift is not None
    assert (shift.period, shift.side) == ("2015-07", 1)
    assert shift.points == 15
    assert shift_words(shift, "month").startswith("The process has changed since July 2015: 15 months in a row above its average")


def test_no_shift_in_a_stable_process_or_from_the_baseline_start() -> None:
    stable = [100.0, 104, 98, 102, 97, 103, 99, 101, 100, 96, 104, 98, 102, 100, 99]
    assert process_shift(xmr(stable, MONTHS[:15], improvement="decrease")) is None
    # Rebased at the shift: the run now starts the baseline, so nothing more to offer.
    values = [100.0, 104, 98, 102, 97, 103, 99, 101, 100, 96, 104, 98, 102, 100, 99, 103, 97, 101] + [
        130.0,
        128,
        133,
        127,
        131,
        129,
        134,
        126,
        130,
        132,
        128,
        131,
        129,
        133,
        130,
    ]
    assert process_shift(xmr(values, MONTHS, improvement="decrease", rebase_at=[18])) is None


def test_too_few_points_since_the_break_is_said_in_words() -> None:
    values = [100.0] * 20 + [130.0, 128, 133, 127, 131]
    result = xmr(values, MONTHS[:25], improvement="decrease", target=110.0, rebase_at=[20])
    assert baseline_words(result, "month") == (
        "Too few months since the change — 5 of 13 — to judge whether the target will be met."
    )
    assert baseline_words(xmr(values, MONTHS[:25], improvement="decrease"), "month") == ""


def test_a_version_published_before_the_sentence_existed_has_none() -> None:
    """A frozen document is never re-worded: no sentence unless it was stored with the version."""
    from reporting.published_document import row_from_document

    old = {"code": "CSP1", "name": "Total notifiable offences", "period": "2016-17-Q3", "rag": "Red", "actual": 13143.0}
    assert row_from_document(old, scorecard_row=True).summary_sentence is None
    new = {**old, "summary_sentence": "Red: 743 above target."}
    assert row_from_document(new, scorecard_row=True).summary_sentence == "Red: 743 above target."
