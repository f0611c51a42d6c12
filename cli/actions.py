"""``cspdash actions``: corrective actions, as the Targets page lists them (they are added and
edited there, and by the commentary file's corrective_action column)."""

from __future__ import annotations

import csv
import sys
from datetime import date

import click

from cli.common import AppContext, area_option, format_option, pass_app
from reporting.actions import STATUSES, date_words
from rules.periods import PeriodError, Quarter
from store.actions import list_actions
from store.db import session_scope


@click.group("actions")
def actions() -> None:
    """Corrective actions: what the partnership will do about an indicator, who owns it, when
    it is due and whether it is open, done or dropped (overdue: open and past its due date)."""


@actions.command("list")
@click.option("--period", default=None, metavar="QUARTER", help="Only actions set for this quarter, e.g. 2016-17-Q3.")
@area_option
@click.option("--indicator", default=None, metavar="CODE", help="Only this indicator's actions, e.g. CSP1.")
@click.option(
    "--status",
    type=click.Choice([*STATUSES, "overdue"]),
    default=None,
    help="Only actions with this status (overdue: open and past due).",
)
@format_option("table", "csv")
@pass_app
def list_command(
    app: AppContext, period: str | None, area: str | None, indicator: str | None, status: str | None, fmt: str
) -> None:
    """List corrective actions with their owner, due date and status, oldest quarter first."""
    try:
        periods = [Quarter.parse(period)] if period else None
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None
    today = date.today()
    with session_scope(app.engine()) as session:
        found = list_actions(session, indicator=indicator, area=area or app.settings.home_area, periods=periods)
    if status == "overdue":
        found = [a for a in found if a.overdue(today)]
    elif status is not None:
        found = [a for a in found if a.status == status]
    rows = [
        (a.period, a.indicator_code, a.text, a.owner, a.due_date.isoformat() if a.due_date else "", a.status_text(today))
        for a in found
    ]
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["period", "indicator", "action", "owner", "due_date", "status"])
        writer.writerows(rows)
        return
    if not rows:
        click.echo("No corrective actions match.")
        return
    for a in found:
        due = f"due {date_words(a.due_date)}" if a.due_date else "no due date"
        owner = a.owner or "no owner"
        click.echo(f"{Quarter.parse(a.period).label}  {a.indicator_code}  {a.status_text(today)}  ({owner}; {due})  {a.text}")


def register(group: click.Group) -> None:
    group.add_command(actions)
