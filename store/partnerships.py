"""Partnerships a deployment serves (issue 23): adding and listing them, which one is in force
for a command or a request, and filling in the partnership of a per-partnership row stored
without one.

The partnership in force is a plain code: given explicitly, else the one chosen at the edge (a
CLI command's partnership, set with ``chosen_partnership`` for the command's length), else the
``CSPDASH_PARTNERSHIP`` setting, else the only one held. With several held and none chosen it is an error listing them
rather than a guess. A database holding no partnership yet gets one for the home area
(``CSPDASH_HOME_AREA``) the first time a per-partnership row is stored: a one-partnership
deployment works as it did before partnerships existed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, event, insert, select
from sqlalchemy.orm import Session

from store.data_version import bump_data_version, bump_partnership_version
from store.models import (
    AnnualTarget,
    Area,
    Commentary,
    CorrectiveAction,
    Indicator,
    IndicatorValue,
    Partnership,
    PartnershipRole,
    SeriesAnnotation,
    Target,
    User,
)

# The levels a partnership's area may be: a district (stored as "borough") or a CSP.
PARTNERSHIP_LEVELS = ("borough", "csp")
PER_PARTNERSHIP = (Indicator, Target, AnnualTarget, IndicatorValue, Commentary, CorrectiveAction, SeriesAnnotation)


@dataclass(frozen=True)
class PartnershipInfo:
    code: str
    name: str
    private: bool
    created_at: datetime


# The partnership chosen where a command or request starts; a context variable, so one thread
# or task choosing never changes what another reads (and the process environment is left alone).
_CHOSEN: ContextVar[str | None] = ContextVar("cspdash_partnership", default=None)


@contextmanager
def chosen_partnership(code: str | None) -> Iterator[None]:
    """Work on ``code`` (None: as before) until the block ends."""
    token = _CHOSEN.set(code or _CHOSEN.get())
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def choose_for_request(code: str | None) -> None:
    """At the start of a web request: its partnership is ``code`` (the app's setting; None: the
    only one held). Set for every request, so one served before never carries over."""
    _CHOSEN.set(code)


class PartnershipError(ValueError):
    """A partnership that cannot be added or chosen; the text says why in plain words."""


class UnknownPartnership(PartnershipError):
    def __init__(self, code: str, held: list[str]) -> None:
        self.code, self.held = code, held
        super().__init__(f"no partnership {code!r} is held; held: {', '.join(held) or 'none'}")


class PartnershipNotChosen(PartnershipError):
    def __init__(self, held: list[str]) -> None:
        self.held = held
        super().__init__(f"{len(held)} partnerships are held ({', '.join(held)}): say which one")


# Where a session keeps the codes it read (``held_codes``): a request asks which partnership is in
# force many times (every per-partnership read does), and the answer only changes when one is
# added, which forgets it (``forget_held``), as does the end of the session's transaction. While
# none is held nothing is kept: the first is stored by a plain insert (``ensure_partnership``).
_HELD_KEY = "cspdash_held_partnerships"


def held_codes(connection: Connection | Session) -> list[str]:
    """The codes of the partnerships held, in code order; read once per session transaction."""
    if isinstance(connection, Session) and (kept := connection.info.get(_HELD_KEY)) is not None:
        return list(kept)
    held = [str(code) for code in connection.execute(select(Partnership.code).order_by(Partnership.code)).scalars()]
    if held and isinstance(connection, Session):  # none held: the first may be stored by a plain insert
        connection.info[_HELD_KEY] = tuple(held)
    return held


def forget_held(session: Session) -> None:
    """Read the partnerships held afresh next time (one was added, or the transaction ended and
    another process may have added one meanwhile)."""
    session.info.pop(_HELD_KEY, None)


def list_partnerships(session: Session) -> list[PartnershipInfo]:
    rows = session.execute(select(Partnership).order_by(Partnership.code)).scalars()
    return [PartnershipInfo(p.code, p.name, bool(p.private), p.created_at) for p in rows]


def private_partnerships(session: Session) -> frozenset[str]:
    """The codes of the partnerships only their members may read."""
    return frozenset(session.scalars(select(Partnership.code).where(Partnership.private.is_(True))))


def set_private(session: Session, code: str, private: bool) -> PartnershipInfo:
    """Mark partnership ``code`` private (read only by its members) or public."""
    row = session.get(Partnership, code)
    if row is None:
        raise UnknownPartnership(code, held_codes(session))
    row.private = private
    session.flush()
    bump_partnership_version(session, code)  # its pages cached for anyone who may no longer read them
    return PartnershipInfo(row.code, row.name, row.private, row.created_at)


def add_partnership(session: Session, code: str, name: str, private: bool = False) -> PartnershipInfo:
    """Add a partnership for a held district or CSP; anything else is refused, nothing stored."""
    code, name = code.strip(), name.strip()
    area = session.get(Area, code)
    if area is None:
        raise PartnershipError(f"area {code!r} is not held: load the area tree that has it first")
    if area.level not in PARTNERSHIP_LEVELS:
        raise PartnershipError(
            f"area {code!r} ({area.name}) is a {area.level}; a partnership covers a district or a community safety partnership"
        )
    if session.get(Partnership, code) is not None:
        raise PartnershipError(f"partnership {code!r} is held already")
    if not name:
        raise PartnershipError(f"partnership {code!r} needs a name")
    held = held_codes(session)
    if len(held) == 1:
        _keep_roles_in(session, held[0])
    row = Partnership(code=code, name=name, private=private, created_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    forget_held(session)
    bump_data_version(session)  # the list of partnerships, and which one an area's report belongs to
    return PartnershipInfo(row.code, row.name, row.private, row.created_at)


def _keep_roles_in(session: Session, only: str) -> None:
    """While one partnership is held a user's role (``User.role``) is their role in it; before a
    second is added, write that role down as held in the first, so nobody gains or loses a role
    there and nobody holds one in the new partnership until granted."""
    granted = select(PartnershipRole.user_id).where(PartnershipRole.partnership_code == only)
    for user in session.scalars(select(User).where(User.role != "admin", User.id.not_in(granted))):
        session.add(PartnershipRole(user_id=user.id, partnership_code=only, role=user.role))
    session.flush()


def partnership_in_force(connection: Connection | Session, requested: str | None = None) -> str:
    """The partnership a command or request works on (see the module's text). With none held,
    the home area's code: nothing is stored for it yet, so reading it finds nothing."""
    from settings import get_settings

    held = held_codes(connection)
    chosen = requested or _CHOSEN.get() or get_settings().partnership
    if chosen:
        if chosen not in held and held:
            raise UnknownPartnership(chosen, held)
        return chosen
    if len(held) == 1:
        return held[0]
    if not held:
        return get_settings().home_area
    raise PartnershipNotChosen(held)


def partnership_of(session: Session, area: str) -> str:
    """The partnership a report on ``area`` belongs to: the area's own when it is a partnership
    (a partnership reports on the area it covers), else the one in force."""
    if area in held_codes(session):
        return area
    return partnership_in_force(session)


def ensure_partnership(connection: Connection, code: str) -> None:
    """Hold the partnership ``code`` (the home area when none is held yet), named after its area."""
    if connection.execute(select(Partnership.code).where(Partnership.code == code)).first() is not None:
        return
    area = connection.execute(select(Area.name, Area.level).where(Area.code == code)).first()
    if area is None:
        raise PartnershipError(f"the home area {code!r} is not held: load the area tree that has it first")
    connection.execute(insert(Partnership).values(code=code, name=area.name, private=False, created_at=datetime.now(UTC)))


def _fill_partnership(session: Session, _context: Any, _instances: Any) -> None:
    """Rows of a per-partnership table added without a partnership take the one in force."""
    unset = [row for row in session.new if isinstance(row, PER_PARTNERSHIP) and row.partnership_code is None]
    if not unset:
        return
    code = partnership_in_force(session)
    if code not in held_codes(session):
        ensure_partnership(session.connection(), code)
        forget_held(session)
    for row in unset:
        row.partnership_code = code


def _forget_at_end(session: Session, _transaction: Any) -> None:
    # A savepoint's too: one rolled back may have taken a partnership it added with it.
    forget_held(session)


event.listen(Session, "before_flush", _fill_partnership)
event.listen(Session, "after_transaction_end", _forget_at_end)
