"""Secrets the app makes for itself once and keeps in the database, so every worker process
and every restart uses the same one (the session-signing key when CSPDASH_SECRET_KEY is unset)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from store.db import session_scope
from store.models import AppSecret

SESSION_KEY = "session"


def shared_secret(engine: Engine, name: str = SESSION_KEY) -> str:
    """The secret called ``name``, made (64 random hex digits) the first time it is asked for.

    Workers starting together may each try to make it; the database's primary key lets one
    win and the others read the winner's, so all of them end up with the same value."""
    with session_scope(engine) as session:
        row = session.get(AppSecret, name)
        if row is not None:
            return row.value
    try:
        with session_scope(engine) as session:
            session.add(AppSecret(name=name, value=secrets.token_hex(32), created_at=datetime.now(UTC)))
    except IntegrityError:
        pass  # another process made it first: use theirs
    with session_scope(engine) as session:
        row = session.get(AppSecret, name)
        assert row is not None
        return row.value
