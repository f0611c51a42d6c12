"""Sign-in throttling: failed attempts are counted per user name and per address.

After a few failures each further attempt must wait longer (2 s, 4 s, …); at the limit the
name or address is locked for 15 minutes, which an administrator can clear
(``cspdash users unlock``). Unknown names are counted exactly like real ones, so the answer
never tells whether a user exists. Counts live in the database, shared by every worker.

An attempt is *reserved* before its password is checked (``reserve``): in one short
transaction the name's and the address's rows are created if missing, locked (``SELECT …
FOR UPDATE`` on PostgreSQL; on SQLite the insert takes the database's write lock), checked,
and counted as a failure. Checking a password takes ~0.1 s; counting the failure only after
it let a burst of simultaneous sign-ins all pass the check before any was counted. Now at
most the limit of attempts is ever checked per name and per address, whatever the
concurrency, and two first failures cannot collide on the table's key. A right password then
takes its reservation back (``record_success``). A stranger can still keep a name locked by
failing on purpose; ``cspdash users unlock`` lifts the lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast, overload

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store.models import SignInThrottle

USER_LIMIT = 5  # failures for one user name before it is locked
ADDRESS_LIMIT = 20  # one address may be an office behind a single proxy: allow more
DELAY_AFTER = 2  # failures before each attempt has to wait
LOCKOUT = timedelta(minutes=15)
FORGET_AFTER = timedelta(minutes=15)  # failures this old no longer count


def user_key(name: str) -> str:
    return "user:" + name.strip().casefold()[:150]


def address_key(address: str | None) -> str:
    return "addr:" + (address or "unknown")[:150]


def delay_after(failures: int) -> timedelta:
    """How long the next attempt must wait after ``failures`` recent failures: nothing at
    first, then doubling (2 s, 4 s, 8 s …)."""
    if failures <= DELAY_AFTER:
        return timedelta(0)
    return timedelta(seconds=2 ** (failures - DELAY_AFTER))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    wait: timedelta = timedelta(0)
    locked: bool = False


@overload
def _aware(at: datetime) -> datetime: ...
@overload
def _aware(at: None) -> None: ...
def _aware(at: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes (stored as UTC), PostgreSQL aware ones.
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def check(session: Session, keys: list[str], now: datetime | None = None) -> Verdict:
    """Whether a sign-in may be tried now for all of ``keys``; if not, how long to wait."""
    now = now or datetime.now(UTC)
    return _verdict(list(session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(keys)))), now)


def _verdict(rows: list[SignInThrottle], now: datetime) -> Verdict:
    verdict = Verdict(True)
    for row in rows:
        locked_until, last = _aware(row.locked_until), _aware(row.last_failure)
        if locked_until and locked_until > now:
            wait, locked = locked_until - now, True
        elif row.failures and last and now - last < FORGET_AFTER and last + delay_after(row.failures) > now:
            wait, locked = last + delay_after(row.failures) - now, False
        else:
            continue
        if wait > verdict.wait:
            verdict = Verdict(False, wait, locked or verdict.locked)
    return verdict


def reserve(session: Session, keys: list[str], now: datetime | None = None) -> Verdict:
    """Whether a sign-in may be tried now for all of ``keys``; if so, the attempt is counted
    as a failure already (see the module docstring), atomically with the check. Commit the
    session before checking the password, so other attempts see the count."""
    now = now or datetime.now(UTC)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # Sorted, so two attempts lock the same rows in the same order (no deadlock).
    ordered = sorted(set(keys))
    statement = insert(SignInThrottle).values([{"key": k, "failures": 0, "last_failure": now} for k in ordered])
    session.execute(statement.on_conflict_do_nothing(index_elements=["key"]))
    rows = list(
        session.scalars(
            select(SignInThrottle).where(SignInThrottle.key.in_(ordered)).order_by(SignInThrottle.key).with_for_update()
            .execution_options(populate_existing=True)
        )
    )  # fmt: skip
    verdict = _verdict(rows, now)
    if verdict.allowed:
        _count_failure(session, rows, now)
    return verdict


def _count_failure(session: Session, rows: list[SignInThrottle], now: datetime) -> None:
    for row in rows:
        if row.failures and now - _aware(row.last_failure) >= FORGET_AFTER and not _locked(row, now):
            row.failures = 0
        row.failures += 1
        row.last_failure = now
        limit = USER_LIMIT if row.key.startswith("user:") else ADDRESS_LIMIT
        if row.failures >= limit:
            row.locked_until = now + LOCKOUT
    session.flush()


def take_back(session: Session, key: str) -> None:
    """Un-count one reserved attempt on ``key`` (a right password, seen from an address)."""
    session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.key == key, SignInThrottle.failures > 0)
        .values(failures=SignInThrottle.failures - 1)
    )


def forget_stale(session: Session, keys: list[str], now: datetime | None = None) -> None:
    """Forget counts nobody has added to for a day, so made-up names cannot pile up."""
    stale = (now or datetime.now(UTC)) - timedelta(days=1)
    session.execute(delete(SignInThrottle).where(SignInThrottle.last_failure < stale, SignInThrottle.key.not_in(keys)))


def record_failure(session: Session, keys: list[str], now: datetime | None = None) -> None:
    """Count a failure for ``keys`` without a reservation (kept for callers that check
    nothing first; the sign-in form uses ``reserve``)."""
    now = now or datetime.now(UTC)
    # Forget counts nobody has added to for a day, so made-up names cannot pile up.
    stale = now - timedelta(days=1)
    session.execute(delete(SignInThrottle).where(SignInThrottle.last_failure < stale, SignInThrottle.key.not_in(keys)))
    for key in keys:
        row = session.get(SignInThrottle, key, with_for_update=True)
        if row is None:
            row = SignInThrottle(key=key, failures=0, last_failure=now)
            session.add(row)
        elif now - _aware(row.last_failure) >= FORGET_AFTER and not _locked(row, now):
            row.failures = 0
        row.failures += 1
        row.last_failure = now
        limit = USER_LIMIT if key.startswith("user:") else ADDRESS_LIMIT
        if row.failures >= limit:
            row.locked_until = now + LOCKOUT
        session.flush()


def _locked(row: SignInThrottle, now: datetime) -> bool:
    until = _aware(row.locked_until)
    return until is not None and until > now


def record_success(session: Session, key: str, address: str | None = None) -> None:
    """A right password clears the user name's count (not the address's: one good account
    must not reset the count for guesses at others), and takes back the address's
    reservation for this attempt (``address``: its key)."""
    session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))
    if address is not None:
        take_back(session, address)


def clear(session: Session, key: str) -> bool:
    """Lift a lock and forget the failures; True if there was anything to clear."""
    return cast(CursorResult[Any], session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))).rowcount > 0


def locks(session: Session, now: datetime | None = None) -> list[SignInThrottle]:
    now = now or datetime.now(UTC)
    return [row for row in session.scalars(select(SignInThrottle).order_by(SignInThrottle.key)) if _locked(row, now)]
