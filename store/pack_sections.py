"""The committee pack's words per area and quarter (``reporting.pack_text``): read them, and
save them from the Targets page with who and when, logging old and new values in the change
log, all in the caller's transaction. Saving refuses when someone else saved since the form
was shown (``StaleEdit``), as for targets and commentary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reporting.edits import StaleEdit
from reporting.headlines import as_utc
from reporting.pack_text import FIELDS, PackText
from rules.periods import Quarter
from store.audit import record_change
from store.data_version import bump_partnership_version
from store.models import PackSection
from store.partnerships import partnership_of


def _row(session: Session, period: Quarter, area: str) -> PackSection | None:
    return session.get(PackSection, (area, period.key))


def pack_text(session: Session, period: Quarter, area: str) -> PackText:
    """What was written for ``area`` and ``period`` (all "" where nothing was)."""
    row = _row(session, period, area)
    return PackText(**{name: getattr(row, name) or "" for name in FIELDS}) if row else PackText()


def pack_text_version(session: Session, period: Quarter, area: str) -> str:
    """An opaque token that changes whenever the text is saved ('' when none is stored)."""
    row = _row(session, period, area)
    return as_utc(row.updated_at).isoformat() if row is not None and row.updated_at is not None else ""


def save_pack_text(
    session: Session, period: Quarter, area: str, text: PackText, user: str, now: datetime, expected_version: str | None = None
) -> bool:
    """Store ``text`` for ``area`` and ``period``; False if nothing changed."""
    row = _row(session, period, area)
    if expected_version is not None and pack_text_version(session, period, area) != expected_version:
        raise StaleEdit("pack text", row.updated_by if row else "someone", row.updated_at if row else None)
    old = pack_text(session, period, area)
    if old == text:
        return False
    if row is None:
        row = PackSection(area_code=area, period=period.key)
        session.add(row)
    for name, value in text.as_dict().items():
        setattr(row, name, value)
    row.updated_by, row.updated_at = user, now
    changed = {k: v for k, v in text.as_dict().items() if getattr(old, k) != v}
    record_change(
        session, user, "edit", "pack text", f"{area} {period.key}",
        {"old": {k: getattr(old, k) for k in changed}, "new": changed}, at=now,
    )  # fmt: skip
    bump_partnership_version(session, partnership_of(session, area))  # drafts made before are stale
    session.flush()
    return True
