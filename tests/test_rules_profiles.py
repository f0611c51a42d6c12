"""An annual target spread by its profile (#22 part 1), exact on small fixtures: even, seasonal
(the last three complete years' months), custom (twelve shares summing to 1), quarter and
year-to-date targets, ratios not spread, and a hand-typed quarter winning."""

from __future__ import annotations

import pytest

from rules.profiles import (
    ProfileError,
    custom_shares,
    month_targets,
    quarter_shares,
    quarter_targets,
    seasonal_shares,
    shares_for,
)


def test_even_spreads_a_twelfth_a_month_so_each_quarter_is_a_quarter():
    shares = shares_for("even")
    assert quarter_targets(12_000, shares, "count", "quarter") == pytest.approx({1: 3000, 2: 3000, 3: 3000, 4: 3000})
    assert quarter_targets(12_000, shares, "count", "ytd") == pytest.approx({1: 3000, 2: 6000, 3: 9000, 4: 12_000})


def test_seasonal_takes_each_months_share_over_the_last_three_complete_years():
    # Three years, newest first; a fourth (older) year is ignored.
    a = [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]  # total 300
    b = [20] * 12  # 240
    c = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]  # 60
    old = [1000] + [0] * 11
    shares = seasonal_shares([a, b, c, old])
    total = 600
    assert shares[0] == pytest.approx((10 + 20 + 5) / total)
    assert shares[11] == pytest.approx((40 + 20 + 5) / total)
    assert quarter_shares(shares) == pytest.approx([105 / 600, 135 / 600, 165 / 600, 195 / 600])
    assert quarter_targets(6000, shares, "count", "quarter") == pytest.approx({1: 1050, 2: 1350, 3: 1650, 4: 1950})
    assert quarter_targets(6000, shares, "count", "ytd") == pytest.approx({1: 1050, 2: 2400, 3: 4050, 4: 6000})


def test_seasonal_needs_three_complete_years_and_says_how_many_are_held():
    with pytest.raises(ProfileError, match="needs 3 complete years of monthly figures; 2 are held"):
        seasonal_shares([[1] * 12, [1] * 12, [1] * 11])


def test_custom_takes_twelve_shares_that_sum_to_one():
    shares = custom_shares([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.1, 0.1, 0.1, 0.0833, 0.0833, 0.0834])
    assert quarter_targets(1000, shares, "count", "quarter") == pytest.approx({1: 300, 2: 150, 3: 300, 4: 250})
    assert sum(quarter_targets(1000, shares, "count", "quarter").values()) == pytest.approx(1000)


@pytest.mark.parametrize(
    ("shares", "why"),
    [
        ([0.1] * 11, "needs 12 monthly shares (April to March), not 11"),
        ([0.1] * 12, "the 12 shares sum to 1.2, not 1"),
        ([-0.1] + [1.1 / 11] * 11, "month 1's share -0.1 is not a number from 0 to 1"),
    ],
)
def test_a_custom_profile_that_cannot_spread_the_target_says_why(shares, why):
    with pytest.raises(ProfileError, match=why.replace("(", r"\(").replace(")", r"\)")):
        custom_shares(shares)


def test_a_percentage_or_rate_is_not_spread():
    shares = custom_shares([0.5] + [0.5 / 11] * 11)
    assert quarter_targets(30.0, shares, "percent", "quarter") == {1: 30.0, 2: 30.0, 3: 30.0, 4: 30.0}
    assert month_targets(30.0, shares, "rate") == [30.0] * 12


def test_a_hand_typed_quarter_target_wins_for_its_quarter():
    derived = quarter_targets(12_000, shares_for("even"), "count", "quarter", hand_typed={3: 2500})
    assert derived == pytest.approx({1: 3000, 2: 3000, 3: 2500, 4: 3000})


def test_month_targets_for_spc_follow_the_profile():
    shares = seasonal_shares([[10] * 6 + [30] * 6] * 3)
    assert month_targets(2400, shares, "count") == pytest.approx([100] * 6 + [300] * 6)
