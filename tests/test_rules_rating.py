"""Tests for rules.rating: every branch of the Havering RAG rules."""

import math

import pytest

from rules.rating import (
    Polarity,
    Rating,
    RatingResult,
    Target,
    ToleranceType,
    fmt_number,
    gap,
    is_better,
    rate,
    target_problems,
    tolerance_units,
)

L, H, B = Polarity.LOWER, Polarity.HIGHER, Polarity.BAND
PCT = ToleranceType.PCT
BAND = Target(low=28, high=40, tolerance=3)


# --- the worked Havering examples -------------------------------------------------


def test_rating_havering_tno_is_red():
    result = rate(13143, "lower", Target(12400, tolerance=2.5, tolerance_type="pct"), 12573)
    assert result.rating is Rating.RED
    assert result.gap == 743
    assert result.tolerance == pytest.approx(310)
    assert result.no_comparator is False
    assert result.reason == (
        "743 above target, more than the tolerance of 310, and worse than the same period last year (12,573)"
    )


def test_rating_havering_repeat_marac_is_green():
    result = rate(28.8, "band", BAND, 30)
    assert result.rating is Rating.GREEN
    assert result.gap == 0


# --- Green ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual, polarity, target",
    [
        (100, L, Target(100)),  # on target
        (90, L, Target(100)),  # better than target
        (105, L, Target(100, tolerance=5)),  # within abs tolerance, exactly at edge
        (103, L, Target(100, tolerance=5)),  # within abs tolerance
        (100, H, Target(100)),
        (110, H, Target(100)),
        (95, H, Target(100, tolerance=5)),  # higher mirrors lower
        (97, H, Target(100, tolerance=5)),
        (12710, L, Target(12400, tolerance=2.5, tolerance_type=PCT)),  # pct edge: 310
        (12090, H, Target(12400, tolerance=2.5, tolerance_type=PCT)),
        (0.3, L, Target(0.1, tolerance=0.2)),  # float edge: 0.3 - 0.1 != 0.2 exactly
        (0.7, L, Target(0.1, tolerance=0.6)),
        (0.1, H, Target(0.7, tolerance=0.6)),
        (55.3, L, Target(50.1, tolerance=5.2)),  # percentage points
        (-5, L, Target(-10, tolerance=50, tolerance_type=PCT)),  # pct of |target|
    ],
)
def test_rating_green(actual, polarity, target):
    result = rate(actual, polarity, target, comparator=None)
    assert result.rating is Rating.GREEN
    assert result.no_comparator is False


@pytest.mark.parametrize(
    "actual, target",
    [
        (28, BAND),  # low edge
        (40, BAND),  # high edge
        (34, BAND),  # middle
        (25, BAND),  # below by exactly the tolerance
        (43, BAND),  # above by exactly the tolerance
        (26.6, Target(low=28, high=40, tolerance=5, tolerance_type=PCT)),  # 5% of 28 = 1.4
        (42, Target(low=28, high=40, tolerance=5, tolerance_type=PCT)),  # 5% of 40 = 2
        (5, Target(low=5, high=5)),  # degenerate band
    ],
)
def test_rating_band_green(actual, target):
    assert rate(actual, B, target, comparator=None).rating is Rating.GREEN


def test_rating_band_pct_uses_nearer_bound():
    target = Target(low=28, high=40, tolerance=5, tolerance_type=PCT)
    # 42.5 is 2.5 above: 5% of the high bound (2.0) would fail, 5% of low (1.4) too.
    assert rate(42.5, B, target, None).rating is Rating.RED
    # 26.5 is 1.5 below: within 5% of high (2.0) but not of the nearer low bound (1.4).
    assert rate(26.5, B, target, None).rating is Rating.RED
    # 41.9 is 1.9 above: more than 5% of low (1.4) but within 5% of the nearer high (2.0).
    assert rate(41.9, B, target, None).rating is Rating.GREEN


# --- Amber / Red ------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual, polarity, target, comparator, expected",
    [
        (120, L, Target(100, tolerance=5), 130, Rating.AMBER),  # improved
        (120, L, Target(100, tolerance=5), 120, Rating.AMBER),  # maintained
        (120, L, Target(100, tolerance=5), 110, Rating.RED),  # worse
        (80, H, Target(100, tolerance=5), 70, Rating.AMBER),  # higher mirrors
        (80, H, Target(100, tolerance=5), 80, Rating.AMBER),
        (80, H, Target(100, tolerance=5), 90, Rating.RED),
        (0.3, L, Target(0.0), 0.1 + 0.2, Rating.AMBER),  # maintained despite float noise
        (13143, L, Target(12400, tolerance=2.5, tolerance_type=PCT), 13200, Rating.AMBER),
        (20, B, BAND, 18, Rating.AMBER),  # band: smaller gap than before
        (20, B, BAND, 20, Rating.AMBER),  # band: same gap
        (20, B, BAND, 48, Rating.AMBER),  # band: gap 8 both sides counts as maintained
        (20, B, BAND, 22, Rating.RED),  # band: bigger gap
        (20, B, BAND, 30, Rating.RED),  # band: was inside the band
        (45, B, BAND, 19, Rating.AMBER),  # gap 5 vs 9 on the other side
        (45, B, BAND, 44, Rating.RED),
    ],
)
def test_rating_amber_or_red(actual, polarity, target, comparator, expected):
    result = rate(actual, polarity, target, comparator)
    assert result.rating is expected
    assert result.no_comparator is False


@pytest.mark.parametrize(
    "actual, polarity, target",
    [(120, L, Target(100)), (80, H, Target(100)), (20, B, BAND), (50, B, BAND)],
)
def test_rating_red_no_comparator(actual, polarity, target):
    result = rate(actual, polarity, target, comparator=None)
    assert result.rating is Rating.RED
    assert result.no_comparator is True
    assert "no value for the same period last year" in result.reason


def test_rating_nan_comparator_is_no_comparator():
    result = rate(120, L, Target(100), comparator=math.nan)
    assert (result.rating, result.no_comparator) == (Rating.RED, True)


def test_rating_just_outside_tolerance_is_not_green():
    assert rate(105.001, L, Target(100, tolerance=5), None).rating is Rating.RED


# --- Not rated / No data ----------------------------------------------------------


@pytest.mark.parametrize("actual", [None, 5, math.nan])
def test_rating_not_rated_flag_wins(actual):
    result = rate(actual, L, Target(100), 10, rated=False)
    assert result == RatingResult(Rating.NOT_RATED, None, None, reason="indicator is not rated")


@pytest.mark.parametrize(
    "polarity, target",
    [
        (L, None),
        (H, None),
        (B, None),
        (L, Target()),
        (H, Target(low=1, high=2)),
        (B, Target(10)),
        (B, Target(low=1)),
        (B, Target(high=1)),
        (L, Target(math.nan)),
    ],
)
def test_rating_not_rated_no_target(polarity, target):
    result = rate(50, polarity, target, 40)
    assert result.rating is Rating.NOT_RATED
    assert result.reason.startswith("no target for this period")


@pytest.mark.parametrize("actual", [None, math.nan])
@pytest.mark.parametrize("target", [Target(100), None])
def test_rating_no_data(actual, target):
    # No data is checked before the target: a rated indicator with no value is "No data".
    assert rate(actual, L, target, 10).rating is Rating.NO_DATA


# --- helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "actual, polarity, target, expected",
    [
        (110, L, Target(100), 10),
        (90, L, Target(100), -10),
        (110, H, Target(100), -10),
        (90, H, Target(100), 10),
        (20, B, BAND, 8),
        (45, B, BAND, 5),
        (30, B, BAND, 0),
    ],
)
def test_rating_gap(actual, polarity, target, expected):
    assert gap(actual, polarity, target) == expected


@pytest.mark.parametrize(
    "actual, polarity, target, expected",
    [
        (1, L, Target(100, tolerance=7), 7),
        (1, L, Target(12400, tolerance=2.5, tolerance_type=PCT), 310),
        (1, H, Target(-200, tolerance=10, tolerance_type=PCT), 20),
        (20, B, Target(low=28, high=40, tolerance=10, tolerance_type=PCT), 2.8),
        (45, B, Target(low=28, high=40, tolerance=10, tolerance_type=PCT), 4.0),
        (33, B, Target(low=28, high=40, tolerance=10, tolerance_type=PCT), 2.8),  # inside: nearer
        (36, B, Target(low=28, high=40, tolerance=10, tolerance_type=PCT), 4.0),
    ],
)
def test_rating_tolerance_units(actual, polarity, target, expected):
    assert tolerance_units(actual, polarity, target) == pytest.approx(expected)


@pytest.mark.parametrize(
    "current, previous, polarity, target, expected",
    [
        (1, 2, L, None, True),
        (2, 1, L, None, False),
        (2, 2, L, None, None),
        (1, 2, H, None, False),
        (2, 1, H, None, True),
        (30, 20, B, BAND, True),
        (20, 30, B, BAND, False),
        (30, 35, B, BAND, None),
        (44, 20, B, BAND, True),
    ],
)
def test_rating_is_better(current, previous, polarity, target, expected):
    assert is_better(current, previous, polarity, target) is expected


def test_rating_is_better_band_needs_bounds():
    with pytest.raises(ValueError):
        is_better(1, 2, B)


@pytest.mark.parametrize(
    "polarity, target, problems",
    [
        (L, Target(1), []),
        (B, BAND, []),
        (L, None, ["no target is set"]),
        (H, Target(), ["a higher-is-better indicator needs a target value"]),
        (B, Target(low=1), ["a band target needs a high bound"]),
        (B, Target(), ["a band target needs a low bound", "a band target needs a high bound"]),
    ],
)
def test_rating_target_problems(polarity, target, problems):
    assert target_problems(polarity, target) == problems


@pytest.mark.parametrize(
    "kwargs",
    [{"tolerance": -1}, {"tolerance": math.nan}, {"tolerance": math.inf}, {"low": 5, "high": 4}],
)
def test_rating_target_invalid(kwargs):
    with pytest.raises(ValueError):
        Target(**kwargs)


def test_rating_target_coerces_tolerance_type_and_nan():
    t = Target(math.nan, low=math.nan, tolerance_type="PCT")
    assert (t.target, t.low, t.tolerance_type) == (None, None, ToleranceType.PCT)


@pytest.mark.parametrize(
    "enum_cls, text, member",
    [
        (Polarity, "lower", L),
        (Polarity, "higher", H),
        (Polarity, "band", B),
        (Polarity, " Lower ", L),
        (Rating, "Green", Rating.GREEN),
        (Rating, "not rated", Rating.NOT_RATED),
        (Rating, "No data", Rating.NO_DATA),
        (ToleranceType, "pct", PCT),
    ],
)
def test_rating_enums_accept_strings(enum_cls, text, member):
    assert enum_cls(text) is member


def test_rating_enum_rejects_unknown():
    with pytest.raises(ValueError):
        Polarity("sideways")


@pytest.mark.parametrize(
    "value, text",
    [(12573, "12,573"), (310.0, "310"), (28.8, "28.8"), (1234.567, "1,234.57"), (0.001234, "0.00123"), (-743, "-743")],
)
def test_rating_fmt_number(value, text):
    assert fmt_number(value) == text


@pytest.mark.parametrize(
    "args, reason",
    [
        ((100, L, Target(100), None), "on target"),
        ((90, L, Target(100), None), "10 below target"),
        ((110, H, Target(100), None), "10 above target"),
        ((90, H, Target(100), 95), "10 below target, and worse than the same period last year (95)"),
        ((103, L, Target(100, tolerance=5), None), "3 above target, within the tolerance of 5"),
        ((30, B, BAND, None), "within the target band (28–40)"),
        (
            (20, B, BAND, 20),
            "8 below the target band (28–40), more than the tolerance of 3, and the same as the same period last year (20)",
        ),
        ((120, L, Target(100), 130), "20 above target, and better than the same period last year (130)"),
    ],
)
def test_rating_reason(args, reason):
    assert rate(*args).reason == reason


def test_rating_reason_custom_comparator_label():
    result = rate(120, L, Target(100), 110, comparator_label="the previous quarter")
    assert result.reason.endswith("worse than the previous quarter (110)")
