"""Gaps in a series: where figures are missing, which gaps break an SPC baseline, the recent
unbroken run a long chart opens on, and whether a series has a figure for a chosen quarter.

Periods are months (``2016-10``) or quarters (``2016-17-Q3``), held ones only, in time order.
A gap of more than ``MAX_BASELINE_GAP_MONTHS`` (12) months means the process before it may not be
the process after it (new recording practice, a new source, years unloaded), so an SPC baseline
never spans one: the series is broken there, as at a recorded series break. Shorter gaps (a
month or a quarter not loaded) stay within the baseline; charts still draw them as gaps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rules.periods import PeriodError, Quarter, is_month, parse_month

MAX_BASELINE_GAP_MONTHS = 12


def _month_index(month: str) -> int:
    year, mon = parse_month(month)
    return year * 12 + mon - 1


def _month_of(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _span(period: str) -> tuple[int, int]:
    """First and last month of a month or quarter, as month indices."""
    if is_month(period):
        i = _month_index(period)
        return i, i
    months = Quarter.parse(period).months()
    return _month_index(months[0]), _month_index(months[-1])


def months_missing(earlier: str, later: str) -> int:
    """Whole months between two periods that neither covers (0 when they are adjacent)."""
    return max(0, _span(later)[0] - _span(earlier)[1] - 1)


def period_label(period: str) -> str:
    """ "March 2017" or "Q4 2016/17"."""
    if is_month(period):
        year, mon = parse_month(period)
        return f"{['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][mon - 1]} {year}"
    return Quarter.parse(period).label


def _months_words(n: int) -> str:
    """ "7 years", "6 years and 11 months", "5 months"."""
    years, months = divmod(n, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if months or not years:
        parts.append(f"{months} month{'s' if months != 1 else ''}")
    return " and ".join(parts)


@dataclass(frozen=True)
class Gap:
    """Figures missing between two held periods: ``index`` is the first period after the gap."""

    index: int
    before: str  # the last period held before the gap
    after: str  # the first period held after it
    months: int  # months missing

    @property
    def breaks_baseline(self) -> bool:
        return self.months > MAX_BASELINE_GAP_MONTHS

    def words(self) -> str:
        """ "no figures for 7 years (April 2017 to March 2024)"."""
        first = _span(self.before)[1] + 1
        last = _span(self.after)[0] - 1
        if is_month(self.before):
            what = f"{period_label(_month_of(first))} to {period_label(_month_of(last))}"
        else:
            what = f"{Quarter.of_month(_month_of(first)).label} to {Quarter.of_month(_month_of(last)).label}"
        return f"no figures for {_months_words(self.months)} ({what})"


def gaps(periods: Sequence[str]) -> list[Gap]:
    """Every gap between consecutive held periods, oldest first."""
    return [
        Gap(i, periods[i - 1], periods[i], months_missing(periods[i - 1], periods[i]))
        for i in range(1, len(periods))
        if months_missing(periods[i - 1], periods[i]) > 0
    ]


def baseline_breaks(periods: Sequence[str], max_gap_months: int = MAX_BASELINE_GAP_MONTHS) -> list[Gap]:
    """The gaps an SPC baseline may not span (more than ``max_gap_months`` months missing)."""
    return [g for g in gaps(periods) if g.months > max_gap_months]


def recent_run(periods: Sequence[str], max_gap_months: int = MAX_BASELINE_GAP_MONTHS) -> int:
    """Index of the first period of the latest run with no gap longer than ``max_gap_months``:
    where a chart of a long span opens (the rest stays one zoom away)."""
    breaks = baseline_breaks(periods, max_gap_months)
    return breaks[-1].index if breaks else 0


def every_period(first: str, last: str) -> list[str]:
    """Every month (or quarter) from ``first`` to ``last``: the x axis a gap is drawn on."""
    if is_month(first):
        return [_month_of(i) for i in range(_month_index(first), _month_index(last) + 1)]
    out, q, end = [], Quarter.parse(first), Quarter.parse(last)
    while q <= end:
        out.append(q.key)
        q = q.next()
    return out


def has_point_for(periods: Sequence[str], quarter: Quarter) -> bool:
    """Whether a series reaches the end of ``quarter``: its last period is the quarter itself or
    its last month. A verdict read off an older point is not a verdict on this quarter."""
    if not periods:
        return False
    last = periods[-1]
    try:
        return _span(last)[1] >= _month_index(quarter.months()[-1])
    except PeriodError:
        return False


def latest_label(periods: Sequence[str]) -> str:
    """The newest held period as the report writes a quarter ("Q4 2016/17")."""
    last = periods[-1]
    return Quarter.of_month(last).label if is_month(last) else Quarter.parse(last).label


def no_figures_yet(year_label: str, latest: str | None) -> str:
    """ "No figures for 2025/26 yet (latest: Q4 2016/17)"."""
    return f"No figures for {year_label} yet" + (f" (latest: {latest})" if latest else "")


__all__ = [
    "Gap",
    "MAX_BASELINE_GAP_MONTHS",
    "baseline_breaks",
    "every_period",
    "gaps",
    "has_point_for",
    "latest_label",
    "months_missing",
    "no_figures_yet",
    "period_label",
    "recent_run",
]
