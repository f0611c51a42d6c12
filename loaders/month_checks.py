"""Before a crime file writes anything: its stub months and its drops (``rules.stub_months``).

A first, light pass over the file sums each area's figures per month. From those sums:
- a wide Met file's stub month is left out of the load (figures held for it are kept); the
  area-months it would have been the first figures for are marked incomplete in the source
  (``store.incomplete_months``), never stored as figures;
- a month in which the file would lower the held totals of many of its areas by more than
  half is a drop: refused with ``DropsNotConfirmed`` unless the load was told to accept drops
  (``--accept-drops``, or the confirmation on the upload page).
The same sums give the upload check its summary by borough (``loaders.borough_summary``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.errors import LoadError, Problem
from loaders.reading import CsvReader
from rules.periods import PeriodError, normalise_month
from rules.stub_months import Drop, StubMonth, drops, stub_months
from store.incomplete_months import IncompleteMark, add_incomplete_marks, held_totals, marked_incomplete
from store.reference import MET_NON_GEOGRAPHIC, met_area_code


class DropsNotConfirmed(LoadError):
    """A re-load that would lower many held figures by more than half: nothing was stored.
    Load again with ``accept_drops`` once the analyst confirms the falls (each caller says how)."""

    def __init__(self, file_name: str, found: list[Drop]) -> None:
        self.drops = found
        problems = [Problem(None, d.month, f"{d.falling:,} of {d.areas_named:,} {d.level}", d.sentence()) for d in found]
        super().__init__(file_name, problems)

    def headline(self) -> str:
        months = "month" if self.total == 1 else "months"
        return (
            f"{self.file_name}: figures held would fall by more than half in {self.total:,} {months}; nothing was loaded. "
            "If the file is right, confirm the falls to load it."
        )


@dataclass
class FileMonths:
    """Each area's total per month in the file (NaN where it gives no figure)."""

    totals: pd.DataFrame  # index: area code; columns: months (YYYY-MM)
    own_level: set[str]  # the areas the file names at its own level (wards, boroughs)
    level: str  # what they are called: "wards", "boroughs", "areas"
    borough_of: dict[str, str] = field(default_factory=dict)  # area → its borough (Met files)
    names: dict[str, str] = field(default_factory=dict)  # ward code → name (ward file)

    def month_totals(self) -> dict[str, float]:
        """File-wide total of each month the file gives any figure for."""
        given = self.totals.notna().any(axis=0)
        return {m: float(self.totals[m].sum()) for m in self.totals.columns[given.to_numpy()]}


def read_met_months(
    reader: CsvReader, cols: dict[str, str], borough_col: str, month_columns: list[str], ward: bool
) -> FileMonths:
    """Sum a Met wide file per area and month. Bad cells are skipped here: the loading pass
    that follows names each one."""
    parts: list[pd.DataFrame] = []
    borough_of: dict[str, str] = {}
    names: dict[str, str] = {}
    codes: dict[str, str | None] = {}
    for chunk in reader.chunks(keep_spaces=month_columns):
        boroughs = chunk[cols[borough_col]]
        for name in boroughs.unique():
            if name not in codes:
                codes[name] = met_area_code(name) if name else None
        borough_codes = boroughs.map(codes)
        if ward:
            unit = borough_codes.isin(list(MET_NON_GEOGRAPHIC))
            areas = chunk[cols["WardCode"]].where(~unit, borough_codes)
            for code, parent, name in zip(areas[~unit], borough_codes[~unit], chunk[cols["WardName"]][~unit]):
                if code and parent:
                    borough_of.setdefault(code, parent)
                    names.setdefault(code, name)
        else:
            areas = borough_codes
        for code in borough_codes.dropna().unique():
            borough_of.setdefault(code, code)
        keep = (areas.notna() & (areas != "")).to_numpy()
        values = _numbers(chunk[month_columns])[keep]
        parts.append(
            pd.DataFrame(values, columns=[f"{c[:4]}-{c[4:]}" for c in month_columns])
            .groupby(areas[keep].to_numpy())
            .sum(min_count=1)
        )
    totals = pd.concat(parts).groupby(level=0).sum(min_count=1) if parts else pd.DataFrame()
    units = {c for c in totals.index if c in MET_NON_GEOGRAPHIC}
    own = set(totals.index) - units
    return FileMonths(totals, own, "wards" if ward else "boroughs", borough_of, names)


def read_long_months(reader: CsvReader, cols: dict[str, str]) -> FileMonths:
    """Sum a long-form file per area and month."""
    parts: list[pd.Series] = []
    months: dict[str, str | None] = {}
    for chunk in reader.chunks():
        for value in chunk[cols["month"]].unique():
            if value not in months:
                try:
                    months[value] = normalise_month(value)
                except PeriodError:
                    months[value] = None
        frame = pd.DataFrame(
            {
                "area": chunk[cols["area_code"]].to_numpy(),
                "month": chunk[cols["month"]].map(months).to_numpy(),
                "count": pd.to_numeric(chunk[cols["count"]].str.replace(",", "", regex=False), errors="coerce").to_numpy(),
            }
        ).dropna()
        parts.append(frame.groupby(["area", "month"])["count"].sum())
    if not parts:
        return FileMonths(pd.DataFrame(), set(), "areas")
    totals = pd.concat(parts).groupby(level=[0, 1]).sum().unstack("month")
    return FileMonths(totals, set(totals.index), "areas")


def _numbers(block: pd.DataFrame) -> np.ndarray:
    try:
        return block.to_numpy(dtype=object).astype(np.float64)
    except (TypeError, ValueError):
        return np.column_stack(
            [
                pd.to_numeric(block[c].str.replace(r"[,\s\u00a0]", "", regex=True), errors="coerce").to_numpy(dtype="float64")
                for c in block.columns
            ]
        )


@dataclass
class MonthChecks:
    """What the checks found: the stub months (left out of the load) and the drops."""

    stubs: list[StubMonth]
    drops: list[Drop]
    held: dict[tuple[str, str], float]

    @property
    def stub_set(self) -> set[str]:
        return {s.month for s in self.stubs}


def check_months(session, file_months: FileMonths, *, wide: bool, share: float) -> MonthChecks:
    """Find the stub months (wide files only) and the drops, from what is held before the
    load writes anything."""
    found = stub_months(file_months.month_totals(), share) if wide else []
    stub_set = {s.month for s in found}
    months = [m for m in file_months.totals.columns]
    held = held_totals(session, months)
    new: dict[tuple[str, str], float] = {}
    own = file_months.totals.loc[sorted(file_months.own_level)] if file_months.own_level else file_months.totals
    for month in own.columns:
        if month in stub_set:
            continue  # a stub month replaces nothing, so it cannot drop anything
        column = own[month].dropna()
        new.update(((area, month), value) for area, value in zip(column.index, column.to_numpy()))
    falls = drops({k: v for k, v in held.items() if k in new}, new, len(file_months.own_level), file_months.level)
    return MonthChecks(found, falls, held)


def mark_incomplete(session, file_months: FileMonths, checks: MonthChecks, upload_id: int | None, source: str = "crime") -> int:
    """Mark the stub months' area-months that hold nothing as incomplete in the source
    (those already marked stay as they are). Returns how many area-months were marked."""
    if not checks.stubs:
        return 0
    stub_months_ = sorted(checks.stub_set)
    marked = marked_incomplete(session, source, stub_months_)
    rows = []
    for stub in checks.stubs:
        given = file_months.totals[stub.month].dropna()
        for area in given.index:
            if (area, stub.month) in checks.held or (area, stub.month) in marked:
                continue
            rows.append(IncompleteMark(area, stub.month, stub.total, stub.median_of_others))
    return add_incomplete_marks(session, source, rows, upload_id)
