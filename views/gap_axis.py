"""Long spans and gaps on a chart's x axis: missing periods drawn as gaps (a None point, so
plotly breaks the line; ``connectgaps`` stays False), the axis opened on the latest run of
figures with no gap longer than a year, and tick labels thinned so none overlap.

Rules from ``rules.gaps``; this module only shapes the figure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from rules.gaps import every_period, gaps, period_label, recent_run

# The narrowest plot a chart gets (a 390 px phone, less margins and padding) and the room one
# tick label needs there: "Q3" over "16/17" at 14 px is ~40 px, plus a gap.
NARROW_PLOT_PX = 260
MONTH_TICKS = 4
QUARTER_LABEL_PX = 48


def with_gaps(periods: Sequence[str], values: Sequence[Any]) -> tuple[list[str], list[Any]]:
    """Every period from the first to the last, None where none is held: the line breaks at a
    gap instead of joining the figures either side of it."""
    if not periods:
        return [], []
    held = dict(zip(periods, values))
    full = every_period(periods[0], periods[-1])
    return full, [held.get(p) for p in full]


def opening_run(periods: Sequence[str]) -> tuple[int, str]:
    """Index of the first held period the axis opens on, and the words saying so ("" when the
    whole span is shown): "Showing April 2024 to March 2026; earlier figures (April 2014 to
    March 2017) are in the table, after a gap of 7 years."."""
    if not periods:
        return 0, ""
    start = recent_run(periods)
    if start == 0:
        return 0, ""
    gap = next(g for g in gaps(periods) if g.index == start)
    return start, (
        f"Showing {period_label(periods[start])} to {period_label(periods[-1])}: {gap.words()} before it, so the chart "
        f"opens on the latest run; earlier figures ({period_label(periods[0])} to {period_label(periods[start - 1])}) are in the table."
    )


def month_axis(periods: Sequence[str], start: int = 0) -> dict[str, Any]:
    """A date x axis opened on ``periods[start:]``. At most ``MONTH_TICKS`` labels, whatever
    the width: plotly picks round steps (3, 6, 12 months…) under that cap, and four "Mar 2024"
    labels fit a phone's plot without touching."""
    first, last = periods[start], periods[-1]
    lo = date(int(first[:4]), int(first[5:7]), 1) - timedelta(days=20)
    hi = date(int(last[:4]), int(last[5:7]), 1) + timedelta(days=20)
    return {
        "type": "date", "tickformat": "%b %Y", "hoverformat": "%B %Y", "nticks": MONTH_TICKS, "tickangle": 0,
        "range": [lo.isoformat(), hi.isoformat()],
    }  # fmt: skip


def quarter_ticks(labels: Sequence[str], start: int = 0, plot_px: int = NARROW_PLOT_PX) -> list[str]:
    """Which of a category axis's quarter labels ("Q3 16/17") to draw: every quarter, or each
    year's Q1 (every year, or every 2nd, 5th… year) plus the latest quarter, spaced so that no
    two are closer than a label's width on the narrowest plot."""
    shown = list(labels[start:])
    if not shown:
        return []
    spacing = plot_px / len(shown)  # px between neighbouring categories on a phone
    min_apart = max(1, -(-QUARTER_LABEL_PX // int(max(spacing, 1))))  # categories between labels
    if min_apart == 1:
        return shown
    for years in (1, 2, 5, 10, 20):
        chosen = [i for i, v in enumerate(shown) if v.startswith("Q1") and int(v[-5:-3]) % years == 0]
        last = len(shown) - 1
        chosen = [i for i in chosen if last - i >= min_apart] + [last]
        if all(b - a >= min_apart for a, b in zip(chosen, chosen[1:])):
            return [shown[i] for i in chosen]
    return [shown[-1]]


def quarter_axis(labels: Sequence[str], start: int = 0, plot_px: int = NARROW_PLOT_PX) -> dict[str, Any]:
    """A category axis of quarter labels, opened on ``labels[start:]``, "Q3" over "16/17"
    (``plot_px``: the narrowest the plot area is ever drawn)."""
    ticks = quarter_ticks(labels, start, plot_px)
    return {
        "categoryorder": "array",
        "categoryarray": list(labels),
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [t.replace(" ", "<br>") for t in ticks],
        "tickangle": 0,
        "range": [start - 0.5, len(labels) - 0.5],
    }


def end_of_quarter_axis(labels: Sequence[str]) -> dict[str, Any]:
    """The year-to-date charts' four "Q1 (Apr–Jun)" labels, on two lines ("Q1" over
    "(Apr–Jun)") and upright: four fit a phone without touching."""
    return {
        "tickmode": "array",
        "tickvals": list(labels),
        "ticktext": [label.replace(" ", "<br>", 1) for label in labels],
        "tickangle": 0,
    }


__all__ = ["end_of_quarter_axis", "month_axis", "opening_run", "quarter_axis", "quarter_ticks", "with_gaps"]
