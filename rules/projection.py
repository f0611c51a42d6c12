"""A projected year end: where the year to date is heading by March, and whether that meets the
year-end target.

The council's seasonal ratio: the year to date times the last complete year's full-year total
over its total to the same point. Its interval is the lowest and highest projection the same
ratio gives in each of the last five complete years held (at least three); with fewer than three
such years, the remaining months' projected count r gives the year to date + r ± 1.2816·√r (an
80% interval, the normal approximation to a Poisson count). A percentage or rate projects its
numerator and denominator, each by its own ratio, and divides: never a projection of the ratio.

Pure code: callers hand over the year to date and the earlier years' figures (``EarlierYear``).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rules.rating import Polarity, Target, gap, target_problems, tolerance_units
from rules.ratios import PERCENT_SCALE, PeriodValue, ratio_scale

# The z of a two-sided 80% interval: 10% either side.
Z80 = 1.2816
# Five complete years give the range; three is the fewest a range is worth stating from.
YEARS_FOR_RANGE = 5
FEWEST_YEARS_FOR_RANGE = 3
FEWEST_MONTHS = 3


class OnTrack(enum.StrEnum):
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    OFF_TRACK = "off track"
    NOT_JUDGED = "not judged"


# A mark beside every word, so the state never rests on colour alone (glyphs the packs' font
# has: a PDF would print ✓ and ✗ as empty boxes).
ON_TRACK_MARK = {
    OnTrack.ON_TRACK: "+",
    OnTrack.AT_RISK: "!",
    OnTrack.OFF_TRACK: "×",
    OnTrack.NOT_JUDGED: "–",
}

METHOD_RANGE = "seasonal ratio; range from earlier years"
METHOD_POISSON = "seasonal ratio; 80% Poisson interval"


@dataclass(frozen=True)
class EarlierYear:
    """One complete earlier year: its year to date at the same quarter and its full year."""

    label: str  # "2015/16"
    to_point: PeriodValue
    full_year: PeriodValue


@dataclass(frozen=True)
class Projection:
    """The projected year end, or none and why not (``reason``)."""

    value: float | None = None
    low: float | None = None
    high: float | None = None
    method: str = ""
    reason: str = ""  # why there is no projection (or why it is not judged)
    arithmetic: str = ""  # the sum behind the figure, in words
    on_track: OnTrack | None = None
    on_track_reason: str = ""
    target: float | None = None  # the year-end target judged against, where there is one
    target_edge: float | None = None  # the target's far side of its tolerance (still on target up to)

    @property
    def made(self) -> bool:
        return self.value is not None


def _ratio(full: float, to_point: float) -> float | None:
    """The seasonal ratio; None where the earlier year had nothing to the point (no ratio)."""
    return full / to_point if to_point else None


def _num(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _count_projection(ytd: float, years: list[EarlierYear], what: str = "") -> tuple[float, float, float, str, str, float] | str:
    """(point, low, high, method, arithmetic, remaining) for a count, or why not."""
    # Any: a part is float | None, but callers pass only years whose parts are both set.
    pick: Callable[[PeriodValue], Any] = (
        (lambda v: v.numerator)
        if what == "numerator"
        else (lambda v: v.denominator)
        if what == "denominator"
        else (lambda v: v.value)
    )
    ratios = [(y, r) for y in years if (r := _ratio(pick(y.full_year), pick(y.to_point))) is not None]
    if not ratios:
        return "no complete earlier year with a figure to the same point gives a seasonal ratio"
    latest, ratio = ratios[0]
    point = ytd * ratio
    remaining = point - ytd
    arithmetic = (
        f"{_num(ytd)} × {_num(pick(latest.full_year))} ÷ {_num(pick(latest.to_point))} "
        f"({latest.label}'s full year over its total to the same point) = {_num(round(point, 1))}"
    )
    used = ratios[:YEARS_FOR_RANGE]
    if len(used) >= FEWEST_YEARS_FOR_RANGE:
        each = [ytd * r for _, r in used]
        labels = ", ".join(y.label for y, _ in used)
        arithmetic += f"; range from the same ratio in {labels}: {_num(round(min(each), 1))} to {_num(round(max(each), 1))}"
        return point, min(each), max(each), f"{METHOD_RANGE} ({len(used)} years)", arithmetic, remaining
    r = max(remaining, 0.0)
    half = Z80 * math.sqrt(r)
    # The year end cannot fall below what is already counted.
    low, high = max(ytd + r - half, ytd), ytd + r + half
    arithmetic += (
        f"; only {len(used)} complete earlier year{'s' if len(used) != 1 else ''}, so the remaining months' "
        f"{_num(round(r, 1))} ± 1.2816 × √{_num(round(r, 1))}: {_num(round(low, 1))} to {_num(round(high, 1))}"
    )
    return point, low, high, METHOD_POISSON, arithmetic, r


def project(unit: str, quarter: int, months_held: int, ytd: PeriodValue | None, years: list[EarlierYear]) -> Projection:
    """Project the year end from the year to date at Q``quarter`` (``months_held`` months of it
    held) with ``years``, the complete earlier years newest first."""
    if quarter >= 4:
        return Projection(reason="no projection in Q4: the year to date is the year end")
    if ytd is None:
        return Projection(reason="no projection: no year-to-date figure")
    if months_held < FEWEST_MONTHS:
        return Projection(
            reason=f"no projection: only {months_held} month{'s' if months_held != 1 else ''} of the year held (at least {FEWEST_MONTHS} needed)"
        )
    if unit == "count":
        made = _count_projection(ytd.value, years)
        if isinstance(made, str):
            return Projection(reason=f"no projection: {made}")
        point, low, high, method, arithmetic, _ = made
        return Projection(point, low, high, method, arithmetic=arithmetic)
    return _ratio_projection(unit, ytd, years)


def _ratio_projection(unit: str, ytd: PeriodValue, years: list[EarlierYear]) -> Projection:
    """A percentage or rate: the numerator and denominator projected, then divided."""
    if not ytd.has_parts:
        return Projection(reason="no projection: the year to date has no numerator and denominator")
    scale = PERCENT_SCALE if unit == "percent" else ratio_scale(ytd)
    if scale is None:
        return Projection(reason="no projection: the rate's scale cannot be read from a zero numerator")
    years = [y for y in years if y.to_point.has_parts and y.full_year.has_parts]
    num = _count_projection(ytd.numerator, years, "numerator")  # type: ignore[arg-type]
    den = _count_projection(ytd.denominator, years, "denominator")  # type: ignore[arg-type]
    if isinstance(num, str) or isinstance(den, str):
        return Projection(reason=f"no projection: {num if isinstance(num, str) else den}")
    n_point, n_low, n_high, method, n_sum, _ = num
    d_point, _, _, _, d_sum, _ = den
    value = scale * n_point / d_point
    if method.startswith(METHOD_RANGE):
        each = [
            scale
            * (ytd.numerator * y.full_year.numerator / y.to_point.numerator)  # type: ignore[operator]
            / (ytd.denominator * y.full_year.denominator / y.to_point.denominator)  # type: ignore[operator]
            for y in years[:YEARS_FOR_RANGE]
            if y.to_point.numerator and y.to_point.denominator
        ]
        low, high = min(each), max(each)
    else:
        # The denominator (people, incidents) is held at its projection; the interval is the numerator's.
        low, high = scale * n_low / d_point, scale * n_high / d_point
    arithmetic = f"numerator {n_sum}; denominator {d_sum}; {_num(scale)} × numerator ÷ denominator"
    return Projection(value, low, high, method, arithmetic=arithmetic)


def judge(
    projection: Projection, polarity: Polarity | str, year_end_target: Target | None, no_target_reason: str = ""
) -> Projection:
    """The projection with ``on_track`` set against the year-end target and its tolerance:
    on track when the whole interval is on the good side of the target, off track when the whole
    interval is beyond the target and its tolerance, otherwise at risk. A band indicator is not
    judged (a year-end total is not what its band is about)."""
    if not projection.made:
        return projection
    assert projection.low is not None and projection.high is not None
    polarity = Polarity(polarity)
    if polarity is Polarity.BAND:
        return _with(
            projection, OnTrack.NOT_JUDGED, "not judged: a band indicator's year end is not judged against a single target"
        )
    if target_problems(polarity, year_end_target):
        return _with(projection, OnTrack.NOT_JUDGED, f"not judged: {no_target_reason or 'no year-end target is set'}")
    assert year_end_target is not None
    gaps = [gap(v, polarity, year_end_target) for v in (projection.low, projection.high)]
    tolerance = tolerance_units(projection.value, polarity, year_end_target)  # type: ignore[arg-type]
    slack = 1e-9 * max(1.0, abs(year_end_target.target or 0.0))
    target_text = _num(year_end_target.target)  # type: ignore[arg-type]
    t = year_end_target.target
    edge = t + tolerance if polarity is Polarity.LOWER else t - tolerance  # type: ignore[operator]
    if max(gaps) <= slack:
        return _with(
            projection,
            OnTrack.ON_TRACK,
            f"on track: the whole range is on the right side of the year-end target ({target_text})",
            t,
            edge,
        )
    if min(gaps) > tolerance + slack:
        return _with(
            projection,
            OnTrack.OFF_TRACK,
            f"off track: the whole range is beyond the year-end target ({target_text}) and its tolerance",
            t,
            edge,
        )
    return _with(
        projection,
        OnTrack.AT_RISK,
        f"at risk: the range is neither wholly on the right side of the year-end target ({target_text}) nor wholly beyond its tolerance",
        t,
        edge,
    )


def _with(p: Projection, state: OnTrack, reason: str, target: float | None = None, edge: float | None = None) -> Projection:
    return Projection(p.value, p.low, p.high, p.method, p.reason, p.arithmetic, state, reason, target, edge)


def projected_figure(value: float, unit: str) -> str:
    """A projected figure as people read it: a count to the whole number (half up), a rate to
    one decimal place, a percentage to one with its sign."""
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rate":
        return f"{value:,.1f}"
    return f"{math.floor(value + 0.5):,}"


def projection_words(p: Projection, unit: str) -> str:
    """One line for a page, pack or narrative: "Projected year end 17,410 (17,120 to 17,800):
    × off track" or why there is none."""
    if not p.made:
        return p.reason[:1].upper() + p.reason[1:] if p.reason else ""
    assert p.value is not None and p.low is not None and p.high is not None
    fmt = projected_figure
    text = f"Projected year end {fmt(p.value, unit)} ({fmt(p.low, unit)} to {fmt(p.high, unit)})"
    if p.on_track is not None:
        text += f": {ON_TRACK_MARK[p.on_track]} {p.on_track_reason}"
    return text


__all__ = [
    "EarlierYear", "OnTrack", "ON_TRACK_MARK", "Projection", "judge", "project", "projected_figure", "projection_words",
]  # fmt: skip
