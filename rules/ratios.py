"""Several periods' figures as one: the year to date from its quarters, a quarter from its months.

Counts add. A percentage or rate is a ratio, and the ratio of a longer period is the sum of the
numerators over the sum of the denominators, nothing else: never an average of the parts' values,
and never rescaled by one part's (rounded) value. A part without its numerator and denominator
makes the combined figure *not available*, and ``Combined.missing`` says which part lacks them,
so a reader is never shown an average dressed up as a ratio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodValue:
    value: float
    numerator: float | None = None
    denominator: float | None = None

    @property
    def has_parts(self) -> bool:
        return self.numerator is not None and bool(self.denominator)


@dataclass(frozen=True)
class Combined:
    """The combined figure, or None and why not (``missing``)."""

    value: PeriodValue | None
    missing: str = ""


# A percentage is 100 × numerator / denominator by definition.
PERCENT_SCALE = 100.0


def ratio_scale(part: PeriodValue) -> float | None:
    """The power of ten a rate is expressed per (per 1, per 100, per 1,000 …), read from one
    part as value ÷ (numerator ÷ denominator) rounded to the nearest power of ten. Rounding to a
    power of ten (not using the quotient itself) is what keeps a rounded uploaded value from
    rescaling the combined ratio. None when the part cannot say (a zero numerator or value)."""
    if not part.has_parts or not part.numerator or not part.value:
        return None
    quotient = part.value * part.denominator / part.numerator  # type: ignore[operator]
    if quotient <= 0:
        return None
    return 10.0 ** round(math.log10(quotient))


def combine(parts: list[PeriodValue], unit: str, labels: list[str] | None = None) -> Combined:
    """``parts`` as one figure: counts add; a percentage or rate is the sum of numerators over
    the sum of denominators, not available when any part lacks them (``labels`` name the parts
    in the message, e.g. ``Q3 2016/17``)."""
    labels = labels or [f"part {i + 1}" for i in range(len(parts))]
    if unit == "count":
        return Combined(PeriodValue(float(sum(p.value for p in parts))))
    lacking = [label for p, label in zip(parts, labels) if not p.has_parts]
    if lacking:
        which = ", ".join(lacking)
        kind = "percentage" if unit == "percent" else "rate"
        return Combined(
            None,
            f"{which} {'has' if len(lacking) == 1 else 'have'} a value but no numerator and denominator, "
            f"so no ratio of sums can be made; a {kind} is never averaged",
        )
    numerator = float(sum(p.numerator for p in parts))  # type: ignore[misc]
    denominator = float(sum(p.denominator for p in parts))  # type: ignore[misc]
    if unit == "percent":
        scale = PERCENT_SCALE
    else:
        scales = {s for s in (ratio_scale(p) for p in parts) if s is not None}
        if len(scales) > 1:
            return Combined(None, "the parts' rates are per different numbers of people, so they cannot be combined")
        scale = scales.pop() if scales else 1.0
    return Combined(PeriodValue(scale * numerator / denominator, numerator, denominator))
