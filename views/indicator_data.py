"""The numbers behind an indicator's charts, as a table for CSV/XLSX downloads: one row per
quarter, the same history the indicator page and the pack charts draw."""

from __future__ import annotations

import pandas as pd

from rules.periods import Quarter
from store.queries import IndicatorDetail
from views.charts import tolerance_bounds


def _number(value: float | None) -> float | None:
    # One decimal place, as `cspdash score --format csv` and the pages show them.
    return None if value is None else round(float(value), 1)


def indicator_frame(detail: IndicatorDetail) -> pd.DataFrame:
    info = detail.indicator
    notes = {e.period.key: e for e in detail.commentary}
    records = []
    for row in detail.history:
        low, high = tolerance_bounds(row.target, row.polarity)
        note = notes.get(row.period)
        target = row.target
        records.append(
            {
                "quarter": Quarter.parse(row.period).label, "period": row.period, "area_code": detail.area_code,
                "area_name": detail.area_name, "indicator": info.code, "name": info.name, "rated_on": info.basis,
                "unit": info.unit, "actual": _number(row.actual), "quarter_value": _number(row.quarter_value),
                "year_to_date": _number(row.ytd_value), "same_period_last_year": _number(row.same_period_last_year),
                "target": _number(target.target) if target else None,
                "target_low": _number(target.low) if target else None,
                "target_high": _number(target.high) if target else None,
                "tolerance": row.tolerance_text(), "still_green_from": _number(low), "still_green_to": _number(high),
                "rating": row.rag.value, "short_term": row.dot_short.value, "long_term": row.dot_long.value,
                "comparator": info.comparator_label or "", "comparator_value": _number(detail.comparator.get(row.period)),
                "commentary": note.commentary if note else "", "corrective_action": note.corrective_action if note else "",
            }
        )  # fmt: skip
    return pd.DataFrame.from_records(records)
