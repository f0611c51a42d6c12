"""The year-to-date chart against target: each year's running total as a per cent of its own
target at the end of each quarter, with the target at 100% and the tolerance band shaded, so
a 6% overshoot reads as 6 points on a scale a few points wide (on a 0–17,000 axis of counts
it looked on the line). Used by the indicator page and the committee pack alike.

Only an indicator rated on the year to date against a single target has year-to-date targets;
the others keep the plain year-to-date chart (``views.charts.year_to_date``).
"""

from __future__ import annotations

from typing import Any

from reporting.scoring import ScoreRow
from rules.periods import Quarter
from rules.rating import Polarity
from store.queries import IndicatorDetail
from views.charts import BLUE, ORANGE, PLUM, TEAL, _layout, _scatter, tolerance_bounds
from views.gap_axis import end_of_quarter_axis
from views.projection_chart import with_projection
from views.wording import QUARTER_MONTHS


def _rows(detail: IndicatorDetail, year: int) -> list[ScoreRow | None]:
    by_key = {r.period: r for r in detail.history}
    return [by_key.get(Quarter(year, q).key) for q in (1, 2, 3, 4)]


def _pct(value: float | None, row: ScoreRow | None) -> float | None:
    if value is None or row is None or row.target is None or not row.target.target:
        return None
    return round(value / row.target.target * 100, 2)


def has_ytd_targets(detail: IndicatorDetail) -> bool:
    """True when this year's figures are rated on the year to date against a single target."""
    info = detail.indicator
    if info.basis != "ytd" or not info.rated or info.polarity == Polarity.BAND:
        return False
    return any(r is not None and r.target is not None and r.target.target for r in _rows(detail, detail.period.year))


def percent_of_target(detail: IndicatorDetail) -> tuple[list[float | None], list[float | None]]:
    """This year's and last year's year to date as a per cent of each quarter's target."""
    year = detail.period.year
    this = [_pct(r.ytd_value, r) if r else None for r in _rows(detail, year)[: detail.period.q]]
    last = [_pct(r.ytd_value, r) if r else None for r in _rows(detail, year - 1)]
    return this, last


def ytd_gap_table(detail: IndicatorDetail) -> tuple[list[str], list[list[str]]]:
    """The numbers behind the chart: year to date, target, still Green up to, per cent of target."""
    from reporting.formatting import format_value

    unit = detail.indicator.unit
    fy = detail.period.financial_year
    headers = [
        "End of quarter",
        f"{fy.label} year to date",
        "Target",
        "Still Green up to",
        "Per cent of target",
        "Last year's per cent of its target",
    ]
    this, last = percent_of_target(detail)
    rows = []
    p = detail.current.projection if detail.history else None
    for q, row in enumerate(_rows(detail, detail.period.year), start=1):
        lo, hi = tolerance_bounds(row.target, row.polarity) if row else (None, None)
        edge = hi if detail.indicator.polarity == Polarity.LOWER else lo
        target = row.target.target if row and row.target else None
        if q == 4 and target is None and p is not None and p.target:
            # Before Q4 is held, the year-end target the projection is judged against (as the chart).
            target, edge = p.target, p.target_edge
        mine = this[q - 1] if q <= len(this) else None
        rows.append(
            [
                f"Q{q} ({QUARTER_MONTHS[q]})", format_value(row.ytd_value if row and q <= detail.period.q else None, unit),
                format_value(target, unit), format_value(edge, unit),
                "–" if mine is None else f"{mine:.1f}%", "–" if last[q - 1] is None else f"{last[q - 1]:.1f}%",
            ]
        )  # fmt: skip
    return with_projection(detail, headers, rows)


def ytd_title(detail: IndicatorDetail) -> str:
    """The year-to-date chart's finding, on the page and in the pack: the figure, its gap to
    the target where it has one, and the change on the same point last year."""
    from reporting.formatting import format_value
    from views.wording import change_phrase, ytd_values

    info, period = detail.indicator, detail.period
    this, last = ytd_values(detail)
    if this[-1] is None:
        return f"No year-to-date figure for {period.label}"
    last_year = period.same_quarter_last_year().financial_year.label
    change = change_phrase(this[-1], last[period.q - 1], f"the same point in {last_year}", info.unit)
    row = detail.current
    if has_ytd_targets(detail) and row.target is not None and row.target.target:
        share = this[-1] / row.target.target * 100
        return f"{format_value(this[-1], info.unit)} year to date by {period.label}, {share:.1f}% of the {format_value(row.target.target, info.unit)} target; {change}"
    return f"{format_value(this[-1], info.unit)} year to date by {period.label}, {change}"


def _with_year_end(
    detail: IndicatorDetail, band: list[tuple[float | None, float | None]]
) -> list[tuple[float | None, float | None]]:
    """Before Q4 is held, its target and tolerance come from the projection's year-end target,
    so the dashed projection ends beside the target it is judged against."""
    p = detail.current.projection if detail.history else None
    if band[3] != (None, None) or p is None or not p.target or p.target_edge is None:
        return band
    edge = round(p.target_edge / p.target * 100, 2)
    return [*band[:3], (min(100.0, edge), max(100.0, edge))]


def ytd_against_target(detail: IndicatorDetail, title: str, labels: tuple[str, str]) -> dict[str, Any]:
    """Per cent of target at the end of each quarter: this year (solid), last year (dashed),
    the target at 100% and the tolerance band. Traces carry ``meta`` for tests."""
    x = [f"Q{q} ({QUARTER_MONTHS[q]})" for q in (1, 2, 3, 4)]
    rows = _rows(detail, detail.period.year)
    this, last = percent_of_target(detail)
    band: list[tuple[float | None, float | None]] = []
    for row in rows:
        if row is None or row.target is None or not row.target.target:
            band.append((None, None))
            continue
        lo, hi = tolerance_bounds(row.target, row.polarity)
        band.append((None if lo is None else lo / row.target.target * 100, None if hi is None else hi / row.target.target * 100))
    band = _with_year_end(detail, band)
    data = [
        _scatter(x=x, y=[b[0] for b in band], mode="lines", line={"width": 1, "color": TEAL}, hoverinfo="skip", showlegend=False, legendgroup="tolerance"),
        _scatter(
            x=x, y=[b[1] for b in band], mode="lines", line={"width": 1, "color": TEAL}, fill="tonexty", fillcolor="rgba(40,161,151,0.35)",
            name="Within tolerance (still Green)", hoverinfo="skip", legendgroup="tolerance", meta="tolerance",
        ),
        _scatter(x=x, y=[100 if b[0] is not None else None for b in band], mode="lines", name="Target (100%)", line={"color": PLUM, "dash": "dash", "width": 2}, meta="target"),
        _scatter(
            x=x, y=last, mode="lines+markers", name=f"{labels[1]} (of its target)", line={"color": ORANGE, "dash": "dash", "width": 2},
            marker={"symbol": "diamond", "size": 9}, hovertemplate="%{x}: %{y:.1f}% of target<extra>" + labels[1] + "</extra>",
        ),
        _scatter(
            x=x[: len(this)], y=this, mode="lines+markers", name=labels[0], line={"color": BLUE, "width": 3}, marker={"symbol": "circle", "size": 9},
            meta="this-year", text=[f"{v:.1f}%" if v is not None else "" for v in this], textposition="top center",
            hovertemplate="%{x}: %{y:.1f}% of target<extra>" + labels[0] + "</extra>",
        ),
    ]  # fmt: skip
    layout = _layout(title, "End of quarter", "Year to date as % of target")
    values = [v for v in [*this, *last, *(b for pair in band for b in pair)] if v is not None] + [100.0]
    low, high = min(values), max(values)
    pad = max((high - low) * 0.15, 1.0)
    layout["yaxis"].update(ticksuffix="%", rangemode="normal", range=[low - pad, high + pad])
    layout["xaxis"].update(end_of_quarter_axis(x))
    return {"data": data, "layout": layout}


__all__ = ["has_ytd_targets", "percent_of_target", "ytd_against_target", "ytd_gap_table", "ytd_title"]
