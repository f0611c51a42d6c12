"""A drafted commentary sentence built from an indicator's figures.

Offered to the analyst as a starting point, never published unedited: e.g. "Anti-social
behaviour incidents were 4,810 in the year to date, up 26.2% on last year (3,810), a real
change; London rose 12.7%. Red: 1,160 above target, more than the 5% tolerance."
Pure code: callers hand over the figures the scorecard already has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rules.breaks import SeriesBreak
from rules.projection import Projection, projection_words
from rules.rating import Polarity, Rating, Target, ToleranceType, fmt_number
from rules.significance import ChangeTest


@dataclass(frozen=True)
class NarrativeFigures:
    name: str
    unit: str  # count | percent | rate
    polarity: str  # lower | higher | band
    basis: str  # quarter | ytd
    period_label: str  # "Q3 2016/17"
    actual: float | None
    last_year: float | None  # the same period last year, on the same basis
    rating: Rating | str
    target: Target | None = None
    gap: float | None = None  # outside target in units of the measure (rules.rating.gap)
    change_test: ChangeTest | None = None  # this period against last year
    comparator_label: str | None = None  # "London"
    comparator_change: float | None = None  # the comparator's % change on last year
    breaks: list[SeriesBreak] = field(default_factory=list)  # crossed by the comparison with last year
    no_comparator: bool = False
    projection: Projection | None = None  # the projected year end (rules.projection)


def _value(value: float, unit: str) -> str:
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rate":
        return f"{value:,.1f}"
    return fmt_number(round(value, 1))


def _amount(value: float, unit: str) -> str:
    """A difference: percentage points for percentages."""
    if unit == "percent":
        return f"{abs(value):.1f} points"
    return fmt_number(round(abs(value), 1))


def _change(f: NarrativeFigures) -> str:
    if f.last_year is None or f.actual is None:
        return ", with no figure for the same period last year to compare"
    was = _value(f.last_year, f.unit)
    if f.unit == "percent":
        diff = f.actual - f.last_year
        if abs(diff) < 0.05:
            return f", unchanged on last year ({was})"
        return f", {'up' if diff > 0 else 'down'} {abs(diff):.1f} points on last year ({was})"
    if f.last_year == 0:
        return f", against {was} last year"
    pct = 100.0 * (f.actual - f.last_year) / f.last_year
    if abs(pct) < 0.05:
        return f", unchanged on last year ({was})"
    return f", {'up' if pct > 0 else 'down'} {abs(pct):.1f}% on last year ({was})"


def _comparator(f: NarrativeFigures) -> str:
    if not f.comparator_label or f.comparator_change is None or not math.isfinite(f.comparator_change):
        return ""
    if abs(f.comparator_change) < 0.05:
        return f"; {f.comparator_label} was unchanged"
    verb = "rose" if f.comparator_change > 0 else "fell"
    return f"; {f.comparator_label} {verb} {abs(f.comparator_change):.1f}%"


def _tolerance(target: Target, unit: str) -> str:
    if target.tolerance_type == ToleranceType.PCT:
        return f"the {fmt_number(target.tolerance)}% tolerance"
    return f"the tolerance of {_amount(target.tolerance, unit)}"


def _position(f: NarrativeFigures) -> str:
    """ "1,160 above target", "on target", "within the target band (28–40%)"."""
    assert f.target is not None and f.gap is not None and f.actual is not None
    polarity = Polarity(f.polarity)
    if polarity is Polarity.BAND:
        suffix = "%" if f.unit == "percent" else ""
        band = f"the target band ({fmt_number(f.target.low)}–{fmt_number(f.target.high)}{suffix})"  # type: ignore[arg-type]
        if f.gap <= 0:
            return f"within {band}"
        side = "below" if f.actual < f.target.low else "above"  # type: ignore[operator]
        return f"{_amount(f.gap, f.unit)} {side} {band}"
    if abs(f.gap) < 1e-9:
        return "on target"
    worse, better = ("above", "below") if polarity is Polarity.LOWER else ("below", "above")
    return f"{_amount(f.gap, f.unit)} {worse if f.gap > 0 else better} target"


def position_words(f: NarrativeFigures) -> str:
    """Where the figure sits against its target: "743 above target", "on target"."""
    return _position(f)


def _rating(f: NarrativeFigures) -> str:
    rating = Rating(f.rating)
    if rating not in (Rating.GREEN, Rating.AMBER, Rating.RED) or f.target is None or f.gap is None:
        return ""
    where = _position(f)
    tolerance = _tolerance(f.target, f.unit) if f.target.tolerance else ""
    if rating is Rating.GREEN:
        text = f"Green: {where}"
        if f.gap > 0 and tolerance:
            text += f", within {tolerance}"
        return text + "."
    text = f"{rating.value}: {where}"
    if tolerance:
        text += f", more than {tolerance}"
    if rating is Rating.AMBER:
        text += ", but no worse than last year"
    elif f.no_comparator:
        text += ", with no figure for last year to compare"
    return text + "."


def draft_narrative(f: NarrativeFigures) -> str:
    """The drafted sentence(s) for one indicator; "" when there is no figure for the period."""
    if f.actual is None:
        return f"No figure for {f.name[:1].lower() + f.name[1:]} for {f.period_label} yet."
    verb = "were" if f.unit == "count" else "stood at"
    span = "in the year to date" if f.basis == "ytd" else f"in {f.period_label}"
    text = f"{f.name} {verb} {_value(f.actual, f.unit)} {span}{_change(f)}"
    if f.change_test is not None and f.last_year is not None:
        text += f", {f.change_test.words}"
    if f.breaks:
        text += " (across a series break: " + "; ".join(b.label() for b in f.breaks) + ")"
    text += _comparator(f) + "."
    rating = _rating(f)
    text = f"{text} {rating}" if rating else text
    if f.projection is not None and f.projection.made:
        text += f" {projection_words(f.projection, f.unit)}."
    return text


__all__ = ["NarrativeFigures", "draft_narrative", "position_words"]
