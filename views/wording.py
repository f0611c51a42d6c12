"""Plain-English phrases the pages share. Pure functions (no Dash), so tests can check the
exact words a councillor reads."""

from __future__ import annotations

import re

from reporting.formatting import format_value
from reporting.published_document import SPC_NOT_RECORDED
from reporting.scoring import ScoreRow
from rules.direction import Direction
from rules.gaps import has_point_for, latest_label, no_figures_yet
from rules.periods import MONTH_NAMES, Quarter
from rules.rating import Polarity, Rating
from rules.spc import ASSURANCE_WORDS, VARIATION_WORDS, Assurance, Variation
from rules.summary import RagCounts
from sources.declarations import UPLOADED
from sources.registry import SOURCES
from store.queries import DemandPanel, IndicatorDetail

MINUS = "\u2212"  # a true minus sign: screen readers say "minus", not "dash"
QUARTER_MONTHS = {1: "Apr–Jun", 2: "Jul–Sep", 3: "Oct–Dec", 4: "Jan–Mar"}
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


def not_held_text(quarter: Quarter, available: list[Quarter], months_loaded: list[str]) -> str:
    """Why ``quarter`` can't be shown: never loaded, or only some of its months are (a
    partial quarter is never shown as if it were whole)."""
    span = f"{available[0].label} to {available[-1].label}"
    if not months_loaded:
        return f"No figures are held for {quarter.label}. Figures are held from {span}."
    count = len(months_loaded)
    months = ", ".join(month_label(m) for m in months_loaded)
    return (
        f"{quarter.label} is not complete yet: only {count} of its 3 months {'is' if count == 1 else 'are'} loaded ({months}), "
        f"so its figures are not shown. Complete quarters are held from {span}."
    )


def basis_label(basis: str) -> str:
    return "year to date" if basis == "ytd" else "the quarter"


def direction_word(d: Direction) -> str:
    return "n/a" if d is Direction.NA else d.value.capitalize()


def short_term_title(row: ScoreRow, period: Quarter) -> str:
    """Tooltip for the short-term arrow: this quarter's figure against last quarter's."""
    return _arrow_title(
        row, row.dot_short, period, period.previous(), "quarter figures ", row.quarter_value, row.previous_quarter
    )


def long_term_title(row: ScoreRow, period: Quarter) -> str:
    """Tooltip for the long-term arrow: against the same period a year earlier."""
    return _arrow_title(
        row,
        row.dot_long,
        period,
        period.same_quarter_last_year(),
        f"{basis_label(row.basis)}: ",
        row.actual,
        row.same_period_last_year,
    )


def _arrow_title(
    row: ScoreRow, direction: Direction, period: Quarter, against: Quarter, what: str, value: float | None, before: float | None
) -> str:
    """``what`` leads the two figures in the brackets, e.g. ``"year to date: "``."""
    head = f"{direction_word(direction)}: {period.label} against {against.label}"
    if direction is Direction.NA:
        return f"{head} – a figure is missing, so no direction can be given."
    figures = f"{format_value(value, row.unit)} against {format_value(before, row.unit)}"
    if not row.rated:  # a context indicator: the number moved, which is neither better nor worse
        return f"{head} ({what}{figures}); a context indicator, so neither better nor worse."
    return f"{head} ({what}{figures}); {POLARITY_HINT[Polarity(row.polarity)]}."


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def reason_text(row: ScoreRow) -> str:
    """The rating's reason as a sentence: ``13,143 year to date is 743 above target, …``."""
    reason = row.reason.replace(") (", ": ")  # "(Q3 2015/16) (12,573)" reads as "(Q3 2015/16: 12,573)"
    if row.tolerance_units_text():  # whole units, as people count them: "183 (2.5%)", not "182.5"
        reason = re.sub(r"the tolerance of [^,]+", f"the tolerance of {row.tolerance_units_text()}", reason)
    if row.actual is not None and row.rag.value in ("Red", "Amber", "Green"):
        basis = " year to date" if row.basis == "ytd" else ""
        return f"{format_value(row.actual, row.unit)}{basis} is {reason}."
    return f"{reason[:1].upper()}{reason[1:]}."


def noun(detail: IndicatorDetail) -> str:
    """What the numbers count, for axis titles."""
    source, unit = detail.indicator.source, detail.indicator.unit
    if unit == "percent":
        return "Per cent"
    declared = SOURCES.get(source)
    # An uploaded value's own unit is not known: a number.
    return declared.unit_heading if declared is not None and declared.coverage != UPLOADED else "Number"


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


def comparator_gap_notes(detail: IndicatorDetail) -> list[str]:
    """What the comparator chart leaves out, and why: ``Q1 2017/18: London not shown, only 1 of
    33 boroughs loaded``. For each quarter drawn without a comparator change: its own figure
    partial, the year-earlier figure it is compared with partial, or (between quarters that
    are drawn) no figure held."""
    label = detail.indicator.comparator_label or "the comparator"
    drawn = [r for r in detail.history if r.change_on_last_year is not None or r.comparator_change is not None]
    shown = [i for i, r in enumerate(detail.history) if r.comparator_change is not None]
    # Each left-out quarter: (quarter, reason, the year-earlier quarter the reason is about or None).
    found: list[tuple[Quarter, str, Quarter | None]] = []
    for i, row in enumerate(detail.history):
        if row.comparator_change is not None or not drawn or not drawn[0].period <= row.period <= drawn[-1].period:
            continue
        q = Quarter.parse(row.period)
        before = q.same_quarter_last_year()
        if gap := detail.comparator_gaps.get(q.key):
            found.append((q, gap, None))
        elif gap := detail.comparator_gaps.get(before.key):
            found.append((q, gap, before))
        elif shown and shown[0] < i:  # a hole after the line has begun, not the year it starts
            found.append((q, "no figure held", None if row.period not in detail.comparator else before))
    # Consecutive quarters left out for the same reason are one line: seven empty years are
    # "Q1 2017/18 to Q3 2023/24: …", not 27 lines; a year whose year-earlier figures are all
    # missing is "Q1 2024/25 to Q4 2024/25: …, no figure held for Q1 2023/24 to Q4 2023/24, the
    # year before", not four lines.
    runs: list[list] = []
    for q, why, year_before in found:
        last = runs[-1] if runs else None
        if last and last[2] == why and (last[3] is None) == (year_before is None) and last[1].next() == q:
            last[1], last[4] = q, year_before
        else:
            runs.append([q, q, why, year_before, year_before])
    lines = []
    for first, last, why, before_first, before_last in runs:
        span = first.label if first == last else f"{first.label} to {last.label}"
        if before_first is not None:
            earlier = before_first.label if before_first == before_last else f"{before_first.label} to {before_last.label}"
            why = f"{why} for {earlier}, the year before"
        lines.append(f"{span}: {label} not shown, {why}")
    return lines


def comparator_sentence(row: ScoreRow) -> str:
    """What the indicator is compared with, and its figure, in one line (the scorecard cell's
    words): "Compared with similar partnerships (15): 61.2 per 1,000, Hartlepool 9th of 16 (1st =
    lowest rate)." or "Compared with Cleveland police force area: +3.1% on last year; …". ""
    when it names no comparator."""
    if not row.comparator_label:
        return ""
    rates = row.comparator_rates()
    if row.comparator_members is not None and row.comparator_rate is not None:  # a group: weighted figure and rank
        return f"Compared with {row.comparator_label}: {rates}."
    if row.comparator_change is not None:
        change = f"{signed_percent(row.comparator_change)} on last year"
    else:
        change = row.comparator_note or "no figure for the comparator"
    return f"Compared with {row.comparator_label}: {change}{'; ' + rates if rates else ''}."


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
    if n == 0:
        return f"No indicator is rated in {label}"
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
    up = sum(1 for p in compared if p.current is not None and p.last_year is not None and p.current > p.last_year)
    n = len(compared)
    if n == 1:
        return f"{compared[0].indicator.name} was {'higher' if up else 'not higher'} than in {last}"
    if up == 0:
        return f"None of {n} demand indicators was higher than in {last}"
    if up == n:
        return f"All {n} demand indicators were higher than in {last}"
    return f"{up} of {n} demand indicators {'was' if up == 1 else 'were'} higher than in {last}"


# --- Why each rating, neutral movement, significance and SPC (issues 11 and 12) -----------------

SHORT_TERM_HEADING = ("This quarter v last quarter", "not used for the rating")
LONG_TERM_HEADING = ("v same period last year", "used for the rating")
CONTEXT_DIRECTIONS = (Direction.UP, Direction.DOWN)


def long_term_heading(rag_comparisons: set[str]) -> tuple[str, str]:
    """The long-term column's heading: the comparison the ratings use (the previous quarter for
    an indicator whose ``rag_comparison`` says so)."""
    if rag_comparisons and rag_comparisons <= {"previous_quarter"}:
        return ("v previous quarter", "used for the rating")
    return LONG_TERM_HEADING


def why_line(row: ScoreRow) -> str:
    """The rating's reason in one plain line: ``743 above target, more than the 2.5% tolerance,
    and worse than the same period last year (12,573 in Q3 2015/16)``."""
    reason = row.reason
    if row.target is not None and row.rag in (Rating.RED, Rating.AMBER, Rating.GREEN):
        tol = row.tolerance_text()
        reason = re.sub(r"the tolerance of [^,]+", f"the {tol} tolerance", reason)
    reason = re.sub(r" \(([^()]+)\) \(([^()]+)\)$", r" (\2 in \1)", reason)
    return f"{reason[:1].upper()}{reason[1:]}"


def movement_phrase(now: float | None, before: float | None, unit: str = "count") -> str:
    """Neutral words for a context indicator's change: ``up 3.2%``, ``down 1.1%``, ``no change``
    (percentage points for percentages); never better or worse."""
    if now is None or before is None:
        return "no figure to compare"
    if unit == "percent":
        points = round(now - before, 1)
        if points == 0:
            return "no change"
        return f"{'up' if points > 0 else 'down'} {abs(points):.1f} percentage {'point' if abs(points) == 1 else 'points'}"
    if now == before:
        return "no change"
    change = percent_change(now, before)
    if change is None:
        return "up from zero" if now > before else "no change"
    if round(change, 1) == 0:
        return f"{'up' if change > 0 else 'down'} less than 0.1%"
    return f"{'up' if change > 0 else 'down'} {abs(change):.1f}%"


def dot_words(row: ScoreRow, which: str) -> str:
    """What an arrow says in words: ``Better``/``Worse`` for a rated indicator, neutral
    ``up 3.2%`` for a context one. ``which`` is ``short`` or ``long``."""
    d = row.dot_short if which == "short" else row.dot_long
    if row.rated and d not in CONTEXT_DIRECTIONS:
        return direction_word(d)
    if which == "short":
        return movement_phrase(row.quarter_value, row.previous_quarter, row.unit)
    return movement_phrase(row.actual, row.same_period_last_year, row.unit)


def significance_words(row: ScoreRow, which: str) -> str:
    """``a real change`` / ``within normal variation`` beside an arrow; empty where no test
    applies (a rate without its parts, a missing figure)."""
    test = row.dot_short_test if which == "short" else row.dot_long_test
    return "" if test is None else test.words


def significance_title(row: ScoreRow, which: str) -> str:
    """The test's figures, for the tooltip and the printed table."""
    test = row.dot_short_test if which == "short" else row.dot_long_test
    if test is None:
        return "No significance test applies (a figure, or the numerator and denominator of a rate, is missing)."
    kind = "two Poisson counts" if test.test == "poisson" else "two proportions"
    return f"{test.words[:1].upper()}{test.words[1:]} at 95%: test of {kind}, {test.describe()}."


def break_note(row: ScoreRow, which: str) -> str:
    """``crosses a series break (1 Apr 2014: …)``: the arrow compares unlike with unlike."""
    crossed = row.dot_short_breaks if which == "short" else row.dot_long_breaks
    if not crossed:
        return ""
    return "crosses a series break (" + "; ".join(b.label() for b in crossed) + "), so it compares unlike with unlike"


SPC_EXPLAINER = (
    "Is a change real? Beside each arrow, \u201ca real change\u201d means a test of the two figures finds the "
    "difference unlikely to be chance (95% confidence); \u201cwithin normal variation\u201d means it could be. "
    "Crime counts vary more than chance alone (a few busy weekends, an operation, a recording change), so these "
    "tests can overstate how real a change is. That is why statistical process control (SPC) is shown too: "
    "Variation says whether the latest figure is unusual for this indicator's own history, and Assurance "
    "whether the target will consistently be met on that history (NHS England's \u201cMaking Data Count\u201d)."
)

# Icon-like shapes for the SPC columns: words always accompany them, so colour is never alone.
SPC_VARIATION_SHAPE = {
    "improvement": "+", "concern": "!", "neutral_high": "H", "neutral_low": "L", "common_cause": "≈",
}  # fmt: skip
# Letters as on the "Making Data Count" icons (P pass, F fail, ? hit and miss); all in the packs' font.
SPC_ASSURANCE_SHAPE = {"pass": "P", "fail": "F", "inconsistent": "?"}


# A version published before the SPC verdicts were stored with it (reporting.published_document).
SPC_NOT_RECORDED_WORDS = (
    "–",
    "not recorded when published",
    "This version was published before its SPC verdicts were stored with it.",
)


def spc_variation_words(row: ScoreRow) -> tuple[str, str, str]:
    """(shape, words, explanation) for the Variation column."""
    if row.spc is SPC_NOT_RECORDED:
        return SPC_NOT_RECORDED_WORDS
    if row.spc is None:
        return ("–", "none", "Not enough stored figures to chart this indicator, so no SPC verdict.")
    result = row.spc.result
    by = "months" if row.spc.by == "month" else "quarters"
    if _spc_stale(row):
        return ("–", "none", _stale_why(row))
    if result.provisional or row.spc_variation is None:
        return ("…", "provisional", f"Only {result.current.size} {by} since the last baseline: limits are provisional "
                "until there are 13 points, so no verdict is given.")  # fmt: skip
    v = Variation(row.spc_variation)
    return (
        SPC_VARIATION_SHAPE[v.value],
        VARIATION_WORDS[v],
        f"XmR chart of {len(row.spc.values)} {by} to {row.spc.periods[-1]}.",
    )


def _spc_stale(row: ScoreRow) -> bool:
    """The chart ends before the scored quarter: its verdict would be about an older period."""
    return not has_point_for(row.spc.periods, Quarter.parse(row.period))


def _stale_why(row: ScoreRow) -> str:
    return (
        f"No SPC verdict: the chart has no point for {Quarter.parse(row.period).label} (latest: {latest_label(row.spc.periods)})."
    )


def spc_assurance_words(row: ScoreRow) -> tuple[str, str, str]:
    """(shape, words, explanation) for the Assurance column."""
    if row.spc is SPC_NOT_RECORDED:
        return SPC_NOT_RECORDED_WORDS
    if row.spc is None:
        return ("–", "none", "Not enough stored figures to chart this indicator, so no SPC verdict.")
    if _spc_stale(row):
        return ("–", "none", _stale_why(row))
    if row.spc.result.provisional:
        return ("…", "provisional", "Limits are provisional (fewer than 13 points), so no assurance is given.")
    if row.spc_assurance is None:
        why = "a context indicator has no target" if not row.rated else "no target to assure against"
        if row.rated and row.rag is Rating.NOT_RATED and "ward" in row.reason:
            why = "no target for this ward"
        return ("–", "none", f"No assurance: {why}.")
    a = Assurance(row.spc_assurance)
    return (SPC_ASSURANCE_SHAPE[a.value], ASSURANCE_WORDS[a], "Where the target lies against the chart's process limits.")


def spc_line(row: ScoreRow) -> str:
    """Both SPC verdicts in one line for the packs: ``Variation: ≈ common cause: no significant
    change. Assurance: ~ will sometimes meet and sometimes miss the target.``"""
    v_shape, v_words, v_why = spc_variation_words(row)
    a_shape, a_words, a_why = spc_assurance_words(row)
    if v_why == a_why and v_words == "none":  # no point for the quarter: one reason for both
        return f"Variation and assurance: none. {v_why}"
    variation = f"{v_shape} {v_words}" + (
        f" ({v_why[:1].lower()}{v_why[1:].rstrip('.')})" if v_words in ("provisional", "none") else ""
    )
    assurance = f"{a_shape} {a_words}" + (f" ({a_why.removeprefix('No assurance: ').rstrip('.')})" if a_words == "none" else "")
    return f"Variation: {variation}. Assurance: {assurance}."


def arrow_note(row: ScoreRow, which: str) -> str:
    """Under an arrow in the packs: whether the change is real, and any series break crossed."""
    parts = [w for w in (significance_words(row, which), "crosses a series break" if break_note(row, which) else "") if w]
    return "; ".join(parts)


SPC_VARIATION_SHORT = {
    "improvement": "improvement", "concern": "concern", "neutral_high": "higher", "neutral_low": "lower",
    "common_cause": "common cause",
}  # fmt: skip
SPC_ASSURANCE_SHORT = {"pass": "meets target", "fail": "misses target", "inconsistent": "hit and miss"}


def spc_cell(row: ScoreRow) -> str:
    """Both SPC verdicts in a few words, for the printed table (the key gives the full words):
    ``SPC: ⬇ concern; ~ hit and miss``, ``SPC: provisional (under 13 points)``."""
    v_shape, v_words, _ = spc_variation_words(row)
    a_shape, a_words, _ = spc_assurance_words(row)
    if v_words == "none":
        if row.spc is not None and row.spc is not SPC_NOT_RECORDED and _spc_stale(row):
            return f"SPC: none (latest point {latest_label(row.spc.periods)})"
        return "SPC: none (too few figures)"
    if v_words == "provisional":
        return "SPC: provisional (under 13 points)"
    variation = f"{v_shape} {SPC_VARIATION_SHORT.get(row.spc_variation or '', v_words)}"
    assurance = f"{a_shape} {SPC_ASSURANCE_SHORT[row.spc_assurance]}" if row.spc_assurance else "no assurance"
    return f"SPC: {variation}; {assurance}"


SPC_KEY = (
    "SPC (statistical process control, NHS England's \u201cMaking Data Count\u201d): variation + improvement, "
    "! concern (special cause), H higher or L lower (context indicators), ≈ common cause (no significant change); "
    "assurance P meets target (will consistently meet it), F misses target (will consistently miss it), ? hit and "
    "miss (will sometimes meet and sometimes miss it). Provisional: fewer than 13 points, so no verdict."
)


def no_figures_this_year(detail: IndicatorDetail) -> str:
    """ "No figures for 2025/26 yet (latest: Q4 2016/17)" when no quarter of the chosen year
    holds a figure (and no month of it does), else ""."""
    year = detail.period.financial_year
    in_year = [r for r in detail.history if Quarter.parse(r.period).financial_year == year]
    if any(r.actual is not None or r.quarter_value is not None for r in in_year):
        return ""
    if any(Quarter.of_month(m).financial_year == year for m, _ in detail.monthly):
        return ""
    held = [r.period for r in detail.history if r.actual is not None]
    return no_figures_yet(year.label, latest_label(held) if held else None)


# --- Which question each verdict answers (issue 20) -----------------------------------------

VERDICT_QUESTIONS = (
    ("rating", "is this period's figure within its target and tolerance?"),
    ("long-term arrow", "is the figure different from the same period last year, by more than chance?"),
    ("SPC variation", "is the latest point unusual for this indicator's own history?"),
    ("SPC assurance", "on that history, will the target consistently be met?"),
)


def verdict_answers(row: ScoreRow) -> list[str]:
    """Each verdict beside the question it answers: "Long-term arrow — is the figure different
    from the same period last year, by more than chance? Worse, a real change." A rating, a
    real change and "common cause" can all be true at once: they answer different questions."""
    long_words = significance_words(row, "long")
    answers = {
        "rating": row.rag.value,
        "long-term arrow": ("no comparison" if row.dot_long is Direction.NA else row.dot_long.value)
        + (f", {long_words}" if long_words else ""),
        "SPC variation": spc_variation_words(row)[1]
        if row.spc is not None
        else _stored(VARIATION_WORDS, Variation, row.spc_variation),
        "SPC assurance": spc_assurance_words(row)[1]
        if row.spc is not None
        else _stored(ASSURANCE_WORDS, Assurance, row.spc_assurance),
    }
    return [
        f"{label[:1].upper()}{label[1:]} — {question} {answers[label][:1].upper()}{answers[label][1:]}."
        for label, question in VERDICT_QUESTIONS
    ]


def _stored(words: dict, kind: type, value: str | None) -> str:
    """A verdict as stored on a published row (whose chart is not frozen with it)."""
    return words[kind(value)] if value else "none"


def verdicts_seem_to_disagree(row: ScoreRow) -> bool:
    """Where verdicts side by side read as a contradiction: a real change on last year beside
    "common cause", or a Red rating beside "will consistently meet the target"."""
    test = row.dot_long_test
    real_change = test is not None and test.significant
    return (
        (real_change and row.spc_variation == "common_cause")
        or (row.rag is Rating.RED and row.spc_assurance == "pass")
        or (row.rag is Rating.GREEN and row.spc_assurance == "fail")
    )


def technical_lines(row: ScoreRow) -> list[str]:
    """The test names, p-values, intervals and SPC limits behind an indicator's words: for the
    pack's technical annex (the body has words only)."""
    lines = [f"Short term: {significance_title(row, 'short')}", f"Long term: {significance_title(row, 'long')}"]
    spc = row.spc
    if spc is not None and spc is not SPC_NOT_RECORDED and getattr(spc, "periods", None):
        s = spc.summary()
        if s.get("provisional"):
            lines.append(
                f"SPC: XmR chart by {spc.by} to {spc.periods[-1]}; {s.get('points')} points since the last baseline, limits provisional."
            )
        else:
            lines.append(
                f"SPC: XmR chart by {spc.by}, {s.get('first_period')} to {s.get('last_period')}; current baseline of {s.get('points')} points, "
                f"mean {_limit(s.get('mean'))}, process limits {_limit(s.get('lower_limit'))} to {_limit(s.get('upper_limit'))}"
                + (f", target line {_limit(s.get('target'))}" if s.get("target") is not None else "")
                + "."
            )
    return lines


def _limit(value: object) -> str:
    return "–" if not isinstance(value, (int, float)) else f"{value:,.2f}".rstrip("0").rstrip(".")
