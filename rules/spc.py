"""Statistical process control: XmR charts read by NHS England's "Making Data Count" rules.

Pure standard-library code (no Dash, no database). Given a series of values in time order it
computes the process mean and limits, flags special-cause variation, types every point by the
indicator's polarity, and gives the variation and assurance verdicts that MDC shows as icons.

* Limits: mean ± 2.66 × mean moving range (the "2-sigma" lines at mean ± 2/3 × 2.66 × mean
  moving range). Moving ranges of 3.267 × the mean moving range or more are screened out and the
  mean moving range recomputed once, as NHSRplotthedots does by default; ``screen=False`` keeps
  them, as the MDC Excel tool does.
* Special-cause rules, in priority order (``RULES``): a point outside the limits; a trend of 7
  points (six consecutive increases or decreases, an equal value breaks it); two of three
  consecutive points beyond the same 2-sigma line, all three on that side of the mean (points
  outside the limits do not count towards it); a run of 7 points on one side of the mean (a
  point on the mean breaks it). Every point of a qualifying trend or run is flagged; for two of
  three, the points beyond the 2-sigma line are (as NHSRplotthedots does).
* A series can be rebased: each segment (from a series break to the next) has its own mean,
  limits and rules; no rule reaches across a break.
* A segment of fewer than ``MIN_POINTS`` (13) points has provisional limits; with a provisional
  latest segment there is no variation or assurance verdict.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rules.rating import fmt_number

LIMIT_FACTOR = 2.66  # 3 / d2 for moving ranges of two points (d2 = 1.128)
TWO_SIGMA_FACTOR = 2 * LIMIT_FACTOR / 3
SCREEN_FACTOR = 3.267  # D4 for n = 2: a moving range this large is itself out of control
MIN_POINTS = 13  # MDC: fewer points than this give provisional limits and no icons
RUN_LENGTH = 7  # points on one side of the mean
TREND_LENGTH = 7  # points, i.e. six consecutive increases or decreases


class Improvement(enum.StrEnum):
    """Which way is better for the indicator (NHSRplotthedots' ``improvement_direction``)."""

    INCREASE = "increase"
    DECREASE = "decrease"
    NEUTRAL = "neutral"  # context (demand) indicators: neither way is better

    @classmethod
    def from_polarity(cls, polarity: str, rated: bool = True) -> Improvement:
        """The cspdash polarity as an SPC direction: band and unrated indicators are neutral."""
        if not rated:
            return cls.NEUTRAL
        return {"lower": cls.DECREASE, "higher": cls.INCREASE}.get(str(polarity).strip().lower(), cls.NEUTRAL)


class Rule(enum.StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"
    RUN = "run"


RULES: tuple[Rule, ...] = (Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.TWO_OF_THREE, Rule.RUN)

RULE_WORDS = {
    Rule.OUTSIDE_LIMITS: "outside the process limits",
    Rule.TREND: "part of a trend of 7 rising or falling points",
    Rule.TWO_OF_THREE: "two of three points near a process limit",
    Rule.RUN: "part of a run of 7 points on one side of the mean",
}


class PointType(enum.StrEnum):
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"
    NONE = "none"


class Variation(enum.StrEnum):
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"
    COMMON_CAUSE = "common_cause"


class Assurance(enum.StrEnum):
    PASS = "pass"  # the whole process is on the good side of the target: it will meet it
    FAIL = "fail"  # the whole process is on the bad side: it will not meet it without change
    INCONSISTENT = "inconsistent"  # the target lies within the limits: sometimes met, sometimes not


VARIATION_WORDS = {
    Variation.IMPROVEMENT: "special cause: improvement",
    Variation.CONCERN: "special cause: concern",
    Variation.NEUTRAL_HIGH: "special cause: higher (neither better nor worse)",
    Variation.NEUTRAL_LOW: "special cause: lower (neither better nor worse)",
    Variation.COMMON_CAUSE: "common cause: no significant change",
}

ASSURANCE_WORDS = {
    Assurance.PASS: "will consistently meet the target",
    Assurance.FAIL: "will consistently miss the target",
    Assurance.INCONSISTENT: "will sometimes meet and sometimes miss the target",
}


@dataclass(frozen=True)
class Segment:
    """The limits of one baseline: points ``start`` to ``end - 1`` of the series."""

    start: int
    end: int
    mean: float
    mean_moving_range: float | None  # None with a single point
    lower_limit: float | None
    upper_limit: float | None
    lower_two_sigma: float | None
    upper_two_sigma: float | None
    screened: tuple[int, ...] = ()  # indices of points whose moving range was left out
    provisional: bool = True

    @property
    def size(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class SpcPoint:
    period: str
    value: float
    segment: int  # index into SpcResult.segments
    rules: tuple[Rule, ...]  # every rule that flags it, in priority order
    point_type: PointType

    @property
    def special_cause(self) -> Rule | None:
        """The highest-priority rule flagging the point; None for common cause."""
        return self.rules[0] if self.rules else None


@dataclass(frozen=True)
class SpcResult:
    improvement: Improvement
    target: float | None
    screen: bool
    points: list[SpcPoint]
    segments: list[Segment]
    variation: Variation | None
    assurance: Assurance | None
    rebase_periods: list[str] = field(default_factory=list)

    @property
    def current(self) -> Segment:
        """The latest baseline: the limits drawn now, and the one the verdicts read."""
        return self.segments[-1]

    @property
    def provisional(self) -> bool:
        return self.current.provisional

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of ``cspdash spc --format json`` (rounded for people)."""
        seg = self.current
        return {
            "mean": _round(seg.mean),
            "lower_limit": _round(seg.lower_limit),
            "upper_limit": _round(seg.upper_limit),
            "provisional": seg.provisional,
            "points": [
                {
                    "period": p.period,
                    "value": p.value,
                    "special_cause": None if p.special_cause is None else p.special_cause.value,
                    "rules": [r.value for r in p.rules],
                    "type": p.point_type.value,
                    "segment": p.segment,
                }
                for p in self.points
            ],
            "variation": None if self.variation is None else self.variation.value,
            "assurance": None if self.assurance is None else self.assurance.value,
            "improvement": self.improvement.value,
            "target": self.target,
            "screened": self.screen,
            "segments": [
                {
                    "first_period": self.points[s.start].period,
                    "last_period": self.points[s.end - 1].period,
                    "points": s.size,
                    "mean": _round(s.mean),
                    "mean_moving_range": _round(s.mean_moving_range),
                    "lower_limit": _round(s.lower_limit),
                    "upper_limit": _round(s.upper_limit),
                    "lower_two_sigma": _round(s.lower_two_sigma),
                    "upper_two_sigma": _round(s.upper_two_sigma),
                    "provisional": s.provisional,
                    "screened_periods": [self.points[i].period for i in s.screened],
                }
                for s in self.segments
            ],
            "rebase_periods": list(self.rebase_periods),
        }


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def _sign(x: float, eps: float) -> int:
    return 0 if abs(x) <= eps else (1 if x > 0 else -1)


def _eps(values: Sequence[float]) -> float:
    # Float slack so that a value equal to the mean (or an unchanged value) reads as equal.
    return 1e-9 * max([1.0, *(abs(v) for v in values)])


def segment_limits(values: Sequence[float], start: int = 0, screen: bool = True) -> Segment:
    """Mean, mean moving range and limits of ``values`` (one baseline starting at ``start``)."""
    n = len(values)
    if n == 0:
        raise ValueError("a segment needs at least one value")
    mean = math.fsum(values) / n
    provisional = n < MIN_POINTS
    if n < 2:
        return Segment(start, start + n, mean, None, None, None, None, None, (), provisional)
    ranges = [abs(values[i] - values[i - 1]) for i in range(1, n)]
    mr = math.fsum(ranges) / len(ranges)
    screened: tuple[int, ...] = ()
    if screen:
        # Once only, like NHSRplotthedots: drop ranges >= 3.267 × the mean and average the rest.
        kept = [r for r in ranges if r < SCREEN_FACTOR * mr]
        screened = tuple(start + i + 1 for i, r in enumerate(ranges) if r >= SCREEN_FACTOR * mr)
        if kept:
            mr = math.fsum(kept) / len(kept)
    return Segment(
        start=start,
        end=start + n,
        mean=mean,
        mean_moving_range=mr,
        lower_limit=mean - LIMIT_FACTOR * mr,
        upper_limit=mean + LIMIT_FACTOR * mr,
        lower_two_sigma=mean - TWO_SIGMA_FACTOR * mr,
        upper_two_sigma=mean + TWO_SIGMA_FACTOR * mr,
        screened=screened,
        provisional=provisional,
    )


def _segment_rules(values: Sequence[float], seg: Segment) -> list[dict[Rule, int]]:
    """For each point of one segment: {rule: direction (+1 high / -1 low)} for the rules flagging it."""
    n = len(values)
    eps = _eps([*values, seg.mean])
    flags: list[dict[Rule, int]] = [{} for _ in range(n)]
    side = [_sign(v - seg.mean, eps) for v in values]

    # 1. Outside the limits (strictly beyond, as NHSRplotthedots).
    outside = [0] * n
    if seg.upper_limit is not None and seg.lower_limit is not None:
        for i, v in enumerate(values):
            if v > seg.upper_limit + eps:
                outside[i] = 1
            elif v < seg.lower_limit - eps:
                outside[i] = -1
            if outside[i]:
                flags[i][Rule.OUTSIDE_LIMITS] = outside[i]

    # 2. Trend: TREND_LENGTH points each strictly above (below) the one before.
    steps = [_sign(values[i] - values[i - 1], eps) for i in range(1, n)]  # steps[i-1]: into point i
    for end in range(TREND_LENGTH - 1, n):
        window = steps[end - TREND_LENGTH + 1 : end]
        if window and all(s == window[0] != 0 for s in window):
            for i in range(end - TREND_LENGTH + 1, end + 1):
                flags[i][Rule.TREND] = window[0]

    # 3. Two of three consecutive points beyond the same 2-sigma line (inside the limits),
    #    all three on that side of the mean. The points beyond the line are flagged.
    if seg.upper_two_sigma is not None and seg.lower_two_sigma is not None:
        near = [0] * n
        for i, v in enumerate(values):
            if outside[i]:
                continue
            if v > seg.upper_two_sigma + eps:
                near[i] = 1
            elif v < seg.lower_two_sigma - eps:
                near[i] = -1
        for first in range(0, n - 2):
            trio = range(first, first + 3)
            for direction in (1, -1):
                if all(side[i] == direction for i in trio) and sum(near[i] == direction for i in trio) >= 2:
                    for i in trio:
                        if near[i] == direction:
                            flags[i][Rule.TWO_OF_THREE] = direction

    # 4. Run: RUN_LENGTH points on the same side of the mean (a point on the mean breaks it).
    for end in range(RUN_LENGTH - 1, n):
        window = side[end - RUN_LENGTH + 1 : end + 1]
        if window[0] != 0 and all(s == window[0] for s in window):
            for i in range(end - RUN_LENGTH + 1, end + 1):
                flags[i][Rule.RUN] = window[0]
    return flags


def _point_type(direction: int, improvement: Improvement) -> PointType:
    if improvement is Improvement.NEUTRAL:
        return PointType.NEUTRAL_HIGH if direction > 0 else PointType.NEUTRAL_LOW
    good = 1 if improvement is Improvement.INCREASE else -1
    return PointType.IMPROVEMENT if direction == good else PointType.CONCERN


def assurance(segment: Segment, target: float | None, improvement: Improvement) -> Assurance | None:
    """Pass when the whole process is on the good side of the target, fail on the bad side,
    inconsistent when the target lies between the limits (as NHSRplotthedots compares)."""
    if target is None or improvement is Improvement.NEUTRAL or segment.upper_limit is None or segment.lower_limit is None:
        return None
    if target > segment.upper_limit:
        return Assurance.FAIL if improvement is Improvement.INCREASE else Assurance.PASS
    if target < segment.lower_limit:
        return Assurance.PASS if improvement is Improvement.INCREASE else Assurance.FAIL
    return Assurance.INCONSISTENT


def xmr(
    values: Sequence[float],
    periods: Sequence[str] | None = None,
    *,
    improvement: Improvement | str,
    target: float | None = None,
    screen: bool = True,
    rebase_at: Iterable[int] = (),
) -> SpcResult:
    """An XmR chart of ``values`` (in time order) with Making Data Count's rules.

    ``periods`` label the points (default "1", "2", …). ``rebase_at`` are indices of points that
    start a new baseline (a series break); each segment gets its own mean and limits and the rules
    run within it. ``variation`` is the last point's type (``common_cause`` when it has none) and
    ``assurance`` compares ``target`` with the latest limits; both are None when the latest
    segment is provisional (fewer than 13 points).
    """
    improvement = Improvement(improvement)
    values = [float(v) for v in values]
    if not values:
        raise ValueError("an XmR chart needs at least one value")
    bad = [i for i, v in enumerate(values) if not math.isfinite(v)]
    if bad:
        raise ValueError(f"value {bad[0] + 1} is not a finite number")
    labels = [str(p) for p in periods] if periods is not None else [str(i + 1) for i in range(len(values))]
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} periods for {len(values)} values")
    if target is not None and not math.isfinite(target):
        raise ValueError("target must be a finite number")

    cuts = sorted({i for i in rebase_at if 0 < i < len(values)})
    bounds = [0, *cuts, len(values)]
    segments: list[Segment] = []
    points: list[SpcPoint] = []
    for number, (start, end) in enumerate(zip(bounds, bounds[1:])):
        part = values[start:end]
        seg = segment_limits(part, start, screen)
        segments.append(seg)
        for offset, rules in enumerate(_segment_rules(part, seg)):
            ordered = tuple(r for r in RULES if r in rules)
            kind = _point_type(rules[ordered[0]], improvement) if ordered else PointType.NONE
            points.append(SpcPoint(labels[start + offset], part[offset], number, ordered, kind))

    current = segments[-1]
    if current.provisional:
        variation, verdict = None, None
    else:
        last = points[-1].point_type
        variation = Variation.COMMON_CAUSE if last is PointType.NONE else Variation(last.value)
        verdict = assurance(current, target, improvement)
    return SpcResult(
        improvement=improvement,
        target=target,
        screen=screen,
        points=points,
        segments=segments,
        variation=variation,
        assurance=verdict,
        rebase_periods=[labels[i] for i in cuts],
    )


def describe_point(point: SpcPoint) -> str:
    """Words for a flagged point, for text beside the chart: "2016-05: 437, outside the process limits (concern)"."""
    value = fmt_number(round(point.value, 2))
    if not point.rules:
        return f"{point.period}: {value}, common cause"
    reasons = "; ".join(RULE_WORDS[r] for r in point.rules)
    return f"{point.period}: {value}, {reasons} ({point.point_type.value.replace('_', ' ')})"


__all__ = [
    "ASSURANCE_WORDS",
    "Assurance",
    "Improvement",
    "MIN_POINTS",
    "PointType",
    "RULES",
    "RULE_WORDS",
    "Rule",
    "Segment",
    "SpcPoint",
    "SpcResult",
    "VARIATION_WORDS",
    "Variation",
    "assurance",
    "describe_point",
    "segment_limits",
    "xmr",
]
