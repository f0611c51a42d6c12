"""A quarter's life: draft → submitted (an analyst) → published (a lead or an admin), and
re-opened with a reason. Publishing freezes the whole report as version 1, 2, … (see
``store.published_document``) together with the committee pack files.

The rules (who may do it, what state the quarter must be in, what a quarter needs before it can
be published) are ``reporting.workflow``'s; each function here reads the quarter, applies them
and writes the change, so the CLI and the web callbacks get the same refusals. Every state
change is written to the change log in the caller's transaction. What reads published quarters
is in ``store.published``; its names are importable from here as before.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reporting.headlines import as_utc, day_label
from reporting.published_document import canonical_json, scorecard_from_document, sha256_text
from reporting.scoring import Scorecard
from reporting.workflow import (
    PACK_FORMATS,
    PACK_MEDIA_TYPES,
    PUBLISH_ROLE,
    SUBMIT_ROLE,
    AlreadyPublished,
    AlreadySubmitted,
    CorrectionNeedsReason,
    DamagedDocument,
    FiguresChanged,
    FileInfo,
    ForceNeedsReason,
    NotAllowed,
    NothingToReopen,
    NotReady,
    PublishedMeanwhile,
    PublishingError,
    QuarterStatus,
    ReasonNeeded,
    ReopenNeedsReason,
    VersionInfo,
    check_correction_reason,
    check_may_publish,
    check_ready,
    check_reopen,
    check_submit,
    needs_correction_reason,
    pack_file_name,
    quarter_key,
    readiness,
)
from rules.periods import Quarter
from store.audit import record_change
from store.data_version import bump_partnership_version
from store.db import session_scope
from store.notifications import previous_publication, record_published, record_safely
from store.partnerships import partnership_of
from store.publication_models import PublishedFile, PublishedVersion, QuarterState
from store.published import (
    PublishedPack,
    PublishedScorecard,
    last_reopen_reason,
    published_demand,
    published_document,
    published_file,
    published_indicator_detail,
    published_quarters,
    published_scorecard,
    published_versions,
    quarter_state,
    state_row,
)
from store.published_document import freeze_document
from store.queries import data_version
from store.revisions import compare_documents
from store.scorecard import build_scorecard
from store.users import Principal

log = logging.getLogger(__name__)

__all__ = [
    "PACK_FORMATS", "PACK_MEDIA_TYPES", "PUBLISH_ROLE", "SUBMIT_ROLE", "AlreadyPublished", "AlreadySubmitted",
    "CorrectionNeedsReason", "DamagedDocument", "FiguresChanged", "FileInfo", "ForceNeedsReason", "NotAllowed",
    "NotReady", "NothingToReopen", "PublishedMeanwhile", "PublishedPack", "PublishedScorecard", "PublishingError", "QuarterStatus",
    "ReasonNeeded", "ReopenNeedsReason", "VersionInfo", "as_utc", "check_can_publish", "check_readiness", "day_label",
    "last_reopen_reason", "publish_quarter", "publish_quarter_in_transaction", "published_demand", "published_document", "published_file",
    "published_indicator_detail", "published_quarters", "published_scorecard", "published_versions", "quarter_key",
    "quarter_state", "readiness", "reopen_quarter", "submit_quarter",
]  # fmt: skip


def check_readiness(session: Session, period: Quarter, area: str) -> list[str]:
    return readiness(build_scorecard(session, period, area))


def _set_state(session: Session, period: Quarter, area: str, state: str, by: str, now: datetime, note: str) -> QuarterState:
    row = state_row(session, period, area)
    if row is None:
        row = QuarterState(period=period.key, area_code=area)
        session.add(row)
    row.state, row.changed_by, row.changed_at, row.note = state, by, now, note
    bump_partnership_version(session, partnership_of(session, area))  # its pages cached for the old state are stale
    session.flush()
    return row


def acting_in(session: Session, by: Principal, area: str) -> Principal:
    """``by`` with the role they hold in the partnership ``area`` belongs to (issue 23): a lead of
    one partnership is nobody in another's workflow."""
    from store.partnerships import PartnershipError, partnership_of

    try:
        return by.within(partnership_of(session, area))
    except PartnershipError:
        return by.within(None)


def submit_quarter(
    session: Session, period: Quarter, area: str, by: Principal, note: str = "", now: datetime | None = None
) -> QuarterStatus:
    """Hand a draft quarter to a lead for sign-off (analysts, leads, admins)."""
    by = acting_in(session, by, area)
    now = now or datetime.now(UTC)
    status = quarter_state(session, period, area)
    check_submit(status, period, by)
    _set_state(session, period, area, "submitted", by.name, now, note)
    record_change(
        session,
        by.name,
        "submit",
        "quarter",
        quarter_key(period, area),
        {"old": {"state": status.state}, "new": {"state": "submitted"}, "note": note},
        at=now,
    )
    return quarter_state(session, period, area)


def reopen_quarter(
    session: Session, period: Quarter, area: str, by: Principal, reason: str, now: datetime | None = None
) -> QuarterStatus:
    """Return a submitted or published quarter to draft. A published quarter keeps its
    published versions; only a lead or an admin may re-open it. A reason is required."""
    by = acting_in(session, by, area)
    status = quarter_state(session, period, area)
    reason = check_reopen(status, period, by, reason)
    now = now or datetime.now(UTC)
    _set_state(session, period, area, "draft", by.name, now, reason)
    detail: dict[str, object] = {"old": {"state": status.state}, "new": {"state": "draft"}, "note": reason}
    if status.latest:
        detail["latest_version"] = status.latest.version
    record_change(session, by.name, "reopen", "quarter", quarter_key(period, area), detail, at=now)
    return quarter_state(session, period, area)


def check_can_publish(
    session: Session,
    period: Quarter,
    area: str,
    by: Principal,
    *,
    force: bool = False,
    reason: str = "",
    card: Scorecard | None = None,
) -> list[str]:
    """Raise what would stop ``by`` publishing now; otherwise return the missing items that
    ``force`` is overriding (empty when the quarter is ready). Cheap: call it before making
    the pack files, and ``publish_quarter`` calls it again when it stores them."""
    by = acting_in(session, by, area)
    status = quarter_state(session, period, area)
    check_may_publish(status, period, by, force=force, reason=reason)
    missing = readiness(card or build_scorecard(session, period, area))
    check_ready(period, area, missing, force=force)
    reopen_reason = last_reopen_reason(session, period, area) if needs_correction_reason(status, reason) else ""
    check_correction_reason(status, reason, reopen_reason)
    return missing


def _safe_previous_publication(session: Session, period: Quarter, area: str) -> dict[str, Any] | None:
    """The publication the new version's ratings are compared with, or None if it cannot be read
    (telling people of rating changes must never stop a publish)."""
    try:
        return previous_publication(session, period, area)
    except Exception:
        log.exception("could not read the previous publication to compare ratings with")
        return None


def publish_quarter_in_transaction(engine: Engine, period: Quarter, area: str, by: Principal, **details: Any) -> VersionInfo:
    """``publish_quarter`` in a transaction of its own. Two people publishing the same quarter at
    once both pass the checks; the unique version number stops the second at the store, and
    that is raised as ``PublishedMeanwhile`` (a refusal like the others), not a database error."""
    try:
        with session_scope(engine) as session:
            return publish_quarter(session, period, area, by, **details)
    except IntegrityError:
        raise PublishedMeanwhile(period, area) from None


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
    by = acting_in(session, by, area)
    now = now or datetime.now(UTC)
    document = document if document is not None else freeze_document(session, period, area)
    if document.get("data_version") != list(data_version(session, partnership_of(session, area))):
        raise FiguresChanged()
    card = scorecard_from_document(document)
    missing = check_can_publish(session, period, area, by, force=force, reason=reason, card=card)
    unknown = set(files) - set(PACK_FORMATS)
    if unknown or not files:
        raise PublishingError(f"Pack files must be some of {', '.join(PACK_FORMATS)}; got {', '.join(sorted(files)) or 'none'}.")
    status = quarter_state(session, period, area)
    version = status.next_version
    reason = (reason or "").strip()
    correction = (reason or last_reopen_reason(session, period, area)) if version > 1 else ""
    stem = file_stem or f"cspdash-pack-{area}-{period.key}"
    infos = [
        FileInfo(
            fmt,
            pack_file_name(stem, version, fmt),
            PACK_MEDIA_TYPES[fmt],
            len(files[fmt]),
            hashlib.sha256(files[fmt]).hexdigest(),
        )
        for fmt in PACK_FORMATS
        if fmt in files
    ]
    previous = published_document(session, period, area) if version > 1 else None
    earlier = previous if previous is not None else _safe_previous_publication(session, period, area)
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
        document["revises"] = {
            "version": version - 1,
            "revisions": [r.as_dict() for r in compare_documents(session, previous, document)],
        }
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
    # Tell subscribers (#22): never stops the publish (a failure is logged and undone alone).
    record_safely(session, "published", lambda: record_published(session, period, area, document, earlier))
    return published_versions(session, period, area)[-1]
