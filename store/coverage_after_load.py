"""What a load of counts can have changed in the coverage record, worked out without the database.

A load of crime or ASB writes whole area-months: within each area-month it covers, the
file's figures replace what was held; every other area-month is as it was. So which areas
hold their own figure, in which months and from which upload, is the record as it stood
with the load's area-months put in (``figures_after``, ``spans_extended``); and the coverage of a month can only
change where its own figures changed or where an area's span moved (``periods_to_work_out``,
from the rule in ``store.counts._expected``). A monthly 24-month window onto fourteen years
of history then works out about two years of the record again, not fourteen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Figures = dict[str, dict[str, int | None]]  # area -> period -> the latest upload behind its own figure
Spans = dict[str, tuple[str, str]]  # area -> (first period, last period) with its own figure


def figures_after(
    before: Figures, area_months: Iterable[tuple[str, str]], written: Mapping[tuple[str, str], int | None]
) -> Figures:
    """``before`` with every loaded area-month replaced by what the load left there
    (``written``: its latest upload, absent if the area-month now holds nothing)."""
    loaded = set(area_months)
    after: Figures = {}
    for area, per_period in before.items():
        kept = {p: u for p, u in per_period.items() if (area, p) not in loaded}
        if kept:
            after[area] = kept
    for (area, period), upload in written.items():
        after.setdefault(area, {})[period] = upload
    return after


def spans_extended(before: Spans, area_months: Iterable[tuple[str, str]]) -> Spans:
    """Each area's span once these area-months hold its figures (a load of counts leaves
    every area-month it wrote holding figures, and touches no other)."""
    after = dict(before)
    for area, period in area_months:
        lo, hi = after.get(area, (period, period))
        after[area] = (min(lo, period), max(hi, period))
    return after


def periods_to_work_out(before: Spans, after: Spans, loaded_periods: Iterable[str], periods: Iterable[str]) -> set[str]:
    """The periods (of ``periods``, every one held before or after) whose coverage the load
    can have changed. Those it loaded; and, since whether a child area is expected depends on
    its first and last periods and on when its siblings began (``store.counts._expected``):
    every period when any area's first period moved (or an area gained or lost its figures);
    every period from the earlier of an area's old and new last period on, when that moved.
    A parent's span is its children's, so it moves no earlier than theirs."""
    periods = set(periods)
    if before.keys() != after.keys() or any(before[a][0] != after[a][0] for a in after):
        return periods
    moved = [min(before[a][1], after[a][1]) for a in after if before[a][1] != after[a][1]]
    since = min(moved, default=None)
    return {p for p in periods if since is not None and p >= since} | (set(loaded_periods) & periods)
