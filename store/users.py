"""People who may sign in, their roles, and password checks.

Passwords are hashed with werkzeug's scrypt (salted, slow on purpose); only the hash is stored.
Names are matched case-insensitively so ``Priya`` and ``priya`` cannot both exist, but are
kept as typed for display ("Saved by Priya").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from store.audit import record_change
from store.models import User

# A lead signs off (publishes) a quarter's report, as an admin may; analysts submit it.
ROLES = ("viewer", "analyst", "lead", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}
MIN_PASSWORD_LENGTH = 12
HASH_METHOD = "scrypt"
# Checked against when the name is unknown, so a wrong name takes as long as a wrong password
# and response times do not reveal which names exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=HASH_METHOD)


class UserError(ValueError):
    """A user command that cannot be done, with a message fit to show as it is."""


class NoSuchUser(UserError):
    """No user has that name (the CLI adds which command lists them)."""


@dataclass(frozen=True)
class Principal:
    """Who is making a request: enough to decide what they may do, detached from any session."""

    name: str
    role: str
    session_version: int = 0

    def can(self, role: str) -> bool:
        return has_role(self.role, role)


def has_role(actual: str | None, needed: str) -> bool:
    """Roles are ordered: an admin can do what a lead can, a lead what an analyst can, an
    analyst what a viewer can."""
    return actual in _RANK and _RANK[actual] >= _RANK[needed]


def check_role(role: str) -> str:
    if role not in _RANK:
        raise UserError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    return role


def check_password_rules(password: str, name: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if name and password.strip().casefold() in {name.strip().casefold(), name.strip().casefold()[::-1]}:
        raise UserError("the password must not be the user name")


def find_user(session: Session, name: str) -> User | None:
    wanted = name.strip().casefold()
    if not wanted:
        return None
    return session.scalar(select(User).where(func.lower(User.name) == wanted))


def get_user(session: Session, name: str) -> User:
    user = find_user(session, name)
    if user is None:
        raise NoSuchUser(f"no user called {name!r}")
    return user


def check_display_name(display_name: str | None) -> str | None:
    """A person's name as people read it ("Priya Shah"); blank means none (show the login name)."""
    if display_name is None:
        return None
    cleaned = " ".join(display_name.split())
    if len(cleaned) > 200:
        raise UserError(f"a display name must be at most 200 characters, not {len(cleaned)}")
    if any(not ch.isprintable() for ch in cleaned):
        raise UserError(f"the display name {display_name!r} holds a character that cannot be shown")
    return cleaned or None


def check_email(email: str | None) -> str | None:
    """An email address in the usual form (``name@council.gov.uk``); blank means none."""
    if email is None:
        return None
    cleaned = email.strip()
    if not cleaned:
        return None
    local, at, domain = cleaned.rpartition("@")
    if (
        not at
        or not local
        or "." not in domain.strip(".")
        or domain.startswith(".")
        or any(ch.isspace() for ch in cleaned)
        or len(cleaned) > 254
    ):
        raise UserError(f"{email!r} is not an email address: expected something like name@council.gov.uk")
    return cleaned


def add_user(
    session: Session,
    name: str,
    password: str,
    role: str = "viewer",
    *,
    by: str = "cli",
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    name = name.strip()
    if not name or len(name) > 100 or any(ch.isspace() for ch in name):
        raise UserError("a user name must be 1 to 100 characters with no spaces")
    check_role(role)
    check_password_rules(password, name)
    display_name, email = check_display_name(display_name), check_email(email)
    if find_user(session, name) is not None:
        raise UserError(f"a user called {name!r} already exists")
    user = User(
        name=name,
        password_hash=generate_password_hash(password, method=HASH_METHOD),
        role=role,
        active=True,
        display_name=display_name,
        email=email,
        created_at=datetime.now(UTC),
        session_version=0,
    )
    session.add(user)
    session.flush()
    new = {
        "role": role,
        "active": True,
        **({"display_name": display_name} if display_name else {}),
        **({"email": email} if email else {}),
    }
    record_change(session, by, "add", "user", name, {"new": new})
    return user


def set_details(
    session: Session, name: str, *, display_name: str | None = None, email: str | None = None, by: str = "cli"
) -> User:
    """Set the display name and/or email of ``name`` (None: leave as is; "": clear it)."""
    user = get_user(session, name)
    old: dict[str, object] = {}
    new: dict[str, object] = {}
    if display_name is not None:
        old["display_name"], user.display_name = user.display_name, check_display_name(display_name)
        new["display_name"] = user.display_name
    if email is not None:
        old["email"], user.email = user.email, check_email(email)
        new["email"] = user.email
    if not new:
        raise UserError("nothing to change: give a display name or an email address")
    record_change(session, by, "set-details", "user", user.name, {"old": old, "new": new})
    return user


def shown_name(user: User | None, login: str) -> str:
    """What a page calls the person: their display name, else their login name."""
    return (user.display_name if user is not None and user.display_name else None) or login


def display_names(session: Session, logins: Iterable[str | None]) -> dict[str, str]:
    """Login name -> the name pages show, for each of ``logins`` (a name no user has, such as
    ``cli`` or someone since removed, stays as it is)."""
    wanted = {n for n in logins if n}
    if not wanted:
        return {}
    users = session.scalars(select(User).where(func.lower(User.name).in_([n.casefold() for n in wanted]))).all()
    by_key = {u.name.casefold(): u for u in users}
    return {n: shown_name(by_key.get(n.casefold()), n) for n in wanted}


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(func.lower(User.name))))


def set_role(session: Session, name: str, role: str, *, by: str = "cli") -> User:
    user = get_user(session, name)
    check_role(role)
    old = user.role
    user.role = role
    if old != role:
        user.session_version += 1  # sign them in again with the new role
    record_change(session, by, "set-role", "user", user.name, {"old": {"role": old}, "new": {"role": role}})
    return user


def set_active(session: Session, name: str, active: bool, *, by: str = "cli") -> User:
    user = get_user(session, name)
    old = user.active
    user.active = active
    if not active:
        user.session_version += 1
    action = "enable" if active else "disable"
    record_change(session, by, action, "user", user.name, {"old": {"active": old}, "new": {"active": active}})
    return user


def set_password(session: Session, name: str, password: str, *, by: str = "cli") -> User:
    user = get_user(session, name)
    check_password_rules(password, user.name)
    user.password_hash = generate_password_hash(password, method=HASH_METHOD)
    user.session_version += 1  # whoever knew the old password is signed out everywhere
    record_change(session, by, "set-password", "user", user.name, {})  # never log the password
    return user


def authenticate(session: Session, name: str, password: str) -> Principal | None:
    """The user if ``name`` is active and ``password`` matches, else None (no hint which was wrong)."""
    user = find_user(session, name)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return Principal(user.name, user.role, user.session_version)


def principal_for(session: Session, name: str) -> Principal | None:
    """The signed-in user's current role, or None if they no longer exist or are disabled.

    Looked up on every request so disabling someone or changing their role takes effect
    at once, not when their cookie expires."""
    user = find_user(session, name)
    if user is None or not user.active:
        return None
    return Principal(user.name, user.role, user.session_version)


def end_sessions(session: Session, name: str) -> None:
    """Refuse every session cookie issued to ``name`` so far (sign-out ends them everywhere)."""
    user = find_user(session, name)
    if user is not None:
        user.session_version += 1
