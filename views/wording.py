"""Plain-English phrases the pages share. Pure functions (no Dash), so tests can check the
exact words a councillor reads."""

from __future__ import annotations

from rag.direction import Direction
from rag.periods import Quarter
from rag.rating import Polarity, Rating
from rag.summary import RagCounts
from store.queries import DemandPanel, IndicatorDetail
from store.scorecard import ScoreRow, format_value

MINUS = "\u2212"  # a true minus sign: screen readers say "minus", not "dash"
QUARTER_MONTHS = {1: "Apr–Jun", 2: "Jul–Sep", 3: "Oct–Dec", 4: "Jan–Mar"}
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]  # fmt: skip
POLARITY_HINT = {
    Polarity.LOWER: "lower is better",
    Polarity.HIGHER: "higher is better",
    Polarity.BAND: "best within the target range",
}


def percent_change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return 100.0 * (now - before) / before


def signed_percent(value: float | None) -> str:
    """``+4.5%`` / ``−3.7%``; an en dash when there is nothing to show."""
    if value is None:
        return "–"
    rounded = round(value, 1)
    if rounded == 0:
        return "0.0%"
    return f"{'+' if rounded > 0 else MINUS}{abs(rounded):.1f}%"


def change_phrase(now: float | None, before: float | None, against: str, unit: str = "count") -> str:
    """``up 8.2% on Q3 2015/16``. Percentages change by points, not by per cent."""
    if now is None:
        return f"no figure to compare with {against}"
    if before is None:
        return f"no figure for {against} to compare with"
    if unit == "percent":
        points = round(now - before, 1)
        if points == 0:
            return f"the same as {against}"
        word = "point" if abs(points) == 1 else "points"
        return f"{'up' if points > 0 else 'down'} {abs(points):.1f} percentage {word} on {against}"
    change = percent_change(now, before)
    if change is None:
        return f"no percentage change on {against} (it was zero)"
    if round(change, 1) == 0:
        return f"the same as {against}"
    return f"{'up' if change > 0 else 'down'} {abs(change):.1f}% on {against}"


def month_label(month: str) -> str:
    year, mon = month.split("-")
    return f"{MONTH_NAMES[int(mon) - 1]} {year}"


def basis_label(basis: str) -> str:
    return "year to date" if basis == "ytd" else "the quarter"


def direction_word(d: Direction) -> str:
    return "n/a" if d is Direction.NA else d.value.capitalize()


def short_term_title(row: ScoreRow, period: Quarter) -> str:
    """Tooltip for the short-term arrow: this quarter's figure against last quarter's."""
    return _arrow_title(row, row.dot_short, period, period.previous(), "quarter figures ", row.quarter_value, row.previous_quarter)


def long_term_title(row: ScoreRow, period: Quarter) -> str:
    """Tooltip for the long-term arrow: against the same period a year earlier."""
    return _arrow_title(
        row, row.dot_long, period, period.same_quarter_last_year(), f"{basis_label(row.basis)}: ", row.actual, row.same_period_last_year
    )


def _arrow_title(
    row: ScoreRow, direction: Direction, period: Quarter, against: Quarter, what: str, value: float | None, before: float | None
) -> str:
    """``what`` leads the two figures in the brackets, e.g. ``"year to date: "``."""
    head = f"{direction_word(direction)}: {period.label} against {against.label}"
    if direction is Direction.NA:
        return f"{head} – a figure is missing, so no direction can be given."
    figures = f"{format_value(value, row.unit)} against {format_value(before, row.unit)}"
    return f"{head} ({what}{figures}); {POLARITY_HINT[Polarity(row.polarity)]}."


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def reason_text(row: ScoreRow) -> str:
    """The rating's reason as a sentence: ``13,143 year to date is 743 above target, …``."""
    reason = row.reason.replace(") (", ": ")  # "(Q3 2015/16) (12,573)" reads as "(Q3 2015/16: 12,573)"
    if row.actual is not None and row.rag.value in ("Red", "Amber", "Green"):
        basis = " year to date" if row.basis == "ytd" else ""
        return f"{format_value(row.actual, row.unit)}{basis} is {reason}."
    return f"{reason[:1].upper()}{reason[1:]}."


def noun(detail: IndicatorDetail) -> str:
    """What the numbers count, for axis titles."""
    source, unit = detail.indicator.source, detail.indicator.unit
    if unit == "percent":
        return "Per cent"
    return {"crime": "Offences", "asb": "Incidents", "marac": "Cases"}.get(source, "Number")


def target_finding(row: ScoreRow, period: Quarter) -> str:
    """The quarterly chart's title: where the rated figure sits against target."""
    value = format_value(row.actual, row.unit)
    lead = f"{value} {'year to date' if row.basis == 'ytd' else ''} in {period.label}".replace("  ", " ")
    t = row.target
    if row.actual is None:
        return f"No figure is held for {period.label}"
    if t is None or row.rag is Rating.NOT_RATED:
        return f"{lead}: no target is set"
    tol = row.tolerance_text()
    if Polarity(row.polarity) is Polarity.BAND:
        inside = t.low is not None and t.high is not None and t.low <= row.actual <= t.high
        if inside:
            return f"{lead}: inside the {row.target_text()} target range"
        where = "below" if t.low is not None and row.actual < t.low else "above"
        within = "within" if row.rag is Rating.GREEN else "more than"
        return f"{lead}: {where} the {row.target_text()} target range, {within} the {tol} tolerance"
    target = row.target_text()
    worse = (row.actual > t.target) if row.polarity == "lower" else (row.actual < t.target)  # type: ignore[operator]
    side = "above" if row.actual > t.target else "below"  # type: ignore[operator]
    if row.actual == t.target:
        return f"{lead}: exactly on the {target} target"
    if not worse:
        return f"{lead}: {side} the {target} target (better than target)"
    if row.rag is Rating.GREEN:
        return f"{lead}: {side} the {target} target but within the {tol} tolerance"
    return f"{lead}: {side} the {target} target by more than the {tol} tolerance"


def ytd_values(detail: IndicatorDetail) -> tuple[list[float | None], list[float | None]]:
    by_key = {r.period: r for r in detail.history}
    year = detail.period.year
    this = [by_key[k].ytd_value if (k := Quarter(year, q).key) in by_key else None for q in range(1, detail.period.q + 1)]
    last = [by_key[k].ytd_value if (k := Quarter(year - 1, q).key) in by_key else None for q in (1, 2, 3, 4)]
    return this, last


def statement(panel: DemandPanel) -> str:
    """``1,442 in Q3 2016/17, up 2.9% on Q3 2015/16``."""
    unit = panel.indicator.unit
    last = panel.period.same_quarter_last_year().label
    if panel.current is None:
        return f"No figure for {panel.period.label}"
    return f"{format_value(panel.current, unit)} in {panel.period.label}, {change_phrase(panel.current, panel.last_year, last, unit)}"


def comparator_finding(detail: IndicatorDetail) -> str:
    """The comparator chart's title: this area's change on a year earlier against the
    comparator's (the indicator page and the chart download share it)."""
    row = detail.current
    label = detail.indicator.comparator_label or "the comparator"
    return f"{detail.area_name} {signed_percent(row.change_on_last_year)} on a year earlier; {label} {signed_percent(row.comparator_change)}"


def monthly_finding(detail: IndicatorDetail) -> str:
    """The monthly chart's title: the chosen quarter's months against the same months a
    year earlier."""
    counts = dict(detail.monthly)
    months = detail.period.months()
    before = detail.period.same_quarter_last_year().months()
    span = f"{month_label(months[0]).split()[0]} to {month_label(months[-1])}"
    earlier = f"{month_label(before[0]).split()[0]} to {month_label(before[-1])}"
    if not all(m in counts for m in months):
        return f"Monthly {noun(detail).lower()}: no complete figures for {span}"
    now = sum(counts[m] for m in months)
    then = sum(counts[m] for m in before) if all(m in counts for m in before) else None
    return f"{now:,} {noun(detail).lower()} in {span}, {change_phrase(now, then, earlier)}"


def chart_names(detail: IndicatorDetail) -> tuple[str, ...]:
    """The charts the indicator page draws for ``detail`` (and so the ones it offers to
    download): the comparator only for counts with a comparator, the months only when held."""
    names = ["trend", "ytd"]
    if detail.comparator and detail.indicator.unit != "percent":
        names.append("comparator")
    if detail.monthly:
        names.append("monthly")
    return tuple(names)


def summary_finding(counts: RagCounts, label: str) -> str:
    """The scorecard summary chart's title: Red first, then Amber, else all Green."""
    n = counts.rated_total
    if counts.red:
        return f"{counts.red} of {n} rated indicators are Red in {label}"
    if counts.amber:
        return f"No indicator is Red in {label}; {counts.amber} of {n} are Amber"
    return f"All {plural(n, 'rated indicator')} are Green in {label}"


def demand_finding(panels: list[DemandPanel]) -> str:
    """The demand page's finding: how many context indicators were higher than in the same
    quarter a year earlier (``3 of 5 demand indicators were higher than in Q3 2015/16``)."""
    compared = [p for p in panels if p.current is not None and p.last_year is not None]
    if not panels:
        return "No context indicators are defined"
    last = panels[0].period.same_quarter_last_year().label
    if not compared:
        return f"No demand indicator has figures for both {panels[0].period.label} and {last}"
    up = sum(1 for p in compared if p.current > p.last_year)
    n = len(compared)
    if n == 1:
        return f"{compared[0].indicator.name} was {'higher' if up else 'not higher'} than in {last}"
    if up == 0:
        return f"None of {n} demand indicators was higher than in {last}"
    if up == n:
        return f"All {n} demand indicators were higher than in {last}"
    return f"{up} of {n} demand indicators {'was' if up == 1 else 'were'} higher than in {last}"
