"""The series breaks and notes that apply to an indicator in an area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rag.breaks import SeriesBreak
from store.areas import AreaTree
from store.measures import Measure
from store.models import Indicator, SeriesAnnotation


@dataclass(frozen=True)
class Annotation:
    """One note as pages list it under a chart."""

    date: date
    kind: str  # break | note
    reason: str
    indicator_code: str
    source: str
    area_code: str

    def as_break(self) -> SeriesBreak:
        return SeriesBreak(self.date, self.reason)


def _ancestors(tree: AreaTree | None, area: str) -> set[str]:
    out = {area}
    if tree is None:
        return out
    code = area
    while (info := tree.by_code.get(code)) is not None and info.parent_code and info.parent_code not in out:
        code = info.parent_code
        out.add(code)
    return out


def annotations_for(session: Session, indicator: Indicator, area: str, tree: AreaTree | None = None) -> list[Annotation]:
    """Notes and breaks on ``indicator`` in ``area``, in date order: those recorded for the
    indicator or for its source, for every area, for this area or for an area containing it."""
    source = Measure.parse(indicator.measure).source
    areas = ["", *_ancestors(tree, area)]
    rows = session.scalars(
        select(SeriesAnnotation)
        .where(
            or_(SeriesAnnotation.indicator_code == indicator.code, SeriesAnnotation.source == source),
            SeriesAnnotation.area_code.in_(areas),
        )
        .order_by(SeriesAnnotation.date, SeriesAnnotation.id)
    )
    return [Annotation(a.date, a.kind, a.reason, a.indicator_code, a.source, a.area_code) for a in rows]


def breaks_for(session: Session, indicator: Indicator, area: str, tree: AreaTree | None = None) -> list[SeriesBreak]:
    """The series breaks (not plain notes) on ``indicator`` in ``area``, in date order."""
    return [a.as_break() for a in annotations_for(session, indicator, area, tree) if a.kind == "break"]


__all__ = ["Annotation", "annotations_for", "breaks_for"]
