"""Tests for rules.direction: direction of travel judged by polarity."""

import math

import pytest

from rules.direction import Direction, direction
from rules.rating import Polarity, Target

BAND = Target(low=28, high=40)


@pytest.mark.parametrize(
    "current, previous, polarity, expected",
    [
        (90, 100, "lower", Direction.BETTER),  # a fall is better when lower is better
        (110, 100, "lower", Direction.WORSE),
        (100, 100, "lower", Direction.SAME),
        (110, 100, "higher", Direction.BETTER),
        (90, 100, "higher", Direction.WORSE),
        (100, 100, "higher", Direction.SAME),
        (0.1 + 0.2, 0.3, "lower", Direction.SAME),  # float noise is not a change
        (0.1 + 0.2, 0.3, "higher", Direction.SAME),
    ],
)
def test_direction_lower_higher(current, previous, polarity, expected):
    assert direction(current, previous, polarity) is expected


@pytest.mark.parametrize(
    "current, previous, expected",
    [
        (30, 20, Direction.BETTER),  # moved into the band
        (25, 20, Direction.BETTER),  # gap shrank from below
        (42, 50, Direction.BETTER),  # gap shrank from above
        (44, 20, Direction.BETTER),  # gap 4 vs 8, crossing sides
        (20, 30, Direction.WORSE),  # left the band
        (50, 42, Direction.WORSE),
        (20, 44, Direction.WORSE),
        (30, 39, Direction.SAME),  # both inside: no change in performance
        (28, 40, Direction.SAME),
        (20, 48, Direction.SAME),  # equal gaps on opposite sides
        (20, 20, Direction.SAME),
    ],
)
def test_direction_band(current, previous, expected):
    assert direction(current, previous, Polarity.BAND, BAND) is expected


@pytest.mark.parametrize(
    "current, previous, polarity, target",
    [
        (None, 1, "lower", None),
        (1, None, "higher", None),
        (None, None, "lower", None),
        (math.nan, 1, "lower", None),
        (1, math.nan, "higher", None),
        (None, 30, "band", BAND),
        (30, None, "band", BAND),
        (30, 20, "band", None),  # band bounds unknown
        (30, 20, "band", Target(low=28)),
        (30, 20, "band", Target(high=40)),
    ],
)
def test_direction_na(current, previous, polarity, target):
    assert direction(current, previous, polarity, target) is Direction.NA


def test_direction_ignores_target_for_lower_higher():
    assert direction(1, 2, "lower", Target(100)) is Direction.BETTER
    assert direction(1, 2, "higher", BAND) is Direction.WORSE


@pytest.mark.parametrize("text", ["better", "worse", "same", "n/a", "Better"])
def test_direction_enum_accepts_strings(text):
    assert Direction(text).value == text.lower()
