"""Red/Amber/Green rating of one indicator value, per the Havering performance framework.

Pure standard-library code: callers supply the actual value (on the indicator's
quarter or year-to-date basis), the target and the comparator value.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass


class _LenientEnum(enum.StrEnum):
    """StrEnum that also accepts its values case-insensitively with stray spaces."""

    @classmethod
    def _missing_(cls, value: object) -> _LenientEnum | None:
        # Loaders read these from spreadsheets, where "Lower " or "GREEN" is common.
        if isinstance(value, str):
            wanted = value.strip().casefold()
            for member in cls:
                if member.value.casefold() == wanted:
                    return member
        return None


class Rating(_LenientEnum):
    GREEN = "Green"
    AMBER = "Amber"
    RED = "Red"
    NOT_RATED = "Not rated"
    NO_DATA = "No data"


class Polarity(_LenientEnum):
    LOWER = "lower"  # lower is better, e.g. total notifiable offences
    HIGHER = "higher"  # higher is better, e.g. sanction detection rate
    BAND = "band"  # best inside [low, high], e.g. repeat MARAC referral rate


class ToleranceType(_LenientEnum):
    ABS = "abs"  # units of the measure (percentage points for percent measures)
    PCT = "pct"  # percent of the target (of the nearer bound for a band)


def _missing(value: float | None) -> bool:
    """None and NaN both mean "no value" (NaN is what pandas hands over for blanks)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _eps(*values: float | None) -> float:
    """Comparison slack scaled to the magnitudes involved, to absorb float representation error."""
    return 1e-9 * max([1.0] + [abs(v) for v in values if v is not None])


@dataclass(frozen=True)
class Target:
    """Target for one indicator and period. Which fields are needed depends on polarity:
    `target` for lower/higher, `low` and `high` for band (see `target_problems`)."""

    target: float | None = None
    low: float | None = None
    high: float | None = None
    tolerance: float = 0.0
    tolerance_type: ToleranceType = ToleranceType.ABS

    def __post_init__(self) -> None:
        # Blank spreadsheet cells arrive as NaN; treat them as "not set" rather than poison.
        for name in ("target", "low", "high"):
            if _missing(getattr(self, name)):
                object.__setattr__(self, name, None)
        object.__setattr__(self, "tolerance_type", ToleranceType(self.tolerance_type))
        if _missing(self.tolerance) or not math.isfinite(self.tolerance) or self.tolerance < 0:
            raise ValueError(f"tolerance must be a finite number >= 0, got {self.tolerance!r}")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"band low ({self.low}) is greater than band high ({self.high})")


def target_problems(polarity: Polarity | str, target: Target | None) -> list[str]:
    """Human-readable reasons why `target` cannot be used to rate an indicator of `polarity`.

    An empty list means the target is usable. Loaders report these; `rate` treats any
    problem as "no target for the period" and returns Not rated.
    """
    polarity = Polarity(polarity)
    if target is None:
        return ["no target is set"]
    if polarity is Polarity.BAND:
        missing = [name for name in ("low", "high") if getattr(target, name) is None]
        return [f"a band target needs a {name} bound" for name in missing]
    if target.target is None:
        return [f"a {polarity.value}-is-better indicator needs a target value"]
    return []


def _band_bounds(target: Target | None) -> tuple[float, float]:
    if target is None or target.low is None or target.high is None:
        raise ValueError("band polarity needs a target with low and high bounds")
    return target.low, target.high


def gap(actual: float, polarity: Polarity | str, target: Target) -> float:
    """Distance outside target in units of the measure; negative means better than target.

    For a band the gap is never negative: anywhere inside the band is equally good.
    """
    polarity = Polarity(polarity)
    if polarity is Polarity.BAND:
        low, high = _band_bounds(target)
        return max(low - actual, actual - high, 0.0)
    if target.target is None:
        raise ValueError(f"{polarity.value} polarity needs a target value")
    return actual - target.target if polarity is Polarity.LOWER else target.target - actual


def tolerance_units(actual: float, polarity: Polarity | str, target: Target) -> float:
    """Tolerance converted to units of the measure.

    A pct tolerance is a percentage of the target; for a band, of the bound nearer to the
    actual (the one it is outside of), since that is the bound being missed.
    """
    polarity = Polarity(polarity)
    if target.tolerance_type is ToleranceType.ABS:
        return target.tolerance
    if polarity is Polarity.BAND:
        low, high = _band_bounds(target)
        base = low if abs(actual - low) <= abs(actual - high) else high
    else:
        if target.target is None:
            raise ValueError(f"{polarity.value} polarity needs a target value")
        base = target.target
    return abs(base) * target.tolerance / 100.0


def is_better(current: float, previous: float, polarity: Polarity | str, target: Target | None = None) -> bool | None:
    """True if `current` performs better than `previous`, False if worse, None if the same.

    Judged by polarity, not by whether the number rose. A band indicator compares the gaps
    outside the band (so needs `target` with low/high); two values inside the band are the same.
    """
    polarity = Polarity(polarity)
    if polarity is Polarity.BAND:
        low, high = _band_bounds(target)
        cur = max(low - current, current - high, 0.0)
        prev = max(low - previous, previous - high, 0.0)
        eps = _eps(current, previous, low, high)
        improvement = prev - cur  # smaller gap is better
    else:
        eps = _eps(current, previous)
        improvement = previous - current if polarity is Polarity.LOWER else current - previous
    if abs(improvement) <= eps:
        return None
    return improvement > 0


@dataclass(frozen=True)
class RatingResult:
    """Outcome of `rate`: the rating plus the numbers behind it and a plain-English reason."""

    rating: Rating
    gap: float | None
    tolerance: float | None
    no_comparator: bool = False
    reason: str = ""


def fmt_number(value: float) -> str:
    """Report-style number: thousands separators, at most two decimals, no trailing zeros."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value):
        return f"{int(value):,}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text not in ("0", "-0") else f"{value:.3g}"


def _gap_phrase(g: float, polarity: Polarity, target: Target, actual: float) -> str:
    if polarity is Polarity.BAND:
        band = f"the target band ({fmt_number(target.low)}–{fmt_number(target.high)})"  # type: ignore[arg-type]
        if g <= 0:
            return f"within {band}"
        side = "below" if actual < target.low else "above"  # type: ignore[operator]
        return f"{fmt_number(g)} {side} {band}"
    if g == 0:
        return "on target"
    # A positive gap is on the wrong side of target: above it when lower is better.
    worse_side, better_side = ("above", "below") if polarity is Polarity.LOWER else ("below", "above")
    return f"{fmt_number(abs(g))} {worse_side if g > 0 else better_side} target"


def rate(
    actual: float | None,
    polarity: Polarity | str,
    target: Target | None,
    comparator: float | None,
    rated: bool = True,
    comparator_label: str = "the same period last year",
) -> RatingResult:
    """Rate one indicator value Green/Amber/Red (or Not rated / No data).

    Green when the gap outside target is within tolerance; otherwise Amber if performance
    improved on or maintained the comparator value, else Red (Red with `no_comparator` set
    when there is no comparator value). `comparator_label` only words the reason.
    """
    polarity = Polarity(polarity)
    # Order matters: an unrated indicator is "Not rated" even when it has no value.
    if not rated:
        return RatingResult(Rating.NOT_RATED, None, None, reason="indicator is not rated")
    if _missing(actual):
        return RatingResult(Rating.NO_DATA, None, None, reason="no value for this period")
    problems = target_problems(polarity, target)
    if problems:
        return RatingResult(Rating.NOT_RATED, None, None, reason="no target for this period: " + "; ".join(problems))
    assert target is not None and actual is not None  # narrowed by the checks above

    g = gap(actual, polarity, target)
    tol = tolerance_units(actual, polarity, target)
    where = _gap_phrase(g, polarity, target, actual)
    if g <= tol + _eps(actual, target.target, target.low, target.high, tol):
        if g > 0:
            where += f", within the tolerance of {fmt_number(tol)}"
        return RatingResult(Rating.GREEN, g, tol, reason=where)

    if tol > 0:
        where += f", more than the tolerance of {fmt_number(tol)}"
    if _missing(comparator):
        return RatingResult(
            Rating.RED, g, tol, no_comparator=True, reason=f"{where}, and no value for {comparator_label} to compare with"
        )
    assert comparator is not None
    better = is_better(actual, comparator, polarity, target)
    word = {True: "better than", None: "the same as", False: "worse than"}[better]
    rating = Rating.RED if better is False else Rating.AMBER
    return RatingResult(rating, g, tol, reason=f"{where}, and {word} {comparator_label} ({fmt_number(comparator)})")
