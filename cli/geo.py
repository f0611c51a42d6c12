"""Geography commands: ``cspdash boundaries load|list`` and ``cspdash policeuk load``.

``cspdash ingest boundaries FILE`` and ``cspdash ingest policeuk FILE…`` work with defaults;
these commands add the options those files sometimes need (--level, --vintage, --crs…).
"""

from __future__ import annotations

from pathlib import Path

import click

from cli.common import AppContext, explain_load_errors, pass_app, terminal_progress
from geo.options import LEVELS, BoundaryOptions, PoliceUkOptions, with_options
from loaders.reading import Source
from loaders.registry import run_load

_files = click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
_dry_run = click.option("--dry-run", is_flag=True, help="Validate and report what would change, storing nothing.")
_user = click.option("--user", default="cli", show_default=True, help="Name recorded against the upload.")


def register(group: click.Group) -> None:
    group.add_command(boundaries)
    group.add_command(policeuk)


@click.group()
def boundaries() -> None:
    """Ward and borough boundaries (GeoJSON, GeoPackage, zipped shapefile)."""


@boundaries.command("load")
@_files
@click.option("--level", type=click.Choice(LEVELS), default=None, help="ward or borough (default: from the codes).")
@click.option(
    "--vintage", default=None, metavar="YEAR", help="Boundary year, e.g. 2018 or 2022 (default: from the fields or file name)."
)
@click.option(
    "--code-field", default=None, metavar="FIELD", help="Field holding the GSS code (default: WDnnCD, LADnnCD, GSS_CODE…)."
)
@click.option("--name-field", default=None, metavar="FIELD", help="Field holding the area name.")
@click.option(
    "--parent-field", default=None, metavar="FIELD", help="Field holding a ward's borough code (default: LADnnCD, LAGSSCODE)."
)
@click.option("--crs", default=None, metavar="CRS", help="Coordinate system when the file gives none, e.g. EPSG:27700.")
@_dry_run
@_user
@pass_app
@explain_load_errors
def load_boundaries(app: AppContext, files: tuple[Path, ...], dry_run: bool, user: str, **fields: str | None) -> None:
    """Load boundary FILES, reprojected to WGS84 and simplified once for maps.

    Re-loading a vintage replaces those areas' outlines; other vintages are kept, so 2018
    and 2022 wards can be held together.
    """
    options = BoundaryOptions(**fields)
    engine = app.engine()
    for path in files:
        summary = run_load(engine, "boundaries", with_options(Source.from_path(path), options), dry_run=dry_run, user=user)
        click.echo("\n".join(summary.lines()))


@boundaries.command("list")
@pass_app
def list_boundaries(app: AppContext) -> None:
    """Show the boundary vintages held and how many areas each has."""
    from store.area_retirement import retired_by_vintage
    from store.boundary_queries import boundaries_held
    from store.db import session_scope

    with session_scope(app.engine()) as session:
        rows = boundaries_held(session)
        retired = dict(retired_by_vintage(session))
    if not rows:
        click.echo("No boundaries held: load some with `cspdash boundaries load FILE`.")
    for level, vintage, count in rows:
        gone = retired.get((level, vintage), 0)
        click.echo(
            f"{level:8} {vintage:10} {count:,} areas" + (f" ({gone:,} retired: replaced by later outlines)" if gone else "")
        )


@click.group()
def policeuk() -> None:
    """police.uk street-level records, placed in wards."""


@policeuk.command("load")
@_files
@click.option(
    "--vintage", default=None, metavar="YEAR", help="Ward boundary vintage to place records in (default: chosen from the data)."
)
@_dry_run
@_user
@pass_app
@explain_load_errors
def load_policeuk(app: AppContext, files: tuple[Path, ...], vintage: str | None, dry_run: bool, user: str) -> None:
    """Load police.uk street CSVs (or the zip as downloaded, the monthly archive of every force too) as ward crime and ASB counts."""
    engine = app.engine()
    for path in files:
        source = with_options(Source.from_path(path), PoliceUkOptions(vintage=vintage, progress=terminal_progress()))
        summary = run_load(engine, "policeuk", source, dry_run=dry_run, user=user)
        click.echo("\n".join(summary.lines()))
