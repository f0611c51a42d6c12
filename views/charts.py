"""Plotly figures for the pages, in the Government Analysis Function palette.

Each series differs by line style and marker as well as colour, carries a legend entry,
and the chart title states the finding (the caller words it from the figures).
"""

from __future__ import annotations

import textwrap
from typing import Any

from reporting.scoring import ScoreRow
from rules.gaps import recent_run
from rules.periods import Quarter
from rules.rating import Polarity, Rating, Target, ToleranceType
from rules.summary import RATED, RagCounts
from store.queries import DemandPanel, IndicatorDetail
from views.gap_axis import end_of_quarter_axis, month_axis, opening_run, quarter_axis, with_gaps
from views.print_style import deep_merge
from views.wording import QUARTER_MONTHS

Figure = dict[str, Any]  # {"data": [...], "layout": {...}}, as Dash sends it to plotly.js


class _Fig:
    """The few ``go.Figure`` methods used here, on plain dicts. Building a ``go.Figure``
    validates every property and cost ~40 ms a chart, most of a warm page's time."""

    def __init__(self, *traces: dict) -> None:
        self.data: list[dict] = list(traces)
        self.layout: dict = {}

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)

    def update_layout(self, values: dict | None = None, **more: Any) -> None:
        deep_merge(self.layout, {**(values or {}), **more})

    def update_xaxes(self, **values: Any) -> None:
        deep_merge(self.layout.setdefault("xaxis", {}), values)

    def update_yaxes(self, **values: Any) -> None:
        deep_merge(self.layout.setdefault("yaxis", {}), values)

    def dict(self) -> Figure:
        return {"data": self.data, "layout": self.layout}


def _scatter(**props: Any) -> dict:
    return {"type": "scatter", **props}


# Analysis Function categorical palette (dark blue, turquoise, dark pink, orange).
BLUE, TEAL, PLUM, ORANGE = "#12436D", "#28A197", "#801650", "#F46A25"
INK, GRID = "#0b0c0c", "#d8d8d8"
RAG_FILL = {Rating.RED: "#d4351c", Rating.AMBER: "#f47738", Rating.GREEN: "#00703c"}
FONT = '"Helvetica Neue", Helvetica, Arial, sans-serif'


def _layout(title: str, x_title: str, y_title: str, height: int = 400, legend: bool = True) -> dict:
    return {
        # Title (the finding) at the top, legend just under it, so neither collides with
        # the two-line quarter labels and axis title below the plot.
        "title": {
            "text": title,
            "x": 0,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
            "yref": "container",
            "font": {"size": 17, "color": INK},
        },
        "font": {"family": FONT, "size": 14, "color": INK},
        "height": height,
        "margin": {"l": 70, "r": 20, "t": 95 if legend else 55, "b": 70},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "showlegend": legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left", "font": {"size": 13}},
        "xaxis": {"title": {"text": x_title}, "showgrid": False, "linecolor": INK, "ticks": "outside", "fixedrange": True},
        "yaxis": {"title": {"text": y_title}, "gridcolor": GRID, "zeroline": False, "fixedrange": True, "rangemode": "tozero"},
        "hoverlabel": {"font": {"family": FONT}},
    }


def _tick_format(unit: str) -> dict:
    return {"ticksuffix": "%"} if unit == "percent" else {"tickformat": ",d"} if unit == "count" else {}


SUMMARY_TITLE_CHARS = 34


def summary_bar(counts: RagCounts, title: str) -> Figure:
    """Horizontal bars of Red/Amber/Green counts, each labelled with its count and share."""
    ratings = list(RATED)
    fig = _Fig(
        {
            "type": "bar",
            "y": [r.value for r in ratings],
            "x": [counts.count(r) for r in ratings],
            "orientation": "h",
            "marker": {"color": [RAG_FILL[r] for r in ratings], "line": {"color": INK, "width": 1}},
            "text": [f"{counts.count(r)} ({counts.percent_label(r)})" for r in ratings],
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": "%{y}: %{x}<extra></extra>",
        }
    )
    # Wrapped so the finding never runs past a phone-width chart (about 34 characters at 17 px in 350 px).
    lines = textwrap.wrap(title, SUMMARY_TITLE_CHARS) or [title]
    extra = 22 * (len(lines) - 1)
    fig.update_layout(_layout("<br>".join(lines), "Number of indicators", "", height=200 + extra, legend=False))
    fig.update_layout(margin={"l": 70, "r": 90, "t": 50 + extra, "b": 50}, yaxis={"autorange": "reversed", "rangemode": None})
    # Centred in the top margin: Plotly mis-places a title of two lines anchored at its top
    # (pushed off the figure) or its bottom (over the bars), but not one anchored at its middle.
    height = 200 + extra
    fig.update_layout(title={"yref": "container", "y": 1 - (50 + extra) / 2 / height, "yanchor": "middle"})
    fig.update_xaxes(dtick=1, range=[0, max(counts.rated_total, 1) * 1.15], gridcolor=GRID, showgrid=True)
    return fig.dict()


def tolerance_bounds(target: Target | None, polarity: str) -> tuple[float | None, float | None]:
    """The edges of the "still Green" zone: target to target plus tolerance (or the range
    widened by the tolerance for a band)."""
    if target is None:
        return None, None
    pol = Polarity(polarity)
    if pol is Polarity.BAND:
        if target.low is None or target.high is None:
            return None, None
        lo = target.low - (
            target.tolerance if target.tolerance_type is ToleranceType.ABS else target.low * target.tolerance / 100
        )
        hi = target.high + (
            target.tolerance if target.tolerance_type is ToleranceType.ABS else target.high * target.tolerance / 100
        )
        return lo, hi
    if target.target is None:
        return None, None
    tol = target.tolerance if target.tolerance_type is ToleranceType.ABS else abs(target.target) * target.tolerance / 100
    return (target.target, target.target + tol) if pol is Polarity.LOWER else (target.target - tol, target.target)


def _target_mid(row: ScoreRow) -> float | None:
    t = row.target
    if t is None:
        return None
    return t.target


def _segments(rows: list[ScoreRow], basis: str) -> list[list[ScoreRow]]:
    """Year-to-date figures restart each April, so each financial year gets its own line
    (joining Q4 to the next Q1 would draw a plunge that never happened)."""
    if basis != "ytd":
        return [rows]
    out: dict[str, list[ScoreRow]] = {}
    for r in rows:
        out.setdefault(r.period[:7], []).append(r)
    return list(out.values())


def quarterly(detail: IndicatorDetail, title: str, y_title: str) -> Figure:
    """Rated value by quarter with the target line and the tolerance band shaded.
    Traces of the area's own figures carry ``meta="actual"`` (tests read them back)."""
    fig = _Fig()
    band = detail.indicator.polarity == "band"
    band_name = "Target range widened by tolerance (still Green)" if band else "Within tolerance (still Green)"
    segments = _segments(detail.history, detail.indicator.basis)
    for i, rows in enumerate(segments):
        labels = [_quarter_label(r.period) for r in rows]
        bounds = [tolerance_bounds(r.target, r.polarity) for r in rows]
        fig.add_trace(
            _scatter(
                x=labels,
                y=[b[0] for b in bounds],
                mode="lines",
                line={"width": 1, "color": TEAL},
                hoverinfo="skip",
                showlegend=False,
                legendgroup="tolerance",
            )
        )
        fig.add_trace(
            _scatter(
                x=labels, y=[b[1] for b in bounds], mode="lines", line={"width": 1, "color": TEAL}, fill="tonexty",
                fillcolor="rgba(40,161,151,0.35)", name=band_name, hoverinfo="skip", showlegend=i == 0, legendgroup="tolerance",
            )
        )  # fmt: skip
    for i, rows in enumerate(segments):
        labels = [_quarter_label(r.period) for r in rows]
        if band:
            for attr in ("low", "high"):
                fig.add_trace(
                    _scatter(
                        x=labels, y=[getattr(r.target, attr) if r.target else None for r in rows], mode="lines",
                        line={"color": PLUM, "dash": "dash", "width": 2}, name="Target range",
                        showlegend=i == 0 and attr == "low", legendgroup="target",
                        hovertemplate="%{x}: %{y:.1f}<extra>Target range (" + attr + ")</extra>",
                    )
                )  # fmt: skip
        else:
            fig.add_trace(
                _scatter(
                    x=labels, y=[_target_mid(r) for r in rows], mode="lines+markers", name="Target", showlegend=i == 0,
                    legendgroup="target", line={"color": PLUM, "dash": "dash", "width": 2},
                    marker={"symbol": "line-ew-open", "size": 12},
                )
            )  # fmt: skip
    if detail.comparator and detail.indicator.unit == "percent":
        rows = detail.history
        fig.add_trace(
            _scatter(
                x=[_quarter_label(r.period) for r in rows], y=[detail.comparator.get(r.period) for r in rows],
                mode="lines+markers", name=detail.indicator.comparator_label or "Comparator",
                line={"color": ORANGE, "dash": "dot", "width": 2}, marker={"symbol": "diamond", "size": 8},
            )
        )  # fmt: skip
    for i, rows in enumerate(segments):
        fig.add_trace(
            _scatter(
                x=[_quarter_label(r.period) for r in rows], y=[r.actual for r in rows], mode="lines+markers",
                name=f"{detail.area_name} (actual)", showlegend=i == 0, legendgroup="actual", connectgaps=False,
                line={"color": BLUE, "width": 3}, marker={"symbol": "circle", "size": 8}, meta="actual",
            )
        )  # fmt: skip
    fig.update_layout(_layout(title, "Quarter", y_title))
    labels = [_quarter_label(r.period) for r in detail.history]
    _two_line_ticks(fig, labels[: closing_index(detail.history)], opening_index(detail.history))
    fig.update_yaxes(**_tick_format(detail.indicator.unit))
    return fig.dict()


def _two_line_ticks(fig: _Fig, labels: list[str], start: int = 0) -> None:
    """ "Q3" over "16/17", thinned (``views.gap_axis``) so no two labels touch even on a phone,
    the axis opened on ``labels[start:]``."""
    fig.update_xaxes(**quarter_axis(labels, start))


def opening_index(rows: list[ScoreRow]) -> int:
    """Index in ``rows`` of the first quarter a long chart opens on: the latest run of figures
    with no gap of more than a year."""
    held = [i for i, r in enumerate(rows) if r.actual is not None]
    if not held:
        return 0
    return held[recent_run([rows[i].period for i in held])]


# A chart ends at its last figure when more than a year of quarters follows it with none (the
# gap rule of ``rules.gaps``): ASB held to Q4 2016/17, read for Q4 2025/26, is not squeezed into
# the first quarter of an axis running nine empty years to the chosen quarter.
EMPTY_TAIL_QUARTERS = 4


def closing_index(rows: list[ScoreRow]) -> int:
    """One past the index in ``rows`` of the last quarter a quarterly chart shows."""
    held = [i for i, r in enumerate(rows) if r.actual is not None]
    if not held or len(rows) - 1 - held[-1] <= EMPTY_TAIL_QUARTERS:
        return len(rows)
    return held[-1] + 1


def closing_note(rows: list[ScoreRow]) -> str:
    """The chart's end in words when it stops at its last figure ("" when it runs to the end)."""
    end = closing_index(rows)
    if end == len(rows):
        return ""
    last, chosen = Quarter.parse(rows[end - 1].period).label, Quarter.parse(rows[-1].period).label
    return f"No figures after {last}, so the chart ends there rather than at {chosen}."


def opening_note(rows: list[ScoreRow]) -> str:
    """The span a quarterly chart opens on, in words ("" when it shows everything)."""
    held = [r.period for r in rows if r.actual is not None]
    return opening_run(held)[1]


def _quarter_label(key: str) -> str:
    # "2016-17-Q3" -> "Q3 16/17": short enough for twelve ticks on a tablet.
    year, q = key[:7], key[-2:]
    return f"{q} {year[2:4]}/{year[5:7]}"


def year_to_date(
    this_year: list[float | None], last_year: list[float | None], labels: tuple[str, str], unit: str, title: str
) -> Figure:
    x = [f"Q{q} ({QUARTER_MONTHS[q]})" for q in (1, 2, 3, 4)]
    fig = _Fig()
    fig.add_trace(
        _scatter(
            x=x,
            y=last_year,
            mode="lines+markers",
            name=labels[1],
            line={"color": ORANGE, "dash": "dash", "width": 2},
            marker={"symbol": "diamond", "size": 9},
        )
    )
    fig.add_trace(
        _scatter(
            x=x[: len(this_year)],
            y=this_year,
            mode="lines+markers",
            name=labels[0],
            line={"color": BLUE, "width": 3},
            marker={"symbol": "circle", "size": 9},
            meta="this-year",
        )
    )
    fig.update_layout(_layout(title, "End of quarter", "Year to date" + (" (%)" if unit == "percent" else "")))
    fig.update_xaxes(**end_of_quarter_axis(x))
    fig.update_yaxes(**_tick_format(unit))
    return fig.dict()


def monthly(months: list[str], values: list[int], highlight: set[str], title: str, y_title: str) -> Figure:
    """Monthly counts; the chosen quarter's months are marked with filled squares."""
    fig = _Fig()
    every, gapped = with_gaps(months, values)  # a missing month is a gap in the line, not a bridge
    fig.add_trace(
        _scatter(
            x=[f"{m}-01" for m in every], y=gapped, mode="lines+markers", name="Monthly count", connectgaps=False,
            line={"color": BLUE, "width": 2}, marker={"symbol": "circle-open", "size": 6},
        )
    )  # fmt: skip
    chosen = [(m, v) for m, v in zip(months, values) if m in highlight]
    fig.add_trace(
        _scatter(
            x=[f"{m}-01" for m, _ in chosen], y=[v for _, v in chosen], mode="markers", name="Months of the chosen quarter",
            marker={"symbol": "square", "size": 10, "color": PLUM},
        )
    )  # fmt: skip
    fig.update_layout(_layout(title, "Month", y_title))
    if months:
        fig.update_xaxes(**month_axis(months, recent_run(months)))
    fig.update_yaxes(tickformat=",d")
    return fig.dict()


def comparator_opening(rows: list[ScoreRow]) -> tuple[int, str]:
    """Index in ``rows`` of the quarter the comparator chart opens on (the latest run of
    changes with no gap of more than a year, as the other charts), and the words saying so."""
    drawn = [i for i, r in enumerate(rows) if r.change_on_last_year is not None or r.comparator_change is not None]
    start, words = opening_run([rows[i].period for i in drawn])
    return (drawn[start] if drawn else 0), words


def comparator_note(detail: IndicatorDetail) -> str:
    """The span the comparator chart opens on, in words ("" when it shows everything)."""
    return comparator_opening(detail.history)[1]


def comparator_change(detail: IndicatorDetail, title: str) -> Figure:
    """Change on the same period last year: this area against the comparator area."""
    drawn = [i for i, r in enumerate(detail.history) if r.change_on_last_year is not None or r.comparator_change is not None]
    # Every quarter from the first drawn to the last, those without a figure too: a missing or
    # partial quarter stays a visible gap in its line rather than being bridged.
    rows = detail.history[drawn[0] : drawn[-1] + 1] if drawn else []
    labels = [_quarter_label(r.period) for r in rows]
    fig = _Fig()
    fig.add_trace(
        _scatter(
            x=labels,
            y=[r.comparator_change for r in rows],
            mode="lines+markers",
            name=detail.indicator.comparator_label or "Comparator",
            line={"color": ORANGE, "dash": "dash", "width": 2},
            marker={"symbol": "diamond", "size": 9},
            connectgaps=False,
        )
    )
    fig.add_trace(
        _scatter(
            x=labels,
            y=[r.change_on_last_year for r in rows],
            mode="lines+markers",
            name=detail.area_name,
            line={"color": BLUE, "width": 3},
            marker={"symbol": "circle", "size": 9},
            connectgaps=False,
        )
    )
    fig.update_layout(_layout(title, "Quarter", "Change on a year earlier (%)"))
    _two_line_ticks(fig, labels, comparator_opening(rows)[0])
    fig.update_yaxes(ticksuffix="%", zeroline=True, zerolinecolor=INK, rangemode="normal")
    return fig.dict()


def sparkline(panel: DemandPanel, title: str) -> Figure:
    """A small trend for the demand page, with last year's quarter marked."""
    labels = [_quarter_label(q.key) for q, _ in panel.points]
    values = [v for _, v in panel.points]
    keys = [q.key for q, _ in panel.points]
    fig = _Fig()
    fig.add_trace(
        _scatter(
            x=labels,
            y=values,
            mode="lines+markers",
            name="Each quarter",
            line={"color": BLUE, "width": 2},
            marker={"symbol": "circle", "size": 7},
        )
    )
    marks = [
        (panel.period.same_quarter_last_year().key, "Same quarter last year", "diamond", ORANGE),
        (panel.period.key, "Chosen quarter", "square", PLUM),
    ]
    for key, name, symbol, colour in marks:
        if key not in keys:
            continue
        value = values[keys.index(key)]
        fig.add_trace(
            _scatter(
                x=[labels[keys.index(key)]], y=[value], mode="markers+text", name=name,
                text=[f"{value:,.0f}" if value is not None else ""], textposition="top center", cliponaxis=False,
                marker={"symbol": symbol, "size": 12, "color": colour, "line": {"color": INK, "width": 1}},
            )
        )  # fmt: skip
    top = max([v for v in values if v is not None], default=1) or 1
    fig.update_layout(_layout(title, "", "", height=270))
    fig.update_layout(
        margin={"l": 50, "r": 15, "t": 75 if title else 35, "b": 45},
        legend={"y": 1.0, "font": {"size": 12}, "itemwidth": 30},
        title={"font": {"size": 14}},
    )
    fig.update_yaxes(tickformat=",d", range=[0, top * 1.3])
    _two_line_ticks(fig, labels)
    fig.update_xaxes(tickfont={"size": 11})
    return fig.dict()
