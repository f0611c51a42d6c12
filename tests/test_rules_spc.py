"""XmR limits and Making Data Count's special-cause rules (rules/spc.py): each rule alone and in
combination, screening of large moving ranges, point types by polarity, verdicts, rebasing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.spc import (
    MIN_POINTS,
    Assurance,
    Improvement,
    PointType,
    Rule,
    Variation,
    describe_point,
    segment_limits,
    xmr,
)

# A stable process: alternating either side of 100, moving range 20, limits 100 ± 53.2,
# 2-sigma lines 100 ± 35.47. No rule fires on it.
BASE = [90, 110] * 10

ASB = [430, 382, 374, 389, 421, 418, 407, 414, 404, 407, 386, 395, 379, 380, 437, 376, 406, 357, 401, 328, 418, 400, 393, 424]


def flagged(result) -> dict[int, list[str]]:
    return {i: [r.value for r in p.rules] for i, p in enumerate(result.points) if p.rules}


def test_the_issue_asb_example():
    months = [f"{2015 + (3 + i) // 12}-{(3 + i) % 12 + 1:02d}" for i in range(24)]
    r = xmr(ASB, months, improvement="decrease", target=300)
    assert round(r.current.mean, 1) == 396.9
    assert (round(r.current.lower_limit, 1), round(r.current.upper_limit, 1)) == (322.4, 471.4)
    assert r.current.mean_moving_range == pytest.approx(28.0)
    assert flagged(r) == {}
    assert r.variation is Variation.COMMON_CAUSE
    assert r.assurance is Assurance.FAIL  # target 300 is below the lower limit: never met
    data = r.as_dict()
    assert (data["mean"], data["lower_limit"], data["upper_limit"], data["provisional"]) == (396.9167, 322.4367, 471.3967, False)
    assert data["points"][0] == {
        "period": "2015-04",
        "value": 430.0,
        "special_cause": None,
        "rules": [],
        "type": "none",
        "segment": 0,
    }
    assert (data["variation"], data["assurance"]) == ("common_cause", "fail")


def test_a_stable_process_has_no_special_cause():
    r = xmr(BASE, improvement="increase")
    assert (r.current.mean, r.current.mean_moving_range) == (100, 20)
    assert r.current.lower_limit == pytest.approx(46.8) and r.current.upper_limit == pytest.approx(153.2)
    assert r.current.lower_two_sigma == pytest.approx(100 - 35.4667, abs=1e-3)
    assert flagged(r) == {} and r.variation is Variation.COMMON_CAUSE


# --- each rule alone ---------------------------------------------------------------------


def test_rule_outside_limits_alone():
    v = BASE.copy()
    v[10] = 200
    r = xmr(v, improvement="increase")
    assert flagged(r) == {10: ["outside_limits"]}
    assert r.points[10].special_cause is Rule.OUTSIDE_LIMITS
    assert r.points[10].point_type is PointType.IMPROVEMENT


def test_a_point_exactly_on_the_limit_is_not_outside():
    # Limits are 100 ± 2.66 × 20 for this symmetric series: 46.8 and 153.2 are inside.
    r = xmr([100, 120, 100, 80] * 4, improvement="increase")
    limit = r.current.upper_limit
    assert limit == pytest.approx(153.2)
    assert all(Rule.OUTSIDE_LIMITS not in p.rules for p in r.points)


def test_rule_trend_alone_flags_all_seven_points():
    v = BASE[:10] + [70, 80, 90, 100, 110, 120, 130] + BASE[10:]
    r = xmr(v, improvement="increase")
    assert flagged(r) == {i: ["trend"] for i in range(10, 17)}
    assert {r.points[i].point_type for i in range(10, 17)} == {PointType.IMPROVEMENT}


def test_six_steps_make_a_trend_and_five_do_not():
    rising = [60, 70, 80, 90, 100, 110, 120]
    assert flagged(xmr(BASE[:10] + rising + BASE[10:], improvement="increase")).keys() == set(range(10, 17))
    assert flagged(xmr(BASE[:10] + rising[:-1] + BASE[11:], improvement="increase")) == {}


def test_an_equal_value_breaks_a_trend():
    r = xmr(BASE[:10] + [70, 80, 90, 90, 110, 120, 130] + BASE[10:], improvement="increase")
    assert flagged(r) == {}


def test_a_falling_trend_is_concern_when_higher_is_better_and_improvement_when_lower_is():
    v = BASE[:10] + [130, 120, 110, 100, 90, 80, 70] + BASE[10:]
    assert {xmr(v, improvement="increase").points[i].point_type for i in range(10, 17)} == {PointType.CONCERN}
    assert {xmr(v, improvement="decrease").points[i].point_type for i in range(10, 17)} == {PointType.IMPROVEMENT}


def test_rule_two_of_three_alone_flags_the_points_beyond_the_line():
    r = xmr(BASE[:10] + [150, 105, 150] + BASE[10:], improvement="decrease")
    assert r.current.upper_two_sigma < 150 < r.current.upper_limit
    assert flagged(r) == {10: ["two_of_three"], 12: ["two_of_three"]}
    assert r.points[10].point_type is PointType.CONCERN  # high is bad when lower is better


def test_two_of_three_needs_all_three_on_the_same_side_of_the_mean():
    r = xmr(BASE[:10] + [150, 95, 150] + BASE[10:], improvement="decrease")
    assert r.points[11].value < r.current.mean
    assert flagged(r) == {}


def test_a_point_outside_the_limits_does_not_count_towards_two_of_three():
    r = xmr(BASE[:10] + [155, 105, 200] + BASE[10:], improvement="decrease")
    assert r.current.upper_two_sigma < 155 < r.current.upper_limit < 200
    assert flagged(r) == {12: ["outside_limits"]}


def test_two_of_three_on_opposite_lines_is_not_a_signal():
    r = xmr(BASE[:10] + [150, 50] + BASE[10:], improvement="decrease")
    assert all(Rule.TWO_OF_THREE not in p.rules for p in r.points)


def test_rule_run_alone_flags_all_seven_points():
    r = xmr(BASE[:5] + [105] * 7 + BASE[6:], improvement="decrease")
    assert flagged(r) == {i: ["run"] for i in range(5, 12)}
    assert {r.points[i].point_type for i in range(5, 12)} == {PointType.CONCERN}


def test_six_on_one_side_is_not_a_run():
    assert flagged(xmr(BASE[:5] + [105] * 6 + BASE[6:], improvement="decrease")) == {}


def test_a_point_on_the_mean_breaks_a_run():
    # Symmetric about 100 so the mean is exactly 100: three above, one on it, three above.
    v = [80, 120] * 4 + [105, 105, 105, 100, 105, 105, 105] + [95, 95, 95, 95, 95, 95, 120, 80]
    r = xmr(v, improvement="increase")
    assert r.current.mean == 100
    assert all(Rule.RUN not in r.points[i].rules for i in range(8, 15))


# --- rules in combination ---------------------------------------------------------------------


def test_outside_limits_takes_priority_over_a_run():
    v = [100] * 0 + [90, 110] * 3 + [120, 125, 121, 124, 190, 122, 123] + [70, 80] * 4
    r = xmr(v, improvement="increase")
    spike = r.points[10]
    assert spike.rules[0] is Rule.OUTSIDE_LIMITS and Rule.RUN in spike.rules
    assert spike.special_cause is Rule.OUTSIDE_LIMITS
    assert all(r.points[i].special_cause is Rule.RUN for i in (6, 7, 8, 9, 11, 12))


def test_the_highest_priority_rule_decides_the_point_type():
    # A rising trend of 7 entirely below the mean is also a run below the mean: the trend comes
    # first, so with lower better its points are concern (rising), not improvement (low).
    v = [110, 130] * 5 + [95, 96, 97, 98, 99, 100, 101] + [130, 110] * 4
    r = xmr(v, improvement="decrease")
    for i in range(10, 17):
        assert r.points[i].rules == (Rule.TREND, Rule.RUN)
        assert r.points[i].point_type is PointType.CONCERN
    assert r.points[17].rules == (Rule.TREND,)  # 101 → 130 is a seventh rise: the trend is 8 long
    assert r.points[18].rules == ()


def test_trend_and_two_of_three_together():
    v = BASE[:10] + [70, 80, 90, 100, 110, 140, 145] + [90, 110] * 5
    r = xmr(v, improvement="increase")
    assert [x.value for x in r.points[15].rules] == ["trend", "two_of_three"]
    assert [x.value for x in r.points[16].rules] == ["trend", "two_of_three"]
    assert all(r.points[i].rules == (Rule.TREND,) for i in range(10, 15))


# --- screening of large moving ranges ---------------------------------------------------------


def test_screening_leaves_out_large_moving_ranges_once():
    v = BASE.copy()
    v[5], v[14] = 250, 30
    screened = segment_limits(v, screen=True)
    plain = segment_limits(v, screen=False)
    assert plain.mean_moving_range == pytest.approx(780 / 19)
    assert screened.screened == (5, 6)  # the ranges into and out of 250 (140 each) are left out
    assert screened.mean_moving_range == pytest.approx(460 / 17)
    assert plain.screened == ()
    # The narrower limits from screening catch the low point too.
    assert flagged(xmr(v, improvement="increase")) == {5: ["outside_limits"], 14: ["outside_limits"]}
    assert flagged(xmr(v, improvement="increase", screen=False)) == {5: ["outside_limits"]}


def test_screening_boundary_is_inclusive_at_3267_times_the_mean():
    # Ranges 1 × 30 and 2: the mean is 32/31 ... constructed so one range equals 3.267 × mean exactly
    # would be fragile in floats, so check the rule on both sides of it instead.
    values = [0, 1] * 10
    values[-1] = 1 + 3.2 * 1  # range 4.2 vs mean ~1.17: 4.2 >= 3.267 × 1.17 = 3.83 → screened
    assert segment_limits(values).screened == (19,)
    values[-1] = 0 + 3.5  # range 3.5 vs mean (18 + 3.5)/19 = 1.13 → 3.5 < 3.70: kept
    assert segment_limits(values).screened == ()


# --- verdicts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        ("decrease", 300, Assurance.FAIL),
        ("decrease", 480, Assurance.PASS),
        ("decrease", 400, Assurance.INCONSISTENT),
        ("increase", 300, Assurance.PASS),
        ("increase", 480, Assurance.FAIL),
        ("increase", 400, Assurance.INCONSISTENT),
        ("neutral", 300, None),
        ("decrease", None, None),
    ],
)
def test_assurance_against_the_target(improvement, target, expected):
    assert xmr(ASB, improvement=improvement, target=target).assurance == expected


def test_variation_is_the_last_points_type():
    v = BASE.copy() + [200]
    assert xmr(v, improvement="increase").variation is Variation.IMPROVEMENT
    assert xmr(v, improvement="decrease").variation is Variation.CONCERN
    assert xmr(v, improvement="neutral").variation is Variation.NEUTRAL_HIGH
    assert xmr(BASE + [-10], improvement="neutral").variation is Variation.NEUTRAL_LOW
    assert xmr(v + [100], improvement="increase").variation is Variation.COMMON_CAUSE


def test_neutral_indicators_get_neutral_types():
    v = BASE[:10] + [130, 120, 110, 100, 90, 80, 70] + BASE[10:]
    r = xmr(v, improvement="neutral", target=50)
    assert {r.points[i].point_type for i in range(10, 17)} == {PointType.NEUTRAL_LOW}
    assert r.assurance is None


def test_fewer_than_13_points_are_provisional_without_verdicts():
    r = xmr(ASB[: MIN_POINTS - 1], improvement="decrease", target=300)
    assert r.provisional and r.current.upper_limit is not None
    assert r.variation is None and r.assurance is None
    assert r.as_dict()["provisional"] is True
    full = xmr(ASB[:MIN_POINTS], improvement="decrease", target=300)
    assert not full.provisional and full.variation is Variation.COMMON_CAUSE and full.assurance is Assurance.FAIL


def test_one_point_has_a_mean_but_no_limits():
    r = xmr([5], improvement="increase")
    assert r.current.mean == 5 and r.current.upper_limit is None
    assert r.points[0].rules == () and r.provisional


# --- rebasing at series breaks ---------------------------------------------------------------


def test_rebase_gives_each_segment_its_own_limits_and_rules():
    before = BASE[:14]
    after = [v + 100 for v in BASE]  # recording standards changed: everything up by 100
    one = xmr(before + after, improvement="decrease")
    assert Rule.RUN in one.points[-1].rules  # without the break, the new level looks like a shift
    r = xmr(before + after, [str(i) for i in range(34)], improvement="decrease", rebase_at=[14])
    assert [(s.start, s.end) for s in r.segments] == [(0, 14), (14, 34)]
    assert (r.segments[0].mean, r.segments[1].mean) == (100, 200)
    assert flagged(r) == {}
    assert r.points[20].segment == 1 and r.rebase_periods == ["14"]
    assert r.variation is Variation.COMMON_CAUSE
    data = r.as_dict()
    assert data["mean"] == 200 and [s["first_period"] for s in data["segments"]] == ["0", "14"]


def test_rules_do_not_reach_across_a_break():
    v = [90, 110] * 5 + [105, 105, 105, 105] + [205, 205, 205] + [190, 210] * 7
    r = xmr(v, improvement="increase", rebase_at=[14])
    assert all(Rule.RUN not in p.rules for p in r.points[:14])


def test_a_short_latest_segment_is_provisional():
    r = xmr(ASB + [500, 510, 490], improvement="decrease", target=300, rebase_at=[24])
    assert not r.segments[0].provisional and r.provisional
    assert r.variation is None and r.assurance is None


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="at least one value"):
        xmr([], improvement="increase")
    with pytest.raises(ValueError, match="value 2 is not a finite number"):
        xmr([1, float("nan")], improvement="increase")
    with pytest.raises(ValueError, match="3 periods for 2 values"):
        xmr([1, 2], ["a", "b", "c"], improvement="increase")
    with pytest.raises(ValueError):
        xmr([1, 2], improvement="sideways")


def test_describe_point_names_the_rule():
    v = BASE.copy()
    v[10] = 200
    r = xmr(v, [f"m{i}" for i in range(20)], improvement="decrease")
    assert describe_point(r.points[10]) == "m10: 200, outside the process limits (concern)"
    assert describe_point(r.points[0]) == "m0: 90, common cause"
    big = xmr([4810.0, 4900.5], improvement="neutral")
    assert describe_point(big.points[1]) == "2: 4,900.5, common cause"


def test_improvement_from_polarity():
    assert Improvement.from_polarity("lower") is Improvement.DECREASE
    assert Improvement.from_polarity("Higher") is Improvement.INCREASE
    assert Improvement.from_polarity("band") is Improvement.NEUTRAL
    assert Improvement.from_polarity("lower", rated=False) is Improvement.NEUTRAL


# --- properties -------------------------------------------------------------------------------

series = st.lists(st.integers(min_value=0, max_value=1000), min_size=2, max_size=40)


@settings(max_examples=150, deadline=None)
@given(series, st.integers(min_value=-500, max_value=500))
def test_shifting_every_value_shifts_the_limits_and_keeps_every_flag(values, shift):
    a = xmr(values, improvement="increase")
    b = xmr([v + shift for v in values], improvement="increase")
    assert b.current.mean == pytest.approx(a.current.mean + shift)
    assert b.current.upper_limit == pytest.approx(a.current.upper_limit + shift)
    assert [p.rules for p in a.points] == [p.rules for p in b.points]


@settings(max_examples=150, deadline=None)
@given(series)
def test_reversing_polarity_swaps_improvement_and_concern(values):
    up = xmr(values, improvement="increase")
    down = xmr(values, improvement="decrease")
    swap = {PointType.IMPROVEMENT: PointType.CONCERN, PointType.CONCERN: PointType.IMPROVEMENT, PointType.NONE: PointType.NONE}
    assert [swap[p.point_type] for p in up.points] == [p.point_type for p in down.points]


@settings(max_examples=150, deadline=None)
@given(series)
def test_limits_are_symmetric_and_screening_never_widens_them(values):
    screened, plain = segment_limits(values, screen=True), segment_limits(values, screen=False)
    assert screened.upper_limit - screened.mean == pytest.approx(screened.mean - screened.lower_limit)
    assert screened.mean_moving_range <= plain.mean_moving_range + 1e-9
    assert screened.lower_limit <= screened.lower_two_sigma <= screened.mean <= screened.upper_two_sigma <= screened.upper_limit


@settings(max_examples=150, deadline=None)
@given(series)
def test_every_flag_is_justified(values):
    r = xmr(values, improvement="increase")
    seg = r.current
    for p in r.points:
        if Rule.OUTSIDE_LIMITS in p.rules:
            assert p.value > seg.upper_limit or p.value < seg.lower_limit
        if Rule.TWO_OF_THREE in p.rules:
            assert seg.lower_limit <= p.value <= seg.upper_limit
            assert p.value > seg.upper_two_sigma or p.value < seg.lower_two_sigma
        if Rule.RUN in p.rules or Rule.TREND in p.rules:
            assert len(values) >= 7
    if seg.provisional:
        assert r.variation is None


@settings(max_examples=100, deadline=None)
@given(series, series)
def test_a_rebased_series_reads_as_its_parts_charted_alone(first, second):
    whole = xmr(first + second, improvement="decrease", target=500, rebase_at=[len(first)])
    a, b = xmr(first, improvement="decrease", target=500), xmr(second, improvement="decrease", target=500)
    assert [p.rules for p in whole.points] == [p.rules for p in a.points + b.points]
    assert whole.current.mean == pytest.approx(b.current.mean)
    assert (whole.variation, whole.assurance) == (b.variation, b.assurance)
