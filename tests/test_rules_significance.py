"""Significance of direction of travel (rules/significance.py)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from rules.significance import compare_counts, compare_proportions, format_p, significance_cell


def test_the_demo_asb_rise_is_a_real_change():
    t = compare_counts(4810, 3810)
    assert t.test == "poisson" and t.significant and t.p_value < 1e-6
    assert t.ratio == pytest.approx(4810 / 3810)
    assert t.ci_low < t.ratio < t.ci_high and t.ci_low > 1
    assert significance_cell(t) == "yes" and t.words == "a real change"


def test_a_small_fall_is_within_normal_variation():
    t = compare_counts(4355, 4470)  # demo crime, Q3 on Q2 2016/17
    assert not t.significant and 0.2 < t.p_value < 0.25
    assert t.ci_low < 1 < t.ci_high
    assert significance_cell(t) == "no" and t.words == "within normal variation"
    assert t.describe() == "p = 0.221; ratio 0.97 (95% CI 0.93 to 1.02)"


def test_equal_counts_give_p_of_one():
    assert compare_counts(120, 120).p_value == pytest.approx(1.0)


def test_large_counts_agree_with_the_exact_conditional_test():
    # For large counts the E-test and the exact binomial split give nearly the same answer.
    k1, k0 = 1300, 1200
    exact = stats.binomtest(k1, k1 + k0, 0.5).pvalue
    assert compare_counts(k1, k0).p_value == pytest.approx(exact, rel=0.1)
    assert compare_counts(k1, k0).method == "E-test"


def test_very_large_counts_use_the_exact_conditional_test():
    # London-level totals: the E-test would take seconds; the exact conditional test does not.
    t = compare_counts(130_000, 125_000)
    assert t.method == "exact conditional" and t.significant
    assert t.p_value == pytest.approx(stats.binomtest(130_000, 255_000, 0.5).pvalue)
    assert t.ci_low < 1.04 < t.ci_high
    near = compare_counts(5_100, 5_000)  # just above the switch: both tests give ~0.32
    assert near.method == "exact conditional"
    assert near.p_value == pytest.approx(stats.poisson_means_test(5_100, 1, 5_000, 1).pvalue, rel=0.05)


def test_no_test_without_two_whole_counts():
    assert compare_counts(None, 10) is None
    assert compare_counts(10, None) is None
    assert compare_counts(0, 0) is None
    assert compare_counts(10.5, 10) is None  # an average, not a count
    assert compare_counts(-1, 10) is None
    assert significance_cell(None) == ""


def test_a_zero_previous_count_has_an_open_interval():
    t = compare_counts(3, 0)
    assert t.ratio is None and math.isinf(t.ci_high)
    assert t.as_dict()["ci_high"] is None
    assert t.describe() == "p = 0.088"


def test_exposure_ratio_scales_the_rate():
    # 20 in two quarters against 10 in one: the same rate.
    t = compare_counts(20, 10, exposure_ratio=2.0)
    assert t.ratio == pytest.approx(1.0) and t.p_value > 0.9


def test_two_proportions_matches_the_pooled_z_test():
    t = compare_proportions(30, 100, 60, 100)
    pooled = 0.45
    z = (0.3 - 0.6) / math.sqrt(pooled * (1 - pooled) * (2 / 100))
    assert t.test == "two_proportions"
    assert t.p_value == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert t.ratio == pytest.approx(0.5)
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 60 - 1 / 100)
    assert t.ci_low == pytest.approx(0.5 * math.exp(-1.959964 * se), rel=1e-5)
    assert t.significant


def test_marac_repeat_rates_within_normal_variation():
    t = compare_proportions(13, 45, 10, 44)
    assert not t.significant and t.ci_low < 1 < t.ci_high


def test_no_proportion_test_where_it_cannot_apply():
    assert compare_proportions(None, 10, 1, 10) is None
    assert compare_proportions(1, 0, 1, 10) is None
    assert compare_proportions(11, 10, 1, 10) is None
    assert compare_proportions(0, 10, 0, 20) is None  # no variance
    zero = compare_proportions(0, 50, 10, 50)
    assert zero.ratio == 0.0 and zero.ci_low is None and zero.significant


def test_format_p():
    assert format_p(0.0004) == "< 0.001" and format_p(0.0412) == "= 0.041"


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 3000), st.integers(0, 3000))
def test_count_test_is_symmetric_and_its_interval_holds_the_ratio(a, b):
    t = compare_counts(a, b)
    if a + b == 0:
        assert t is None
        return
    assert 0 <= t.p_value <= 1
    assert compare_counts(b, a).p_value == pytest.approx(t.p_value, abs=1e-9)
    if t.ratio is not None:
        assert t.ci_low <= t.ratio <= t.ci_high


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 500), st.integers(0, 500), st.integers(1, 500), st.integers(0, 500))
def test_proportion_test_is_symmetric(n1, x1, n0, x0):
    x1, x0 = min(x1, n1), min(x0, n0)
    t, back = compare_proportions(x1, n1, x0, n0), compare_proportions(x0, n0, x1, n1)
    assert (t is None) == (back is None)
    if t is not None:
        assert t.p_value == pytest.approx(back.p_value)
