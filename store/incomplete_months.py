"""Stub months held as incomplete (``incomplete_in_source``), kept in step with the figures
and shown in the coverage record as ``incomplete in source file``.

A mark stands until a later file gives the area-month in full: then the figures are used and
the mark goes. Marked area-months hold no figures, so they are never shown as a figure,
total, comparator, change or SPC point; the coverage record says why nothing is there, for
the area and for each area above it that has no figure of its own for the month.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from store.areas import AreaTree
from store.bulk import bulk_insert_frame
from store.counts import SOURCES
from store.models import AreaMonthCoverage, CrimeCount, IncompleteInSource

if TYPE_CHECKING:
    from store.coverage_record import Recorded  # imports this module

INCOMPLETE = "incomplete in source file"


def record_incomplete(session: Session, sources: Iterable[str]) -> None:
    """Drop the marks of area-months that now hold figures; write the coverage record's
    ``incomplete in source file`` rows for the marks that stand (in the caller's transaction,
    after ``record_coverage``, which does not know of them)."""
    tree: AreaTree | None = None
    for source in sources:
        if source not in SOURCES:
            continue
        counts = SOURCES[source]
        marks = IncompleteInSource
        session.execute(
            delete(marks)
            .where(
                marks.source == source,
                exists().where(counts.area_code == marks.area_code, counts.month == marks.month),
            )
            .execution_options(synchronize_session=False)
        )
        session.execute(
            delete(AreaMonthCoverage)
            .where(AreaMonthCoverage.source == source, AreaMonthCoverage.covered_by == INCOMPLETE)
            .execution_options(synchronize_session=False)
        )
        standing = session.execute(select(marks.area_code, marks.month, marks.upload_id).where(marks.source == source)).all()
        if not standing:
            continue
        tree = tree or AreaTree.load(session)
        months = sorted({m for _, m, _ in standing})
        recorded = set(
            session.execute(
                select(AreaMonthCoverage.area_code, AreaMonthCoverage.period).where(
                    AreaMonthCoverage.source == source, AreaMonthCoverage.period.in_(months)
                )
            ).all()
        )
        rows = _rows_for(standing, recorded, tree)
        frame = pd.DataFrame(
            [(source, a, m, INCOMPLETE, u, 0, 1, "", False) for (a, m), u in sorted(rows.items())],
            columns=["source", "area_code", "period", "covered_by", "upload_id", "loaded", "expected", "what", "complete"],
        )
        frame["upload_id"] = frame["upload_id"].astype("Int64")
        bulk_insert_frame(session, AreaMonthCoverage.__tablename__, frame)
    session.flush()


def _rows_for(
    standing: Iterable[tuple[str, str, int | None]], held: AbstractSet[tuple[str, str]], tree: AreaTree
) -> dict[tuple[str, str], int | None]:
    """(area, month) → upload for the ``incomplete in source file`` rows the marks ``standing``
    (area, month, upload) give: the area and each area above it with no record of its own."""
    rows: dict[tuple[str, str], int | None] = {}
    for area, month, upload in standing:
        code: str | None = area
        while code is not None and code in tree.by_code:
            if (code, month) not in held:  # an area with figures of its own keeps its record
                rows.setdefault((code, month), upload)
            code = tree.by_code[code].parent_code
    return rows


def incomplete_rows(
    session: Session, source: str, held: set[tuple[str, str]], tree: AreaTree
) -> dict[tuple[str, str], int | None]:
    """The ``incomplete in source file`` rows the standing marks of ``source`` give beside a
    record that holds ``held`` (area, month) — for a record worked out afresh."""
    marks = IncompleteInSource
    standing = session.execute(select(marks.area_code, marks.month, marks.upload_id).where(marks.source == source)).all()
    return _rows_for(standing, held, tree) if standing else {}


def incomplete_periods(
    recorded: Mapping[tuple[str, str], Recorded],
    areas: Iterable[str],
    tree: AreaTree,
    first: str | None,
    last: str | None,
    by: str,
    period_of: Callable[[str, str], str],
    records: Iterable[Mapping[str, object]],
) -> list[dict[str, object]]:
    """``cspdash counts`` rows for the periods of ``areas`` that hold no figure because the
    source file gave them only as a stub: blank count, coverage ``incomplete in source file``.
    ``recorded``: the coverage record, (area, month) → ``Recorded``; ``records``: the rows
    already made (a period with figures keeps its row, whose coverage says it is incomplete)."""
    from rules.periods import normalise_month

    have = {(r["area_code"], r["period"]) for r in records}
    wanted = set(areas)
    first, last = (normalise_month(first) if first else None), (normalise_month(last) if last else None)
    out: dict[tuple[str, str], dict[str, object]] = {}
    for (area, month), row in sorted(recorded.items()):
        if row.covered_by != INCOMPLETE or area not in wanted or (first and month < first) or (last and month > last):
            continue
        period = period_of(month, by)
        if (area, period) in have:
            continue
        upload = f" (upload {row.upload_id})" if row.upload_id is not None else ""
        out.setdefault((area, period), {
            "area_code": area, "area_name": tree.name(area), "period": period, "count": "",
            "coverage": INCOMPLETE, "covered_by": INCOMPLETE + upload,
        })  # fmt: skip
    return list(out.values())


# --- For the month checks of a load (``loaders.month_checks``): what is held before it writes ---


def held_totals(session: Session, months: list[str]) -> dict[tuple[str, str], float]:
    """Every held crime area-month between the first and last of ``months``: its total."""
    if not months:
        return {}
    rows = session.execute(
        select(CrimeCount.area_code, CrimeCount.month, func.sum(CrimeCount.count))
        .where(CrimeCount.month >= min(months), CrimeCount.month <= max(months))
        .group_by(CrimeCount.area_code, CrimeCount.month)
    )
    return {(area, month): float(total or 0) for area, month, total in rows}


def marked_incomplete(session: Session, source: str, months: list[str]) -> set[tuple[str, str]]:
    """The (area, month) pairs of ``months`` already marked incomplete in ``source``."""
    rows = session.execute(
        select(IncompleteInSource.area_code, IncompleteInSource.month).where(
            IncompleteInSource.source == source, IncompleteInSource.month.in_(months)
        )
    )
    return {(area, month) for area, month in rows}


@dataclass(frozen=True)
class IncompleteMark:
    """An area-month a stub month left incomplete, with the stub's total and the median of the
    file's other months (what made it a stub)."""

    area_code: str
    month: str
    file_total: int
    median_of_others: float


def add_incomplete_marks(session: Session, source: str, marks: list[IncompleteMark], upload_id: int | None) -> int:
    """Mark each area-month incomplete in ``source``; returns how many were marked."""
    session.add_all(
        IncompleteInSource(
            source=source, area_code=m.area_code, month=m.month, upload_id=upload_id,
            file_total=m.file_total, median_of_others=m.median_of_others,
        )
        for m in marks
    )  # fmt: skip
    session.flush()
    return len(marks)
