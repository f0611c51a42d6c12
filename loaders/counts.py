"""Storing count records (crime, ASB): re-loading a month already held for an area replaces
that area-month, so a rolling 24-month extract loaded every month never double counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import delete
from sqlalchemy.orm import Session

from loaders.areas_known import AreaBook
from loaders.errors import ProblemLog
from store.bulk import bulk_insert_frame
from store.models import AsbCount, CrimeCount

TABLES = {"crime": CrimeCount, "asb": AsbCount}
CATEGORY_COLUMNS = {"crime": ("major_category", "minor_category"), "asb": ("category",)}


@dataclass
class CountWriter:
    """Writes long records ``__row__, area_code, month, <categories>, count`` chunk by chunk."""

    session: Session
    kind: str
    areas: AreaBook
    upload_id: int | None
    log: ProblemLog
    cleared: set[tuple[str, str]] = field(default_factory=set)
    months: set[str] = field(default_factory=set)
    area_codes: set[str] = field(default_factory=set)
    replaced: int = 0
    stored: int = 0
    total: int = 0

    def write(self, records: pd.DataFrame) -> None:
        unknown = ~records["area_code"].isin(list(self.areas.areas))
        if unknown.any():
            for row, code in records.loc[unknown, ["__row__", "area_code"]].drop_duplicates().itertuples(index=False):
                self.log.add(int(row), "area_code", code, "unknown area: declare it first with `cspdash ingest areas`")
            records = records[~unknown]
        if self.log:
            return  # keep validating the rest of the file, but store nothing more
        self.session.flush()
        self._clear(records)
        model = TABLES[self.kind]
        columns = ["area_code", "month", *CATEGORY_COLUMNS[self.kind], "count", "upload_id"]
        frame = records.assign(upload_id=self.upload_id)[columns]
        self.stored += bulk_insert_frame(self.session, model.__tablename__, frame)
        self.total += int(records["count"].sum())
        self.months.update(records["month"].unique())
        self.area_codes.update(records["area_code"].unique())

    def _clear(self, records: pd.DataFrame) -> None:
        model = TABLES[self.kind]
        keys = records[["area_code", "month"]].drop_duplicates()
        pairs = set(zip(keys["area_code"].tolist(), keys["month"].tolist())) - self.cleared
        # Wide files give every area the same months: grouping areas by their month set turns
        # thousands of small deletes into one "area IN (…) AND month IN (…)".
        months_of: dict[str, set[str]] = defaultdict(set)
        for area, month in pairs:
            months_of[area].add(month)
        areas_by_months: dict[frozenset[str], list[str]] = defaultdict(list)
        for area, months in months_of.items():
            areas_by_months[frozenset(months)].append(area)
        for months, areas in areas_by_months.items():
            for start in range(0, len(areas), 1000):
                result = self.session.execute(
                    delete(model).where(model.area_code.in_(areas[start : start + 1000]), model.month.in_(sorted(months)))
                )
                self.replaced += result.rowcount or 0
        self.cleared |= pairs
