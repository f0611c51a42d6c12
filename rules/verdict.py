"""One plain sentence per indicator that reconciles its rating, its change on last year (and
whether that change is more than chance) and what its SPC chart shows against the target:

    "Red: 743 above target; up 4.5% on last year, a real rise; monthly figures have run above
    the target line for 15 months."

Each clause answers a different question, so they cannot contradict one another: the rating
asks "is this period's figure within its target?", the change "is it different from last year,
beyond chance?", the SPC clause "where have the recent months or quarters been against the
target line?". Where the recent points have all sat one side of the target the sentence says so
in place of the assurance icon, because limits that were never re-based after a shift can say
"sometimes meets" of a process that has missed every month for over a year.

Also the words for a shift in the process (Making Data Count's run rule: 7 or more points on
one side of the mean) and for a baseline too short to judge. Test names, p-values and
intervals never appear here: they belong in tooltips, the API and the pack's annex.
Pure code: no Dash, no database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from rules.gaps import period_label
from rules.narrative import NarrativeFigures, position_words
from rules.rating import Polarity, Rating, Target
from rules.significance import ChangeTest
from rules.spc import MIN_POINTS, RUN_LENGTH, Rule, SpcResult


@dataclass(frozen=True)
class VerdictFigures:
    """What the sentence is built from: the score row's figures and, where charted, the points
    of its SPC chart's current baseline with the target on the chart's scale."""

    name: str
    unit: str  # count | percent | rate
    polarity: str  # lower | higher | band
    rated: bool
    period_label: str  # "Q3 2016/17"
    actual: float | None
    last_year: float | None  # same period last year, same basis
    rating: Rating | str
    target: Target | None = None
    gap: float | None = None  # outside target in units of the measure
    change_test: ChangeTest | None = None  # this period against last year
    across_break: bool = False  # the comparison with last year crosses a series break
    spc_by: str = ""  # month | quarter ("" when not charted)
    spc_values: Sequence[float] = field(default_factory=tuple)  # the current baseline's points, oldest first
    spc_target: float | None = None  # the target on one point's scale (None: no target line)
    spc_assurance: str | None = None  # rules.spc.Assurance value, None when provisional
    spc_variation: str | None = None  # rules.spc.Variation value, None when provisional


def _rating_clause(f: VerdictFigures) -> str:
    rating = Rating(f.rating)
    if not f.rated:
        return "Context indicator, not rated"
    if rating not in (Rating.GREEN, Rating.AMBER, Rating.RED) or f.target is None or f.gap is None or f.actual is None:
        return f"Not rated: no target for {f.period_label}" if rating is Rating.NOT_RATED else rating.value
    where = position_words(
        NarrativeFigures(
            name=f.name, unit=f.unit, polarity=f.polarity, basis="quarter", period_label=f.period_label,
            actual=f.actual, last_year=f.last_year, rating=rating, target=f.target, gap=f.gap,
        )
    )  # fmt: skip
    if rating is Rating.AMBER:
        where += ", but no worse than last year"
    return f"{rating.value}: {where}"


def _change_clause(f: VerdictFigures) -> str:
    if f.actual is None or f.last_year is None:
        return "no figure for last year to compare"
    if f.unit == "percent":
        diff = f.actual - f.last_year
        size = f"{abs(diff):.1f} points"
    elif f.last_year == 0:
        diff = f.actual - f.last_year
        size = ""
    else:
        diff = 100.0 * (f.actual - f.last_year) / f.last_year
        size = f"{abs(diff):.1f}%"
    if abs(diff) < 0.05:
        text = "unchanged on last year"
    elif size:
        text = f"{'up' if diff > 0 else 'down'} {size} on last year"
    else:
        text = f"{'up' if diff > 0 else 'down'} on last year (none then)"
    if f.change_test is not None and abs(diff) >= 0.05:
        text += f", a real {'rise' if diff > 0 else 'fall'}" if f.change_test.significant else ", within normal variation"
    if f.across_break:
        text += " (across a series break)"
    return text


def run_against_target(values: Sequence[float], target: float) -> tuple[int, int]:
    """How many of the latest points sit on the same side of the target line, and which side
    (1 above, -1 below; 0 when the latest point is on the line)."""
    if not values:
        return 0, 0
    side = _side(values[-1], target)
    if side == 0:
        return 0, 0
    n = 0
    for v in reversed(values):
        if _side(v, target) != side:
            break
        n += 1
    return n, side


def _side(value: float, target: float) -> int:
    eps = 1e-9 * max(1.0, abs(target))
    return 0 if abs(value - target) <= eps else (1 if value > target else -1)


def _units(by: str, n: int) -> str:
    word = "quarter" if by == "quarter" else "month"
    return f"{n} {word}{'s' if n != 1 else ''}"


ASSURANCE_CLAUSES = {
    "pass": "consistently meet the target",
    "fail": "consistently miss the target",
    "inconsistent": "sometimes meet the target and sometimes miss it",
}

VARIATION_CLAUSES = {
    "improvement": "the latest {unit} is an unusual change for the better",
    "concern": "the latest {unit} is an unusual change for the worse",
    "neutral_high": "the latest {unit} is unusually high",
    "neutral_low": "the latest {unit} is unusually low",
}


def _spc_clause(f: VerdictFigures) -> str:
    if f.spc_by not in ("month", "quarter") or not f.spc_values:
        return ""
    figures = "monthly figures" if f.spc_by == "month" else "quarterly figures"
    if f.spc_target is not None and math.isfinite(f.spc_target) and Polarity(f.polarity) is not Polarity.BAND:
        n, side = run_against_target(f.spc_values, f.spc_target)
        if n >= RUN_LENGTH:
            return f"{figures} have run {'above' if side > 0 else 'below'} the target line for {_units(f.spc_by, n)}"
    if f.spc_assurance in ASSURANCE_CLAUSES:
        return f"{figures} {ASSURANCE_CLAUSES[f.spc_assurance]}"
    if f.spc_variation in VARIATION_CLAUSES:
        return VARIATION_CLAUSES[f.spc_variation].format(unit=f.spc_by)
    return ""


def summary_sentence(f: VerdictFigures) -> str:
    """The indicator's one plain verdict; "No figure for Q3 2016/17 yet." without a figure."""
    if f.actual is None:
        return f"No figure for {f.period_label} yet."
    clauses = [_rating_clause(f), _change_clause(f), _spc_clause(f)]
    return "; ".join(c for c in clauses if c) + "."


# --- Shifts and baselines ----------------------------------------------------------------


@dataclass(frozen=True)
class Shift:
    """A run of points on one side of the current baseline's mean that starts after the
    baseline does: the process changed at ``period`` and the limits were not re-based there."""

    period: str  # the first point of the run ("2015-07" or "2015-16-Q2")
    points: int  # points in the run
    side: int  # 1 above the mean, -1 below


def process_shift(result: SpcResult) -> Shift | None:
    """The latest run-rule run in the current baseline, where it starts after the baseline
    starts (a run from the baseline's first point is no change within it); None otherwise."""
    seg = result.current
    points = result.points[seg.start : seg.end]
    end = next((i for i in range(len(points) - 1, -1, -1) if Rule.RUN in points[i].rules), None)
    if end is None:
        return None
    side = _side(points[end].value, seg.mean)
    start = end
    while start > 0 and Rule.RUN in points[start - 1].rules and _side(points[start - 1].value, seg.mean) == side:
        start -= 1
    if start == 0 or side == 0:
        return None
    return Shift(points[start].period, end - start + 1, side)


def shift_words(shift: Shift, by: str) -> str:
    """ "The process has changed since July 2015: 15 months in a row above its average."""
    return (
        f"The process has changed since {period_label(shift.period)}: {_units(by, shift.points)} in a row "
        f"{'above' if shift.side > 0 else 'below'} its average, so the limits drawn over the whole baseline no longer describe it."
    )


def baseline_words(result: SpcResult, by: str) -> str:
    """Where the current baseline starts at a recorded break and has too few points for the SPC
    rules: "too few months since the change — 5 of 13 — to judge whether the target will be met"."""
    if len(result.segments) < 2 or not result.current.provisional:
        return ""
    unit = "quarters" if by == "quarter" else "months"
    return f"Too few {unit} since the change — {result.current.size} of {MIN_POINTS} — to judge whether the target will be met."


__all__ = [
    "Shift",
    "VerdictFigures",
    "baseline_words",
    "process_shift",
    "run_against_target",
    "shift_words",
    "summary_sentence",
]
