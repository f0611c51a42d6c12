"""The kept figures by category (``category_figure``, written by ``store.category_record``):
reading and writing rows. Plain tuples here; ``store.counts`` makes them figures with their
coverage (this module sits below it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.bulk import bulk_insert_frame
from store.models import CategoryFigure

KEPT = ""  # the period of the row marking a series as kept
# value, upload_id, loaded, expected, what, complete, covered_by, lacking
Row = tuple[int, int | None, int, int, str, bool, str, str]
_FIELDS = ("value", "upload_id", "loaded", "expected", "what", "complete", "covered_by", "lacking")


def category_key(major: str | None, minor: str | None) -> str | None:
    """The key a category's series is kept under (matched without regard to case, as counts
    are), or None for every category (the coverage record's ``total`` holds that)."""
    if major is None and minor is None:
        return None
    return (major or "").upper() + ("" if minor is None else "/" + minor.upper())


def kept_rows(session: Session, source: str, areas: Sequence[str], key: str, months: Sequence[str]) -> dict[str, dict[str, Row]]:
    """{area: {month: row}} for the areas whose series under ``key`` is kept (every one of
    ``months`` it has a figure for; an area kept with none of them maps to {})."""
    t = CategoryFigure
    wanted = sorted({*months, KEPT})
    out: dict[str, dict[str, Row]] = {}
    found: dict[str, dict[str, Row]] = defaultdict(dict)
    stmt = select(t.area_code, t.period, *(getattr(t, f) for f in _FIELDS)).where(
        t.source == source, t.area_code.in_(list(areas)), t.category == key, t.period.in_(wanted)
    )
    for area, period, *fields in session.execute(stmt):
        if period == KEPT:
            out[area] = found[area]
        else:
            found[area][period] = (
                int(fields[0]),
                fields[1],
                fields[2],
                fields[3],
                fields[4],
                bool(fields[5]),
                fields[6],
                fields[7],
            )
    return out


def replace_kept(session: Session, source: str, area: str, series: dict[str, dict[str, Row]]) -> None:
    """Keep ``series`` ({category key: {month: row}}) as ``area``'s for ``source``, in place of
    every series it held."""
    t = CategoryFigure
    session.execute(delete(t).where(t.source == source, t.area_code == area))
    rows: list[tuple[object, ...]] = []
    for key, per_month in series.items():
        rows.append((source, area, key, KEPT, 0, None, 0, 0, "", True, "", ""))
        rows.extend((source, area, key, month, *row) for month, row in sorted(per_month.items()))
    frame = pd.DataFrame(rows, columns=["source", "area_code", "category", "period", *_FIELDS])
    frame["upload_id"] = frame["upload_id"].astype("Int64")
    bulk_insert_frame(session, t.__tablename__, frame)


def forget_kept(session: Session, sources: Iterable[str]) -> None:
    """Drop every series kept for ``sources`` (a reader then sums the counts)."""
    session.execute(delete(CategoryFigure).where(CategoryFigure.source.in_(list(sources))))
