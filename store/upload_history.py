"""The upload history: each load's record, opened as the load starts and filled in as it ends,
and the history as plain records (what the upload page's history table and ``cspdash uploads``
list). Nothing here formats for a reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Upload


@dataclass(frozen=True)
class UploadRecord:
    """One loaded file: what, when, by whom (``periods`` as stored: comma-separated keys)."""

    id: int
    kind: str
    file_name: str
    sha256: str
    rows: int
    periods: str
    loaded_by: str
    loaded_at: datetime


def recent_uploads(session: Session, limit: int, *, by_time: bool = False) -> list[UploadRecord]:
    """The ``limit`` latest uploads, newest first: by upload id (the order files were
    recorded), or ``by_time`` by when they were loaded (id breaking ties)."""
    order = (Upload.loaded_at.desc(), Upload.id.desc()) if by_time else (Upload.id.desc(),)
    return [
        UploadRecord(u.id, u.kind, u.file_name, u.sha256, u.rows, u.periods, u.loaded_by, u.loaded_at)
        for u in session.scalars(select(Upload).order_by(*order).limit(limit))
    ]


def open_upload(session: Session, kind: str, file_name: str, sha256: str, loaded_by: str) -> Upload:
    """The record of a load starting now, flushed so its id can mark the rows it writes; it is
    filled in by ``close_upload`` and rolled back with the load if the load fails."""
    upload = Upload(kind=kind, file_name=file_name, sha256=sha256, rows=0, loaded_by=loaded_by, loaded_at=datetime.now(UTC))
    session.add(upload)
    session.flush()
    return upload


def close_upload(session: Session, upload: Upload, rows: int, periods: list[str], areas: int, summary: dict[str, Any]) -> None:
    upload.rows = rows
    upload.periods = ", ".join(periods)
    upload.areas = areas
    upload.summary = summary
    session.flush()
