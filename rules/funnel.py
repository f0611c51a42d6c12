"""Funnel plot limits for rates per 1,000 residents (issue 21 part 4): exact Poisson control
limits around a national rate, with the population as the exposure. No files, no database.

The limits for an area of ``population`` residents are the exact (Garwood) Poisson limits for
its expected count ``E = national rate × population``, written with chi-square quantiles:

    lower = chi2.ppf(a / 2, 2E) / 2        upper = chi2.ppf(1 - a / 2, 2(E + 1)) / 2

then divided by the population (× 1,000). This is the count-based funnel of Spiegelhalter,
"Funnel plots for comparing institutional performance", Statistics in Medicine 24 (2005)
1185–1202, with the exact Poisson limits of Public Health England's "Technical Guide:
Confidence Intervals" (2018, after Garwood 1936 and Breslow & Day 1987). ``a`` is 0.05 for the
95% limits and 0.002 for the 99.8% ones (about 2 and 3 standard deviations). No
overdispersion adjustment is made: between-area variation beyond Poisson noise shows as
points outside the limits, and the chart says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

from scipy.special import gammaincinv

PER = 1000.0  # rates per 1,000 residents
LEVELS = (0.95, 0.998)  # the two pairs of limits drawn
LIMIT_WORDS = {0.95: "95%", 0.998: "99.8%"}


def poisson_limits(expected: float, level: float) -> tuple[float, float]:
    """(lower, upper) exact Poisson limits of a count whose expected value is ``expected``, at
    ``level`` (0.95, 0.998). The lower limit of an expected count of zero is zero."""
    if expected < 0 or not math.isfinite(expected):
        raise ValueError(f"an expected count must be zero or more, not {expected!r}")
    if not 0 < level < 1:
        raise ValueError(f"a limit's level must be between 0 and 1, not {level!r}")
    tail = (1 - level) / 2
    # chi2.ppf(p, 2k) / 2 is the gamma quantile of shape k: the same number, computed directly
    # (scipy.stats' ppf costs ~2 ms a call in argument checks; a funnel needs hundreds).
    lower = float(gammaincinv(expected, tail)) if expected > 0 else 0.0
    upper = float(gammaincinv(expected + 1, 1 - tail))
    return lower, upper


def rate_limits(national_rate: float, population: float, level: float) -> tuple[float, float]:
    """(lower, upper) limits of a rate per 1,000 for an area of ``population`` residents whose
    true rate is the national one (``national_rate`` per 1,000)."""
    if population <= 0:
        raise ValueError(f"a population must be more than zero, not {population!r}")
    lower, upper = poisson_limits(national_rate * population / PER, level)
    return lower * PER / population, upper * PER / population


class Position(Enum):
    """Where a point sits against the limits, from highest to lowest."""

    ABOVE_998 = "above the 99.8% limit"
    ABOVE_95 = "above the 95% limit"
    WITHIN = "within the 95% limits"
    BELOW_95 = "below the 95% limit"
    BELOW_998 = "below the 99.8% limit"

    @property
    def outside(self) -> bool:
        return self is not Position.WITHIN


def position_of(rate: float, national_rate: float, population: float) -> Position:
    """Where an area's ``rate`` sits against the limits for its population. A point on a limit
    counts as within it (the limits are the edge of what chance alone gives)."""
    low95, high95 = rate_limits(national_rate, population, 0.95)
    low998, high998 = rate_limits(national_rate, population, 0.998)
    if rate > high998:
        return Position.ABOVE_998
    if rate > high95:
        return Position.ABOVE_95
    if rate < low998:
        return Position.BELOW_998
    if rate < low95:
        return Position.BELOW_95
    return Position.WITHIN


@dataclass(frozen=True)
class LimitCurve:
    """One pair of limits drawn across the populations shown."""

    level: float
    populations: list[float]
    lower: list[float]
    upper: list[float]

    @property
    def words(self) -> str:
        return LIMIT_WORDS.get(self.level, f"{self.level:.1%}")


def limit_curves(national_rate: float, smallest: float, largest: float, steps: int = 120) -> list[LimitCurve]:
    """The 95% and 99.8% limits from ``smallest`` to ``largest`` residents, on steps evenly
    spaced on a log scale (the funnel narrows fastest at small populations)."""
    if smallest <= 0 or largest < smallest:
        raise ValueError(f"populations must run from more than zero upwards, not {smallest!r} to {largest!r}")
    low, high = math.log(smallest), math.log(largest)
    populations = [math.exp(low + (high - low) * i / (steps - 1)) for i in range(steps)] if high > low else [smallest]
    curves = []
    for level in LEVELS:
        pairs = [rate_limits(national_rate, p, level) for p in populations]
        curves.append(LimitCurve(level, populations, [lo for lo, _ in pairs], [hi for _, hi in pairs]))
    return curves


def position_counts(positions: list[Position]) -> dict[Position, int]:
    """How many points sit in each position, every position listed (zero when none)."""
    return {p: sum(1 for q in positions if q is p) for p in Position}
