"""The series breaks and notes that apply to an indicator in an area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rules.breaks import SeriesBreak
from sources.registry import source_keys
from store.areas import AreaTree
from store.audit import record_change
from store.data_version import bump_partnership_version
from store.indicator_queries import indicator_by_code
from store.measures import Measure
from store.models import Area, Indicator, SeriesAnnotation
from store.partnerships import partnership_in_force, partnership_of

SOURCES = source_keys()  # every declared source (``sources``)
KINDS = ("break", "note")


@dataclass(frozen=True)
class Annotation:
    """One note as pages list it under a chart."""

    date: date
    kind: str  # break | note
    reason: str
    indicator_code: str
    source: str
    area_code: str
    id: int = 0  # the stored row, for a page's delete button (delete_annotation)

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
    """Notes and breaks on ``indicator`` in ``area``, in date order: those its partnership recorded
    for the indicator or for its source, for every area, for this area or for an area containing it."""
    source = Measure.parse(indicator.measure).source
    areas = ["", *_ancestors(tree, area)]
    partnership = getattr(indicator, "partnership_code", None) or partnership_of(session, area)
    rows = session.scalars(
        select(SeriesAnnotation)
        .where(
            SeriesAnnotation.partnership_code == partnership,
            or_(SeriesAnnotation.indicator_code == indicator.code, SeriesAnnotation.source == source),
            SeriesAnnotation.area_code.in_(areas),
        )
        .order_by(SeriesAnnotation.date, SeriesAnnotation.id)
    )
    return [Annotation(a.date, a.kind, a.reason, a.indicator_code, a.source, a.area_code, a.id) for a in rows]


def breaks_for(session: Session, indicator: Indicator, area: str, tree: AreaTree | None = None) -> list[SeriesBreak]:
    """The series breaks (not plain notes) on ``indicator`` in ``area``, in date order."""
    return [a.as_break() for a in annotations_for(session, indicator, area, tree) if a.kind == "break"]


def annotation_problems(session: Session, indicator_code: str, source: str, area_code: str, kind: str, reason: str) -> list[str]:
    """Why an annotation cannot be saved, in words for the page (empty when it can)."""
    problems = []
    if bool(indicator_code) == bool(source):
        problems.append("choose an indicator or a source (crime, asb, marac, values), not both or neither")
    if indicator_code and indicator_by_code(session, indicator_code) is None:
        problems.append(f"unknown indicator {indicator_code!r}")
    if source and source not in SOURCES:
        problems.append(f"source must be one of: {', '.join(SOURCES)}")
    if area_code and session.get(Area, area_code) is None:
        problems.append(f"unknown area {area_code!r}")
    if kind not in KINDS:
        problems.append(f"kind must be one of: {', '.join(KINDS)}")
    if not reason.strip():
        problems.append("say what happened (the reason must not be blank)")
    return problems


def save_annotation(
    session: Session,
    *,
    when: date,
    reason: str,
    user: str,
    indicator_code: str = "",
    source: str = "",
    area_code: str = "",
    kind: str = "break",
) -> SeriesAnnotation:
    """Record a break or note from the web in the caller's transaction, replacing the reason of
    one with the same series, area, date and kind, and log it in the change log. Raises
    ValueError listing every problem."""
    problems = annotation_problems(session, indicator_code, source, area_code, kind, reason)
    if problems:
        raise ValueError("; ".join(problems))
    partnership = partnership_in_force(session)
    item = session.scalar(
        select(SeriesAnnotation).where(
            SeriesAnnotation.partnership_code == partnership,
            SeriesAnnotation.indicator_code == indicator_code,
            SeriesAnnotation.source == source,
            SeriesAnnotation.area_code == area_code,
            SeriesAnnotation.date == when,
            SeriesAnnotation.kind == kind,
        )
    )
    old = None if item is None else item.reason
    if item is None:
        item = SeriesAnnotation(
            partnership_code=partnership, indicator_code=indicator_code, source=source, area_code=area_code, date=when, kind=kind
        )
        session.add(item)
    item.reason, item.updated_by, item.updated_at = reason.strip(), user, datetime.now(UTC)
    key = f"{indicator_code or source} {when.isoformat()} {kind} {area_code or 'every area'}"
    record_change(session, user, "edit" if old is not None else "add", "annotation", key, {"old": old, "new": item.reason})
    bump_partnership_version(session, partnership)  # its charts cached without the break are stale
    session.flush()
    return item


def delete_annotation(session: Session, annotation_id: int, user: str) -> None:
    """Remove one annotation (a break recorded in error), logging what it said."""
    item = session.get(SeriesAnnotation, annotation_id)
    if item is None:
        raise ValueError(f"no annotation {annotation_id}")
    key = f"{item.indicator_code or item.source} {item.date.isoformat()} {item.kind} {item.area_code or 'every area'}"
    record_change(session, user, "delete", "annotation", key, {"old": item.reason, "new": None})
    session.delete(item)
    bump_partnership_version(session, item.partnership_code)
    session.flush()


__all__ = [
    "Annotation", "KINDS", "SOURCES", "annotation_problems", "annotations_for", "breaks_for", "delete_annotation", "save_annotation",
]  # fmt: skip


def save_annotations(
    session: Session,
    rows: list[tuple[str, str, str, date, str, str]],
    upload_id: int | None,
    user: str,
    now: datetime,
    partnership: str,
) -> int:
    """Store (indicator, source, area, date, kind, reason) rows from a file as the partnership's,
    each replacing the annotation it holds under the same first five; returns how many were replaced."""
    own = select(SeriesAnnotation).where(SeriesAnnotation.partnership_code == partnership)
    existing = {(a.indicator_code, a.source, a.area_code, a.date, a.kind): a for a in session.scalars(own)}
    replaced = 0
    for code, source, area, when, kind, reason in rows:
        item = existing.get((code, source, area, when, kind))
        if item is None:
            item = SeriesAnnotation(
                partnership_code=partnership, indicator_code=code, source=source, area_code=area, date=when, kind=kind
            )
            session.add(item)
        else:
            replaced += 1
        item.reason, item.upload_id, item.updated_by, item.updated_at = reason, upload_id, user, now
    return replaced
