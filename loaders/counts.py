"""Storing count records (crime, ASB): re-loading a month already held for an area replaces
that area-month, so a rolling 24-month extract loaded every month never double counts.

What is replaced is one *part* of the area-month (``CrimeCount.part``): the recorded-crime
files' part (""), or one police force's street-level records (``police.uk:<force>``). A
police.uk file for one force leaves the Met's figures and other forces' records as they were."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.errors import UNKNOWN_AREA, ProblemLog
from store.area_book import AreaBook
from store.bulk import DEFERRED, EMPTY, MERGE, REPLACE, BulkWriter
from store.kept_totals import Category, padded
from store.source_tables import count_categories, count_tables

# Per source held as counts (``sources``): the count table a load writes, and its category columns.
TABLES = {source: main for source, (main, _aside) in count_tables().items()}
CATEGORY_COLUMNS = count_categories()


@dataclass
class CountWriter:
    """Writes count records chunk by chunk, long (``write``) or wide (``write_months``).

    Statements go through the load's ``BulkWriter``. Call ``close()`` after the last write
    and ``bulk.drain()`` before reading ``replaced``: ``LoadContext.finish_counts`` does both."""

    bulk: BulkWriter
    kind: str
    areas: AreaBook
    upload_id: int | None
    log: ProblemLog
    cleared: set[tuple[str, str, str]] = field(default_factory=set)  # (area, month, part)
    months: set[str] = field(default_factory=set)
    area_codes: set[str] = field(default_factory=set)
    # per part, the categories of the rows written (``store.kept_totals``: the categories held)
    categories: dict[str, set[Category]] = field(default_factory=lambda: defaultdict(set))
    replaced: int = 0
    written: int = 0  # rows actually inserted, updated or deleted (a re-load writes only what changed)
    unchanged: int = 0  # values the file repeats exactly, so not written
    stored: int = 0
    total: int = 0
    expected: int = 0  # about how many records the file holds (from its line count)
    strategy: str | None = None  # how the table is written: chosen at the first write
    _used: str | None = None  # the strategy the load used, once closed
    # Each (area, month)'s figure written, while the table held nothing else (``EMPTY``): the
    # coverage record takes them from here instead of summing the whole table back.
    _totals: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return TABLES[self.kind]

    def write(self, records: pd.DataFrame) -> None:
        """Long records: ``__row__, area_code, month, <categories>, count`` and, for police.uk
        records, ``part``."""
        records = records[self._known(records)]
        if self.log:
            return  # keep validating the rest of the file, but store nothing more
        if "part" not in records.columns:
            records = records.assign(part="")
        keys = records[["area_code", "month", "part"]].drop_duplicates()
        self._clear(zip(keys["area_code"].tolist(), keys["month"].tolist(), keys["part"].tolist()))
        columns = ["area_code", "month", "part", *CATEGORY_COLUMNS[self.kind], "count", "upload_id"]
        self.bulk.insert_frame(self.table, records.assign(upload_id=self.upload_id)[columns])
        if self.strategy == EMPTY:
            summed = records.groupby(["area_code", "month"], sort=False)["count"].sum()
            areas, months = (summed.index.get_level_values(level).tolist() for level in ("area_code", "month"))
            self._add_totals(zip(zip(areas, months), summed.tolist()))
        for part, *category in records[["part", *CATEGORY_COLUMNS[self.kind]]].drop_duplicates().itertuples(index=False):
            self.categories[str(part)].add(padded(category))
        self.stored += len(records)
        self.total += int(records["count"].sum())
        self.months.update(records["month"].unique())
        self.area_codes.update(records["area_code"].unique())

    def write_months(self, keys: pd.DataFrame, months: list[str], counts: np.ndarray) -> None:
        """Wide records, as the Met's files hold them: ``keys`` (``__row__, area_code,
        <categories>``) with one row of ``counts`` each, one column per month of ``months``;
        NaN where the file gives no figure."""
        known = self._known(keys).to_numpy()
        keys, counts = keys[known], counts[known]
        if self.log:
            return
        has = ~np.isnan(counts)
        # Per area and month, in one grouping: how many figures the file gives (only the
        # area-months with one are replaced) and their sum (a first import's totals, below).
        n = len(months)
        grouped = pd.DataFrame(np.hstack([has, np.where(has, counts, 0)])).groupby(keys["area_code"].to_numpy()).sum()
        held = pd.DataFrame(grouped.iloc[:, :n].to_numpy() > 0, index=grouped.index, columns=months)
        self._clear((area, month, "") for area, row in zip(held.index, held.to_numpy()) for month, on in zip(months, row) if on)
        fixed = keys[["area_code", *CATEGORY_COLUMNS[self.kind]]].assign(upload_id=self.upload_id)
        fixed.insert(1, "part", "")  # the recorded-crime files' part: after area_code, as in the key
        self.stored += self.bulk.insert_repeated(self.table, fixed, "month", months, "count", counts)
        if self.strategy == EMPTY:
            self._add_totals(
                ((area, month), total)
                for area, row, on in zip(grouped.index, grouped.iloc[:, n:].to_numpy(), held.to_numpy())
                for month, total, wrote in zip(months, row, on)
                if wrote
            )
        written = keys.loc[has.any(axis=1), list(CATEGORY_COLUMNS[self.kind])].drop_duplicates()
        self.categories[""].update(padded(category) for category in written.itertuples(index=False))
        self.total += int(counts[has].sum())
        self.months.update(m for m, on in zip(months, has.any(axis=0)) if on)
        self.area_codes.update(held.index[held.any(axis=1)])

    def _add_totals(self, totals: Iterable[tuple[tuple[str, str], float]]) -> None:
        for key, total in totals:
            self._totals[key] = self._totals.get(key, 0) + int(total)

    @property
    def written_totals(self) -> dict[tuple[str, str], int] | None:
        """Once closed: each (area, month)'s figure this load wrote, if it wrote into an empty
        table (so that is all the table holds); else None."""
        return self._totals if self._used == EMPTY else None

    def _known(self, records: pd.DataFrame) -> pd.Series:
        """True for rows whose area is declared; every other row is logged."""
        known = records["area_code"].isin(list(self.areas.areas))
        if not known.all():
            for row, code in records.loc[~known, ["__row__", "area_code"]].drop_duplicates().itertuples(index=False):
                self.log.add(int(row), "area_code", code, UNKNOWN_AREA)
        return known

    def _clear(self, pairs: Iterable[tuple[str, str, str]]) -> None:
        if self.strategy is None:
            self.strategy = self.bulk.start_table(self.table, self.expected)
        fresh = set(pairs) - self.cleared
        self.cleared |= fresh
        if self.strategy == REPLACE:
            self._delete(fresh)  # before this chunk's rows go in

    @property
    def strategy_used(self) -> str | None:
        return self._used

    @property
    def loaded_area_months(self) -> tuple[set[tuple[str, str]], bool]:
        """Once closed: the (area, month) pairs this load wrote, whole (figures the file no
        longer has there are gone; every other area-month is as it was), and whether they
        now hold only this load's figures: not after a merge, which keeps unchanged figures
        with the upload they came from. A merge that wrote nothing changed no area-month."""
        if self._used == MERGE and not self.written:
            return set(), True
        return {(area, month) for area, month, _ in self.cleared}, self._used != MERGE

    def close(self) -> None:
        """With the key set aside, the rows this load replaces go now, all at once; with the
        rows staged, only the differences are written."""
        self._used = self.strategy
        if self.strategy == DEFERRED:
            self._delete(self.cleared, keep_upload=self.upload_id)
        if self.strategy == MERGE:
            key = ["area_code", "month", "part", *CATEGORY_COLUMNS[self.kind]]
            self.bulk.merge_staged(self.table, key, self._count_replaced, self._count_written)
        elif self.strategy is not None:
            self.written = self.stored
        self.strategy = EMPTY  # nothing more to delete

    def _count_written(self, written: int, unchanged: int) -> None:
        self.written, self.unchanged = written, unchanged

    def _delete(self, pairs: Iterable[tuple[str, str, str]], keep_upload: int | None = None) -> None:
        # Wide files give every area the same months: grouping areas by their month set turns
        # thousands of small deletes into one "area IN (…) AND month IN (…)".
        months_of: dict[tuple[str, str], set[str]] = defaultdict(set)
        for area, month, part in pairs:
            months_of[(area, part)].add(month)
        areas_by_months: dict[tuple[frozenset[str], str], list[str]] = defaultdict(list)
        for (area, part), months in months_of.items():
            areas_by_months[(frozenset(months), part)].append(area)
        for (month_set, part), areas in areas_by_months.items():
            self.bulk.delete_area_months(self.table, sorted(areas), sorted(month_set), self._count_replaced, keep_upload, part)

    def _count_replaced(self, deleted: int) -> None:
        self.replaced += deleted
