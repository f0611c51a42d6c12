"""Tests for rules.summary: counts, percentages and the report sentence."""

import pytest

from rules.rating import Rating
from rules.summary import RagCounts, RagSummary, summarise, summary_sentence

R, A, G, NR, ND = Rating.RED, Rating.AMBER, Rating.GREEN, Rating.NOT_RATED, Rating.NO_DATA


def test_summary_havering_example():
    summary = summarise([("Reduce crime", R), ("Reduce crime", R), ("Protect the vulnerable", G)])
    assert summary_sentence(summary.overall) == "Of the 3 indicators, 2 (66.7%) are Red and 1 (33.3%) is Green."


@pytest.mark.parametrize(
    "counts, sentence",
    [
        (RagCounts(red=2, green=1), "Of the 3 indicators, 2 (66.7%) are Red and 1 (33.3%) is Green."),
        (RagCounts(green=1), "Of the 1 indicator, 1 (100.0%) is Green."),
        (RagCounts(red=1), "Of the 1 indicator, 1 (100.0%) is Red."),
        (
            RagCounts(red=2, amber=1, green=1),
            "Of the 4 indicators, 2 (50.0%) are Red, 1 (25.0%) is Amber and 1 (25.0%) is Green.",
        ),
        (RagCounts(amber=3, green=2), "Of the 5 indicators, 3 (60.0%) are Amber and 2 (40.0%) are Green."),
        (RagCounts(red=1, amber=1), "Of the 2 indicators, 1 (50.0%) is Red and 1 (50.0%) is Amber."),
        (RagCounts(green=7), "Of the 7 indicators, 7 (100.0%) are Green."),
        # Every indicator in the table is counted; the percentages are of the rated ones, as it says.
        (
            RagCounts(red=1, green=1, not_rated=3, no_data=2),
            "Of the 7 indicators, 3 are Not rated and 2 have no figure; of the 2 rated, 1 (50.0%) is Red and 1 (50.0%) is Green.",
        ),
        # The ward scorecard of three indicators, one rated: not "Of the 1 indicator".
        (RagCounts(amber=1, not_rated=2), "Of the 3 indicators, 2 are Not rated; of the 1 rated, 1 (100.0%) is Amber."),
        (RagCounts(red=2, no_data=1), "Of the 3 indicators, 1 has no figure; of the 2 rated, 2 (100.0%) are Red."),
        # Half-up rounding: 1/16 = 6.25% -> 6.3%, 15/16 = 93.75% -> 93.8%.
        (RagCounts(red=1, green=15), "Of the 16 indicators, 1 (6.3%) is Red and 15 (93.8%) are Green."),
        (RagCounts(red=1, amber=1, green=1), "Of the 3 indicators, 1 (33.3%) is Red, 1 (33.3%) is Amber and 1 (33.3%) is Green."),
        (RagCounts(), "No indicators are rated for this period."),
        (
            RagCounts(not_rated=4, no_data=1),
            "None of the 5 indicators is rated for this period: 4 are Not rated and 1 has no figure.",
        ),
        (RagCounts(not_rated=1), "The 1 indicator is not rated for this period: it is Not rated."),
    ],
)
def test_summary_sentence(counts, sentence):
    assert summary_sentence(counts) == sentence


def test_summary_counts_overall_and_by_goal_in_first_seen_order():
    items = [("B goal", R), ("A goal", G), ("B goal", NR), ("C goal", ND), ("A goal", "Amber"), ("B goal", G)]
    summary = summarise(items)
    assert isinstance(summary, RagSummary)
    assert list(summary.by_goal) == ["B goal", "A goal", "C goal"]
    assert summary.overall == RagCounts(red=1, amber=1, green=2, not_rated=1, no_data=1)
    assert summary.by_goal["B goal"] == RagCounts(red=1, green=1, not_rated=1)
    assert summary.by_goal["A goal"] == RagCounts(amber=1, green=1)
    assert summary.by_goal["C goal"] == RagCounts(no_data=1)
    assert summary.overall.rated_total == 4
    assert summary.overall.total == 6


def test_summary_empty():
    summary = summarise([])
    assert summary.overall == RagCounts()
    assert summary.by_goal == {}


@pytest.mark.parametrize(
    "counts, rating, percent, label",
    [
        (RagCounts(red=2, green=1), R, 200 / 3, "66.7%"),
        (RagCounts(red=2, green=1), G, 100 / 3, "33.3%"),
        (RagCounts(red=2, green=1), A, 0.0, "0.0%"),
        (RagCounts(red=1, green=7, not_rated=10), R, 12.5, "12.5%"),
        (RagCounts(red=1, green=15), "Red", 6.25, "6.3%"),
        (RagCounts(not_rated=3), G, 0.0, "0.0%"),
    ],
)
def test_summary_percent(counts, rating, percent, label):
    assert counts.percent(rating) == pytest.approx(percent)
    assert counts.percent_label(rating) == label


@pytest.mark.parametrize("rating", [NR, ND])
def test_summary_percent_rejects_unrated(rating):
    with pytest.raises(ValueError):
        RagCounts(red=1).percent(rating)


@pytest.mark.parametrize("rating, field", [(R, "red"), (A, "amber"), (G, "green"), (NR, "not_rated"), (ND, "no_data")])
def test_summary_count_by_rating(rating, field):
    counts = RagCounts.from_ratings([rating, rating, "Green"])
    assert counts.count(rating) == getattr(counts, field) == (3 if rating is G else 2)


def test_summary_rejects_unknown_rating():
    with pytest.raises(ValueError):
        summarise([("goal", "Purple")])
