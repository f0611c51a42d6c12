"""``cspdash users``: who may sign in to the dashboard and what they may do."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from cli.common import AppContext, error_text, pass_app
from reporting.notifications import Event, NotificationError, describe_subscription, parse_events
from store.db import session_scope
from store.notifications import subscribe, subscriptions, unsubscribe
from store.partnerships import PartnershipError
from store.users import (
    ROLES,
    UserError,
    add_user,
    get_user,
    list_users,
    remove_role,
    roles_held,
    set_active,
    set_details,
    set_password,
    set_role,
)

ROLE_HELP = (
    "viewer reads; analyst also uploads data, edits targets and commentary and submits a quarter; "
    "lead also publishes (signs off) a quarter; admin also manages users. Roles short of admin are "
    "held in one partnership (--partnership); an admin is one in every partnership."
)
partnership_role_option = click.option(
    "--partnership",
    "partnership",
    default=None,
    metavar="CODE",
    help="The partnership the role is held in (default: CSPDASH_PARTNERSHIP, else the only one held).",
)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        # One line, so `echo "$PW" | cspdash users add …` works; the newline is not part of it.
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _run(app: AppContext, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Do one user change in its own transaction; a UserError becomes a one-line message and exit 1."""
    try:
        with session_scope(app.engine()) as session:
            return action(session, *args, **kwargs)
    except UserError as error:
        raise click.ClickException(error_text(error)) from None
    except PartnershipError as error:
        hint = "; choose one with --partnership CODE" if "say which one" in str(error) else ""
        raise click.ClickException(f"{error}{hint}.") from None


password_stdin_option = click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input (for scripts)."
)


@click.group("users")
def users() -> None:
    """Manage who may sign in to the dashboard and their roles.

    Roles: viewer reads; analyst also uploads data, edits targets and commentary and submits
    a quarter; lead also publishes a quarter; admin also manages users. Changes are recorded
    in the change log.
    """


display_name_option = click.option(
    "--display-name",
    metavar="TEXT",
    help='The name pages show for this person ("Published by Priya Shah"); without one, the user name.',
)
email_option = click.option("--email", metavar="ADDRESS", help="Their email address (name@council.gov.uk).")


def _details(user: Any) -> str:
    """ ": Priya Shah, priya.shah@council.gov.uk" (or nothing) after a user's name and role."""
    extra = ", ".join(x for x in (user.display_name, user.email) if x)
    return f": {extra}" if extra else ""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True, help=ROLE_HELP)
@partnership_role_option
@display_name_option
@email_option
@password_stdin_option
@pass_app
def add(
    app: AppContext,
    name: str,
    role: str,
    partnership: str | None,
    display_name: str | None,
    email: str | None,
    password_stdin: bool,
) -> None:
    """Add a user called NAME (what they type to sign in). The password is asked for twice and not shown."""
    password = _read_password(password_stdin)
    user, held = _run(
        app,
        lambda session: _with_roles(
            session,
            add_user(session, name, password, role, by="cli", display_name=display_name, email=email, partnership=partnership),
        ),
    )
    click.echo(f"Added {user.name} ({_roles_text(user.role, held)}){_details(user)}.")


def _with_roles(session: Any, user: Any) -> tuple[Any, Any]:
    return user, roles_held(session, user)


def _roles_text(role: str, held: tuple[tuple[str, str], ...] | None) -> str:
    """ "admin", "analyst", or "analyst of E09000016, viewer of E09000002" once partnerships are held."""
    if role == "admin" or held is None:
        return role
    return ", ".join(f"{r} of {code}" for code, r in held) or "no role in any partnership"


@users.command("set")
@click.argument("name")
@display_name_option
@email_option
@pass_app
def set_command(app: AppContext, name: str, display_name: str | None, email: str | None) -> None:
    """Set the display name and/or email address of user NAME ("" clears one)."""
    if display_name is None and email is None:
        raise click.UsageError("Give --display-name and/or --email.")
    user = _run(app, set_details, name, display_name=display_name, email=email, by="cli")
    click.echo(f"Saved {user.name}{_details(user) or ': no display name or email address'}.")


@users.command("list")
@pass_app
def list_(app: AppContext) -> None:
    """List users with their role, whether they can sign in, when they were added, and the
    display name and email address given for them."""
    rows = _run(
        app,
        lambda session: [
            (
                u.name,
                _roles_text(u.role, roles_held(session, u)),
                "yes" if u.active else "no (disabled)",
                u.created_at,
                u.display_name or "",
                u.email or "",
            )
            for u in list_users(session)
        ],
    )
    if not rows:
        click.echo("No users yet: add one with `cspdash users add NAME --role analyst`.")
        return
    width = max(len("name"), *(len(r[0]) for r in rows))
    roles = max(len("role"), *(len(r[1]) for r in rows))
    shown = max(len("display name"), *(len(r[4]) for r in rows))
    click.echo(
        f"{'name'.ljust(width)}  {'role'.ljust(roles)}  active          added       {'display name'.ljust(shown)}  email".rstrip()
    )
    for name, role, active, created, display, email in rows:
        click.echo(
            f"{name.ljust(width)}  {role.ljust(roles)}  {active.ljust(14)}  {created:%Y-%m-%d}  {display.ljust(shown)}  {email}".rstrip()
        )


@users.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@partnership_role_option
@pass_app
def set_role_command(app: AppContext, name: str, role: str, partnership: str | None) -> None:
    """Give user NAME the ROLE viewer, analyst or lead in a partnership, or make them an admin (of every partnership)."""
    user, held = _run(app, lambda session: _with_roles(session, set_role(session, name, role, by="cli", partnership=partnership)))
    click.echo(f"{user.name} is now {_roles_text(user.role, held)}.")


@users.command("remove-role")
@click.argument("name")
@partnership_role_option
@pass_app
def remove_role_command(app: AppContext, name: str, partnership: str | None) -> None:
    """Take away the role user NAME holds in a partnership: they no longer change its figures or,
    if it is private, read them. Recorded in the change log; they sign in again."""
    user, code, held = _run(
        app, lambda session: (*remove_role(session, name, partnership, by="cli"), roles_held(session, get_user(session, name)))
    )
    click.echo(f"{user.name} no longer holds a role in {code}; now {_roles_text(user.role, held)}.")


@users.command("disable")
@click.argument("name")
@pass_app
def disable(app: AppContext, name: str) -> None:
    """Stop user NAME signing in (takes effect on their next request). History is kept."""
    user = _run(app, set_active, name, False, by="cli")
    click.echo(f"{user.name} is disabled and can no longer sign in.")


@users.command("enable")
@click.argument("name")
@pass_app
def enable(app: AppContext, name: str) -> None:
    """Let a disabled user NAME sign in again."""
    user = _run(app, set_active, name, True, by="cli")
    click.echo(f"{user.name} can sign in again.")


@users.command("set-password")
@click.argument("name")
@password_stdin_option
@pass_app
def set_password_command(app: AppContext, name: str, password_stdin: bool) -> None:
    """Set a new password for user NAME."""
    password = _read_password(password_stdin)
    user = _run(app, set_password, name, password, by="cli")
    click.echo(f"Password changed for {user.name}.")


@users.command("unlock")
@click.argument("name", required=False)
@click.option("--address", metavar="IP", help="Lift the lock on a network address instead.")
@pass_app
def unlock(app: AppContext, name: str | None, address: str | None) -> None:
    """Lift the sign-in lock on user NAME (or on --address) after too many failed attempts.

    With neither, list what is locked now."""
    from store import throttle

    if not name and not address:
        rows = _run(app, lambda session: [(r.key, r.failures, r.locked_until) for r in throttle.locks(session)])
        if not rows:
            click.echo("Nothing is locked.")
        for key, failures, until in rows:
            click.echo(f"{key}  {failures} failures, locked until {until:%Y-%m-%d %H:%M} UTC")
        return
    key = throttle.user_key(name) if name else throttle.address_key(address)
    cleared = _run(app, throttle.clear, key)
    what = f"user {name}" if name else f"address {address}"
    click.echo(f"Sign-in lock lifted for {what}." if cleared else f"There was no lock or failed sign-in recorded for {what}.")


EVENT_CHOICES = ", ".join(e.value for e in Event)


def _events(words: tuple[str, ...]) -> list[Event]:
    try:
        return parse_events(",".join(words))
    except NotificationError as error:
        raise click.UsageError(str(error)) from None


def _said(events: list[Event]) -> str:
    return ", ".join(e.value for e in events) or "nothing"


@users.command("subscribe")
@click.argument("name")
@click.argument("events", nargs=-1, required=True, metavar="EVENT...")
@pass_app
def subscribe_command(app: AppContext, name: str, events: tuple[str, ...]) -> None:
    """Email user NAME when EVENT happens: published (a quarter is published), rating_changed
    (an indicator's rating changes when a quarter is published), special_cause (an SPC chart
    shows special cause on its latest period after a load), action_overdue (a corrective
    action is overdue). At most one summary an hour; overdue actions at once. `cspdash notify`
    sends them."""
    chosen = _events(events)
    held = _run(app, subscribe, name, chosen, by="cli")
    click.echo(f"{name} is subscribed to: {_said(held)}.")
    click.echo(describe_subscription(held, app.settings.mail_ready))
    if app.settings.mail_ready and not _run(app, lambda session: get_user(session, name).email):
        click.echo(f"{name} has no email address yet: give one with `cspdash users set {name} --email ADDRESS`.")


@users.command("unsubscribe")
@click.argument("name")
@click.argument("events", nargs=-1, required=True, metavar="EVENT...")
@pass_app
def unsubscribe_command(app: AppContext, name: str, events: tuple[str, ...]) -> None:
    """Stop emailing user NAME when EVENT happens (see `cspdash users subscribe`)."""
    held = _run(app, unsubscribe, name, _events(events), by="cli")
    click.echo(f"{name} is subscribed to: {_said(held)}.")


@users.command("subscriptions")
@click.argument("name")
@pass_app
def subscriptions_command(app: AppContext, name: str) -> None:
    """List the events user NAME is emailed about."""
    held = _run(app, subscriptions, name)
    click.echo(f"{name} is subscribed to: {_said(held)}.")


def register(group: click.Group) -> None:
    group.add_command(users)
