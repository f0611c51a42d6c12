"""The upload check of a Met file, by borough: readable at London scale (issue 19, part 5).

One row per borough: its wards, months, total per financial year and anything unusual
(months incomplete in the source, drops, new wards, wards held that the file does not name).
The full list, one row per area, goes to the CSV the upload page offers.
"""

from __future__ import annotations

from collections import defaultdict
from typing import cast

import pandas as pd

from loaders.context import LoadContext
from loaders.month_checks import FileMonths, MonthChecks
from rules.periods import month_to_quarter
from rules.stub_months import DROP_FALL, month_label


def summarise(ctx: LoadContext, file_months: FileMonths, checks: MonthChecks) -> None:
    """Fill ``ctx.summary.boroughs`` and ``ctx.summary.area_rows`` (Met files only)."""
    if not file_months.borough_of or file_months.totals.empty:
        return
    book = ctx.areas.areas
    added = set(ctx.areas.added)
    stubs = checks.stub_set
    totals = file_months.totals[[m for m in file_months.totals.columns if m not in stubs]]
    drop_months = {d.month for d in checks.drops}
    ward_file = file_months.level == "wards"
    by_borough: dict[str, list[str]] = defaultdict(list)
    for area in totals.index:
        by_borough[file_months.borough_of.get(area, area)].append(area)
    named = set(totals.index)
    rows: list[dict] = []
    area_rows: list[dict] = []
    for borough in sorted(by_borough, key=lambda b: book.get(b, (b,))[0]):
        areas = sorted(by_borough[borough])
        wards = [a for a in areas if a != borough and a in file_months.own_level] if ward_file else []
        part = totals.loc[areas]
        given = part.notna().any(axis=0)
        months = [m for m, on in zip(part.columns, given.to_numpy()) if on]
        per_year: dict[str, list[float]] = defaultdict(list)
        for month in months:
            per_year[month_to_quarter(month).financial_year.label].append(float(part[month].sum()))
        years = [
            f"{label}: {sum(values):,.0f}" + ("" if len(values) == 12 else f" ({len(values)} months)")
            for label, values in sorted(per_year.items())
        ]
        unusual = [f"{month_label(m)} incomplete in source file" for m in sorted(stubs)]
        for month in sorted(drop_months):
            falling = [
                a for a in (wards or [borough])
                if (held := checks.held.get((a, month))) and (new := cast(float, part.at[a, month])) == new and new < (1 - DROP_FALL) * held
            ]  # fmt: skip
            if falling:
                unusual.append(
                    f"{month_label(month)}: {len(falling)} {'wards' if ward_file else 'borough figure'} would fall by more than half"
                )
        new_wards = [w for w in wards if w in added]
        if new_wards:
            unusual.append(f"{len(new_wards)} new {'ward' if len(new_wards) == 1 else 'wards'}")
        if ward_file:
            absent = [c for c, (_, level, parent) in book.items() if level == "ward" and parent == borough and c not in named]
            if absent:
                unusual.append(f"{len(absent)} {'ward' if len(absent) == 1 else 'wards'} held before not in this file")
        rows.append(
            {
                "code": borough,
                "name": book.get(borough, (borough,))[0],
                "wards": len(wards),
                "months": f"{month_label(months[0])} to {month_label(months[-1])} ({len(months)})" if months else "none",
                "years": years,
                "unusual": unusual,
            }
        )
        for area in areas:
            series = cast(pd.Series, part.loc[area])  # one area's row: a Series, as the frame has several columns
            held_months = series.dropna().index.tolist()
            area_rows.append(
                {
                    "borough_code": borough,
                    "borough": book.get(borough, (borough,))[0],
                    "area_code": area,
                    "area_name": book.get(area, (file_months.names.get(area, area),))[0],
                    "new": "yes" if area in added else "no",
                    "first_month": held_months[0] if held_months else "",
                    "last_month": held_months[-1] if held_months else "",
                    "months": len(held_months),
                    "total": int(series.sum()),
                }
            )
    ctx.summary.boroughs = rows
    ctx.summary.area_rows = area_rows
