"""What changed since a quarter was published: per indicator and field, the published value,
the value now, when the data changed and which upload (or edit) changed it, and whether the
rating would now be different.

A figure is attributed to the uploads whose stored rows make it up (crime and ASB counts,
MARAC returns, uploaded values, each carrying its upload's id) that were loaded after the
version was published; targets and commentary to their last edit (on the web or by a file);
names and definitions to indicator-definition uploads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.periods import Quarter
from rules.rating import Rating
from sources.declarations import RETURNS
from sources.registry import by_key
from store.areas import AreaTree
from store.measures import Measure
from store.input_changes import RATING_FIELDS, input_changes
from store.models import ChangeLog, Commentary, Indicator, IndicatorValue, InputChange, MaracReturn, Target, Upload
from store.source_tables import count_models
from store.published_document import row_document, row_from_document
from store.publishing import VersionInfo, as_utc, day_label, published_scorecard, published_quarters
from store.scorecard import build_scorecard, format_tolerance, format_value

# (field, label) in the order the scorecard shows them. ``actual`` is not listed: it is the
# quarter or the year-to-date figure (whichever the indicator is rated on), listed as that.
FIELDS = [
    ("name", "Indicator name"),
    ("quarter_value", "Quarter"),
    ("ytd_value", "Year to date"),
    ("previous_quarter", "Previous quarter"),
    ("same_period_last_year", "Same period last year"),
    ("target", "Target"),
    ("tolerance", "Tolerance"),
    ("comparator_change", "Comparator's change on a year earlier"),
    ("rag", "Rating"),
    ("dot_short", "Short-term direction"),
    ("dot_long", "Long-term direction"),
    ("commentary", "Commentary"),
    ("corrective_action", "Corrective action"),
]
NUMBER_FIELDS = {"quarter_value", "ytd_value", "previous_quarter", "same_period_last_year", "comparator_change"}


@dataclass(frozen=True)
class ChangeSource:
    """What changed a figure: an upload, or an edit of a target or commentary."""

    at: datetime | None
    by: str
    what: str  # "upload 7 (crime): oct.csv", "target edited on the web"…
    upload_id: int | None = None
    file_name: str | None = None
    kind: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat() if self.at else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangeSource:
        at = datetime.fromisoformat(data["at"]) if data.get("at") else None
        return cls(at, data.get("by", ""), data.get("what", ""), data.get("upload_id"), data.get("file_name"), data.get("kind"))


@dataclass(frozen=True)
class Revision:
    code: str
    name: str
    field: str
    label: str
    published: Any
    current: Any
    published_text: str
    current_text: str
    rated_figure: bool = False  # the figure the rating is based on
    sources: list[ChangeSource] = field(default_factory=list)

    @property
    def changed_at(self) -> datetime | None:
        times = [s.at for s in self.sources if s.at]
        return max(times) if times else None

    @property
    def upload_ids(self) -> list[int]:
        return [s.upload_id for s in self.sources if s.upload_id is not None]

    @property
    def sources_text(self) -> str:
        return "; ".join(s.what for s in self.sources) or "not recorded"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "field": self.field, "label": self.label,
            "published": self.published, "current": self.current, "published_text": self.published_text,
            "current_text": self.current_text, "rated_figure": self.rated_figure,
            "changed_at": self.changed_at.isoformat() if self.changed_at else None,
            "sources": [s.as_dict() for s in self.sources],
        }  # fmt: skip


@dataclass(frozen=True)
class RatingChange:
    code: str
    name: str
    published: Rating
    current: Rating


@dataclass(frozen=True)
class RevisionReport:
    """The latest published version of a quarter against the figures now."""

    period: Quarter
    area_code: str
    version: VersionInfo
    revisions: list[Revision]

    @property
    def rating_changes(self) -> list[RatingChange]:
        return [RatingChange(r.code, r.name, Rating(r.published), Rating(r.current)) for r in self.revisions if r.field == "rag"]

    def for_indicator(self, code: str) -> list[Revision]:
        return [r for r in self.revisions if r.code == code]

    def revised(self, code: str, field_name: str) -> Revision | None:
        """The revision of one figure, e.g. ``revised("CSP1", "ytd_value")``, or None."""
        return next((r for r in self.revisions if r.code == code and r.field == field_name), None)

    def note(self, revision: Revision) -> str:
        """``revised since publication on 17 January 2017: was 13,143, now 13,168``."""
        return (
            f"revised since publication on {day_label(self.version.published_at)}: "
            f"was {revision.published_text}, now {revision.current_text}"
        )


# --- Comparing -------------------------------------------------------------------------------


def _same(field_name: str, a: Any, b: Any) -> bool:
    if field_name in NUMBER_FIELDS:
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if field_name == "target":
        return _target_key(a) == _target_key(b)
    if field_name == "tolerance":
        return _tolerance_key(a) == _tolerance_key(b)
    return (a or "") == (b or "")


def _target_key(data: dict[str, Any] | None) -> tuple:
    if not data:
        return ()
    return (data.get("target"), data.get("low"), data.get("high"))


def _tolerance_key(data: dict[str, Any] | None) -> tuple:
    if not data:
        return ()
    return (data.get("tolerance"), str(data.get("tolerance_type")))


def _value(row: dict[str, Any], field_name: str) -> Any:
    if field_name == "tolerance":
        return row.get("target")
    return row.get(field_name)


def _text(row: dict[str, Any], field_name: str) -> str:
    unit = row.get("unit") or "count"
    value = row.get(field_name)
    if field_name in ("quarter_value", "ytd_value", "previous_quarter", "same_period_last_year"):
        return format_value(value, unit)
    if field_name == "comparator_change":
        return "–" if value is None else f"{value:+.1f}%"
    if field_name in ("target", "tolerance"):
        card_row = row_from_document(row)
        text = card_row.target_text() if field_name == "target" else format_tolerance(card_row.target, card_row.unit)
        return text or "none"
    return str(value) if value not in (None, "") else "none"


def _changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [f for f, _ in FIELDS if not _same(f, _value(old, f), _value(new, f))]


# --- Attributing -----------------------------------------------------------------------------


class _Attributor:
    """Finds what changed each figure after ``since`` (and up to ``until``)."""

    def __init__(self, session: Session, period: Quarter, area: str, since: datetime, until: datetime | None = None) -> None:
        self.session, self.period, self.area = session, period, area
        self.since, self.until = as_utc(since), as_utc(until)
        self.tree = AreaTree.load(session)
        self._uploads: dict[int, Upload] = {}
        self._changes: dict[tuple[str, str], list[InputChange]] = {}

    def _in_window(self, at: datetime | None) -> bool:
        at = as_utc(at)
        return at is not None and at > self.since and (self.until is None or at <= self.until)  # type: ignore[operator]

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
        indicator = self.session.get(Indicator, code)
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
                ids |= set(self.session.scalars(select(table.upload_id).where(table.area_code.in_(chunk), table.month.in_(months)).distinct()))
        elif by_key(measure.source).coverage == RETURNS:
            ids |= set(
                self.session.scalars(
                    select(MaracReturn.upload_id).where(MaracReturn.area_code.in_(areas), MaracReturn.quarter.in_(quarters)).distinct()
                )
            )
        ids |= set(
            self.session.scalars(
                select(IndicatorValue.upload_id).where(
                    IndicatorValue.indicator_code == code, IndicatorValue.area_code == area, IndicatorValue.period.in_(months + quarters)
                )
            )
        )
        sources = self._upload_sources(ids)
        if field_name == "rag":  # a rating also moves with its target
            sources += self.target_sources(code)
        return _unique(sources)

    def _edit_or_upload(self, entity: str, kind: str, key_prefix: str, at: datetime | None, by: str) -> ChangeSource:
        at = as_utc(at)
        entry = self.session.scalars(
            select(ChangeLog).where(ChangeLog.entity == entity, ChangeLog.key.startswith(key_prefix)).order_by(ChangeLog.at.desc()).limit(5)
        ).all()
        for e in entry:
            if as_utc(e.at) == at:
                return ChangeSource(at, by, f"{entity} edited on the web by {by}")
        uploads = self.session.scalars(select(Upload).where(Upload.kind == kind).order_by(Upload.loaded_at.desc(), Upload.id.desc())).all()
        for u in uploads:
            if as_utc(u.loaded_at) <= at and self._in_window(u.loaded_at):  # type: ignore[operator]
                return _upload_source(u)
        return ChangeSource(at, by, f"{entity} changed by {by}")

    def _recorded(self, code: str, entity: str, wanted: Callable[[InputChange], bool]) -> list[ChangeSource] | None:
        """The recorded changes (``store.input_changes``) to ``code``'s ``entity`` in the window
        that ``wanted`` keeps, as sources; None when nothing at all is recorded for it (inputs
        changed before the record began: the older, coarser attribution is used)."""
        changes = self._changes.get((code, entity))
        if changes is None:
            changes = self._changes[(code, entity)] = input_changes(self.session, code, (entity,))
        if not changes:
            return None
        return _unique([_change_source(c) for c in changes if self._in_window(c.at) and wanted(c)])

    def _target_applies(self, change: InputChange) -> bool:
        parts = change.key.split(" ")  # CSP1 2016-17 Q3 every area | CSP1 2016-17 every quarter E09000016
        if len(parts) < 3 or parts[1] != self.period.financial_year.key:
            return False
        rest = " ".join(parts[2:])
        quarter_ok = rest.startswith(f"Q{self.period.q} ") or rest.startswith("every quarter ")
        return quarter_ok and (rest.endswith(" every area") or rest.endswith(f" {self.area}"))

    def target_sources(self, code: str) -> list[ChangeSource]:
        recorded = self._recorded(code, "target", self._target_applies)
        if recorded is not None:
            return recorded
        rows = self.session.scalars(select(Target).where(Target.indicator_code == code, Target.year == self.period.financial_year.key))
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
            select(Commentary).where(Commentary.indicator_code == code, Commentary.area_code == self.area, Commentary.period == self.period.key)
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

    def sources(self, code: str, row: dict[str, Any], field_name: str) -> list[ChangeSource]:
        if field_name in ("commentary", "corrective_action"):
            return self.commentary_sources(code)
        if field_name == "name":
            return self.definition_sources(code, ("name",))
        # Anything rated or measured also moves with how the indicator is defined.
        definitions = self.definition_sources(code, RATING_FIELDS)
        if field_name in ("target", "tolerance"):
            return _unique(self.target_sources(code) + definitions)
        return _unique(self.data_sources(code, row, field_name) + definitions)


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


def _change_source(c: InputChange) -> ChangeSource:
    upload = c.upload_id is not None
    kind = c.source.split("(", 1)[1].split(")", 1)[0] if upload and "(" in c.source else None
    file_name = c.source.split("): ", 1)[1] if upload and "): " in c.source else None
    return ChangeSource(as_utc(c.at), c.by, c.source, c.upload_id, file_name, kind)


def _unique(sources: list[ChangeSource]) -> list[ChangeSource]:
    """One source per upload (or edit), in time order."""
    seen: dict[tuple[object, str], ChangeSource] = {}
    for s in sources:
        key = (s.upload_id, "") if s.upload_id is not None else (None, s.what)
        if key not in seen or (s.at and seen[key].at and s.at > seen[key].at):  # type: ignore[operator]
            seen[key] = s
    return sorted(seen.values(), key=lambda s: (s.at is None, s.at or datetime.min, s.upload_id or 0))


def _upload_source(u: Upload) -> ChangeSource:
    return ChangeSource(as_utc(u.loaded_at), u.loaded_by, f"upload {u.id} ({u.kind}): {u.file_name}", u.id, u.file_name, u.kind)


def compare_rows(
    published: list[dict[str, Any]], current: list[dict[str, Any]], attributor: _Attributor
) -> list[Revision]:
    """Revisions between two lists of stored scorecard rows, in the published order."""
    now = {r["code"]: r for r in current}
    out: list[Revision] = []
    for old in published:
        code = old["code"]
        new = now.get(code)
        if new is None:
            held = attributor.session.get(Indicator, code)
            gone = "retired (its history and published versions are kept)" if held is not None and held.retired_at is not None else "no longer defined"
            out.append(Revision(code, old.get("name", ""), "indicator", "Indicator", old.get("name"), None, old.get("name") or "", gone, sources=attributor.definition_sources(code)))
            continue
        for field_name in _changed_fields(old, new):
            rated = (field_name == "ytd_value") == (old.get("basis") == "ytd") and field_name in ("quarter_value", "ytd_value")
            out.append(
                Revision(
                    code, new.get("name", ""), field_name, dict(FIELDS)[field_name], _value(old, field_name), _value(new, field_name),
                    _text(old, field_name), _text(new, field_name), rated, attributor.sources(code, new, field_name),
                )
            )  # fmt: skip
    known = {r["code"] for r in published}
    for new in current:
        if new["code"] not in known:
            out.append(Revision(new["code"], new.get("name", ""), "indicator", "Indicator", None, new.get("name"), "not defined", new.get("name") or "", sources=attributor.definition_sources(new["code"])))
    return out


def _published_at(document: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(document["publication"]["published_at"])


def compare_documents(session: Session, old: dict[str, Any], new: dict[str, Any]) -> list[Revision]:
    """Revisions from one published document to the next (stored with the new version)."""
    period, area = Quarter.parse(old["period"]["key"]), old["area"]["code"]
    until = _published_at(new) if "publication" in new else None
    return compare_rows(old.get("scorecard", []), new.get("scorecard", []), _Attributor(session, period, area, _published_at(old), until))


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
    from store.publishing import published_document, published_versions

    for period, area in published_quarters(session):
        versions = published_versions(session, period, area)
        for info in versions[1:]:
            document = published_document(session, period, area, info.version) or {}
            for item in (document.get("revises") or {}).get("revisions", []):
                for source in item.get("sources", []):
                    if source.get("upload_id") is not None:
                        out.setdefault(source["upload_id"], set()).add(f"{period.key} {area} v{info.version - 1}")
        report = revisions(session, period, area)
        for r in report.revisions if report else []:
            for upload_id in r.upload_ids:
                out.setdefault(upload_id, set()).add(f"{period.key} {area} v{report.version.version}")  # type: ignore[union-attr]
    return {k: sorted(v) for k, v in out.items()}


@dataclass(frozen=True)
class SeriesRevision:
    """One quarter of an indicator page's series that differs from the published version."""

    quarter: str  # 2016-17-Q3
    field: str  # quarter_value | ytd_value
    published: float | None
    current: float | None
    published_text: str
    current_text: str


def indicator_series_revisions(session: Session, code: str, period: Quarter, area: str, version: int | None = None) -> list[SeriesRevision] | None:
    """For the indicator page: each quarter's figure in the published series that differs now
    (None when the quarter was not published or the indicator was not rated then)."""
    from store.publishing import published_indicator_detail
    from store.queries import indicator_detail

    published = published_indicator_detail(session, code, period, area, version)
    if published is None:
        return None
    now = {r.period: r for r in indicator_detail(session, code, period, area).history}
    out = []
    for old in published.history:
        new = now.get(old.period)
        for field_name in ("quarter_value", "ytd_value"):
            before, after = getattr(old, field_name), getattr(new, field_name) if new else None
            if not _same(field_name, before, after):
                out.append(SeriesRevision(old.period, field_name, before, after, format_value(before, old.unit), format_value(after, old.unit)))
    return out
