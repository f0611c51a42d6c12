"""The numbers behind the ward profile, London comparison, demand and scorecard summary
charts, as tables for CSV/XLSX downloads: the same figures the pages' charts and tables show,
one row per quarter, borough, indicator-quarter or rating group. Numbers stay numbers
(``exports.tabular`` writes them, neutralising any text a spreadsheet would run)."""

from __future__ import annotations

import pandas as pd

from reporting.scoring import Scorecard
from rules.summary import RATED, RagCounts
from store.map_queries import AreaFigure
from store.queries import DemandPanel
from views import maps
from views.london_maps import LondonView
from views.map_state import MapState
from views.ward_charts import WardView


def _number(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(float(value), places)


def ward_frame(view: WardView) -> pd.DataFrame:
    """One row per quarter: all crime, ASB and each crime category (the page's two tables)."""
    series = view.series
    records = []
    for i, q in enumerate(series.quarters):
        record = {
            "quarter": q.label, "period": q.key, "ward_code": view.code, "ward_name": view.name, "borough": view.borough,
            "map_quarter": "yes" if q == view.state.period.quarter else "",
            "all_crime": _number(series.all_crime[i], 0), "asb": _number(series.asb[i], 0),
        }  # fmt: skip
        record.update({label: _number(values[i], 0) for label, values in series.categories.items()})
        records.append(record)
    return pd.DataFrame.from_records(records)


def london_frame(view: LondonView, home: str) -> pd.DataFrame:
    """One row per borough, highest first as in the page's table, with its map class and rank."""
    return areas_frame(view.figures, view.values, view.classes, view.state, "borough", home)


def areas_frame(
    figures: list[AreaFigure],
    values: list[float | None],
    classes: maps.Classification,
    state: MapState,
    level: str,
    home: str | None = None,
) -> pd.DataFrame:
    """One row per area of a map (``level``: ward or borough), highest first as in the map
    page's table, with the figure shown, the figures behind it, its map class and its rank."""
    ranked = maps.ranks({f.code: v for f, v in zip(figures, values)})
    order = sorted(range(len(figures)), key=lambda i: (values[i] is None, -(values[i] or 0), figures[i].name))
    records = []
    for i in order:
        f = figures[i]
        rank = ranked.get(f.code)
        records.append(
            {
                f"{level}_code": f.code, level: f.name, **({"home_borough": "yes" if f.code == home else ""} if home else {}),
                "measure": state.measure.label, "period": state.period.label, "shown": state.view,
                "value": _number(f.value), "population": f.population, "rate_per_1000": _number(f.rate),
                "last_year_period": state.period.last_year().label, "last_year_value": _number(f.last_year),
                "change_percent": _number(f.change), "map_class": classes.label_of(i),
                "rank": None if rank is None else rank[0], "rank_tied": "" if rank is None else ("yes" if rank[2] else ""),
            }
        )  # fmt: skip
    return pd.DataFrame.from_records(records)


def demand_frame(panels: list[DemandPanel], area_code: str, area_name: str) -> pd.DataFrame:
    """One row per context indicator and quarter, the quarters each panel draws."""
    records = [
        {
            "indicator": p.indicator.code,
            "name": p.indicator.name,
            "unit": p.indicator.unit,
            "area_code": area_code,
            "area_name": area_name,
            "quarter": q.label,
            "period": q.key,
            "value": _number(v),
            "chosen_quarter": "yes" if q == p.period else "",
        }  # fmt: skip
        for p in panels
        for q, v in p.points
    ]
    return pd.DataFrame.from_records(records)


def _counts_record(group: str, counts: RagCounts) -> dict:
    record: dict = {"group": group}
    for r in RATED:
        record[r.value.lower()] = counts.count(r)
    record.update(rated=counts.rated_total, no_figure=counts.no_data)
    for r in RATED:
        record[f"{r.value.lower()}_percent"] = float(counts.percent_label(r).rstrip("%"))
    return record


def summary_frame(card: Scorecard) -> pd.DataFrame:
    """The summary's counts: all rated indicators (the chart), then each goal (the list)."""
    summary = card.summary
    records = [_counts_record("All rated indicators", summary.overall)]
    records += [_counts_record(f"Goal: {goal}", counts) for goal, counts in summary.by_goal.items()]
    frame = pd.DataFrame.from_records(records)
    frame.insert(1, "area_code", card.area_code)
    frame.insert(2, "area_name", card.area_name)
    frame.insert(3, "period", card.period.label)
    return frame
