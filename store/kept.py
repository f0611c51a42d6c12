"""Reads of shared data kept for web requests, per shared data version (issue 23 part 3).

With every area of England and Wales held, some reads every partnership's requests make are
about the nation (the area tree, the quarters and offences the Home Office tables hold, each
area's months): the same for every request until shared data changes. A web request's read
session (``store.db.is_request_reading``) reads the shared version first, then takes what was
kept for it, or reads and keeps it: a change committed between the two is kept under the older
version, which only requests from before the change ask for. Any other session (a load, an
edit, the CLI) reads afresh: its own writes may not be committed, or may roll back.
What is kept is shared between requests and threads: callers never mutate it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from store.db import is_request_reading, reading

T = TypeVar("T")


def kept_per_shared_version(read: Callable[[Session], T]) -> Callable[[Session], T]:
    """``read(session)``, kept per engine and shared data version for web requests."""

    @lru_cache(maxsize=8)
    def kept(engine: Engine, version: int) -> T:
        with reading(engine) as session:  # the request's read session, which asked for it
            return read(session)

    @wraps(read)
    def answer(session: Session) -> T:
        from store.data_version import shared_version  # at the top it would start the models' import cycle

        if is_request_reading(session):
            return kept(session.get_bind(), shared_version(session))
        return read(session)

    return answer
