"""Funnel plot limits (issue 21 part 4) against worked values: the exact (Garwood) Poisson
limits published in tables, and the ones that have a closed form."""

from __future__ import annotations

import math

import pytest

from rules.funnel import Position, limit_curves, poisson_limits, position_counts, position_of, rate_limits


@pytest.mark.parametrize(
    ("expected", "lower", "upper"),
    [(1, 0.0253, 5.5716), (5, 1.6235, 11.6683), (10, 4.7954, 18.3904)],  # Garwood's exact 95% limits
)
def test_funnel_95_limits_are_garwoods_exact_poisson_limits(expected, lower, upper):
    low, high = poisson_limits(expected, 0.95)
    assert low == pytest.approx(lower, abs=5e-5) and high == pytest.approx(upper, abs=5e-5)


def test_funnel_limits_with_a_closed_form():
    # P(X = 0) = exp(-u) = 0.025 at the upper limit of an expected count of 0; its lower limit is 0
    assert poisson_limits(0, 0.95) == (0.0, pytest.approx(-math.log(0.025)))
    # for an expected count of 1, the lower limit l has P(X >= 1) = 1 - exp(-l) = 0.001
    assert poisson_limits(1, 0.998)[0] == pytest.approx(-math.log(0.999))
    # the 99.8% limits lie outside the 95% ones
    (l95, u95), (l998, u998) = poisson_limits(250.5, 0.95), poisson_limits(250.5, 0.998)
    assert l998 < l95 < 250.5 < u95 < u998


def test_funnel_rate_limits_per_1000_and_positions_in_words():
    # 60 per 1,000 in 10,000 residents: an expected 600 crimes, 95% limits 553.1 to 650.0
    low, high = rate_limits(60.0, 10_000, 0.95)
    assert low == pytest.approx(poisson_limits(600, 0.95)[0] / 10) and high == pytest.approx(poisson_limits(600, 0.95)[1] / 10)
    assert 55.2 < low < 55.4 and 64.9 < high < 65.1
    assert position_of(60.0, 60.0, 10_000) is Position.WITHIN
    assert position_of(66.0, 60.0, 10_000) is Position.ABOVE_95
    assert position_of(70.0, 60.0, 10_000) is Position.ABOVE_998
    assert position_of(54.0, 60.0, 10_000) is Position.BELOW_95
    assert position_of(50.0, 60.0, 10_000) is Position.BELOW_998
    assert Position.ABOVE_998.value == "above the 99.8% limit" and not Position.WITHIN.outside


def test_funnel_curves_narrow_as_the_population_grows():
    curves = limit_curves(60.0, 50_000, 1_000_000, steps=5)
    assert [c.words for c in curves] == ["95%", "99.8%"]
    for curve in curves:
        widths = [hi - lo for lo, hi in zip(curve.lower, curve.upper)]
        assert widths == sorted(widths, reverse=True)
        assert curve.populations[0] == pytest.approx(50_000) and curve.populations[-1] == pytest.approx(1_000_000)
    counts = position_counts([Position.WITHIN, Position.WITHIN, Position.ABOVE_95])
    assert counts[Position.WITHIN] == 2 and counts[Position.BELOW_998] == 0


def test_funnel_refuses_what_has_no_limits():
    with pytest.raises(ValueError, match="population"):
        rate_limits(60.0, 0, 0.95)
    with pytest.raises(ValueError, match="expected count"):
        poisson_limits(-1, 0.95)


def test_funnel_gamma_quantiles_equal_the_chi_square_form():
    from scipy.stats import chi2

    for expected in (0.5, 3, 47.2, 1234.0):
        for level in (0.95, 0.998):
            tail = (1 - level) / 2
            low, high = poisson_limits(expected, level)
            assert low == pytest.approx(chi2.ppf(tail, 2 * expected) / 2, rel=1e-9)
            assert high == pytest.approx(chi2.ppf(1 - tail, 2 * (expected + 1)) / 2, rel=1e-9)
