"""The projected year end's arithmetic (#22 part 2), exact on small fixtures: the seasonal
ratio, the range from earlier years, the Poisson interval, ratios of projected parts, the
refusals, and on track / at risk / off track."""

from __future__ import annotations

import math

import pytest

from rules.projection import METHOD_POISSON, EarlierYear, OnTrack, Projection, judge, project, projection_words
from rules.rating import Target
from rules.ratios import PeriodValue as V


def years(*pairs: tuple[float, float]) -> list[EarlierYear]:
    """Earlier years newest first, labelled 2015/16, 2014/15, …"""
    return [EarlierYear(f"{2015 - i}/{(16 - i) % 100:02d}", V(a), V(b)) for i, (a, b) in enumerate(pairs)]


def test_the_seasonal_ratio_is_the_last_complete_years_full_year_over_its_total_to_the_same_point():
    p = project("count", 2, 6, V(900), years((1000, 2100), (800, 1600), (500, 1100)))
    assert p.value == pytest.approx(1890.0)  # 900 × 2,100 ÷ 1,000
    assert "900 × 2,100 ÷ 1,000 (2015/16's full year over its total to the same point) = 1,890" in p.arithmetic


def test_the_interval_is_the_lowest_and_highest_projection_by_each_of_the_last_five_complete_years():
    # Ratios 2.1, 2.0, 2.2, 1.9, 2.3 and a sixth year's 3.0, which is too old to count.
    held = years((1000, 2100), (800, 1600), (500, 1100), (1000, 1900), (1000, 2300), (100, 300))
    p = project("count", 2, 6, V(900), held)
    assert (p.value, p.low, p.high) == pytest.approx((1890.0, 1710.0, 2070.0))
    assert p.method == "seasonal ratio; range from earlier years (5 years)"
    assert "range from the same ratio in 2015/16, 2014/15, 2013/14, 2012/13, 2011/12: 1,710 to 2,070" in p.arithmetic


def test_three_complete_years_are_enough_for_the_range():
    p = project("count", 1, 3, V(300), years((100, 400), (200, 600), (150, 750)))
    assert (p.low, p.high) == pytest.approx((900.0, 1500.0))  # ratios 4, 3, 5
    assert p.method.endswith("(3 years)")


def test_with_fewer_than_three_years_the_interval_is_the_80_percent_poisson_on_the_remaining_months():
    p = project("count", 3, 9, V(1000), years((1000, 1400), (900, 1300)))
    r = 400.0  # 1,000 × 1.4 − 1,000
    assert p.method == METHOD_POISSON
    assert (p.value, p.low, p.high) == pytest.approx((1400.0, 1000 + r - 1.2816 * 20, 1000 + r + 1.2816 * 20))
    assert (round(p.low, 3), round(p.high, 3)) == (1374.368, 1425.632)
    assert "only 2 complete earlier years, so the remaining months' 400 ± 1.2816 × √400" in p.arithmetic


def test_the_poisson_interval_never_falls_below_what_is_already_counted():
    p = project("count", 3, 9, V(100), years((100, 101)))
    assert p.low == 100.0 and p.high == pytest.approx(101 + 1.2816)


def test_a_percentage_projects_its_numerator_and_denominator_and_divides():
    # Numerator 30 × 80 ÷ 40 = 60; denominator 200 × 500 ÷ 250 = 400: 15.0%, not 30/200 = 15% scaled.
    held = [EarlierYear("2015/16", V(16.0, 40, 250), V(16.0, 80, 500))]
    p = project("percent", 2, 6, V(15.0, 30, 200), held)
    assert p.value == pytest.approx(15.0)
    r = 30.0  # the numerator's remaining months
    assert (p.low, p.high) == pytest.approx((100 * (60 - 1.2816 * math.sqrt(r)) / 400, 100 * (60 + 1.2816 * math.sqrt(r)) / 400))


def test_a_percentages_range_divides_each_years_projected_parts():
    held = [
        EarlierYear("2015/16", V(0, 10, 100), V(0, 30, 200)),  # numerator × 3, denominator × 2
        EarlierYear("2014/15", V(0, 10, 100), V(0, 20, 200)),  # × 2, × 2
        EarlierYear("2013/14", V(0, 10, 100), V(0, 40, 400)),  # × 4, × 4
    ]
    p = project("percent", 2, 6, V(10.0, 20, 200), held)
    # 100 × 20·3 ÷ 200·2 = 15%; 100 × 20·2 ÷ 200·2 = 10%; 100 × 20·4 ÷ 200·4 = 10%
    assert (p.value, p.low, p.high) == pytest.approx((15.0, 10.0, 15.0))


def test_a_rate_keeps_the_power_of_ten_it_is_per():
    held = [EarlierYear("2015/16", V(5.0, 50, 10_000), V(10.0, 100, 10_000))]
    p = project("rate", 2, 6, V(6.0, 60, 10_000), held)  # per 1,000
    assert p.value == pytest.approx(1000 * 120 / 10_000)


@pytest.mark.parametrize(
    ("quarter", "months", "ytd", "held", "why"),
    [
        (4, 12, V(5000), years((1, 2)), "no projection in Q4: the year to date is the year end"),
        (1, 2, V(300), years((1, 2)), "no projection: only 2 months of the year held (at least 3 needed)"),
        (2, 6, None, years((1, 2)), "no projection: no year-to-date figure"),
        (2, 6, V(300), [], "no projection: no complete earlier year with a figure to the same point gives a seasonal ratio"),
        (
            2,
            6,
            V(300),
            years((0, 20)),
            "no projection: no complete earlier year with a figure to the same point gives a seasonal ratio",
        ),
    ],
)
def test_no_projection_says_why(quarter, months, ytd, held, why):
    p = project("count", quarter, months, ytd, held)
    assert not p.made and p.reason == why
    assert projection_words(p, "count") == why[0].upper() + why[1:]


def test_a_percentage_without_its_parts_is_not_projected():
    p = project("percent", 2, 6, V(40.0), [EarlierYear("2015/16", V(1, 1, 2), V(1, 2, 4))])
    assert p.reason == "no projection: the year to date has no numerator and denominator"


def made(low: float, high: float) -> Projection:
    return Projection((low + high) / 2, low, high, METHOD_POISSON)


@pytest.mark.parametrize(
    ("polarity", "low", "high", "state"),
    [
        ("lower", 900, 1000, OnTrack.ON_TRACK),  # the whole range at or under 1,000
        ("lower", 990, 1010, OnTrack.AT_RISK),  # either side of the target
        ("lower", 1010, 1040, OnTrack.AT_RISK),  # beyond the target but within the 50 tolerance
        ("lower", 1040, 1060, OnTrack.AT_RISK),  # reaches into the tolerance
        ("lower", 1051, 1100, OnTrack.OFF_TRACK),  # wholly beyond target + tolerance
        ("higher", 1000, 1100, OnTrack.ON_TRACK),
        ("higher", 940, 1010, OnTrack.AT_RISK),
        ("higher", 900, 949, OnTrack.OFF_TRACK),
    ],
)
def test_on_track_against_the_year_end_target_and_its_tolerance(polarity, low, high, state):
    judged = judge(made(low, high), polarity, Target(1000, tolerance=5, tolerance_type="pct"))
    assert judged.on_track is state
    assert judged.on_track_reason.startswith(state.value)


def test_band_indicators_are_not_judged_and_say_so():
    judged = judge(made(20, 30), "band", Target(low=28, high=40))
    assert judged.on_track is OnTrack.NOT_JUDGED
    assert judged.on_track_reason == "not judged: a band indicator's year end is not judged against a single target"


def test_without_a_year_end_target_the_projection_is_not_judged_and_says_why():
    judged = judge(made(20, 30), "lower", None, "no year-end (Q4) target is set")
    assert (judged.on_track, judged.on_track_reason) == (OnTrack.NOT_JUDGED, "not judged: no year-end (Q4) target is set")


def test_words_carry_a_mark_beside_the_state():
    judged = judge(made(1051, 1100), "lower", Target(1000, tolerance=5, tolerance_type="pct"))
    words = projection_words(judged, "count")
    assert words.startswith("Projected year end 1,076 (1,051 to 1,100): × off track")


def test_the_judgement_keeps_the_year_end_target_and_how_far_its_tolerance_reaches():
    lower = judge(made(900, 1000), "lower", Target(1000, tolerance=5, tolerance_type="pct"))
    higher = judge(made(900, 1000), "higher", Target(1000, tolerance=30, tolerance_type="abs"))
    assert (lower.target, lower.target_edge) == (1000, 1050)
    assert (higher.target, higher.target_edge) == (1000, 970)
