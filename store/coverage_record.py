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

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from store.areas import AreaTree
from store.bulk import bulk_insert_frame
from store.counts import OWN_FIGURE, UPLOADED_VALUE, Covered, Held, resolve_coverage, stored_figures
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


class Recorded(NamedTuple):
    """One row of the record, less its key. (A tuple: a first import works out a hundred
    thousand of these, and a frozen dataclass is several times slower to make.)"""

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
        """The fields in column order."""
        return tuple(self)  # type: ignore[return-value]

    def text(self) -> str:
        """``complete`` or ``partial: 1 of 33 boroughs``, as ``Coverage.text``."""
        return "complete" if self.complete else f"partial: {self.loaded} of {self.expected} {self.what}"


Key = tuple[str, str, str]  # (source, area, period)


@dataclass(frozen=True)
class Replaced:
    """What a load tells the record: these area-months of a source now hold only upload
    ``upload_id``'s figures, and every other area-month is as it was."""

    upload_id: int | None
    area_months: set[tuple[str, str]]


def record_coverage(
    session: Session, sources: Iterable[str], meanwhile: Callable[[], None] | None = None, replaced: Mapping[str, Replaced] | None = None
) -> None:
    """Bring the record for ``sources`` (``crime``, ``asb``, ``marac``, ``values``) in line
    with the stored figures, writing only what changed, in the caller's transaction.

    ``meanwhile`` is called once everything is read and before the record is worked out in
    Python: a load hands it the building of the key it set aside, so the server builds the
    key while this process works out the record (on two cores, the two overlap).

    ``replaced`` (per source) saves reading every stored figure again: which area-months hold
    figures, and from which upload, is then the record's own figures outside the replaced
    area-months and the load's inside them. (The record keeps no counts, only coverage.)"""
    tree = AreaTree.load(session)
    sources = list(dict.fromkeys(sources))
    held = {source: recorded_coverage(session, source) for source in sources}
    replaced = replaced or {}
    work = {source: _read(session, source, tree, held[source], replaced.get(source)) for source in sources}
    if meanwhile is not None:
        meanwhile()
    for source in sources:
        wanted = work[source]()
        stale = [k for k, v in held[source].items() if wanted.get(k) != v]
        fresh = [k for k, v in wanted.items() if held[source].get(k) != v]
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
    return _read(session, source, tree or AreaTree.load(session))()


def _read(
    session: Session, source: str, tree: AreaTree, held: dict[Key, Recorded] | None = None, replaced: Replaced | None = None
) -> Callable[[], dict[Key, Recorded]]:
    """Read what ``source``'s record is worked out from; return the working out (Python only,
    no database: see ``record_coverage``)."""
    areas = sorted(tree.by_code)
    if source in ("crime", "asb"):
        if replaced is not None and held is not None:
            direct, spans = _figures_after(held, replaced, tree)
        else:
            direct, spans = stored_figures(session, source, tree)
        months = sorted({m for per_month in direct.values() for m in per_month})

        def monthly() -> dict[Key, Recorded]:
            resolved = resolve_coverage(tree, areas, months, direct, spans) if months else {}
            return {(source, a, m): Recorded.of(c) for a, per_month in resolved.items() for m, c in per_month.items()}

        return monthly
    if source == "marac":  # a few returns a quarter: read and worked out at once
        quarters = marac_quarters_held(session)
        figures = marac_coverage_many(session, areas, quarters, tree) if quarters else {}
        record = {("marac", a, q): Recorded.of(f.cases) for a, per_quarter in figures.items() for q, f in per_quarter.items()}
        return lambda: record
    if source == "values":
        rows = session.execute(select(IndicatorValue.indicator_code, IndicatorValue.area_code, IndicatorValue.period, IndicatorValue.upload_id))
        record = {(VALUES_PREFIX + code, area, period): Recorded(UPLOADED_VALUE, upload, 1, 1, "", True) for code, area, period, upload in rows}
        return lambda: record
    raise ValueError(f"no recorded coverage for source {source!r}")


def _figures_after(held: dict[Key, Recorded], replaced: Replaced, tree: AreaTree) -> tuple[dict[str, dict[str, Held]], dict[str, tuple[str, str]]]:
    """``stored_figures`` as they stand after a load that wholly replaced some area-months,
    from the record as it stood before it: the area-months that had their own figure, less
    the replaced ones, plus the replaced ones with the load's upload."""
    direct: dict[str, dict[str, Held]] = defaultdict(dict)
    for (_, area, month), recorded in held.items():
        if recorded.covered_by == OWN_FIGURE.covered_by and (area, month) not in replaced.area_months:
            direct[area][month] = Held(0, recorded.upload_id)
    for area, month in replaced.area_months:
        if area in tree.by_code:
            direct[area][month] = Held(0, replaced.upload_id)
    spans = {code: (min(per_month), max(per_month)) for code, per_month in direct.items()}
    return direct, spans
