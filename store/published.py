"""Reading published quarters: each quarter's state and published versions, the frozen
document of a version, the scorecard, indicator and demand figures rebuilt from it, and the
pack files' bytes, checked against their SHA-256. Records returned are ``reporting.workflow``'s
plain ``QuarterStatus``, ``VersionInfo`` and ``FileInfo``; ``store.publishing`` changes state.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from reporting.headlines import as_utc
from reporting.published_document import FrozenScorecard, scorecard_from_document, sha256_text
from reporting.workflow import PACK_FORMATS, DamagedDocument, FileInfo, QuarterStatus, VersionInfo, quarter_key
from rules.periods import Quarter
from store.models import ChangeLog
from store.publication_models import PublishedFile, PublishedVersion, QuarterState
from store.published_document import demand_from_document, indicator_detail_from_document
from store.queries import DemandPanel, IndicatorDetail


def _file_info(row: PublishedFile) -> FileInfo:
    return FileInfo(row.format, row.file_name, row.media_type, row.size, row.sha256)


def _version_info(row: PublishedVersion, files: list[PublishedFile]) -> VersionInfo:
    order = {fmt: i for i, fmt in enumerate(PACK_FORMATS)}
    return VersionInfo(
        row.period, row.area_code, row.version, row.published_by, as_utc(row.published_at), row.note or "",
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
    row = state_row(session, period, area)
    versions = published_versions(session, period, area)
    if row is None:
        return QuarterStatus(period.key, area, "draft", None, None, "", versions)
    return QuarterStatus(period.key, area, row.state, row.changed_by, as_utc(row.changed_at), row.note or "", versions)


def state_row(session: Session, period: Quarter, area: str) -> QuarterState | None:
    return session.scalars(select(QuarterState).where(QuarterState.period == period.key, QuarterState.area_code == area)).first()


def version_row(session: Session, period: Quarter, area: str, version: int | None) -> PublishedVersion | None:
    query = select(PublishedVersion).where(PublishedVersion.period == period.key, PublishedVersion.area_code == area)
    if version is None:
        query = query.order_by(PublishedVersion.version.desc())
    else:
        query = query.where(PublishedVersion.version == version)
    return session.scalars(query.limit(1)).first()


def _parse(row: PublishedVersion) -> dict[str, Any]:
    if sha256_text(row.document) != row.document_sha256:
        raise DamagedDocument(row.period, row.area_code, row.version)
    document: dict[str, Any] = json.loads(row.document)
    return document


def published_document(session: Session, period: Quarter, area: str, version: int | None = None) -> dict[str, Any] | None:
    """The frozen JSON document of ``version`` (default: the latest), or None if never published."""
    row = version_row(session, period, area, version)
    return None if row is None else _parse(row)


@dataclass(frozen=True)
class PublishedScorecard:
    """A published version's scorecard and who signed it off."""

    card: FrozenScorecard
    info: VersionInfo
    document: dict[str, Any]


def published_scorecard(session: Session, period: Quarter, area: str, version: int | None = None) -> PublishedScorecard | None:
    """The scorecard exactly as published in ``version`` (default: the latest), or None."""
    row = version_row(session, period, area, version)
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
    row = version_row(session, period, area, version)
    if row is None:
        return None
    item = session.scalars(select(PublishedFile).where(PublishedFile.version_id == row.id, PublishedFile.format == fmt)).first()
    if item is None:
        return None
    content = bytes(item.content)
    if hashlib.sha256(content).hexdigest() != item.sha256:
        raise DamagedDocument(row.period, row.area_code, row.version, fmt)
    return PublishedPack(_file_info(item), row.version, content)


def last_reopen_reason(session: Session, period: Quarter, area: str) -> str:
    """Why the quarter was last re-opened ('' if never): the default reason for a correction."""
    entry = session.scalars(
        select(ChangeLog)
        .where(ChangeLog.entity == "quarter", ChangeLog.action == "reopen", ChangeLog.key == quarter_key(period, area))
        .order_by(ChangeLog.at.desc(), ChangeLog.id.desc())
        .limit(1)
    ).first()
    return str((entry.detail or {}).get("note") or "").strip() if entry else ""


def published_quarters(session: Session) -> list[tuple[Quarter, str]]:
    """Every (quarter, area) with at least one published version."""
    rows = session.execute(
        select(PublishedVersion.period, PublishedVersion.area_code).group_by(PublishedVersion.period, PublishedVersion.area_code)
    )
    return sorted((Quarter.parse(p), a) for p, a in rows)
