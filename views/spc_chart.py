"""The indicator page's "Is this change real?" view: the XmR chart (NHS England's Making Data
Count) of the indicator's monthly (or quarterly) series, its flagged points in words, the
variation and assurance verdicts, and the series breaks drawn on every chart of the series.

Colours follow Making Data Count (improvement blue, concern orange, neither purple) and
each kind of point also has its own marker shape and is listed in words, so nothing relies
on colour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from rules.breaks import SeriesBreak
from rules.gaps import has_point_for, latest_label, recent_run
from rules.periods import Quarter, is_month
from rules.spc import ASSURANCE_WORDS, MIN_POINTS, RULE_WORDS, VARIATION_WORDS, PointType, SpcPoint
from store.annotations import breaks_for
from store.db import Session, get_engine, reading
from store.indicator_queries import indicator_by_code
from store.spc_series import SpcUnavailable, StoredSpc, indicator_spc, natural_by
from views.charts import BLUE, INK, PLUM, _layout, _quarter_label, _scatter
from views.gap_axis import month_axis, quarter_axis, with_gaps
from views.wording import month_label

# Making Data Count's icon colours.
MDC_IMPROVEMENT, MDC_CONCERN, MDC_NEUTRAL, MDC_COMMON = "#00B0F0", "#E46C0A", "#490092", "#7F7F7F"
POINT_STYLE: dict[str, tuple[str, str, str]] = {  # type -> (legend name, colour, marker shape)
    "improvement": ("Special cause: improvement", MDC_IMPROVEMENT, "triangle-up"),
    "concern": ("Special cause: concern", MDC_CONCERN, "square"),
    "neutral": ("Special cause: neither better nor worse", MDC_NEUTRAL, "diamond"),
}
LIMIT_GREY = "#505a5f"


def _style_key(point_type: PointType) -> str | None:
    if point_type is PointType.NONE:
        return None
    return "neutral" if point_type in (PointType.NEUTRAL_HIGH, PointType.NEUTRAL_LOW) else point_type.value


@dataclass(frozen=True)
class SpcView:
    """The SPC chart of an indicator for the page, or why there is none."""

    stored: StoredSpc | None
    unavailable: str = ""  # why there is no chart, in words
    breaks: list[SeriesBreak] = field(default_factory=list)
    period: Quarter | None = None  # the quarter the page is about

    @property
    def stale(self) -> bool:
        """The chart ends before the page's quarter: its verdicts are about an older period."""
        return bool(self.stored and self.period and not has_point_for(self.stored.periods, self.period))

    @property
    def gap_notes(self) -> list[str]:
        """Where a long gap breaks the baseline, in words (``store.spc_series``)."""
        return [n for n in self.stored.notes if n.startswith("the baseline restarts")] if self.stored else []

    @property
    def by(self) -> str:
        return self.stored.by if self.stored else "month"

    @property
    def flagged(self) -> list[SpcPoint]:
        return [p for p in self.stored.result.points if p.rules] if self.stored else []

    @property
    def provisional(self) -> bool:
        return bool(self.stored and self.stored.result.provisional)


def spc_view(session: Session, code: str, period: Quarter, area: str) -> SpcView:
    """The chart up to ``period`` (monthly where the measure has months, else quarterly)."""
    indicator = indicator_by_code(session, code)
    if indicator is None:
        return SpcView(None, f"unknown indicator {code!r}")
    breaks = breaks_for(session, indicator, area)
    for by in dict.fromkeys([natural_by(indicator), "quarter"]):
        try:
            return SpcView(indicator_spc(session, indicator, area, by, until=period.key), breaks=breaks, period=period)
        except SpcUnavailable as exc:
            why = str(exc)
    return SpcView(None, why, breaks)


@lru_cache(maxsize=64)
def _cached(url: str, version: tuple, code: str, period: Quarter, area: str) -> SpcView:
    with reading(get_engine(url)) as session:
        return spc_view(session, code, period, area)


def cached_spc_view(url: str, code: str, period: Quarter, area: str) -> SpcView:
    from views.data import version

    return _cached(url, version(url), code, period, area)


# --- Words --------------------------------------------------------------------------------


def period_words(period: str) -> str:
    return month_label(period) if is_month(period) else Quarter.parse(period).label


def point_words(point: SpcPoint) -> str:
    """ "437, outside the process limits (concern)" – the period goes in its own column."""
    reasons = "; ".join(RULE_WORDS[r] for r in point.rules)
    kind = {"improvement": "improvement", "concern": "concern"}.get(point.point_type.value, "neither better nor worse")
    return f"{reasons} ({kind})"


def variation_words(view: SpcView) -> str:
    result = view.stored.result if view.stored else None
    if result is None or result.variation is None or view.stale:
        return ""
    return VARIATION_WORDS[result.variation]


def assurance_words(view: SpcView) -> str:
    result = view.stored.result if view.stored else None
    if result is None or result.assurance is None or view.stale:
        return ""
    return ASSURANCE_WORDS[result.assurance]


def no_icons_reason(view: SpcView) -> str:
    """Why the verdicts are not shown ("" when they are)."""
    if view.stored is None:
        return f"No chart: {view.unavailable}."
    seg = view.stored.result.current
    if view.stale and view.period is not None:
        return (
            f"The chart has no point for {view.period.label} (latest: {latest_label(view.stored.periods)}), "
            "so no variation or assurance verdict is given for it."
        )
    if view.provisional:
        since = " since the last series break" if len(view.stored.result.segments) > 1 else ""
        return (
            f"Only {seg.size} {view.by}ly figures{since}: Making Data Count needs at least {MIN_POINTS} before the "
            "limits are settled, so the limits are provisional and no variation or assurance icon is shown."
        )
    return ""


def spc_title(view: SpcView) -> str:
    stored = view.stored
    if stored is None:
        return "No chart of variation"
    # Short: the range drawn is the subtitle's (and the caption's) to state.
    if view.stale and view.period is not None:  # stale: there is a page quarter the chart stops short of
        return f"No point for {view.period.label}: the chart ends {period_words(stored.periods[-1])}"
    if view.provisional:
        return f"Provisional limits: only {stored.result.current.size} points"
    flagged = [p for p in stored.result.points if p.rules]
    verdict = variation_words(view) or "common cause"
    tail = f"; {len(flagged)} of {len(stored.periods)} points flagged" if flagged else ""
    return f"Latest {stored.by}: {verdict}{tail}"


def spc_subtitle(view: SpcView, name: str, area_name: str) -> str:
    stored = view.stored
    if stored is None:
        return ""
    start = recent_run(stored.periods)  # the chart opens there: say which span is shown
    shown = f"{period_words(stored.periods[start])} to {period_words(stored.periods[-1])} ({len(stored.periods) - start} points"
    earlier = (
        f"; earlier: {period_words(stored.periods[0])} to {period_words(stored.periods[start - 1])}, before a gap of more than a year)"
        if start
        else ")"
    )
    return f"{name}, {area_name}, each {stored.by}, {shown}{earlier}"


def spc_table(view: SpcView) -> tuple[list[str], list[list[str]]]:
    """Every point with its limits and flag, for the page's table and the CSV."""
    headers = ["Period", "Value", "Mean", "Lower limit", "Upper limit", "Special cause"]
    rows: list[list[str]] = []
    if view.stored is None:
        return headers, rows
    segs = view.stored.result.segments
    for p in view.stored.result.points:
        s = segs[p.segment]
        rows.append(
            [
                period_words(p.period),
                _num(p.value),
                _num(s.mean),
                _num(s.lower_limit),
                _num(s.upper_limit),
                point_words(p) if p.rules else "",
            ]
        )
    return headers, rows


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


# --- The figure ---------------------------------------------------------------------------


@lru_cache(maxsize=2048)  # called for every point of every limit line; a quarter's key fails the month pattern slowly
def _x(period: str) -> str:
    return f"{period}-01" if is_month(period) else _quarter_label(period)


def _stepped(view: SpcView, attr: str) -> tuple[list[Any], list[Any]]:
    """One line per baseline, broken between baselines (limits step at each rebase)."""
    assert view.stored is not None
    periods = view.stored.periods
    xs: list[Any] = []
    ys: list[Any] = []
    for seg in view.stored.result.segments:
        value = getattr(seg, attr)
        for i in range(seg.start, seg.end):
            xs.append(_x(periods[i]))
            ys.append(value)
        xs.append(None)
        ys.append(None)
    return xs, ys


def break_x(when: date, by: str, periods: list[str]) -> str | None:
    """Where a break sits on a chart's x axis: its date on a monthly (date) axis; on a quarterly
    axis, the first quarter it affects. None when it falls outside the chart."""
    if by == "month":
        return when.isoformat()
    for p in periods:
        q = Quarter.parse(p)
        last_month = q.months()[-1]
        if f"{when:%Y-%m}" <= last_month:
            return _quarter_label(p)
    return None


def add_break_lines(figure: dict[str, Any], breaks: list[SeriesBreak], by: str, periods: list[str]) -> None:
    """Each series break as a dashed vertical line labelled "Break" (the list under the chart
    gives the reason), drawn on ``figure`` in place."""
    layout = figure.setdefault("layout", {})
    if not periods:
        return
    first = periods[0] if by == "quarter" else f"{periods[0]}-01"
    for b in breaks:
        x = break_x(b.date, by, periods)
        if x is None or (by == "month" and x < first):
            continue
        layout.setdefault("shapes", []).append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": INK, "width": 2, "dash": "dashdot"},
                "name": "series-break",
            }
        )
        layout.setdefault("annotations", []).append(
            {
                "text": f"Break {b.date:%b %Y}",
                "x": x,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "left",
                "showarrow": False,
                "font": {"size": 12, "color": INK},
            }
        )


def spc_figure(view: SpcView, title: str, y_title: str, two_sigma: bool = True) -> dict[str, Any]:
    """The XmR chart: values, mean, process limits (stepped at rebases), the 2-sigma lines
    (shown in the legend, off until chosen when ``two_sigma`` is false), the target, and
    special-cause points coloured and shaped as Making Data Count does."""
    assert view.stored is not None
    stored = view.stored
    result = stored.result
    x = [_x(p) for p in stored.periods]
    data: list[dict] = []
    for attr, name, dash in (("upper_limit", "Process limits", "dash"), ("lower_limit", "Process limits", "dash")):
        xs, ys = _stepped(view, attr)
        data.append(
            _scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=name,
                legendgroup="limits",
                showlegend=attr == "upper_limit",
                line={"color": LIMIT_GREY, "dash": dash, "width": 2},
                hoverinfo="skip",
            )
        )
    for attr in ("upper_two_sigma", "lower_two_sigma"):
        xs, ys = _stepped(view, attr)
        data.append(
            _scatter(
                x=xs, y=ys, mode="lines", name="2-sigma lines" if two_sigma else "2-sigma lines (choose to show)", legendgroup="sigma", showlegend=attr == "upper_two_sigma",
                line={"color": LIMIT_GREY, "dash": "dot", "width": 1}, hoverinfo="skip", visible=True if two_sigma else "legendonly",
            )
        )  # fmt: skip
    xs, ys = _stepped(view, "mean")
    data.append(_scatter(x=xs, y=ys, mode="lines", name="Mean", line={"color": INK, "width": 1.5}, hoverinfo="skip"))
    if result.target is not None:
        data.append(
            _scatter(
                x=x,
                y=[result.target] * len(x),
                mode="lines",
                name="Target",
                line={"color": PLUM, "dash": "longdash", "width": 2},
                hoverinfo="skip",
            )
        )
    every, gapped = with_gaps(stored.periods, stored.values)  # a missing period is a gap, not a bridge
    data.append(
        _scatter(
            x=[_x(p) for p in every], y=gapped, mode="lines+markers", name=f"Each {stored.by}", meta="values", connectgaps=False,
            line={"color": BLUE, "width": 2}, marker={"symbol": "circle", "size": 6, "color": BLUE},
        )
    )  # fmt: skip
    for key, (name, colour, symbol) in POINT_STYLE.items():
        points = [p for p in result.points if p.rules and _style_key(p.point_type) == key]
        if not points:
            continue
        data.append(
            _scatter(
                x=[_x(p.period) for p in points], y=[p.value for p in points], mode="markers", name=name, meta=f"special-{key}",
                marker={"symbol": symbol, "size": 13, "color": colour, "line": {"color": INK, "width": 1}},
                text=[point_words(p) for p in points], hovertemplate="%{x}: %{y:,.0f}<br>%{text}<extra></extra>",
            )
        )  # fmt: skip
    layout = _layout(title, stored.by.capitalize(), y_title, height=460)  # a long key needs room on a phone
    layout["yaxis"]["rangemode"] = "normal"
    layout["yaxis"]["tickformat"] = ",d" if all(float(v).is_integer() for v in stored.values) else ""
    # Opened on the latest run with no gap of more than a year (the caption says so).
    start = recent_run(stored.periods)
    if stored.by == "month":
        layout["xaxis"].update(month_axis(stored.periods, start))
    else:  # each year's Q1 and the last quarter, "Q3" over "16/17", thinned: no overlapping labels on a phone
        labels = [_x(p) for p in every]
        layout["xaxis"].update(quarter_axis(labels, every.index(stored.periods[start])))
    figure = {"data": data, "layout": layout}
    add_break_lines(figure, view.breaks, stored.by, stored.periods)
    return figure


__all__ = [
    "POINT_STYLE",
    "SpcView",
    "add_break_lines",
    "assurance_words",
    "cached_spc_view",
    "no_icons_reason",
    "point_words",
    "spc_figure",
    "spc_subtitle",
    "spc_table",
    "spc_title",
    "spc_view",
    "variation_words",
]
