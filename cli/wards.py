"""``cspdash wards list|use``: a borough's ward generations, and which one covers its months.

Wards are redrawn (most of London's in May 2022) and the Met keys its whole ward history to
the current wards, so a borough can hold two sets of wards for the same months. Only one set
makes up the borough's figures for a month: the one the most recent load of that month used,
unless picked here (``rules.ward_generations``).
"""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from cli.common import AppContext, pass_app
from rules.periods import PeriodError, normalise_month
from rules.ward_generations import month_name
from settings import get_settings
from sources.registry import counted
from store.areas import AreaTree
from store.audit import record_change
from store.coverage_record import record_coverage
from store.data_version import bump_data_version
from store.db import session_scope
from store.locks import LoadRunning, take_load_lock
from store.ward_generations import BoroughGenerations, GenerationNotHeld, borough_generations, mixed_boroughs, use_generation


def register(group: click.Group) -> None:
    group.add_command(wards)


@click.group()
def wards() -> None:
    """Ward generations: which set of wards makes up a borough's figures."""


@wards.command("list")
@click.option("--borough", default=None, metavar="CODE", help="One borough (default: every borough holding two generations).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help="Output format.")
@pass_app
def list_wards(app: AppContext, borough: str | None, fmt: str) -> None:
    """Show each generation of a borough's wards, and which covers the months held in both."""
    with session_scope(app.engine()) as session:
        tree = AreaTree.load(session)
        if borough is not None and tree.by_code.get(borough) is None:
            raise click.ClickException(f"no area {borough}")
        codes = [borough] if borough else mixed_boroughs(tree)
        found = [borough_generations(session, "crime", code, tree) for code in codes]
    if fmt == "json":
        data = [_json(f) for f in found]
        click.echo(json.dumps(data[0] if borough else data, indent=2))
        return
    if not found:
        click.echo("No borough holds wards of two generations.")
    for f in found:
        click.echo("\n".join(_lines(f)))


def _json(found: BoroughGenerations) -> dict:
    return {
        "borough": found.borough,
        "name": found.name,
        "generations": [asdict(g) for g in found.generations],
        "months": [{**asdict(m), "also_held": list(m.also_held)} for m in found.months],
    }


def _lines(found: BoroughGenerations) -> list[str]:
    labels = {g.vintage: g.label for g in found.generations}
    lines = [f"{found.name} ({found.borough})"]
    for g in found.generations:
        held = f"figures {_span(g.first_month, g.last_month)}" if g.first_month else "no figures held"
        lines.append(f"  {g.label} ({g.vintage or 'unknown'}): {g.wards} wards, {held}")
    for m in found.months:
        others = ", ".join(labels.get(v, v) for v in m.also_held)
        how = "picked" if m.picked else "most recent load"
        lines.append(f"  {_span(m.first, m.last)}: {labels.get(m.generation, m.generation)} ({how}); also held: {others}")
    return lines


def _span(first: str | None, last: str | None) -> str:
    if not first or not last:
        return ""
    return month_name(first) if first == last else f"{month_name(first)} – {month_name(last)}"


def _month(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return normalise_month(value)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


@wards.command("use")
@click.option("--borough", required=True, metavar="CODE", help="The borough, e.g. E09000016.")
@click.option("--generation", "vintage", required=True, metavar="YEAR", help="The generation's boundary year, e.g. 2018 or 2022.")
@click.option(
    "--from", "first", default=None, metavar="YYYY-MM", help="First month (default: every month held in two generations)."
)
@click.option("--to", "last", default=None, metavar="YYYY-MM", help="Last month.")
@click.option("--user", default="cli", show_default=True, help="Name recorded against the change.")
@pass_app
def use_wards(app: AppContext, borough: str, vintage: str, first: str | None, last: str | None, user: str) -> None:
    """Make a generation of the borough's wards cover its months (where both are held)."""
    first, last = _month(first, "--from"), _month(last, "--to")
    with session_scope(app.engine()) as session:
        try:
            take_load_lock(session, get_settings().load_wait_seconds)  # one writer of the figures at a time
            changed = use_generation(session, "crime", borough, "" if vintage == "unknown" else vintage, first, last, user)
        except (GenerationNotHeld, LoadRunning) as exc:
            raise click.ClickException(str(exc)) from None
        record_coverage(session, tuple(counted()))  # every source held as counts
        record_change(
            session,
            user,
            "use",
            "ward generation",
            f"{borough} {vintage} {first or ''}–{last or ''}",
            {"months_changed": changed},
        )
        bump_data_version(session)
        found = borough_generations(session, "crime", borough)
    click.echo(f"{changed} months now covered by the {vintage} wards.")
    click.echo("\n".join(_lines(found)))
