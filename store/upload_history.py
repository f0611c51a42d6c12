"""The upload history as plain records: what the upload page's history table and
``cspdash uploads`` list. Nothing here formats for a reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
