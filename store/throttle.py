"""Sign-in throttling: failed attempts are counted per user name and per address.

After a few failures each further attempt must wait longer (2 s, 4 s, …); at the limit the
name or address is locked for 15 minutes, which an administrator can clear
(``cspdash users unlock``). Unknown names are counted exactly like real ones, so the answer
never tells whether a user exists. Counts live in the database, shared by every worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
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


def _aware(at: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes (stored as UTC), PostgreSQL aware ones.
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


def check(session: Session, keys: list[str], now: datetime | None = None) -> Verdict:
    """Whether a sign-in may be tried now for all of ``keys``; if not, how long to wait."""
    now = now or datetime.now(UTC)
    verdict = Verdict(True)
    for row in session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(keys))):
        locked_until, last = _aware(row.locked_until), _aware(row.last_failure)
        if locked_until and locked_until > now:
            wait, locked = locked_until - now, True
        elif last and now - last < FORGET_AFTER and last + delay_after(row.failures) > now:
            wait, locked = last + delay_after(row.failures) - now, False
        else:
            continue
        if wait > verdict.wait:
            verdict = Verdict(False, wait, locked or verdict.locked)
    return verdict


def record_failure(session: Session, keys: list[str], now: datetime | None = None) -> None:
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


def record_success(session: Session, key: str) -> None:
    """A right password clears the user name's count (not the address's: one good account
    must not reset the count for guesses at others)."""
    session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))


def clear(session: Session, key: str) -> bool:
    """Lift a lock and forget the failures; True if there was anything to clear."""
    return session.execute(delete(SignInThrottle).where(SignInThrottle.key == key)).rowcount > 0


def locks(session: Session, now: datetime | None = None) -> list[SignInThrottle]:
    now = now or datetime.now(UTC)
    return [row for row in session.scalars(select(SignInThrottle).order_by(SignInThrottle.key)) if _locked(row, now)]
