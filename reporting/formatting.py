"""Figures in words and in CSV cells: ``12,400``, ``28–40%``, ``5 points``; the scorecard, the
revisions list and the frozen document's ``shown`` figures all word them here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from rules.rating import Polarity, Target, ToleranceType, fmt_number


def json_number(value: float | None) -> int | float | None:
    """A figure as a JSON number: whole numbers as integers, others to one decimal place."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 1)


def plain_number(value: float | None) -> str:
    """A figure as a CSV cell: no thousands separator, at most one decimal place."""
    if value is None:
        return ""
    # Fixed point: "%g" wrote a figure of a million or more with a fraction (a projected
    # year end for a force, say) as 1.23457e+06.
    return str(int(value)) if float(value).is_integer() else f"{round(value, 1):.1f}".removesuffix(".0")


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rate":
        return f"{value:,.1f}"
    return fmt_number(round(value, 1))


def format_target(target: Target | None, polarity: str, unit: str, plain: bool = False) -> str:
    """``12,400`` or ``28–40%`` for people; ``12400`` or ``28-40`` (plain) for CSV."""
    if target is None:
        return ""
    number = plain_number if plain else fmt_number
    suffix = "%" if unit == "percent" and not plain else ""
    if polarity == Polarity.BAND:
        if target.low is None or target.high is None:
            return ""
        return f"{number(target.low)}{'-' if plain else '–'}{number(target.high)}{suffix}"
    return "" if target.target is None else f"{number(target.target)}{suffix}"


def format_tolerance_units(units: float, target: Target, unit: str) -> str:
    """``183 (2.5%)`` for a count's 2.5% tolerance of 7,300; ``310`` for an absolute one;
    rates and percentages keep one decimal (``1.5 points``)."""
    if unit in ("percent", "rate"):
        shown = (
            f"{Decimal(str(units)).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,}{' points' if unit == 'percent' else ''}"
        )
    else:
        shown = f"{Decimal(str(units)).quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}"
    return f"{shown} ({fmt_number(target.tolerance)}%)" if target.tolerance_type == ToleranceType.PCT else shown


def format_tolerance(target: Target | None, unit: str, plain: bool = False) -> str:
    """Percent-of-target tolerances keep their % sign even in CSV, so they can't be misread."""
    if target is None:
        return ""
    if target.tolerance_type == ToleranceType.PCT:
        return f"{fmt_number(target.tolerance)}%"
    if plain:
        return plain_number(target.tolerance)
    return f"{fmt_number(target.tolerance)}{' points' if unit == 'percent' else ''}"


def format_bound(bound: float | None, edge: float | None, unit: str) -> str:
    """An edge of the "still Green" zone for people: for counts, the target ``edge`` moved by the
    tolerance in whole units rounded half up (7,300 and a 2.5% tolerance: "7,483", as "183
    (2.5%)" says; never "7,482.5"); rates and percentages as ``format_value``. The rating
    keeps the exact bound."""
    if bound is None or edge is None or unit in ("percent", "rate"):
        return format_value(bound, unit)
    units = Decimal(str(abs(bound - edge))).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    shown = Decimal(str(edge)) + (units if bound >= edge else -units)
    return fmt_number(float(shown))
