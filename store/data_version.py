"""A counter of changes to the figures. Every load, edit and publish adds one in the same
transaction as the change, so the moment the change is visible the counter is too; caches key
what they hold by it and nobody is shown figures from before a change."""

from __future__ import annotations

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from store.db import reading
from store.models import DataVersion


def bump_data_version(session: Session) -> None:
    """Count one change, in the caller's transaction (rolled back with it)."""
    session.execute(update(DataVersion).where(DataVersion.id == 1).values(version=DataVersion.version + 1))


def data_version(engine: Engine) -> int:
    with reading(engine) as session:  # a web request's own session (store/db.py)
        return session.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar() or 0
