"""Series breaks: where a new SPC baseline starts, and whether a comparison crosses one.

A break is dated (e.g. 1 April 2014: Home Office recording standards tightened). The period
that contains the date is the first of the new baseline (it is already affected); a
comparison of an earlier span with a later one crosses the break when the date falls after
the start of the earlier span and no later than the end of the later one.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rules.periods import PeriodError, Quarter, parse_month


@dataclass(frozen=True)
class SeriesBreak:
    date: date
    reason: str

    def label(self) -> str:
        """ "1 Apr 2014: Home Office recording standards tightened"."""
        return f"{self.date.day} {self.date:%b %Y}: {self.reason}"


def period_span(period: str) -> tuple[date, date]:
    """First and last day of a month (``2016-10``) or quarter (``2016-17-Q3``)."""
    try:
        year, month = parse_month(period)
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    except PeriodError:
        months = Quarter.parse(period).months()
        return period_span(months[0])[0], period_span(months[-1])[1]


def span_of(periods: Sequence[str]) -> tuple[date, date]:
    """From the first day of the first period to the last day of the last (e.g. a year to date)."""
    return period_span(periods[0])[0], period_span(periods[-1])[1]


def rebase_indices(periods: Sequence[str], breaks: Iterable[SeriesBreak | date]) -> list[int]:
    """Indices of the points that start a new baseline: for each break, the first period
    ending on or after its date. Breaks before the series (or within its first period) and
    after its last period start nothing."""
    ends = [period_span(p)[1] for p in periods]
    starts = [period_span(p)[0] for p in periods]
    out: set[int] = set()
    for item in breaks:
        when = item.date if isinstance(item, SeriesBreak) else item
        if not periods or when <= starts[0]:
            continue
        index = next((i for i, end in enumerate(ends) if end >= when), None)
        if index:
            out.add(index)
    return sorted(out)


def breaks_crossed(earlier: tuple[date, date], later: tuple[date, date], breaks: Iterable[SeriesBreak]) -> list[SeriesBreak]:
    """The breaks between two compared spans (each ``(first day, last day)``), in date order."""
    return sorted((b for b in breaks if earlier[0] < b.date <= later[1]), key=lambda b: b.date)


__all__ = ["SeriesBreak", "breaks_crossed", "period_span", "rebase_indices", "span_of"]
