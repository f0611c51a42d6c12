"""The drafted commentary sentence (rules/narrative.py)."""

from __future__ import annotations

from datetime import date

from rules.breaks import SeriesBreak
from rules.narrative import NarrativeFigures, draft_narrative
from rules.rating import Rating, Target, ToleranceType, gap
from rules.significance import compare_counts, compare_proportions


def figures(**overrides) -> NarrativeFigures:
    base = dict(
        name="Anti-social behaviour incidents", unit="count", polarity="lower", basis="ytd", period_label="Q3 2016/17",
        actual=4810.0, last_year=3810.0, rating=Rating.RED, target=Target(3650, tolerance=5, tolerance_type=ToleranceType.PCT),
        gap=1160.0, change_test=compare_counts(4810, 3810), comparator_label="London", comparator_change=12.7,
    )  # fmt: skip
    base.update(overrides)
    return NarrativeFigures(**base)


def test_the_issue_example_word_for_word():
    assert draft_narrative(figures()) == (
        "Anti-social behaviour incidents were 4,810 in the year to date, up 26.2% on last year (3,810), a real change; "
        "London rose 12.7%. Red: 1,160 above target, more than the 5% tolerance."
    )


def test_green_within_tolerance_and_a_fall_within_normal_variation():
    target = Target(4400, tolerance=2.5, tolerance_type=ToleranceType.PCT)
    text = draft_narrative(
        figures(
            name="Burglary offences", basis="quarter", actual=4437.0, last_year=4475.0, rating=Rating.GREEN, target=target,
            gap=gap(4437, "lower", target), change_test=compare_counts(4437, 4475), comparator_label=None, comparator_change=None,
        )
    )  # fmt: skip
    assert text == (
        "Burglary offences were 4,437 in Q3 2016/17, down 0.8% on last year (4,475), within normal variation. "
        "Green: 37 above target, within the 2.5% tolerance."
    )


def test_amber_and_below_target():
    assert draft_narrative(figures(rating=Rating.AMBER)).endswith(
        "Amber: 1,160 above target, more than the 5% tolerance, but no worse than last year."
    )
    assert draft_narrative(figures(rating=Rating.GREEN, gap=-40.0, actual=3610.0)).endswith("Green: 40 below target.")
    assert draft_narrative(figures(rating=Rating.GREEN, gap=0.0, actual=3650.0)).endswith("Green: on target.")


def test_higher_is_better_says_below_target_when_short():
    text = draft_narrative(figures(polarity="higher", rating=Rating.RED, gap=20.0, target=Target(100, tolerance=5)))
    assert text.endswith("Red: 20 below target, more than the tolerance of 5.")


def test_percent_band_indicator_in_points():
    target = Target(low=28, high=40, tolerance=3)
    text = draft_narrative(
        figures(
            name="Repeat domestic violence cases going to MARAC", unit="percent", polarity="band", basis="quarter",
            actual=28.8, last_year=23.1, rating=Rating.GREEN, target=target, gap=0.0,
            change_test=compare_proportions(17, 59, 12, 52), comparator_label="National average", comparator_change=-1.6,
        )
    )  # fmt: skip
    assert text == (
        "Repeat domestic violence cases going to MARAC stood at 28.8% in Q3 2016/17, up 5.7 points on last year (23.1%), "
        "within normal variation; National average fell 1.6%. Green: within the target band (28–40%)."
    )
    red = draft_narrative(
        figures(unit="percent", polarity="band", actual=45.0, rating=Rating.RED, target=target, gap=5.0, change_test=None)
    )
    assert red.endswith("Red: 5.0 points above the target band (28–40%), more than the tolerance of 3.0 points.")


def test_not_rated_has_no_rating_sentence_and_no_data_says_so():
    text = draft_narrative(figures(rating=Rating.NOT_RATED, target=None, gap=None, comparator_label=None))
    assert text.endswith("a real change.")
    assert (
        draft_narrative(figures(actual=None, rating=Rating.NO_DATA))
        == "No figure for anti-social behaviour incidents for Q3 2016/17 yet."
    )


def test_no_last_year_and_no_test():
    text = draft_narrative(figures(last_year=None, change_test=None, no_comparator=True, comparator_label=None))
    assert text == (
        "Anti-social behaviour incidents were 4,810 in the year to date, with no figure for the same period last year to compare. "
        "Red: 1,160 above target, more than the 5% tolerance, with no figure for last year to compare."
    )


def test_a_crossed_break_is_named():
    text = draft_narrative(figures(breaks=[SeriesBreak(date(2016, 4, 1), "new Met crime system")]))
    assert "a real change (across a series break: 1 Apr 2016: new Met crime system); London rose 12.7%." in text
