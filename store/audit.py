"""The change log: every change made through the web (and the user commands), with who made
it, when, and the old and new values, so a committee figure can be traced to a person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import ChangeLog


def record_change(
    session: Session,
    user: str,
    action: str,
    entity: str,
    key: str,
    detail: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> ChangeLog:
    """Add one entry in the caller's transaction, so it is kept exactly when the change is."""
    entry = ChangeLog(at=at or datetime.now(UTC), user=user, action=action, entity=entity, key=key[:300], detail=detail or {})
    session.add(entry)
    return entry


def recent_changes(session: Session, *, entity: str | None = None, limit: int = 50) -> list[ChangeLog]:
    query = select(ChangeLog).order_by(ChangeLog.at.desc(), ChangeLog.id.desc()).limit(limit)
    if entity:
        query = query.where(ChangeLog.entity == entity)
    return list(session.scalars(query))


def record_refusal(session: Session, user: str, action: str, partnership: str | None, detail: dict[str, Any]) -> ChangeLog:
    """A write refused because ``user`` holds no role good enough in the partnership it touched,
    kept so an attempt on another partnership's figures can be traced to a person."""
    return record_change(session, user, "refused", "partnership", partnership or "", {"what": action[:300], **detail})


def refusals(session: Session, *, limit: int = 50) -> list[ChangeLog]:
    query = select(ChangeLog).where(ChangeLog.action == "refused").order_by(ChangeLog.id.desc()).limit(limit)
    return list(session.scalars(query))
