"""The tables behind each indicator-page chart (quarterly, year to date, comparator, monthly,
SPC), formatted for people: the page shows them under each chart and the chart downloads
serve them as CSV, so both read the same."""

from __future__ import annotations

from reporting.formatting import format_bound, format_value
from rules.periods import Quarter
from rules.rating import Polarity
from store.queries import IndicatorDetail
from views import charts
from views.projection_chart import with_projection
from views.spc_chart import SpcView, spc_table
from views.wording import QUARTER_MONTHS, month_label, noun, signed_percent, ytd_values
from views.ytd_chart import has_ytd_targets, ytd_gap_table

Table = tuple[list[str], list[list[str]]]  # headers, rows (formatted for people)


def quarterly_table(detail: IndicatorDetail) -> Table:
    basis = "Year to date" if detail.indicator.basis == "ytd" else "Quarter"
    headers = ["Quarter", f"{detail.area_name}: {basis.lower()}", "Target", "Still Green from", "Still Green up to", "Rating"]
    percent_comparator = bool(detail.comparator) and detail.indicator.unit == "percent"
    if percent_comparator:
        headers.append(detail.indicator.comparator_label or "Comparator")
    rows = []
    for r in detail.history:
        lo, hi = charts.tolerance_bounds(r.target, r.polarity)
        band = r.polarity == Polarity.BAND
        low_edge = (r.target.low if band else r.target.target) if r.target else None
        high_edge = (r.target.high if band else r.target.target) if r.target else None
        row = [
            Quarter.parse(r.period).label, format_value(r.actual, r.unit), r.target_text() or "–",
            format_bound(lo, low_edge, r.unit), format_bound(hi, high_edge, r.unit), r.rag.value,
        ]  # fmt: skip
        if percent_comparator:
            row.append(format_value(detail.comparator.get(r.period), r.unit))
        rows.append(row)
    return headers, rows


def ytd_table(detail: IndicatorDetail) -> Table:
    this, last = ytd_values(detail)
    fy, unit = detail.period.financial_year, detail.indicator.unit
    headers = ["End of quarter", f"{fy.label} year to date", f"{Quarter(fy.start - 1, 1).financial_year.label} year to date"]
    rows = [
        [
            f"Q{q} ({QUARTER_MONTHS[q]})",
            format_value(this[q - 1] if q <= len(this) else None, unit),
            format_value(last[q - 1], unit),
        ]
        for q in (1, 2, 3, 4)
    ]
    return with_projection(detail, headers, rows)


def comparator_table(detail: IndicatorDetail) -> Table:
    label = detail.indicator.comparator_label or "Comparator"
    rows = [
        [Quarter.parse(r.period).label, signed_percent(r.change_on_last_year), signed_percent(r.comparator_change)]
        for r in detail.history
        if r.change_on_last_year is not None or r.comparator_change is not None
    ]
    return ["Quarter", f"{detail.area_name}: change on a year earlier", f"{label}: change on a year earlier"], rows


def monthly_table(detail: IndicatorDetail) -> Table:
    return ["Month", f"{noun(detail)} in {detail.area_name}"], [[month_label(m), f"{v:,}"] for m, v in detail.monthly]


def tables(detail: IndicatorDetail) -> dict[str, Table]:
    out = {
        "quarterly": quarterly_table(detail),
        "year-to-date": ytd_gap_table(detail) if has_ytd_targets(detail) else ytd_table(detail),
    }
    if detail.comparator and detail.indicator.unit != "percent":
        out["comparator"] = comparator_table(detail)
    if detail.monthly:
        out["monthly"] = monthly_table(detail)
    return out


def chart_tables(detail: IndicatorDetail, spc: SpcView) -> dict[str, Table]:
    """Every chart's table, the SPC chart's included when there is one."""
    out = tables(detail)
    if spc.stored is not None:
        out["spc"] = spc_table(spc)
    return out
