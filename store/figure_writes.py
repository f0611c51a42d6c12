"""Writing the figures the small loaders read (indicator values, MARAC returns): each row the
file gives replaces the one held under the same key, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, tuple_
from sqlalchemy.orm import Session

from store.bulk import IN_LIMIT
from store.models import IndicatorValue, MaracReturn


@dataclass(frozen=True)
class ValueRow:
    indicator_code: str
    area_code: str
    period: str
    value: float
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class MaracRow:
    area_code: str
    quarter: str
    cases_discussed: int
    repeat_cases: int
    extra: dict[str, Any]


def _deleted(session: Session, statement: Any) -> int:
    result = session.execute(statement)
    return cast("CursorResult[Any]", result).rowcount or 0  # a DELETE's result is a cursor result


def replace_indicator_values(session: Session, rows: Sequence[ValueRow], upload_id: int | None, partnership: str) -> int:
    """Store ``rows`` as the partnership's, replacing the values it holds for the same indicator,
    area and period; returns how many were replaced."""
    keys = [(r.indicator_code, r.area_code, r.period) for r in rows]
    key_columns = tuple_(IndicatorValue.indicator_code, IndicatorValue.area_code, IndicatorValue.period)
    own = IndicatorValue.partnership_code == partnership
    replaced = 0
    for start in range(0, len(keys), IN_LIMIT):
        replaced += _deleted(session, delete(IndicatorValue).where(own, key_columns.in_(keys[start : start + IN_LIMIT])))
    session.add_all(
        IndicatorValue(
            partnership_code=partnership,
            indicator_code=r.indicator_code,
            area_code=r.area_code,
            period=r.period,
            value=r.value,
            numerator=r.numerator,
            denominator=r.denominator,
            upload_id=upload_id,
        )
        for r in rows
    )
    return replaced


def replace_marac_returns(session: Session, rows: Sequence[MaracRow], upload_id: int | None) -> int:
    """Store ``rows``, replacing the returns held for the same area and quarter; returns how
    many were replaced."""
    keys = [(r.area_code, r.quarter) for r in rows]
    replaced = 0
    for start in range(0, len(keys), IN_LIMIT):
        chunk = keys[start : start + IN_LIMIT]
        replaced += _deleted(session, delete(MaracReturn).where(tuple_(MaracReturn.area_code, MaracReturn.quarter).in_(chunk)))
    session.add_all(
        MaracReturn(
            area_code=r.area_code,
            quarter=r.quarter,
            cases_discussed=r.cases_discussed,
            repeat_cases=r.repeat_cases,
            extra=r.extra,
            upload_id=upload_id,
        )
        for r in rows
    )
    return replaced
