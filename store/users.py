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
from store.models import Partnership, PartnershipRole, User

# A lead signs off (publishes) a quarter's report, as an admin may; analysts submit it.
ROLES = ("viewer", "analyst", "lead", "admin")
# Roles held in one partnership; an admin is an admin of every partnership.
PARTNERSHIP_ROLES = ROLES[:-1]
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
    # (partnership, role) for each partnership the user holds a role in; None when the roles were
    # not looked up per partnership (no partnership is held yet), so ``role`` holds everywhere.
    grants: tuple[tuple[str, str], ...] | None = None

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    def role_in(self, partnership: str | None) -> str | None:
        """The role held in ``partnership`` (None: no role there): admins are admins of all.
        With partnerships held but none named, nobody but an admin holds a role."""
        if self.admin or self.grants is None:
            return self.role
        return dict(self.grants).get(partnership) if partnership is not None else None

    def can(self, role: str, partnership: str | None = None) -> bool:
        return has_role(self.role_in(partnership), role)

    def member_of(self, partnership: str) -> bool:
        """Holds a role in ``partnership`` given to them (a private partnership is read only by these)."""
        return self.admin or (self.grants is not None and partnership in dict(self.grants))

    def within(self, partnership: str | None) -> Principal:
        """This person as they act in ``partnership``: ``role`` is the role held there."""
        if self.grants is None:
            return self
        return Principal(self.name, self.role_in(partnership) or f"no role in {partnership}", self.session_version, None)


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
    partnership: str | None = None,
) -> User:
    """Add a user; a role short of admin is held in ``partnership`` (None: the one in force)."""
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
    granted = grant_role(session, user, role, partnership, by=by)
    new = {
        "role": role,
        **({"partnership": granted} if granted else {}),
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


def set_role(session: Session, name: str, role: str, *, by: str = "cli", partnership: str | None = None) -> User:
    """Make ``name`` an admin (of every partnership), or give them ``role`` in ``partnership``
    (None: the one in force; with several held and none chosen, an error listing them)."""
    user = get_user(session, name)
    check_role(role)
    old_roles = roles_held(session, user)
    old = user.role
    user.role = role  # admin everywhere, or the role while at most one partnership is held
    granted = grant_role(session, user, role, partnership, by=by)
    if old != role or (old_roles or ()) != (roles_held(session, user) or ()):
        user.session_version += 1  # sign them in again with the new role
    detail: dict[str, object] = {"old": {"role": old}, "new": {"role": role}}
    if granted:
        detail = {"partnership": granted, "old": {"role": dict(old_roles or ()).get(granted, old)}, "new": {"role": role}}
    record_change(session, by, "set-role", "user", user.name, detail)
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
    return principal_of(session, user)


def principal_for(session: Session, name: str) -> Principal | None:
    """The signed-in user's current role, or None if they no longer exist or are disabled.

    Looked up on every request so disabling someone or changing their role takes effect
    at once, not when their cookie expires."""
    user = find_user(session, name)
    if user is None or not user.active:
        return None
    return principal_of(session, user)


def principal_of(session: Session, user: User) -> Principal:
    return Principal(user.name, user.role, user.session_version, roles_held(session, user))


def roles_held(session: Session, user: User) -> tuple[tuple[str, str], ...] | None:
    """(partnership, role) for each partnership ``user`` holds a role in; None while no
    partnership is held (``User.role`` then holds everywhere). While one partnership is held,
    ``User.role`` is the role in it unless a grant says otherwise."""
    held = list(session.scalars(select(Partnership.code).order_by(Partnership.code)))
    if not held:
        return None
    grants = {
        row.partnership_code: row.role
        for row in session.scalars(select(PartnershipRole).where(PartnershipRole.user_id == user.id))
    }
    if len(held) == 1 and held[0] not in grants:
        grants[held[0]] = user.role
    return tuple(sorted(grants.items()))


def grant_role(session: Session, user: User, role: str, partnership: str | None, *, by: str = "cli") -> str | None:
    """Give ``user`` the ``role`` (viewer, analyst or lead) in ``partnership`` (None: the one in
    force). Nothing is granted while no partnership is held: ``User.role`` then holds. Returns
    the partnership granted in."""
    from store.partnerships import held_codes, partnership_in_force

    if role not in PARTNERSHIP_ROLES or not held_codes(session):
        if partnership is not None and not held_codes(session):
            raise UserError(f"no partnership {partnership!r} is held; no partnership is held yet")
        return None
    code = partnership_in_force(session, partnership)
    row = session.get(PartnershipRole, (user.id, code))
    before = row.role if row is not None else None
    if row is None:
        session.add(PartnershipRole(user_id=user.id, partnership_code=code, role=role))
    else:
        row.role = role
    session.flush()
    if before not in (None, role):
        record_change(
            session, by, "set-role", "user", user.name, {"partnership": code, "old": {"role": before}, "new": {"role": role}}
        )
    return code


def remove_role(session: Session, name: str, partnership: str | None, *, by: str = "cli") -> tuple[User, str]:
    """Take away the role ``name`` holds in ``partnership`` (None: the one in force): they no
    longer read it if it is private, nor change it; signed in anywhere, they sign in again.
    Returns the user and the partnership. Refused, nothing changed, when they hold no role
    there, are an admin (of every partnership), or it is the only partnership held (their role
    there is ``User.role`` then: disabling them is what stops them)."""
    from store.partnerships import held_codes, partnership_in_force

    user = get_user(session, name)
    held = held_codes(session)
    if not held:
        raise UserError(f"no partnership is held yet: {user.name}'s role ({user.role}) is not held per partnership")
    code = partnership_in_force(session, partnership)
    if user.role == "admin":
        raise UserError(f"{user.name} is an admin, an admin of every partnership: no role in {code} alone can be removed")
    role = dict(roles_held(session, user) or ()).get(code)
    if role is None:
        raise UserError(f"{user.name} holds no role in {code}: nothing to remove")
    if len(held) == 1:
        raise UserError(
            f"{code} is the only partnership held, where {user.name} is a {role} while they may sign in: disable them instead"
        )
    row = session.get(PartnershipRole, (user.id, code))
    if row is not None:
        session.delete(row)
    user.session_version += 1  # signed in with the role, they are signed out
    session.flush()
    record_change(
        session, by, "remove-role", "user", user.name, {"partnership": code, "old": {"role": role}, "new": {"role": None}}
    )
    return user, code


def end_sessions(session: Session, name: str) -> None:
    """Refuse every session cookie issued to ``name`` so far (sign-out ends them everywhere)."""
    user = find_user(session, name)
    if user is not None:
        user.session_version += 1
