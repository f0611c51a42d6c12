"""What boundaries are held, as plain rows for ``boundaries list``."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import AreaBoundary


def boundaries_held(session: Session) -> list[tuple[str, str, int]]:
    """(level, vintage, how many areas) for each set of outlines held, by level then vintage."""
    rows = session.execute(
        select(AreaBoundary.level, AreaBoundary.vintage, func.count())
        .group_by(AreaBoundary.level, AreaBoundary.vintage)
        .order_by(AreaBoundary.level, AreaBoundary.vintage)
    ).all()
    return [(level, vintage, count) for level, vintage, count in rows]
