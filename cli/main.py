"""``cspdash``: load data, score indicators, run the dashboard."""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import AppContext, explain_load_errors, partnership_area, partnership_option, pass_app, terminal_progress
from demo.load import DEMO_AREAS, HAVERING, load_demo, load_hartlepool_demo
from demo.publish import HARTLEPOOL_PUBLICATION, HAVERING_PUBLICATION, DemoPublication
from geo.options import with_options
from loaders.crime import CrimeOptions
from loaders.options import ASK, KEEP, RETIRE, LoadOptions
from loaders.reading import Source
from loaders.registry import run_load
from settings import Settings
from sources.registry import file_kind, kind_keys, kinds_in_help
from store.db import Engine
from store.schema import upgrade


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_name="cspdash", prog_name="cspdash", message="%(prog)s %(version)s"
)  # the version in pyproject.toml (CHANGELOG.md)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """cspdash: Community Safety Partnership performance dashboard.

    Loads crime, ASB, MARAC and KPI files, rates each indicator Red/Amber/Green against its
    target and tolerance, and serves the dashboard. The database comes from DATABASE_URL.
    """
    ctx.obj = AppContext(Settings.from_env())


@cli.command("init-db")
@pass_app
def init_db(app: AppContext) -> None:
    """Create the database schema, or upgrade it to the newest version."""
    engine = app.engine(require_schema=False)
    upgrade(engine)
    click.echo(f"Database ready: {engine.url.render_as_string(hide_password=True)}")


class _KindChoice(click.Choice):
    """The declared kinds of file (``sources``), read when the command line is read, so a kind
    declared in ``sources`` is offered without naming it here."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return kind_keys()

    @choices.setter
    def choices(self, _value: object) -> None:
        pass  # click sets it in __init__; the registry is the list


class _IngestCommand(click.Command):
    """``ingest``, whose help lists the declared kinds of file (``{kinds}`` in its docstring)."""

    @property
    def help(self) -> str | None:
        return None if self._help is None else self._help.replace("{kinds}", kinds_in_help())

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value


@cli.command("ingest", cls=_IngestCommand)
@click.argument("kind", type=_KindChoice())
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report what would change, storing nothing.")
@click.option("--user", default="cli", show_default=True, help="Name recorded against the upload.")
@click.option(
    "--keep-held-wards",
    is_flag=True,
    help="crime: for months a borough already holds in another ward generation, keep using that one (default: the file's).",
)
@click.option(
    "--retire-missing/--keep-missing", "retire_missing", default=None,
    help="indicators: retire (keeping their history and published versions) or keep the indicators held "
    "but not in the file. Required when the file leaves any out.",
)  # fmt: skip
@click.option(
    "--accept-drops",
    is_flag=True,
    help="Load even where the file would lower the held totals of more than 5% of its areas by more than half in a month.",
)
@partnership_option
@pass_app
@explain_load_errors
def ingest(
    app: AppContext,
    kind: str,
    files: tuple[Path, ...],
    dry_run: bool,
    user: str,
    keep_held_wards: bool,
    retire_missing: bool | None,
    accept_drops: bool,
    partnership: str | None,
) -> None:
    """Load FILES of KIND: {kinds}.

    Every problem is reported with its row, column and value, and nothing from a file
    with problems is stored. Re-loading periods already held replaces them, except a
    month a Met file holds only as a stub (far below its other months: incomplete in the
    source, so figures held for it are kept). A re-load that would lower many held
    figures by more than half is refused unless --accept-drops is given.
    """
    engine = app.engine()
    if partnership is not None:
        partnership_area(partnership)  # a partnership not held: an error naming those held, nothing loaded
    choice = ASK if retire_missing is None else (RETIRE if retire_missing else KEEP)
    for path in files:
        source = Source.from_path(path)
        if file_kind(kind).asks_missing:
            source = with_options(source, LoadOptions(missing_indicators=choice))
        elif keep_held_wards:
            source = with_options(source, CrimeOptions(keep_held_wards=True))
        elif (progress := terminal_progress()) is not None:
            source = with_options(source, progress)
        summary = run_load(engine, kind, source, dry_run=dry_run, user=user, accept_drops=accept_drops, partnership=partnership)
        click.echo("\n".join(summary.lines()))


@cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when no indicators are held yet.")
@click.option(
    "--no-publish",
    is_flag=True,
    help="Leave every quarter a draft (by default one quarter is published as its committee saw it).",
)
@click.option(
    "--area",
    type=click.Choice(list(DEMO_AREAS)),
    default=HAVERING,
    show_default=True,
    help="Which demo: E09000016 Havering (bundled, London) or E06000001 Hartlepool (generated in the national "
    "layouts, Cleveland police force area).",
)
@pass_app
@explain_load_errors
def demo(app: AppContext, if_empty: bool, no_publish: bool, area: str) -> None:
    """Create the schema if needed and load a demo, then publish one quarter as its committee
    saw it (the next stays a draft). Havering (default): the bundled data/demo/, Q3 2016/17
    published. Hartlepool (--area E06000001): files generated in the real national layouts and
    loaded through the real loaders, Q3 2024/25 published; serve it with CSPDASH_HOME_AREA=E06000001."""
    from store.db import session_scope
    from store.indicator_queries import any_indicators, indicator_codes

    engine = app.engine(require_schema=False)
    upgrade(engine)
    with session_scope(engine) as session:
        held = indicator_codes(session) if any_indicators(session) else set()
    if if_empty and held:
        click.echo("Demo not loaded: the database already holds indicators.")
        return
    if area == HAVERING:
        for summary in load_demo(engine):
            click.echo(summary.lines()[0])
        if not no_publish:
            _publish_demo(engine, app.settings, HAVERING_PUBLICATION)
        return
    _hartlepool_demo(engine, app.settings, held, no_publish)


def _hartlepool_demo(engine: Engine, settings: Settings, held: set[str], no_publish: bool) -> None:
    """Load the generated Hartlepool demo into a database holding no other indicators, publish
    its Q3 2024/25 for Hartlepool, and say how to serve it (the home area comes from the
    environment, so the database cannot carry it)."""
    import dataclasses
    import tempfile

    from demo.hartlepool import HARTLEPOOL, INDICATORS

    others = sorted(held - {row[0] for row in INDICATORS})
    if others:
        raise click.ClickException(
            f"this database holds other indicators ({', '.join(others[:5])}{', …' if len(others) > 5 else ''}); "
            "load the Hartlepool demo into a new database: set DATABASE_URL to one, e.g. sqlite:////tmp/hartlepool.db"
        )
    with tempfile.TemporaryDirectory(prefix="cspdash-hartlepool-") as folder:
        loaded = load_hartlepool_demo(engine, Path(folder))
    for summary in loaded.summaries:
        click.echo(summary.lines()[0])
    home = dataclasses.replace(settings, home_area=HARTLEPOOL)
    if not no_publish:
        _publish_demo(engine, home, HARTLEPOOL_PUBLICATION)
    url = engine.url.render_as_string(hide_password=True)
    click.echo(
        "Hartlepool is this demo's home area; the home area is read from the environment, so serve it with:\n"
        f"  CSPDASH_HOME_AREA={HARTLEPOOL} DATABASE_URL={url} cspdash serve"
    )
    if settings.home_area != HARTLEPOOL:
        click.echo(f"(CSPDASH_HOME_AREA is {settings.home_area} now: without the setting above the pages show that area.)")


def _publish_demo(engine: Engine, settings: Settings, plan: DemoPublication) -> None:
    from demo.publish import publish_demo

    quarter, draft = plan.quarter.label, "the next quarter" if plan.quarter.q == 4 else f"Q{plan.quarter.q + 1}"
    click.echo(f"Publishing {quarter} as the committee of {plan.day.day} {plan.day:%B %Y} saw it ({draft} stays a draft)…")
    info = publish_demo(engine, settings, plan)
    click.echo(f"Published {quarter}: {info.headline}." if info else f"{quarter} was published already.")


def _register_subcommands() -> None:
    from cli import actions, reporting, users

    reporting.register(cli)
    users.register(cli)
    actions.register(cli)

    from cli import geo

    geo.register(cli)

    from cli import export

    export.register(cli)

    from cli import publishing

    publishing.register(cli)

    from cli import spc

    spc.register(cli)

    from cli import wards

    wards.register(cli)

    from cli import notify

    notify.register(cli)

    from cli import partnerships

    partnerships.register(cli)


_register_subcommands()
