"""A quarter's life: draft → submitted (an analyst) → published (a lead or an admin), and
re-opened with a reason. Publishing freezes the whole report as version 1, 2, … (see
``store.published_document``) together with the committee pack files.

Every check is made here, in the function that changes the state, so the CLI and the web
callbacks get the same refusals: who may do it, what state the quarter must be in, and what a
quarter needs before it can be published (a corrective action for every Red, a complete figure
for every rated indicator; ``force`` with a reason overrides, and the reason is kept). Every
state change is written to the change log in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from rules.periods import Quarter
from rules.rating import Rating
from store.audit import record_change
from store.data_version import bump_data_version
from store.models import ChangeLog
from store.publication_models import PublishedFile, PublishedVersion, QuarterState
from store.published_document import (
    FrozenScorecard,
    canonical_json,
    demand_from_document,
    freeze_document,
    indicator_detail_from_document,
    scorecard_from_document,
    sha256_text,
)
from store.queries import DemandPanel, IndicatorDetail, data_version
from store.scorecard import Scorecard, build_scorecard
from store.users import Principal

SUBMIT_ROLE = "analyst"
PUBLISH_ROLE = "lead"
PACK_FORMATS = ("docx", "pdf", "html")
PACK_MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
RED_WITHOUT_ACTION = "Red without corrective action"  # the flag build_scorecard sets
# Flags that mean a figure is not whole (words other modules may use for partial coverage).
_INCOMPLETE_WORDS = ("incomplete", "partial", "missing month")


class PublishingError(Exception):
    """A submit, publish or re-open that cannot be done, with a message fit to show as it is."""


class NotAllowed(PublishingError):
    """The user's role does not allow this."""


class NotReady(PublishingError):
    """The quarter lacks what publishing needs; ``missing`` lists each item."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


def as_utc(at: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC), PostgreSQL aware ones."""
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def day_label(at: datetime | None) -> str:
    """``17 January 2017``."""
    at = as_utc(at)
    return "" if at is None else f"{at.day} {at:%B %Y}"


def quarter_key(period: Quarter, area: str) -> str:
    """How the change log names a quarter's report."""
    return f"{period.key} {area}"


# --- What the pages and commands read ----------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    format: str  # docx | pdf | html
    file_name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class VersionInfo:
    """One published version: who signed it off, when and why, and its pack files."""

    period: str
    area_code: str
    version: int
    published_by: str
    published_at: datetime
    note: str
    correction_reason: str
    forced: bool
    force_reason: str
    document_sha256: str
    files: list[FileInfo] = field(default_factory=list)

    @property
    def headline(self) -> str:
        """``Version 1, published on 17 January 2017 by lee``."""
        return f"Version {self.version}, published on {day_label(self.published_at)} by {self.published_by}"

    def file(self, fmt: str) -> FileInfo | None:
        return next((f for f in self.files if f.format == fmt), None)


@dataclass(frozen=True)
class QuarterStatus:
    """Where a quarter's report stands, and every version published so far (oldest first)."""

    period: str
    area_code: str
    state: str  # draft | submitted | published
    changed_by: str | None  # None: never submitted or published
    changed_at: datetime | None
    note: str
    versions: list[VersionInfo]

    @property
    def latest(self) -> VersionInfo | None:
        return self.versions[-1] if self.versions else None

    @property
    def is_published(self) -> bool:
        return self.state == "published"

    @property
    def reopened(self) -> bool:
        return self.state != "published" and bool(self.versions)

    @property
    def headline(self) -> str:
        """One sentence for a banner or the CLI."""
        if self.state == "published" and self.latest:
            return f"Published: {self.latest.headline}."
        if self.state == "submitted":
            text = f"Draft — not yet published. Submitted for sign-off on {day_label(self.changed_at)} by {self.changed_by}."
        elif self.reopened:
            text = f"Draft — not yet published. Re-opened on {day_label(self.changed_at)} by {self.changed_by}: {self.note}"
        else:
            return "Draft — not yet published."
        if self.latest:
            text += f" The latest published is {self.latest.headline[0].lower()}{self.latest.headline[1:]}."
        return text


def _file_info(row: PublishedFile) -> FileInfo:
    return FileInfo(row.format, row.file_name, row.media_type, row.size, row.sha256)


def _version_info(row: PublishedVersion, files: list[PublishedFile]) -> VersionInfo:
    order = {fmt: i for i, fmt in enumerate(PACK_FORMATS)}
    return VersionInfo(
        row.period, row.area_code, row.version, row.published_by, as_utc(row.published_at), row.note or "",  # type: ignore[arg-type]
        row.correction_reason or "", bool(row.forced), row.force_reason or "", row.document_sha256,
        [_file_info(f) for f in sorted(files, key=lambda f: order.get(f.format, 99))],
    )  # fmt: skip


def _file_rows(session: Session, version_ids: list[int]) -> dict[int, list[PublishedFile]]:
    """File descriptions without their contents (the bytes are loaded only when asked for)."""
    if not version_ids:
        return {}
    out: dict[int, list[PublishedFile]] = {}
    query = select(
        PublishedFile.id, PublishedFile.version_id, PublishedFile.format, PublishedFile.file_name,
        PublishedFile.media_type, PublishedFile.size, PublishedFile.sha256,
    ).where(PublishedFile.version_id.in_(version_ids))  # fmt: skip
    for row in session.execute(query):
        item = PublishedFile(id=row.id, version_id=row.version_id, format=row.format, file_name=row.file_name,
                             media_type=row.media_type, size=row.size, sha256=row.sha256)  # fmt: skip
        out.setdefault(row.version_id, []).append(item)
    return out


def _version_rows(session: Session, period: Quarter, area: str) -> list[PublishedVersion]:
    query = (
        select(PublishedVersion)
        .where(PublishedVersion.period == period.key, PublishedVersion.area_code == area)
        .order_by(PublishedVersion.version)
    )
    # The documents are large; only their metadata is needed here.
    return list(session.scalars(query.options(defer(PublishedVersion.document))))


def published_versions(session: Session, period: Quarter, area: str) -> list[VersionInfo]:
    """Every published version of the quarter's report for ``area``, oldest first."""
    rows = _version_rows(session, period, area)
    files = _file_rows(session, [r.id for r in rows])
    return [_version_info(r, files.get(r.id, [])) for r in rows]


def quarter_state(session: Session, period: Quarter, area: str) -> QuarterStatus:
    """The state of ``period``'s report for ``area`` (draft when nothing was ever recorded)."""
    row = _state_row(session, period, area)
    versions = published_versions(session, period, area)
    if row is None:
        return QuarterStatus(period.key, area, "draft", None, None, "", versions)
    return QuarterStatus(period.key, area, row.state, row.changed_by, as_utc(row.changed_at), row.note or "", versions)


def _state_row(session: Session, period: Quarter, area: str) -> QuarterState | None:
    return session.scalars(
        select(QuarterState).where(QuarterState.period == period.key, QuarterState.area_code == area)
    ).first()


def _version_row(session: Session, period: Quarter, area: str, version: int | None) -> PublishedVersion | None:
    query = select(PublishedVersion).where(PublishedVersion.period == period.key, PublishedVersion.area_code == area)
    if version is None:
        query = query.order_by(PublishedVersion.version.desc())
    else:
        query = query.where(PublishedVersion.version == version)
    return session.scalars(query.limit(1)).first()


class DamagedDocument(PublishingError):
    """A stored document whose SHA-256 no longer matches: refuse to show it as published."""


def _parse(row: PublishedVersion) -> dict[str, Any]:
    if sha256_text(row.document) != row.document_sha256:
        raise DamagedDocument(
            f"The stored document of {row.period} {row.area_code} version {row.version} does not match its SHA-256; "
            "it has been altered outside cspdash."
        )
    return json.loads(row.document)


def published_document(session: Session, period: Quarter, area: str, version: int | None = None) -> dict[str, Any] | None:
    """The frozen JSON document of ``version`` (default: the latest), or None if never published."""
    row = _version_row(session, period, area, version)
    return None if row is None else _parse(row)


@dataclass(frozen=True)
class PublishedScorecard:
    """A published version's scorecard and who signed it off."""

    card: FrozenScorecard
    info: VersionInfo
    document: dict[str, Any]


def published_scorecard(session: Session, period: Quarter, area: str, version: int | None = None) -> PublishedScorecard | None:
    """The scorecard exactly as published in ``version`` (default: the latest), or None."""
    row = _version_row(session, period, area, version)
    if row is None:
        return None
    document = _parse(row)
    info = _version_info(row, _file_rows(session, [row.id]).get(row.id, []))
    return PublishedScorecard(scorecard_from_document(document), info, document)


def published_indicator_detail(
    session: Session, code: str, period: Quarter, area: str, version: int | None = None
) -> IndicatorDetail | None:
    """The indicator page's figures as published, or None (never published, or not rated then)."""
    document = published_document(session, period, area, version)
    return None if document is None else indicator_detail_from_document(document, code)


def published_demand(session: Session, period: Quarter, area: str, version: int | None = None) -> list[DemandPanel] | None:
    document = published_document(session, period, area, version)
    return None if document is None else demand_from_document(document)


@dataclass(frozen=True)
class PublishedPack:
    info: FileInfo
    version: int
    content: bytes


def published_file(session: Session, period: Quarter, area: str, fmt: str, version: int | None = None) -> PublishedPack | None:
    """A pack file's bytes exactly as generated when the version was published, or None."""
    row = _version_row(session, period, area, version)
    if row is None:
        return None
    item = session.scalars(select(PublishedFile).where(PublishedFile.version_id == row.id, PublishedFile.format == fmt)).first()
    if item is None:
        return None
    content = bytes(item.content)
    if hashlib.sha256(content).hexdigest() != item.sha256:
        raise DamagedDocument(f"The stored {fmt} of {row.period} {row.area_code} version {row.version} does not match its SHA-256.")
    return PublishedPack(_file_info(item), row.version, content)


# --- What stops a quarter being published ----------------------------------------------------


def readiness(card: Scorecard) -> list[str]:
    """Each thing that must be put right before ``card`` may be published (empty: ready)."""
    missing = []
    for row in card.rows:
        if not row.rated:
            continue
        label = f"{row.code} {row.name}"
        if row.rag is Rating.RED and not (row.corrective_action or "").strip():
            missing.append(f"{label}: Red without corrective action")
        if row.actual is None:
            basis = "year to date" if row.basis == "ytd" else "quarter"
            missing.append(f"{label}: no complete {basis} figure for {card.period.label} (a month or quarter of data is missing)")
        else:
            for flag in row.flags:
                if flag != RED_WITHOUT_ACTION and any(word in flag.lower() for word in _INCOMPLETE_WORDS):
                    missing.append(f"{label}: {flag}")
    return missing


def check_readiness(session: Session, period: Quarter, area: str) -> list[str]:
    return readiness(build_scorecard(session, period, area))


# --- Changing state ------------------------------------------------------------------------------


def last_reopen_reason(session: Session, period: Quarter, area: str) -> str:
    """Why the quarter was last re-opened ('' if never): the default reason for a correction."""
    entry = session.scalars(
        select(ChangeLog)
        .where(ChangeLog.entity == "quarter", ChangeLog.action == "reopen", ChangeLog.key == quarter_key(period, area))
        .order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
        .limit(1)
    ).first()
    return str((entry.detail or {}).get("note") or "").strip() if entry else ""


def _require(by: Principal, role: str, action: str) -> None:
    if not by.can(role):
        who = {"analyst": "an analyst", "lead": "a lead or an admin"}[role]
        raise NotAllowed(f"{by.name} ({by.role}) may not {action}: only {who} may.")


def _set_state(session: Session, period: Quarter, area: str, state: str, by: str, now: datetime, note: str) -> QuarterState:
    row = _state_row(session, period, area)
    if row is None:
        row = QuarterState(period=period.key, area_code=area)
        session.add(row)
    row.state, row.changed_by, row.changed_at, row.note = state, by, now, note
    bump_data_version(session)  # pages and exports cached for the old state are stale now
    session.flush()
    return row


def submit_quarter(session: Session, period: Quarter, area: str, by: Principal, note: str = "", now: datetime | None = None) -> QuarterStatus:
    """Hand a draft quarter to a lead for sign-off (analysts, leads, admins)."""
    _require(by, SUBMIT_ROLE, "submit a quarter")
    now = now or datetime.now(UTC)
    status = quarter_state(session, period, area)
    if status.state == "submitted":
        raise PublishingError(f"{period.label} for {area} was already submitted on {day_label(status.changed_at)} by {status.changed_by}.")
    if status.state == "published":
        raise PublishingError(f"{period.label} for {area} is published ({status.latest.headline if status.latest else ''}); re-open it with a reason first.")
    _set_state(session, period, area, "submitted", by.name, now, note)
    record_change(session, by.name, "submit", "quarter", quarter_key(period, area), {"old": {"state": status.state}, "new": {"state": "submitted"}, "note": note}, at=now)
    return quarter_state(session, period, area)


def reopen_quarter(session: Session, period: Quarter, area: str, by: Principal, reason: str, now: datetime | None = None) -> QuarterStatus:
    """Return a submitted or published quarter to draft. A published quarter keeps its
    published versions; only a lead or an admin may re-open it. A reason is required."""
    reason = (reason or "").strip()
    status = quarter_state(session, period, area)
    if status.state == "draft":
        raise PublishingError(f"{period.label} for {area} is a draft already: there is nothing to re-open.")
    _require(by, PUBLISH_ROLE if status.state == "published" else SUBMIT_ROLE, "re-open this quarter")
    if not reason:
        raise PublishingError("Say why the quarter is being re-opened (a reason is required).")
    now = now or datetime.now(UTC)
    _set_state(session, period, area, "draft", by.name, now, reason)
    detail = {"old": {"state": status.state}, "new": {"state": "draft"}, "note": reason}
    if status.latest:
        detail["latest_version"] = status.latest.version
    record_change(session, by.name, "reopen", "quarter", quarter_key(period, area), detail, at=now)
    return quarter_state(session, period, area)


def check_can_publish(
    session: Session, period: Quarter, area: str, by: Principal, *, force: bool = False, reason: str = "", card: Scorecard | None = None
) -> list[str]:
    """Raise what would stop ``by`` publishing now; otherwise return the missing items that
    ``force`` is overriding (empty when the quarter is ready). Cheap: call it before making
    the pack files, and ``publish_quarter`` calls it again when it stores them."""
    _require(by, PUBLISH_ROLE, "publish a quarter")
    status = quarter_state(session, period, area)
    if status.state == "published":
        raise PublishingError(
            f"{period.label} for {area} is already published ({status.latest.headline if status.latest else ''}). "
            "To publish a correction, re-open it with a reason; the correction becomes the next version."
        )
    if force and not (reason or "").strip():
        raise PublishingError("Publishing with --force needs a reason, which is recorded.")
    missing = readiness(card or build_scorecard(session, period, area))
    if missing and not force:
        raise NotReady(
            f"{period.label} for {area} cannot be published yet:\n"
            + "\n".join(f"  - {item}" for item in missing)
            + "\nPut these right, or publish with --force and a --reason that will be recorded.",
            missing,
        )
    if status.versions and not ((reason or "").strip() or last_reopen_reason(session, period, area)):
        raise PublishingError(f"Version {len(status.versions) + 1} would be a correction: give the reason for it.")
    return missing


def publish_quarter(
    session: Session,
    period: Quarter,
    area: str,
    by: Principal,
    *,
    files: Mapping[str, bytes],
    file_stem: str | None = None,
    note: str = "",
    force: bool = False,
    reason: str = "",
    document: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> VersionInfo:
    """Freeze the quarter as the next version with its pack ``files`` ({"pdf": bytes, …}).

    ``document`` is the frozen document made with the pack's content (``freeze_document``
    in the same read); if the figures changed since it was made, publishing is refused rather
    than storing a pack that disagrees with the data. ``reason`` is recorded as the reason for
    forcing and, from version 2 on, for the correction (defaulting to the re-open reason)."""
    now = now or datetime.now(UTC)
    document = document if document is not None else freeze_document(session, period, area)
    if document.get("data_version") != list(data_version(session)):
        raise PublishingError("The figures changed while the pack was being made; publish again to include the change.")
    card = scorecard_from_document(document)
    missing = check_can_publish(session, period, area, by, force=force, reason=reason, card=card)
    unknown = set(files) - set(PACK_FORMATS)
    if unknown or not files:
        raise PublishingError(f"Pack files must be some of {', '.join(PACK_FORMATS)}; got {', '.join(sorted(files)) or 'none'}.")
    status = quarter_state(session, period, area)
    version = (status.latest.version if status.latest else 0) + 1
    reason = (reason or "").strip()
    correction = (reason or last_reopen_reason(session, period, area)) if version > 1 else ""
    stem = file_stem or f"cspdash-pack-{area}-{period.key}"
    infos = [
        FileInfo(fmt, f"{stem}-v{version}.{fmt}", PACK_MEDIA_TYPES[fmt], len(files[fmt]), hashlib.sha256(files[fmt]).hexdigest())
        for fmt in PACK_FORMATS
        if fmt in files
    ]
    previous = published_document(session, period, area) if version > 1 else None
    document = {
        **document,
        "publication": {
            "version": version, "published_by": by.name, "published_role": by.role, "published_at": now.isoformat(),
            "note": note, "forced": bool(missing) and force, "force_reason": reason if force else "",
            "missing_when_published": missing, "correction_reason": correction,
            "files": [vars(i) for i in infos],
        },
    }  # fmt: skip
    if previous is not None:
        from store.revisions import compare_documents  # revisions reads this module

        document["revises"] = {"version": version - 1, "revisions": [r.as_dict() for r in compare_documents(session, previous, document)]}
    text = canonical_json(document)
    row = PublishedVersion(
        period=period.key, area_code=area, version=version, published_by=by.name, published_at=now, note=note,
        correction_reason=correction, forced=bool(missing) and force, force_reason=reason if force else "",
        document=text, document_sha256=sha256_text(text),
    )  # fmt: skip
    session.add(row)
    session.flush()
    for info in infos:
        session.add(PublishedFile(version_id=row.id, content=files[info.format], **vars(info)))
    _set_state(session, period, area, "published", by.name, now, note)
    detail: dict[str, Any] = {
        "old": {"state": status.state}, "new": {"state": "published", "version": version}, "note": note,
        "document_sha256": row.document_sha256, "files": {i.format: i.sha256 for i in infos},
    }  # fmt: skip
    if bool(missing) and force:
        detail["forced"] = {"reason": reason, "missing": missing}
    if correction:
        detail["correction_reason"] = correction
    record_change(session, by.name, "publish", "quarter", quarter_key(period, area), detail, at=now)
    session.flush()
    return published_versions(session, period, area)[-1]


def published_quarters(session: Session) -> list[tuple[Quarter, str]]:
    """Every (quarter, area) with at least one published version."""
    rows = session.execute(select(PublishedVersion.period, PublishedVersion.area_code).group_by(PublishedVersion.period, PublishedVersion.area_code))
    return sorted((Quarter.parse(p), a) for p, a in rows)
