"""Read-only commands: what is stored (uploads, counts) and how it scores (score)."""

from __future__ import annotations

import csv
import io
import json
import re

import click
from sqlalchemy import select

from cli.common import AppContext, area_option, format_option, pass_app
from exports.tabular import neutralise
from rag.periods import PeriodError, Quarter
from rag.summary import summary_sentence
from store.db import session_scope
from store.models import Upload
from store.reconcile import count_rows
from store.scorecard import CSV_COLUMNS, build_scorecard, format_value


def _table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


_NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")


def _safe(value: object) -> object:
    """Text a spreadsheet would run as a formula (``=…``, ``+…``, ``@…``) gets a leading
    apostrophe, as the web's CSV downloads do; numbers (``-3.7``, ``2.5%``) stay numbers."""
    if isinstance(value, str) and not _NUMBER.match(value):
        return neutralise(value)
    return value


def _csv(headers: list[str], records: list[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, lineterminator="\n")
    writer.writerow({h: _safe(h) for h in headers})
    writer.writerows({k: _safe(v) for k, v in record.items()} for record in records)
    return out.getvalue()


@click.command("score")
@click.option("--period", required=True, metavar="QUARTER", help="Quarter to score, e.g. 2016-17-Q3 (or '2016/17 Q3').")
@area_option
@format_option("table", "csv", "json")
@pass_app
def score(app: AppContext, period: str, area: str | None, fmt: str) -> None:
    """Rate every indicator for a quarter: actual, target, RAG and direction of travel."""
    try:
        quarter = Quarter.parse(period)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None
    area = area or app.settings.home_area
    with session_scope(app.engine()) as session:
        card = build_scorecard(session, quarter, area)
    if not card.rows:
        raise click.ClickException("No indicators are defined: load them with `cspdash ingest indicators FILE`.")
    records = [r.csv_record() for r in card.rows]
    if fmt == "csv":
        click.echo(_csv(CSV_COLUMNS, records), nl=False)
        return
    if fmt == "json":
        payload = {
            "period": quarter.key,
            "area_code": area,
            "area_name": card.area_name,
            "indicators": [r.json_record() for r in card.rows],
            "summary": {
                "sentence": summary_sentence(card.summary.overall),
                "by_goal": {g: summary_sentence(c) for g, c in card.summary.by_goal.items()},
            },
        }
        click.echo(json.dumps(payload, indent=2))
        return
    headers = ["code", "indicator", "basis", "actual", "target", "tolerance", "rating", "short term", "long term", "last quarter", "last year"]
    rows = [
        [
            r.code, r.name, r.basis, format_value(r.actual, r.unit), r.target_text(), r.tolerance_text(),
            r.rag.value, r.dot_short.value, r.dot_long.value,
            format_value(r.previous_quarter, r.unit), format_value(r.same_period_last_year, r.unit),
        ]
        for r in card.rows
    ]  # fmt: skip
    click.echo(f"{card.area_name} ({area}), {quarter.label}\n")
    click.echo(_table(headers, rows, right={3, 9, 10}))
    click.echo("\nRAG summary")
    click.echo(f"  Overall: {summary_sentence(card.summary.overall)}")
    for goal, counts in card.summary.by_goal.items():
        click.echo(f"  {goal}: {summary_sentence(counts)}")
    for r in card.rows:
        for flag in r.flags:
            click.echo(f"  warning: {r.code} {flag}")
        if r.comparator_note:
            click.echo(f"  note: {r.code} {r.comparator_label or r.comparator_area} comparator {r.comparator_note}")
        for note in r.notes:
            click.echo(f"  note: {r.code} {note}")


@click.command("counts")
@click.option("--source", type=click.Choice(["crime", "asb", "marac"]), required=True, help="Which counts to show.")
@area_option
@click.option("--level", type=click.Choice(["ward", "borough", "region"]), help="Show every area of this level (within --area if given).")
@click.option("--from", "first", metavar="YYYY-MM", help="First month.")
@click.option("--to", "last", metavar="YYYY-MM", help="Last month.")
@click.option("--by", type=click.Choice(["month", "quarter", "year"]), default="month", show_default=True, help="Period to total by.")
@click.option("--by-category", is_flag=True, help="Split by major and minor category.")
@format_option("table", "csv")
@pass_app
def counts(app: AppContext, source: str, area: str | None, level: str | None, first: str | None, last: str | None, by: str, by_category: bool, fmt: str) -> None:
    """Print stored counts so they can be checked against the source file's totals."""
    if not area and not level:
        area = app.settings.home_area
    with session_scope(app.engine()) as session:
        try:
            headers, records = count_rows(session, source, area=area, level=level, first=first, last=last, by=by, by_category=by_category)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    if fmt == "csv":
        click.echo(_csv(headers, records), nl=False)
        return
    if not records:
        click.echo("No counts held for that selection.")
        return
    click.echo(_table(headers, [[f"{r[h]:,}" if h == "count" else str(r[h]) for h in headers] for r in records], right={headers.index("count")}))


@click.command("uploads")
@click.option("--limit", default=50, show_default=True, help="How many of the latest loads to list.")
@format_option("table", "csv", "json")
@pass_app
def uploads(app: AppContext, limit: int, fmt: str) -> None:
    """List loaded files: when, by whom, kind, file name, SHA-256, rows and periods."""
    with session_scope(app.engine()) as session:
        items = list(session.scalars(select(Upload).order_by(Upload.id.desc()).limit(limit)))
        records = [
            {"id": u.id, "loaded_at": u.loaded_at.isoformat(), "loaded_by": u.loaded_by, "kind": u.kind, "file_name": u.file_name,
             "sha256": u.sha256, "rows": u.rows, "periods": u.periods}
            for u in items
        ]  # fmt: skip
        rows = [
            [str(u.id), u.loaded_at.strftime("%Y-%m-%d %H:%M"), u.loaded_by, u.kind, u.file_name, u.sha256[:12], f"{u.rows:,}", _period_span(u.periods)]
            for u in items
        ]
    if fmt == "csv":
        click.echo(_csv(["id", "loaded_at", "loaded_by", "kind", "file_name", "sha256", "rows", "periods"], records), nl=False)
        return
    if fmt == "json":
        click.echo(json.dumps(records, indent=2))
        return
    if not rows:
        click.echo("Nothing has been loaded yet.")
        return
    click.echo(_table(["id", "loaded at (UTC)", "by", "kind", "file", "sha256", "rows", "periods"], rows, right={6}))


def _period_span(periods: str) -> str:
    items = [p.strip() for p in periods.split(",") if p.strip()]
    if len(items) <= 2:
        return ", ".join(items)
    return f"{items[0]} to {items[-1]}"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8050, show_default=True, help="Port to listen on.")
@click.option("--debug", is_flag=True, help="Dash debug mode (development only).")
@pass_app
def serve(app: AppContext, host: str, port: int, debug: bool) -> None:
    """Run the dashboard web app."""
    from app import create_app

    app.engine()  # fail early with a clear message if the schema is missing
    click.echo(f"cspdash on http://{host}:{port}/ (Ctrl+C to stop)")
    create_app(app.settings).run(host=host, port=port, debug=debug)


def register(group: click.Group) -> None:
    for command in (score, counts, uploads, serve):
        group.add_command(command)
