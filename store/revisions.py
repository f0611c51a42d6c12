"""What changed since a quarter was published: per indicator and field, the published value,
the value now, when the data changed and which upload (or edit) changed it, and whether the
rating would now be different (compared by ``reporting.revisions``).

A figure is attributed to the uploads whose stored rows make it up (crime and ASB counts,
MARAC returns, uploaded values, each carrying its upload's id) that were loaded after the
version was published; targets and commentary to their last edit (on the web or by a file);
names and definitions to indicator-definition uploads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.edits import target_label_applies
from reporting.headlines import as_utc
from reporting.published_document import row_document
from reporting.revisions import (
    FIELDS,
    NUMBER_FIELDS,
    ChangeSource,
    RatingChange,
    Revision,
    RevisionReport,
    SeriesRevision,
    compare_rows,
    series_revisions,
    unique_sources,
)
from rules.periods import Quarter
from sources.declarations import PARTNERSHIP_QUARTERS, RETURNS
from sources.registry import by_key
from store.areas import AreaTree
from store.csp_crime import uploads_behind
from store.indicator_queries import indicator_by_code
from store.input_changes import RATING_FIELDS, input_changes
from store.measures import Measure
from store.models import ChangeLog, Commentary, IndicatorValue, InputChange, MaracReturn, Target, Upload
from store.partnerships import partnership_of
from store.published import (
    published_document,
    published_indicator_detail,
    published_quarters,
    published_scorecard,
    published_versions,
)
from store.queries import indicator_detail
from store.scorecard import build_scorecard
from store.source_tables import count_models

__all__ = [
    "FIELDS", "NUMBER_FIELDS", "ChangeSource", "RatingChange", "Revision", "RevisionReport", "SeriesRevision",
    "compare_documents", "compare_rows", "indicator_series_revisions", "revisions", "uploads_revising",
]  # fmt: skip


# --- Attributing -----------------------------------------------------------------------------


class _Attributor:
    """Finds what changed each figure after ``since`` (and up to ``until``)."""

    def __init__(self, session: Session, period: Quarter, area: str, since: datetime, until: datetime | None = None) -> None:
        self.session, self.period, self.area = session, period, area
        self.partnership = partnership_of(session, area)  # whose values, targets and commentary
        self.since, self.until = as_utc(since), as_utc(until)
        self.tree = AreaTree.load(session)
        self._uploads: dict[int, Upload] = {}
        self._changes: dict[tuple[str, str], list[InputChange]] = {}

    def _in_window(self, at: datetime | None) -> bool:
        at = as_utc(at)
        return at is not None and at > self.since and (self.until is None or at <= self.until)

    def _upload_sources(self, ids: set[int | None]) -> list[ChangeSource]:
        wanted = {i for i in ids if i is not None} - set(self._uploads)
        if wanted:
            for u in self.session.scalars(select(Upload).where(Upload.id.in_(wanted))):
                self._uploads[u.id] = u
        found = [self._uploads[i] for i in ids if i in self._uploads and self._in_window(self._uploads[i].loaded_at)]
        found.sort(key=lambda u: (as_utc(u.loaded_at), u.id))
        return [_upload_source(u) for u in found]

    def _months_for(self, row: dict[str, Any], field_name: str) -> list[str]:
        p, basis = self.period, row.get("basis")
        last = p.same_quarter_last_year()

        def on_basis(q: Quarter) -> list[str]:
            return q.ytd_months() if basis == "ytd" else q.months()

        return {
            "quarter_value": p.months(),
            "ytd_value": p.ytd_months(),
            "previous_quarter": p.previous().months(),
            "same_period_last_year": on_basis(last),
            "dot_short": p.months() + p.previous().months(),
            "dot_long": on_basis(p) + on_basis(last),
            "rag": on_basis(p) + on_basis(last) + p.previous().months(),
            "comparator_change": on_basis(p) + on_basis(last),
        }.get(field_name, [])

    def data_sources(self, code: str, row: dict[str, Any], field_name: str) -> list[ChangeSource]:
        months = sorted(set(self._months_for(row, field_name)))
        indicator = indicator_by_code(self.session, code, self.partnership)
        if indicator is None or not months:
            return []
        area = row.get("comparator_area") if field_name == "comparator_change" else self.area
        if not area:
            return []
        areas = [area, *self.tree.descendants(area)]
        quarters = sorted({Quarter.of_month(m).key for m in months})
        measure = Measure.parse(indicator.measure)
        ids: set[int | None] = set()
        if measure.source in count_models():
            table = count_models()[measure.source]
            for chunk in _chunks(areas, 500):
                ids |= set(
                    self.session.scalars(
                        select(table.upload_id).where(table.area_code.in_(chunk), table.month.in_(months)).distinct()
                    )
                )
        elif by_key(measure.source).coverage == RETURNS:
            ids |= set(
                self.session.scalars(
                    select(MaracReturn.upload_id)
                    .where(MaracReturn.area_code.in_(areas), MaracReturn.quarter.in_(quarters))
                    .distinct()
                )
            )
        elif by_key(measure.source).coverage == PARTNERSHIP_QUARTERS:
            ids |= uploads_behind(self.session, self.tree, area, quarters)
        ids |= set(
            self.session.scalars(
                select(IndicatorValue.upload_id).where(
                    IndicatorValue.partnership_code == self.partnership,
                    IndicatorValue.indicator_code == code,
                    IndicatorValue.area_code == area,
                    IndicatorValue.period.in_(months + quarters),
                )
            )
        )
        sources = self._upload_sources(ids)
        if field_name == "rag":  # a rating also moves with its target
            sources += self.target_sources(code)
        return unique_sources(sources)

    def _edit_or_upload(self, entity: str, kind: str, key_prefix: str, at: datetime | None, by: str) -> ChangeSource:
        at = as_utc(at)
        entry = self.session.scalars(
            select(ChangeLog)
            .where(ChangeLog.entity == entity, ChangeLog.key.startswith(key_prefix))
            .order_by(ChangeLog.at.desc())
            .limit(5)
        ).all()
        for e in entry:
            if as_utc(e.at) == at:
                return ChangeSource(at, by, f"{entity} edited on the web by {by}")
        uploads = self.session.scalars(
            select(Upload).where(Upload.kind == kind).order_by(Upload.loaded_at.desc(), Upload.id.desc())
        ).all()
        # A row never stamped (``updated_at`` blank) cannot be matched to an upload by time.
        for u in uploads:
            if at is not None and as_utc(u.loaded_at) <= at and self._in_window(u.loaded_at):
                return _upload_source(u)
        return ChangeSource(at, by, f"{entity} changed by {by}")

    def _recorded(self, code: str, entity: str, wanted: Callable[[InputChange], bool]) -> list[ChangeSource] | None:
        """The recorded changes (``store.input_changes``) to ``code``'s ``entity`` in the window
        that ``wanted`` keeps, as sources; None when nothing at all is recorded for it (inputs
        changed before the record began: the older, coarser attribution is used)."""
        changes = self._changes.get((code, entity))
        if changes is None:
            changes = self._changes[(code, entity)] = input_changes(self.session, code, (entity,), self.partnership)
        if not changes:
            return None
        return unique_sources([_change_source(c) for c in changes if self._in_window(c.at) and wanted(c)])

    def _target_applies(self, change: InputChange) -> bool:
        return target_label_applies(change.key, self.period.financial_year.key, self.period.q, self.area)

    def target_sources(self, code: str) -> list[ChangeSource]:
        recorded = self._recorded(code, "target", self._target_applies)
        if recorded is not None:
            return recorded
        rows = self.session.scalars(
            select(Target).where(
                Target.partnership_code == self.partnership,
                Target.indicator_code == code,
                Target.year == self.period.financial_year.key,
            )
        )
        return [
            self._edit_or_upload("target", "targets", f"{code} ", t.updated_at, t.updated_by)
            for t in rows
            if t.area_code in (None, self.area) and t.quarter in (None, self.period.q) and self._in_window(t.updated_at)
        ]

    def commentary_sources(self, code: str) -> list[ChangeSource]:
        key = f"{code} {self.area} {self.period.key}"
        recorded = self._recorded(code, "commentary", lambda c: c.key == key)
        if recorded is not None:
            return recorded
        row = self.session.scalars(
            select(Commentary).where(
                Commentary.partnership_code == self.partnership,
                Commentary.indicator_code == code,
                Commentary.area_code == self.area,
                Commentary.period == self.period.key,
            )
        ).first()
        if row is None or not self._in_window(row.updated_at):
            return []
        return [self._edit_or_upload("commentary", "commentary", f"{code} {self.area}", row.updated_at, row.updated_by)]

    def definition_sources(self, code: str | None = None, fields: tuple[str, ...] | None = None) -> list[ChangeSource]:
        """Definition uploads that changed ``code`` (in ``fields``, when given)."""
        if code is not None:
            recorded = self._recorded(code, "indicator", lambda c: fields is None or bool(set(c.fields.split(",")) & set(fields)))
            if recorded is not None:
                return recorded
            if fields is not None and fields != ("name",):
                return []  # before the record began only renames were attributed
        uploads = self.session.scalars(select(Upload).where(Upload.kind == "indicators")).all()
        return [_upload_source(u) for u in sorted(uploads, key=lambda u: as_utc(u.loaded_at)) if self._in_window(u.loaded_at)]

    def retired(self, code: str) -> bool | None:
        held = indicator_by_code(self.session, code, self.partnership)
        return None if held is None else held.retired_at is not None

    def sources(self, code: str, row: dict[str, Any], field_name: str) -> list[ChangeSource]:
        if field_name in ("commentary", "corrective_action"):
            return self.commentary_sources(code)
        if field_name == "name":
            return self.definition_sources(code, ("name",))
        # Anything rated or measured also moves with how the indicator is defined.
        definitions = self.definition_sources(code, RATING_FIELDS)
        if field_name in ("target", "tolerance"):
            return unique_sources(self.target_sources(code) + definitions)
        return unique_sources(self.data_sources(code, row, field_name) + definitions)


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def _change_source(c: InputChange) -> ChangeSource:
    upload = c.upload_id is not None
    kind = c.source.split("(", 1)[1].split(")", 1)[0] if upload and "(" in c.source else None
    file_name = c.source.split("): ", 1)[1] if upload and "): " in c.source else None
    return ChangeSource(as_utc(c.at), c.by, c.source, c.upload_id, file_name, kind)


def _upload_source(u: Upload) -> ChangeSource:
    return ChangeSource(as_utc(u.loaded_at), u.loaded_by, f"upload {u.id} ({u.kind}): {u.file_name}", u.id, u.file_name, u.kind)


def _published_at(document: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(document["publication"]["published_at"])


def compare_documents(session: Session, old: dict[str, Any], new: dict[str, Any]) -> list[Revision]:
    """Revisions from one published document to the next (stored with the new version)."""
    period, area = Quarter.parse(old["period"]["key"]), old["area"]["code"]
    until = _published_at(new) if "publication" in new else None
    return compare_rows(
        old.get("scorecard", []), new.get("scorecard", []), _Attributor(session, period, area, _published_at(old), until)
    )


def revisions(session: Session, period: Quarter, area: str, version: int | None = None) -> RevisionReport | None:
    """The figures now against the latest published version (or ``version``); None when the
    quarter was never published. An empty ``revisions`` list means nothing has changed."""
    published = published_scorecard(session, period, area, version)
    if published is None:
        return None
    current = [row_document(r) for r in build_scorecard(session, period, area).rows]
    attributor = _Attributor(session, period, area, published.info.published_at)
    found = compare_rows(published.document.get("scorecard", []), current, attributor)
    return RevisionReport(period, area, published.info, found)


def uploads_revising(session: Session) -> dict[int, list[str]]:
    """For each upload that changed a published figure, the versions it revised, e.g.
    ``{7: ["2016-17-Q3 E09000016 v1"]}``: the latest version of each quarter against the
    figures now, and each earlier version against the correction that followed it."""
    out: dict[int, set[str]] = {}
    for period, area in published_quarters(session):
        versions = published_versions(session, period, area)
        for info in versions[1:]:
            document = published_document(session, period, area, info.version) or {}
            for item in (document.get("revises") or {}).get("revisions", []):
                for source in item.get("sources", []):
                    if source.get("upload_id") is not None:
                        out.setdefault(source["upload_id"], set()).add(f"{period.key} {area} v{info.version - 1}")
        report = revisions(session, period, area)
        if report is None:
            continue
        for r in report.revisions:
            for upload_id in r.upload_ids:
                out.setdefault(upload_id, set()).add(f"{period.key} {area} v{report.version.version}")
    return {k: sorted(v) for k, v in out.items()}


def indicator_series_revisions(
    session: Session, code: str, period: Quarter, area: str, version: int | None = None
) -> list[SeriesRevision] | None:
    """For the indicator page: each quarter's figure in the published series that differs now
    (None when the quarter was not published or the indicator was not rated then)."""
    published = published_indicator_detail(session, code, period, area, version)
    if published is None:
        return None
    return series_revisions(published.history, indicator_detail(session, code, period, area).history)
