"""``cspdash export pack|chart|map|data``: the committee pack, chart and map images for
papers and slides, and an indicator's figures for spreadsheets.

The library (``exports/``) raises; this module only turns its errors into one-line
messages and a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cli.common import AppContext, area_option, pass_app
from exports import ExportError
from rag.periods import PeriodError, Quarter
from store.map_queries import MapRequestError
from store.queries import UnknownArea, UnknownIndicator

_period = click.option("--period", required=True, metavar="QUARTER", help="Quarter, e.g. 2016-17-Q3 (or '2016/17 Q3').")
_indicator = click.option("--indicator", "code", required=True, metavar="CODE", help="Indicator code, e.g. CSP1.")


def _out(*suffixes: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--out", "out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
        help=f"File to write ({', '.join('.' + s for s in suffixes)}); the format follows its suffix unless --format is given.",
    )  # fmt: skip


def _format(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--format", "fmt", type=click.Choice(choices), default=None, help=f"Output format (default: from --out, else {choices[0]}).")


def _explain(func: Callable[..., Any]) -> Callable[..., Any]:
    """Library errors become ``Error: …`` on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ExportError, UnknownArea, UnknownIndicator, MapRequestError) as exc:
            raise click.ClickException(str(exc.args[0] if exc.args else exc)) from None

    return wrapper


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None


def _choose(fmt: str | None, out: Path, choices: tuple[str, ...]) -> str:
    if fmt:
        return fmt
    suffix = out.suffix.lower().lstrip(".")
    return suffix if suffix in choices else choices[0]


def _write(out: Path, content: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(n // 1000, 1)} kB"


@click.group("export")
def export() -> None:
    """Committee packs (Word, PDF, HTML), chart images (PNG, SVG) and indicator figures
    (CSV, XLSX), with the same figures and ratings as the dashboard.

    Images and PDFs are drawn by the system Chromium (/usr/bin/chromium, or BROWSER_PATH);
    nothing is downloaded.
    """


@export.command("pack")
@_period
@area_option
@_format("docx", "pdf", "html")
@_out("docx", "pdf", "html")
@click.option("--date", "when", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Date printed in the title block, YYYY-MM-DD (default: today).")
@pass_app
@_explain
def pack(app: AppContext, period: str, area: str | None, fmt: str | None, out: Path, when: dt.datetime | None) -> None:
    """Write the quarter's committee pack: title block, RAG summary, how ratings work, the
    Appendix 1 table, a section per rated indicator with its charts and commentary, and the
    demand pressures (Appendix 2)."""
    from exports.pack import load_content, render_pack

    quarter, fmt = _quarter(period), _choose(fmt, out, ("docx", "pdf", "html"))
    content = load_content(app.engine(), quarter, area or app.settings.home_area, app.settings, when.date() if when else None)
    data = render_pack(content, fmt)
    _write(out, data)
    click.echo(f"Wrote {out} ({_size(len(data))}): {content.area_name}, {quarter.label}. {content.summary_sentence}")
    for note in content.notes:
        click.echo(f"warning: {note}", err=True)


@export.command("chart")
@_indicator
@_period
@area_option
@click.option(
    "--kind", type=click.Choice(["trend", "ytd", "comparator", "monthly", "map"]), default="trend", show_default=True,
    help="trend: each quarter against target and tolerance; ytd: year to date against last year; comparator: change on a "
    "year earlier against the comparator (counts only); monthly: each month (crime and ASB); map: use `cspdash export map`.",
)  # fmt: skip
@_format("png", "svg")
@_out("png", "svg")
@click.option("--width", type=click.IntRange(100, 4000), default=800, show_default=True, help="Width in CSS pixels (800 fits A4 text width at a readable size).")
@click.option("--height", type=click.IntRange(100, 4000), default=None, help="Height in CSS pixels (default: 450 for trend, 400 for the others).")
@click.option("--scale", type=click.FloatRange(0.5, 5), default=3, show_default=True, help="PNG pixels per CSS pixel (3 prints at over 300 dpi).")
@pass_app
@_explain
def chart(app: AppContext, code: str, period: str, area: str | None, kind: str, fmt: str | None, out: Path, width: int, height: int | None, scale: float) -> None:
    """Write one indicator's chart as a print-quality image, titled with its finding, with
    the measure and period as subtitle and the source underneath."""
    from exports.downloads import chart_download

    quarter, fmt = _quarter(period), _choose(fmt, out, ("png", "svg"))
    download = chart_download(app.engine(), code, quarter, area or app.settings.home_area, kind, fmt, width, height, scale)
    _write(out, download.content)
    click.echo(f"Wrote {out} ({_size(len(download.content))})")


@export.command("map")
@click.option("--measure", default=None, metavar="KEY", help="What the map shows, as in the /map page's address, e.g. crime, asb or an indicator (default: the page's first measure).")
@click.option("--period", default=None, metavar="PERIOD", help="Period as in /map's address, e.g. 2016-17-Q3 for a quarter (default: the latest held).")
@click.option("--span", type=click.Choice(["month", "quarter", "ytd"]), default="quarter", show_default=True, help="Period length: month, quarter or year to date.")
@click.option("--view", type=click.Choice(["count", "rate", "change"]), default="count", show_default=True, help="count: numbers; rate: per 1,000 residents; change: on the same period last year.")
@click.option("--classes", type=click.Choice(["quantiles", "jenks"]), default="quantiles", show_default=True, help="How the colour classes are chosen.")
@area_option
@_format("png", "svg")
@_out("png", "svg")
@click.option("--width", type=click.IntRange(100, 4000), default=800, show_default=True, help="Width in CSS pixels (800 fits A4 text width at a readable size).")
@click.option("--height", type=click.IntRange(100, 4000), default=None, help="Height in CSS pixels (default: the map page's height plus the title).")
@click.option("--scale", type=click.FloatRange(0.5, 5), default=3, show_default=True, help="PNG pixels per CSS pixel (3 prints at over 300 dpi).")
@pass_app
@_explain
def ward_map(
    app: AppContext, measure: str | None, period: str | None, span: str, view: str, classes: str, area: str | None,
    fmt: str | None, out: Path, width: int, height: int | None, scale: float,
) -> None:  # fmt: skip
    """Write the ward map as the /map page draws it for the same choices, titled with its
    finding, with the measure, area and period as subtitle and the source underneath."""
    from exports.downloads import map_download

    app.engine()  # checks the database is set up, with a clear message if not
    fmt = _choose(fmt, out, ("png", "svg"))
    params = {"measure": measure, "period": period, "span": span, "view": view, "classes": classes, "area": area}
    download = map_download(app.settings.database_url, app.settings.home_area, params, fmt, width, height, scale)
    _write(out, download.content)
    click.echo(f"Wrote {out} ({_size(len(download.content))})")


@export.command("data")
@_indicator
@_period
@area_option
@_format("csv", "xlsx")
@_out("csv", "xlsx")
@pass_app
@_explain
def data(app: AppContext, code: str, period: str, area: str | None, fmt: str | None, out: Path) -> None:
    """Write one indicator's figures by quarter (actuals, target, tolerance, rating,
    direction, commentary) as CSV or XLSX, safe to open in a spreadsheet."""
    from exports.downloads import data_download

    quarter, fmt = _quarter(period), _choose(fmt, out, ("csv", "xlsx"))
    download = data_download(app.engine(), code, quarter, area or app.settings.home_area, fmt)
    _write(out, download.content)
    click.echo(f"Wrote {out} ({_size(len(download.content))})")


def register(group: click.Group) -> None:
    group.add_command(export)
