"""``cspdash spc``: an XmR chart's figures, from a CSV file or from stored data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import click
import pandas as pd

from cli.common import AppContext, error_text, explain_load_errors, format_option, partnership_area, partnership_option, pass_app
from loaders.errors import LoadError, ProblemLog
from loaders.reading import CsvReader, Source, require_columns
from rules.breaks import period_span
from rules.periods import PeriodError
from rules.spc import ASSURANCE_WORDS, RULE_WORDS, VARIATION_WORDS, Improvement, SpcResult, xmr


def read_series(path: Path) -> tuple[list[str], list[float]]:
    """``period,value`` rows in file order; every bad cell is reported (file, row, column, value)."""
    source = Source.from_path(path)
    reader = CsvReader.open(source)
    cols = require_columns(reader, ["period", "value"])
    chunks = list(reader.chunks())
    frame = pd.concat(chunks) if chunks else pd.DataFrame(columns=[*reader.columns, "__row__"])
    log = ProblemLog()
    periods: list[str] = []
    values: list[float] = []
    seen: dict[str, int] = {}
    for row, period, raw in zip(frame["__row__"], frame[cols["period"]], frame[cols["value"]]):
        row = int(row)
        if period == "":
            log.add(row, "period", period, "this cell must not be blank")
        elif period in seen:
            log.add(row, "period", period, f"duplicate period: already given in row {seen[period]}")
        else:
            seen[period] = row
        text = raw.replace(",", "").replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if raw == "":
            log.add(row, "value", raw, "a number is required here")
        elif not math.isfinite(number):
            log.add(row, "value", raw, "not a number")
        periods.append(period)
        values.append(number)
    if not periods and not log:
        log.add(None, None, None, "the file has no data rows")
    _check_time_order(periods, list(frame["__row__"]), log)
    if log:
        raise LoadError(source.name, log.problems, log.total)
    return periods, values


def _check_time_order(periods: list[str], rows: list[int], log: ProblemLog) -> None:
    """Months or quarters must run forwards (other labels are taken in file order): a chart
    of shuffled periods would flag runs and trends that are not there."""
    try:
        keys = [period_span(p)[0] for p in periods]
    except PeriodError:
        return
    for i in range(1, len(keys)):
        if keys[i] <= keys[i - 1] and periods[i] != periods[i - 1]:
            log.add(
                int(rows[i]), "period", periods[i], f"out of time order: comes after {periods[i - 1]}; sort the file by period"
            )


def _table(result: SpcResult) -> str:
    seg = result.current
    fmt = lambda v: "–" if v is None else f"{v:,.1f}"  # noqa: E731
    lines = [
        f"mean {fmt(seg.mean)}, lower limit {fmt(seg.lower_limit)}, upper limit {fmt(seg.upper_limit)}"
        + (f" (from {result.points[seg.start].period}, after a series break)" if len(result.segments) > 1 else ""),
    ]
    if result.provisional:
        lines.append(
            f"provisional: only {seg.size} points since the last baseline (13 are needed); no variation or assurance verdict"
        )
    else:
        lines.append(f"variation: {result.variation.value} ({VARIATION_WORDS[result.variation]})")  # type: ignore[index,union-attr]
        if result.assurance is not None:
            lines.append(f"assurance: {result.assurance.value} ({ASSURANCE_WORDS[result.assurance]})")
    width = max(len("period"), *(len(p.period) for p in result.points))
    lines += ["", f"{'period'.ljust(width)}  {'value':>12}  special cause"]
    for p in result.points:
        cause = "" if not p.rules else f"{p.point_type.value}: " + "; ".join(RULE_WORDS[r] for r in p.rules)
        lines.append(f"{p.period.ljust(width)}  {p.value:>12,.6g}  {cause}".rstrip())
    return "\n".join(lines)


@click.command("spc")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--improvement",
    type=click.Choice([i.value for i in Improvement]),
    help="Which way is better (for FILE; stored indicators use their polarity).",
)
@click.option("--target", type=float, help="Target to judge assurance against.")
@click.option(
    "--no-screen", is_flag=True, help="Keep large moving ranges in the limits (as the MDC Excel tool); screened out by default."
)
@click.option("--indicator", metavar="CODE", help="Chart a stored indicator instead of a FILE.")
# Not cli.common.area_option: a FILE needs no database, so the partnership is chosen only for --indicator.
@click.option("--area", "area", default=None, metavar="CODE", help="GSS area code (default: the partnership's area).")
@partnership_option
@click.option(
    "--by", type=click.Choice(["month", "quarter"]), default="month", show_default=True, help="Period of the stored series."
)
@format_option("table", "json")
@pass_app
@explain_load_errors
def spc(
    app: AppContext,
    file: Path | None,
    improvement: str | None,
    target: float | None,
    no_screen: bool,
    indicator: str | None,
    area: str | None,
    partnership: str | None,
    by: str,
    fmt: str,
) -> None:
    """XmR chart figures (NHS England's Making Data Count rules): mean, limits, special-cause
    points, variation and assurance.

    FILE is a CSV of period,value rows in time order (needs --improvement); or give
    --indicator CODE [--area CODE] [--by month|quarter] for stored data, rebased at its series breaks.
    """
    if (file is None) == (indicator is None):
        raise click.UsageError("give a FILE or --indicator CODE (not both)")
    notes: list[str] = []
    if file is not None:
        if improvement is None:
            raise click.UsageError("--improvement increase|decrease|neutral is required with a FILE")
        periods, values = read_series(file)
        result = xmr(values, periods, improvement=improvement, target=target, screen=not no_screen)
        payload = result.as_dict()
    else:
        from store.db import session_scope
        from store.partnerships import chosen_partnership
        from store.spc_series import SpcUnavailable, indicator_spc

        chosen = partnership_area(partnership)  # several held and none chosen: an error naming them
        with chosen_partnership(partnership and chosen), session_scope(app.engine()) as session:
            try:
                stored = indicator_spc(
                    session,
                    indicator,  # type: ignore[arg-type]
                    area or chosen,
                    by,
                    screen=not no_screen,
                    target=target,
                )
            except SpcUnavailable as exc:
                raise click.ClickException(error_text(exc)) from None
        result, payload, notes = stored.result, stored.as_dict(), stored.notes
        notes = notes + [f"series break {a.date.isoformat()}: {a.reason}" for a in stored.annotations if a.kind == "break"]
    if fmt == "json":
        click.echo(json.dumps(payload, indent=2))
        return
    click.echo(_table(result))
    for note in notes:
        click.echo(f"note: {note}")


def register(group: click.Group) -> None:
    group.add_command(spc)
