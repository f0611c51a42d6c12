"""``cspdash partnerships``: the partnerships one deployment serves (issue 23)."""

from __future__ import annotations

import click

from cli.common import AppContext, pass_app
from store.db import session_scope
from store.partnerships import PartnershipError, add_partnership, list_partnerships, set_private


@click.group("partnerships")
def partnerships() -> None:
    """The partnerships this deployment serves.

    Each has its own indicators, targets, commentary, actions, annotations and publications;
    counts, areas, boundaries and population are shared. Commands that read or write a
    partnership's figures take --partnership CODE (default: CSPDASH_PARTNERSHIP, else the only one).
    """


@partnerships.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The partnership's name as its pages and packs show it.")
@click.option("--private", is_flag=True, help="Only its members may read it (CSPDASH_PUBLIC_READ aside).")
@pass_app
def add(app: AppContext, code: str, name: str, private: bool) -> None:
    """Add the partnership covering CODE, a held district or community safety partnership."""
    try:
        with session_scope(app.engine()) as session:
            added = add_partnership(session, code, name, private)
    except PartnershipError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Added partnership {added.code} ({added.name}){', private' if added.private else ''}.")


@partnerships.command("set")
@click.argument("code")
@click.option("--private/--public", "private", required=True, help="Only its members may read it, or anyone who may read.")
@pass_app
def set_command(app: AppContext, code: str, private: bool) -> None:
    """Mark partnership CODE private (only its members and admins read it) or public."""
    try:
        with session_scope(app.engine()) as session:
            changed = set_private(session, code, private)
    except PartnershipError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{changed.code} ({changed.name}) is {'private: only its members read it' if changed.private else 'public'}.")


@partnerships.command("list")
@pass_app
def list_command(app: AppContext) -> None:
    """List the partnerships held: code, name, whether private."""
    with session_scope(app.engine()) as session:
        held = list_partnerships(session)
    if not held:
        click.echo("No partnership is held yet: the home area becomes one when its indicators are loaded.")
    for p in held:
        click.echo(f"{p.code}\t{p.name}\t{'private' if p.private else 'public'}")


def register(cli: click.Group) -> None:
    cli.add_command(partnerships)
