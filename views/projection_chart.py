"""The year-to-date chart continued to March: a dashed line from the latest year to date to the
projected year end, with its range as a shaded wedge (``rules.projection``). Used by the
indicator page and the committee pack alike, on either year-to-date chart (as a per cent of
target, or in the measure's own units)."""

from __future__ import annotations

from typing import Any

from rules.projection import ON_TRACK_MARK, Projection, projected_figure, projection_words
from store.queries import IndicatorDetail
from views.charts import BLUE, _scatter
from views.wording import QUARTER_MONTHS

CAPTION = "Dashed blue line to Q4 with a shaded wedge: the projected year end and its range (see the text under the chart)."


def projection_of(detail: IndicatorDetail) -> Projection | None:
    return detail.current.projection if detail.history else None


def projection_sentence(detail: IndicatorDetail) -> str:
    """The projection in words, for under the chart and in the pack; "" for a context indicator."""
    p = projection_of(detail)
    if p is None:
        return ""
    text = projection_words(p, detail.indicator.unit)
    return f"{text}. {p.method[:1].upper() + p.method[1:]}: {p.arithmetic}." if p.made else f"{text}."


PROJECTED_HEADERS = ["Projected year end", "Projected low", "Projected high"]


def projected_cells(detail: IndicatorDetail) -> list[list[str]] | None:
    """The cells the year-to-date chart's table gains, Q1 to Q4, for the dashed projection: the
    projected year end and the low and high ends of its range on the Q4 row; None when the chart draws no projection."""
    p = projection_of(detail)
    if p is None or not p.made or detail.period.q >= 4 or detail.current.ytd_value is None:
        return None
    assert p.value is not None and p.low is not None and p.high is not None
    unit = detail.indicator.unit
    q4 = [projected_figure(p.value, unit), projected_figure(p.low, unit), projected_figure(p.high, unit)]
    return [["–"] * len(q4)] * 3 + [q4]


def with_projection(detail: IndicatorDetail, headers: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """A year-to-date table (one row a quarter, Q1 to Q4) with the projection's columns, when the
    chart draws one, so the table under the chart and its CSV give what the dashed line shows."""
    cells = projected_cells(detail)
    if cells is None:
        return headers, rows
    return [*headers, *PROJECTED_HEADERS], [[*row, *extra] for row, extra in zip(rows, cells, strict=True)]


def on_track_mark(p: Projection | None) -> str:
    return ON_TRACK_MARK[p.on_track] if p is not None and p.on_track is not None else ""


def add_projection(figure: dict[str, Any], detail: IndicatorDetail, per_cent_of: float | None = None) -> dict[str, Any]:
    """``figure`` with the projection drawn from this quarter's year to date to Q4; values are
    shown as a per cent of ``per_cent_of`` (the year-end target) when given. Unchanged when
    there is no projection."""
    p, row = projection_of(detail), detail.current if detail.history else None
    if p is None or not p.made or row is None or row.ytd_value is None:
        return figure
    scale = (lambda v: round(v / per_cent_of * 100, 2)) if per_cent_of else (lambda v: v)
    q = detail.period.q
    x = [f"Q{q} ({QUARTER_MONTHS[q]})", f"Q4 ({QUARTER_MONTHS[4]})"]
    start = (
        row.ytd_value
        if per_cent_of is None
        else row.ytd_value / row.target.target * 100
        if row.target and row.target.target
        else None
    )
    if start is None:
        return figure
    start = round(start, 2)
    unit = "%" if per_cent_of else ""
    traces = [
        _scatter(x=x, y=[start, scale(p.low)], mode="lines", line={"width": 0, "color": BLUE}, hoverinfo="skip", showlegend=False, legendgroup="projection"),
        _scatter(
            x=x, y=[start, scale(p.high)], mode="lines", line={"width": 0, "color": BLUE}, fill="tonexty", fillcolor="rgba(18,67,109,0.15)",
            name="Projected range", hoverinfo="skip", legendgroup="projection", meta="projection-range",
        ),
        _scatter(
            x=x, y=[start, scale(p.value)], mode="lines+markers", name=f"Projected year end ({on_track_mark(p)} {p.on_track.value})" if p.on_track else "Projected year end",
            line={"color": BLUE, "dash": "dash", "width": 2}, marker={"symbol": ["circle", "circle-open"], "size": 9}, meta="projection",
            hovertemplate="%{x}: %{y:,.1f}" + unit + "<extra>Projected</extra>",
        ),
    ]  # fmt: skip
    figure["data"] = [*figure["data"], *traces]
    yaxis = figure.get("layout", {}).get("yaxis")
    if isinstance(yaxis, dict) and yaxis.get("range"):
        low, high = yaxis["range"]
        yaxis["range"] = [min(low, scale(p.low)), max(high, scale(p.high))]
    return figure


__all__ = [
    "CAPTION", "PROJECTED_HEADERS", "add_projection", "with_projection", "on_track_mark", "projected_cells", "projection_of", "projection_sentence",
]  # fmt: skip
