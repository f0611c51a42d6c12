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
    from store.data_version import shared_version  # at the top it would start the models' import cycle

    return _kept_per(read, shared_version)


def kept_per_areas_version(read: Callable[[Session], T]) -> Callable[[Session], T]:
    """``read(session)``, kept per engine and area tree version for web requests: for what is
    read from the area tables alone (``store.area_changes`` counts their every write), kept
    through loads of figures that change no area."""
    from store.data_version import areas_version

    return _kept_per(read, areas_version)


def _kept_per(read: Callable[[Session], T], version_of: Callable[[Session], int]) -> Callable[[Session], T]:
    @lru_cache(maxsize=8)
    def kept(engine: Engine, version: int) -> T:
        with reading(engine) as session:  # the request's read session, which asked for it
            return read(session)

    @wraps(read)
    def answer(session: Session) -> T:
        if is_request_reading(session):
            return kept(session.get_bind(), version_of(session))
        return read(session)

    return answer
