"""``cspdash export pack|chart|map|data|ward|london|demand|summary``: the committee pack,
chart and map images for papers and slides, and the figures behind them for spreadsheets.

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

from cli.common import AppContext, area_option, error_text, pass_app
from exports import ExportError
from rules.periods import PeriodError, Quarter
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
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=None,
        help=f"Output format (default: from --out, else {choices[0]}).",
    )


def _explain(func: Callable[..., Any]) -> Callable[..., Any]:
    """Library errors become ``Error: …`` on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ExportError, UnknownArea, UnknownIndicator, MapRequestError) as exc:
            raise click.ClickException(error_text(exc)) from None

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


# The image size options every image export shares (the height's default differs per export).
_width_option = click.option(
    "--width",
    type=click.IntRange(100, 4000),
    default=800,
    show_default=True,
    help="Width in CSS pixels (800 fits A4 text width at a readable size).",
)
_scale_option = click.option(
    "--scale",
    type=click.FloatRange(0.5, 5),
    default=3,
    show_default=True,
    help="PNG pixels per CSS pixel (3 prints at over 300 dpi).",
)


@click.group("export")
def export() -> None:
    """Committee packs (Word, PDF, HTML), chart and map images (PNG, SVG) and the figures
    behind them (CSV, XLSX), with the same figures and ratings as the dashboard.

    Images and PDFs are drawn by the system Chromium (/usr/bin/chromium, or BROWSER_PATH);
    nothing is downloaded.
    """


@export.command("pack")
@_period
@area_option
@_format("docx", "pdf", "html")
@_out("docx", "pdf", "html")
@click.option(
    "--date",
    "when",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date printed in the title block, YYYY-MM-DD (default: today).",
)
@click.option("--as-published", is_flag=True, help="Write the pack file stored when the quarter was published, byte for byte.")
@click.option(
    "--version", "version", type=int, default=None, help="With --as-published: this published version (default: the latest)."
)
@pass_app
@_explain
def pack(
    app: AppContext,
    period: str,
    area: str | None,
    fmt: str | None,
    out: Path,
    when: dt.datetime | None,
    as_published: bool,
    version: int | None,
) -> None:
    """Write the quarter's committee pack: title block, RAG summary, how ratings work, the
    Appendix 1 table, a section per rated indicator with its charts and commentary, and the
    demand pressures (Appendix 2)."""
    from exports.pack import load_content, render_pack

    quarter, fmt = _quarter(period), _choose(fmt, out, ("docx", "pdf", "html"))
    if as_published or version is not None:
        from cli.publishing import write_published_pack

        return write_published_pack(app, quarter, area or app.settings.home_area, fmt, out, version)
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
    "--kind", type=click.Choice(["trend", "ytd", "comparator", "monthly", "spc", "funnel", "map"]), default="trend", show_default=True,
    help="trend: each quarter against target and tolerance; ytd: year to date against target and last year; comparator: change on a "
    "year earlier against the comparator (counts only); monthly: each month (crime and ASB); spc: statistical process "
    "control (XmR) chart, monthly where the figures allow; funnel: every partnership's rate per 1,000 residents against its "
    "population, with exact Poisson limits (crime counts, once the Home Office CSP tables are loaded); map: use `cspdash export map`.",
)  # fmt: skip
@_format("png", "svg")
@_out("png", "svg")
@_width_option
@click.option(
    "--height",
    type=click.IntRange(100, 4000),
    default=None,
    help="Height in CSS pixels (default: 450 for trend, 400 for the others).",
)
@_scale_option
@pass_app
@_explain
def chart(
    app: AppContext,
    code: str,
    period: str,
    area: str | None,
    kind: str,
    fmt: str | None,
    out: Path,
    width: int,
    height: int | None,
    scale: float,
) -> None:
    """Write one indicator's chart as a print-quality image, titled with its finding, with
    the measure and period as subtitle and the source underneath."""
    from exports.downloads import chart_download

    quarter, fmt = _quarter(period), _choose(fmt, out, ("png", "svg"))
    download = chart_download(app.engine(), code, quarter, area or app.settings.home_area, kind, fmt, width, height, scale)
    _write(out, download.content)
    click.echo(f"Wrote {out} ({_size(len(download.content))})")


@export.command("map")
@click.option(
    "--measure",
    default=None,
    metavar="KEY",
    help="What the map shows, as in the /map page's address, e.g. crime, asb or an indicator (default: the page's first measure).",
)
@click.option(
    "--period",
    default=None,
    metavar="PERIOD",
    help="Period as in /map's address, e.g. 2016-17-Q3 for a quarter (default: the latest held).",
)
@click.option(
    "--span",
    type=click.Choice(["month", "quarter", "ytd"]),
    default="quarter",
    show_default=True,
    help="Period length: month, quarter or year to date.",
)
@click.option(
    "--view",
    type=click.Choice(["count", "rate", "change"]),
    default="count",
    show_default=True,
    help="count: numbers; rate: per 1,000 residents; change: on the same period last year.",
)
@click.option(
    "--classes",
    type=click.Choice(["quantiles", "jenks"]),
    default="quantiles",
    show_default=True,
    help="How the colour classes are chosen.",
)
@area_option
@_format("png", "svg", "csv", "xlsx")
@_out("png", "svg", "csv", "xlsx")
@_width_option
@click.option(
    "--height",
    type=click.IntRange(100, 4000),
    default=None,
    help="Height in CSS pixels (default: the map page's height plus the title).",
)
@_scale_option
@pass_app
@_explain
def ward_map(
    app: AppContext, measure: str | None, period: str | None, span: str, view: str, classes: str, area: str | None,
    fmt: str | None, out: Path, width: int, height: int | None, scale: float,
) -> None:  # fmt: skip
    """Write the ward map as the /map page draws it for the same choices, titled with its
    finding, with the measure, area and period as subtitle and the source underneath (PNG,
    SVG), or every ward's figures, class and rank (CSV, XLSX)."""
    from exports.downloads import map_download

    app.engine()  # checks the database is set up, with a clear message if not
    fmt = _choose(fmt, out, ("png", "svg", "csv", "xlsx"))
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


# --- The other pages' charts: ward profile, London comparison, demand, scorecard summary -----
# Each writes an image of the chart (png, svg) or the figures behind it (csv, xlsx), as the
# page's download links do.

PAGE_FORMATS = ("png", "svg", "csv", "xlsx")


def _image_size(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option(
                "--width",
                type=click.IntRange(100, 4000),
                default=800,
                show_default=True,
                help="Image width in CSS pixels (800 fits A4 text width at a readable size).",
            ),
            click.option(
                "--height",
                type=click.IntRange(100, 4000),
                default=None,
                help="Image height in CSS pixels (default: the chart's own).",
            ),
            click.option(
                "--scale",
                type=click.FloatRange(0.5, 5),
                default=3,
                show_default=True,
                help="PNG pixels per CSS pixel (3 prints at over 300 dpi).",
            ),
        ]
    ):
        func = option(func)
    return func


def _map_query(default_view: str | None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    view_help = "count: numbers; rate: per 1,000 residents; change: on the same period last year."
    if default_view is None:
        view_help += " Default: rate where population figures are held, else change (as the page)."

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(
            [
                click.option(
                    "--measure",
                    default=None,
                    metavar="KEY",
                    help="What is mapped, as in the page's address, e.g. crime, asb (default: the first measure).",
                ),
                click.option(
                    "--period",
                    default=None,
                    metavar="PERIOD",
                    help="Period as in the page's address, e.g. 2016-17-Q3 (default: the latest held).",
                ),
                click.option(
                    "--span",
                    type=click.Choice(["month", "quarter", "ytd"]),
                    default="quarter",
                    show_default=True,
                    help="Period length: month, quarter or year to date.",
                ),
                click.option(
                    "--view",
                    type=click.Choice(["count", "rate", "change"]),
                    default=default_view,
                    show_default=default_view is not None,
                    help=view_help,
                ),
                click.option(
                    "--classes",
                    type=click.Choice(["quantiles", "jenks"]),
                    default="quantiles",
                    show_default=True,
                    help="How the colour classes are chosen.",
                ),
            ]
        ):
            func = option(func)
        return func

    return decorate


def _done(out: Path, content: bytes) -> None:
    _write(out, content)
    click.echo(f"Wrote {out} ({_size(len(content))})")


@export.command("ward")
@click.option("--ward", "code", required=True, metavar="CODE", help="Ward code, e.g. E05000306 (as in /ward/CODE).")
@click.option("--kind", type=click.Choice(["trend", "categories", "locator"]), default="trend", show_default=True,
              help="trend: all crime and ASB by quarter; categories: each crime category's chart, as one image; locator: where the ward is.")  # fmt: skip
@_map_query("count")
@_format(*PAGE_FORMATS)
@_out(*PAGE_FORMATS)
@_image_size
@pass_app
@_explain
def ward(
    app: AppContext, code: str, kind: str, measure: str | None, period: str | None, span: str, view: str, classes: str,
    fmt: str | None, out: Path, width: int, height: int | None, scale: float,
) -> None:  # fmt: skip
    """Write a ward profile chart as the /ward page draws it (PNG, SVG), titled with its
    finding, or the ward's figures by quarter (CSV, XLSX: all crime, ASB, each category)."""
    from exports.downloads import ward_download

    app.engine()
    params = {"measure": measure, "period": period, "span": span, "view": view, "classes": classes}
    download = ward_download(
        app.settings.database_url,
        app.settings.home_area,
        code,
        params,
        _choose(fmt, out, PAGE_FORMATS),
        kind,
        width,
        height,
        scale,
    )
    _done(out, download.content)


@export.command("london")
@click.option("--kind", type=click.Choice(["tile", "geo"]), default="tile", show_default=True,
              help="tile: one equal square per borough (always available); geo: the borough outlines (once loaded).")  # fmt: skip
@_map_query(None)
@_format(*PAGE_FORMATS)
@_out(*PAGE_FORMATS)
@_image_size
@pass_app
@_explain
def london(
    app: AppContext, kind: str, measure: str | None, period: str | None, span: str, view: str | None, classes: str,
    fmt: str | None, out: Path, width: int, height: int | None, scale: float,
) -> None:  # fmt: skip
    """Write the London comparison's map as the /london page draws it (PNG, SVG), titled
    with the home borough's rank, or every borough's figures, rank and class (CSV, XLSX)."""
    from exports.downloads import london_download

    app.engine()
    params = {"measure": measure, "period": period, "span": span, "view": view, "classes": classes}
    download = london_download(
        app.settings.database_url, app.settings.home_area, params, _choose(fmt, out, PAGE_FORMATS), kind, width, height, scale
    )
    _done(out, download.content)


@export.command("demand")
@_period
@area_option
@click.option(
    "--indicator",
    "code",
    default=None,
    metavar="CODE",
    help="One context indicator's chart (e.g. DP2) rather than all of them as one image.",
)
@_format(*PAGE_FORMATS)
@_out(*PAGE_FORMATS)
@_image_size
@pass_app
@_explain
def demand(
    app: AppContext,
    period: str,
    area: str | None,
    code: str | None,
    fmt: str | None,
    out: Path,
    width: int,
    height: int | None,
    scale: float,
) -> None:
    """Write the demand pressures charts as one image, or one indicator's chart (PNG, SVG),
    or every context indicator's figures by quarter (CSV, XLSX)."""
    from exports.downloads import demand_download

    quarter = _quarter(period)
    download = demand_download(
        app.engine(), quarter, area or app.settings.home_area, _choose(fmt, out, PAGE_FORMATS), code, width, height, scale
    )
    _done(out, download.content)


@export.command("summary")
@_period
@area_option
@_format(*PAGE_FORMATS)
@_out(*PAGE_FORMATS)
@_image_size
@pass_app
@_explain
def summary(
    app: AppContext, period: str, area: str | None, fmt: str | None, out: Path, width: int, height: int | None, scale: float
) -> None:
    """Write the scorecard's summary chart, how many rated indicators are Red, Amber and
    Green (PNG, SVG), or those counts overall and by goal (CSV, XLSX)."""
    from exports.downloads import summary_download

    quarter = _quarter(period)
    download = summary_download(
        app.engine(), quarter, area or app.settings.home_area, _choose(fmt, out, PAGE_FORMATS), width, height, scale
    )
    _done(out, download.content)


def register(group: click.Group) -> None:
    group.add_command(export)
