"""The recorded coverage: per source, area and period, how the area's figure is covered.

Every load that changes figures rewrites the record for its sources in the load's own
transaction (``record_coverage``), so a failed or dry-run load leaves it as it was and a
re-load or a rolling window leaves it as a fresh computation would. The record holds every
area with a figure (complete or partial): its own figure, summed from its children (n of N
child areas reporting) or an uploaded value, and the latest upload behind it. ``cspdash
counts`` reads coverage from here.

Coverage of a month can change when another month is loaded (a ward that begins after a
boundary review stops the old wards being expected), so each load recomputes the source's
whole record and writes only the rows that changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store.areas import AreaTree
from store.bulk import bulk_insert_frame
from store.counts import UPLOADED_VALUE, Covered, monthly_coverage_many, months_held
from store.marac import marac_coverage_many, marac_quarters_held
from store.models import AreaMonthCoverage, IndicatorValue

# Which recorded sources a load of each kind can change (areas: a new ward changes what a
# borough expects).
SOURCES_OF_KIND: dict[str, tuple[str, ...]] = {
    "crime": ("crime",),
    "asb": ("asb",),
    "policeuk": ("crime", "asb"),
    "marac": ("marac",),
    "values": ("values",),
    "areas": ("crime", "asb", "marac"),
    "indicators": ("values",),  # an indicator dropped takes its values with it
}
VALUES_PREFIX = "values:"


@dataclass(frozen=True)
class Recorded:
    """One row of the record, less its key."""

    covered_by: str
    upload_id: int | None
    loaded: int
    expected: int
    what: str
    complete: bool

    @classmethod
    def of(cls, covered: Covered) -> Recorded:
        c = covered.coverage
        return cls(c.covered_by, covered.upload_id, c.loaded, c.expected, c.what, c.complete)

    def row(self) -> tuple[str, int | None, int, int, str, bool]:
        """The fields in column order (``dataclasses.astuple`` deep-copies: far slower)."""
        return (self.covered_by, self.upload_id, self.loaded, self.expected, self.what, self.complete)

    def text(self) -> str:
        """``complete`` or ``partial: 1 of 33 boroughs``, as ``Coverage.text``."""
        return "complete" if self.complete else f"partial: {self.loaded} of {self.expected} {self.what}"


Key = tuple[str, str, str]  # (source, area, period)


def record_coverage(session: Session, sources: Iterable[str]) -> None:
    """Bring the record for ``sources`` (``crime``, ``asb``, ``marac``, ``values``) in line
    with the stored figures, writing only what changed, in the caller's transaction."""
    tree = AreaTree.load(session)
    for source in dict.fromkeys(sources):
        wanted = computed_coverage(session, source, tree)
        held = recorded_coverage(session, source)
        stale = [k for k, v in held.items() if wanted.get(k) != v]
        fresh = [k for k, v in wanted.items() if held.get(k) != v]
        _delete_keys(session, stale)
        if fresh:
            # A first import records every area-month of years of history: COPY (PostgreSQL)
            # or executemany (SQLite), not the ORM's insert of one dict per row.
            frame = pd.DataFrame([(*k, *wanted[k].row()) for k in fresh], columns=list(_COLUMNS))
            frame["upload_id"] = frame["upload_id"].astype("Int64")
            bulk_insert_frame(session, AreaMonthCoverage.__tablename__, frame)
    session.flush()


def _delete_keys(session: Session, keys: list[Key]) -> None:
    """Delete the record's rows with these keys. A window onto years of history can change
    tens of thousands (each area-month's latest upload): one join with a temporary table of
    the keys, keyed so each row of the record finds its match at once (SQLite would otherwise
    scan the keys once per row), where batches of ``(…) IN (…)`` lists read the whole record
    once per batch."""
    if not keys:
        return
    table = AreaMonthCoverage.__tablename__
    session.execute(text(f"CREATE TEMPORARY TABLE {_STALE} (source varchar(100), area_code varchar(32), period varchar(32), PRIMARY KEY (source, area_code, period))"))
    bulk_insert_frame(session, _STALE, pd.DataFrame(keys, columns=["source", "area_code", "period"]))
    session.execute(
        text(
            f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {_STALE} s WHERE s.source = {table}.source "
            f"AND s.area_code = {table}.area_code AND s.period = {table}.period)"
        )
    )
    session.execute(text(f"DROP TABLE {_STALE}"))


_STALE = "cspdash_stale_coverage"
_COLUMNS = ("source", "area_code", "period", "covered_by", "upload_id", "loaded", "expected", "what", "complete")


def _source_clause(source: str):  # noqa: ANN202
    if source == "values":
        return AreaMonthCoverage.source.startswith(VALUES_PREFIX)
    return AreaMonthCoverage.source == source


def recorded_coverage(session: Session, source: str) -> dict[Key, Recorded]:
    """The record for ``source`` as stored (``values``: every indicator's uploaded values)."""
    rows = session.execute(select(*(getattr(AreaMonthCoverage, c) for c in _COLUMNS)).where(_source_clause(source)))
    return {(r[0], r[1], r[2]): Recorded(*r[3:]) for r in rows}


def computed_coverage(session: Session, source: str, tree: AreaTree | None = None) -> dict[Key, Recorded]:
    """The record for ``source`` worked out afresh from the stored figures."""
    tree = tree or AreaTree.load(session)
    areas = sorted(tree.by_code)
    if source in ("crime", "asb"):
        months = months_held(session, source)
        resolved = monthly_coverage_many(session, source, areas, months, tree=tree) if months else {}
        return {(source, a, m): Recorded.of(c) for a, per_month in resolved.items() for m, c in per_month.items()}
    if source == "marac":
        quarters = marac_quarters_held(session)
        figures = marac_coverage_many(session, areas, quarters, tree) if quarters else {}
        return {("marac", a, q): Recorded.of(f.cases) for a, per_quarter in figures.items() for q, f in per_quarter.items()}
    if source == "values":
        rows = session.execute(select(IndicatorValue.indicator_code, IndicatorValue.area_code, IndicatorValue.period, IndicatorValue.upload_id))
        return {(VALUES_PREFIX + code, area, period): Recorded(UPLOADED_VALUE, upload, 1, 1, "", True) for code, area, period, upload in rows}
    raise ValueError(f"no recorded coverage for source {source!r}")
