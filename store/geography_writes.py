"""Writing what the geography loaders read: outlines, the LSOA→ward lookup and population.
Each replaces what the file says again and leaves the rest, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert
from sqlalchemy.orm import Session

from store.bulk import IN_LIMIT, bulk_insert
from store.models import AreaBoundary, LsoaWard, Population


def _deleted(session: Session, statement: Any) -> int:
    result = session.execute(statement)
    return cast("CursorResult[Any]", result).rowcount or 0  # a DELETE's result is a cursor result


def replace_outlines(session: Session, vintage: str, rows: Sequence[dict[str, Any]]) -> int:
    """Store ``rows`` (AreaBoundary columns) for ``vintage``, replacing those areas' outlines in
    that vintage; returns how many outlines were replaced."""
    session.flush()  # new areas first: outlines refer to them
    codes = [row["area_code"] for row in rows]
    replaced = 0
    for start in range(0, len(codes), IN_LIMIT):
        chunk = codes[start : start + IN_LIMIT]
        replaced += _deleted(
            session, delete(AreaBoundary).where(AreaBoundary.vintage == vintage, AreaBoundary.area_code.in_(chunk))
        )
    if rows:
        session.execute(insert(AreaBoundary), list(rows))
    return replaced


def replace_lsoa_wards(session: Session, pairs: Sequence[tuple[str, str]], upload_id: int | None) -> tuple[int, int]:
    """Store (LSOA, ward) pairs, replacing what these wards said about these LSOAs (other
    vintages' rows stay); returns (stored, replaced)."""
    session.flush()
    lsoas = sorted({lsoa for lsoa, _ in pairs})
    wards = sorted({ward for _, ward in pairs})
    replaced = 0
    for start in range(0, len(lsoas), IN_LIMIT):
        chunk = lsoas[start : start + IN_LIMIT]
        replaced += _deleted(session, delete(LsoaWard).where(LsoaWard.lsoa_code.in_(chunk), LsoaWard.ward_code.in_(wards)))
    rows = ((lsoa, ward, upload_id) for lsoa, ward in pairs)
    return bulk_insert(session, "lsoa_ward", ["lsoa_code", "ward_code", "upload_id"], rows), replaced


def replace_population(session: Session, rows: Iterable[tuple[str, int, int]], upload_id: int | None) -> tuple[int, int]:
    """Store (area, year, population) rows, replacing those areas' figures for those years;
    returns (stored, replaced)."""
    session.flush()
    rows = list(rows)
    by_year: dict[int, list[str]] = {}
    for code, year, _ in rows:
        by_year.setdefault(year, []).append(code)
    replaced = 0
    for year, codes in by_year.items():
        for start in range(0, len(codes), IN_LIMIT):
            chunk = codes[start : start + IN_LIMIT]
            replaced += _deleted(session, delete(Population).where(Population.year == year, Population.area_code.in_(chunk)))
    stored = bulk_insert(
        session, "population", ["area_code", "year", "population", "upload_id"], ((c, y, p, upload_id) for c, y, p in rows)
    )
    return stored, replaced
