"""Read-only commands: what is stored (uploads, counts) and how it scores (score)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Collection

import click

from cli.common import AppContext, area_option, echo_summary, format_option, pass_app, shared_area_option, summary_json
from exports.tabular import neutralise
from rules.area_levels import LEVEL_NAMES, stored_level
from rules.gaps import has_point_for, latest_label
from rules.periods import PeriodError, Quarter
from rules.projection import projection_words
from rules.significance import significance_cell
from sources.declarations import UPLOADED
from sources.registry import SOURCES
from store.csp_crime import CSP_CRIME, CSP_TABLES
from store.db import session_scope
from store.reconcile import count_rows
from store.scorecard import CSV_COLUMNS, ScoreRow, build_scorecard, format_value
from store.spc_series import attach_spc
from store.upload_history import recent_uploads
from views.wording import dot_words

# Sources with counts or returns of their own (crime, asb, marac): an uploaded value has none.
COUNTED_SOURCES = [key for key, declared in SOURCES.items() if declared.coverage != UPLOADED]


def _table(headers: list[str], rows: list[list[str]], right: Collection[int] = frozenset()) -> str:
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
@click.option(
    "--as-published", is_flag=True, help="Show the quarter exactly as published (the frozen version), not the figures now."
)
@click.option(
    "--version", "version", type=int, default=None, help="With --as-published: this published version (default: the latest)."
)
@pass_app
def score(app: AppContext, period: str, area: str | None, fmt: str, as_published: bool, version: int | None) -> None:
    """Rate every indicator for a quarter: actual, target, RAG and direction of travel."""
    try:
        quarter = Quarter.parse(period)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None
    area = area or app.settings.home_area
    if as_published or version is not None:
        from cli.publishing import score_as_published

        return score_as_published(app, quarter, area, fmt, version)
    with session_scope(app.engine()) as session:
        card = build_scorecard(session, quarter, area)
        attach_spc(session, card)
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
            "indicators": [{**r.json_record(), "reason": r.reason} for r in card.rows],
            "summary": summary_json(card.summary),
        }
        click.echo(json.dumps(payload, indent=2))
        return
    headers = [
        "code", "indicator", "basis", "actual", "target", "tolerance", "rating", "variation", "assurance",
        "short term", "real?", "long term", "real?", "last quarter", "last year",
    ]  # fmt: skip
    rows = [
        [
            r.code, r.name, r.basis, format_value(r.actual, r.unit), r.target_text(), r.tolerance_text(),
            r.rag.value, _spc_cell(r, "variation"), _spc_cell(r, "assurance"), _dot(r, "short") + (" *" if r.dot_short_breaks else ""), significance_cell(r.dot_short_test),
            _dot(r, "long") + (" *" if r.dot_long_breaks else ""), significance_cell(r.dot_long_test),
            format_value(r.previous_quarter, r.unit), format_value(r.same_period_last_year, r.unit),
        ]
        for r in card.rows
    ]  # fmt: skip
    from cli.publishing import status_line

    click.echo(f"{card.area_name} ({area}), {quarter.label}\n{status_line(app, quarter, area)}\n")
    click.echo(_table(headers, rows, right={3, 13, 14}))
    click.echo("\nreal? yes: a real change (p < 0.05); no: within normal variation; blank: no test applies.")
    click.echo(
        "variation, assurance: SPC (Making Data Count) on the monthly series (by quarter for a quarterly source such as "
        "the Home Office tables); 'provisional' under 13 points."
    )
    for r in card.rows:
        for which, crossed in (("short", r.dot_short_breaks), ("long", r.dot_long_breaks)):
            if crossed:
                click.echo(f"* {r.code} {which}-term direction crosses a series break: " + "; ".join(b.label() for b in crossed))
    reasons = [f"  {r.code} {r.rag.value}: {r.reason}" for r in card.rows if r.rated and r.reason]
    if reasons:
        click.echo("\nWhy each rating\n" + "\n".join(reasons))
    echo_projections(card.rows)
    echo_summary(card.summary)
    for r in card.rows:
        for flag in r.flags:
            click.echo(f"  warning: {r.code} {flag}")
        if r.comparator_note:
            click.echo(f"  note: {r.code} {r.comparator_label or r.comparator_area} comparator {r.comparator_note}")
        for note in r.notes:
            click.echo(f"  note: {r.code} {note}")


def echo_projections(rows: list[ScoreRow]) -> None:
    """Each rated indicator's projected year end in words with its mark (+ on track, ! at risk,
    × off track, – not judged), or why there is none, as the scorecard page gives it."""
    lines = [
        f"  {r.code}: {words}" for r in rows if r.projection is not None and (words := projection_words(r.projection, r.unit))
    ]
    if lines:
        click.echo("\nProjected year end (+ on track, ! at risk, × off track, – not judged)\n" + "\n".join(lines))


def _spc_cell(row, which: str) -> str:
    if row.spc is None:
        return ""
    if not has_point_for(row.spc.periods, Quarter.parse(row.period)):
        return f"none: latest {latest_label(row.spc.periods)}"
    if row.spc.result.provisional:
        return "provisional"
    value = row.spc_variation if which == "variation" else row.spc_assurance
    return (value or "").replace("_", " ")


@click.command("counts")
@click.option(
    "--source",
    type=click.Choice([*COUNTED_SOURCES, CSP_TABLES]),
    required=True,
    help="Which counts to show (csp-crime: the Home Office quarterly counts by partnership, force, England and Wales, "
    "and region or country where whole forces make it up; "
    "csp-tables is the same, its older name).",
)
@shared_area_option
@click.option(
    "--level",
    type=click.Choice(list(LEVEL_NAMES)),
    help="Show every area of this level (within --area if given): district is a local authority district (borough is the same level).",
)
@click.option("--from", "first", metavar="YYYY-MM", help="First month.")
@click.option("--to", "last", metavar="YYYY-MM", help="Last month.")
@click.option(
    "--by",
    type=click.Choice(["month", "quarter", "year"]),
    default=None,
    help="Period to total by (default: month; quarter for csp-crime, which is quarterly).",
)
@click.option("--by-category", is_flag=True, help="Split by major and minor category (csp-crime: offence group and subgroup).")
@click.option(
    "--set-aside",
    "set_aside",
    is_flag=True,
    help="List instead the figures kept but not counted: another source is used for their borough-months.",
)
@format_option("table", "csv")
@pass_app
def counts(
    app: AppContext,
    source: str,
    area: str | None,
    level: str | None,
    first: str | None,
    last: str | None,
    by: str | None,
    by_category: bool,
    set_aside: bool,
    fmt: str,
) -> None:
    """Print stored counts so they can be checked against the source file's totals."""
    source = CSP_CRIME if source == CSP_TABLES else source  # the older name, kept working
    if source == CSP_CRIME and by == "month":
        raise click.ClickException("the Home Office CSP tables are quarterly: use --by quarter or --by year")
    by = by or ("quarter" if source == CSP_CRIME else "month")
    if not area and not level:
        area = app.settings.home_area
    if set_aside:
        _print_set_aside(app, source, area, first, last, fmt)
        return
    with session_scope(app.engine()) as session:
        try:
            headers, records = count_rows(
                session,
                source,
                area=area,
                level=stored_level(level) if level else None,
                first=first,
                last=last,
                by=by,
                by_category=by_category,
            )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    if fmt == "csv":
        click.echo(_csv(headers, records), nl=False)
        return
    if not records:
        click.echo("No counts held for that selection.")
        return
    click.echo(
        _table(
            headers,
            [[f"{r[h]:,}" if h == "count" and r[h] != "" else str(r[h]) for h in headers] for r in records],
            right={headers.index("count")},
        )
    )


def _print_set_aside(app: AppContext, source: str, area: str | None, first: str | None, last: str | None, fmt: str) -> None:
    """Figures of a source set aside (``store.count_sources``): per area, month and part."""
    from sources.registry import counted
    from store.areas import AreaTree
    from store.count_sources import SOURCE_NAMES, force_of_part, set_aside_totals, source_of_part

    if source not in counted():
        raise click.ClickException("only crime and ASB counts can be set aside")
    with session_scope(app.engine()) as session:
        tree = AreaTree.load(session)
        within = set(tree.with_descendants([area])) if area else None
        held = set_aside_totals(session, source)
    headers = ["area_code", "area", "month", "source", "force", "count"]
    records = [
        {
            "area_code": a,
            "area": tree.name(a),
            "month": m,
            "source": SOURCE_NAMES[source_of_part(p)],
            "force": force_of_part(p),
            "count": n,
        }
        for (a, m, p), n in sorted(held.items())
        if (within is None or a in within) and (not first or m >= first) and (not last or m <= last)
    ]
    if fmt == "csv":
        click.echo(_csv(headers, records), nl=False)
        return
    if not records:
        click.echo("Nothing is set aside for that selection: every figure held is counted.")
        return
    click.echo(
        _table(
            headers,
            [[f"{r[h]:,}" if h == "count" else str(r[h]) for h in headers] for r in records],
            right={headers.index("count")},
        )
    )


@click.command("uploads")
@click.option("--limit", default=50, show_default=True, help="How many of the latest loads to list.")
@format_option("table", "csv", "json")
@pass_app
def uploads(app: AppContext, limit: int, fmt: str) -> None:
    """List loaded files: when, by whom, kind, file name, SHA-256, rows and periods, and
    which published versions each one revised (changed a published figure of)."""
    from store.revisions import uploads_revising

    with session_scope(app.engine()) as session:
        items = recent_uploads(session, limit)
        revised = uploads_revising(session)  # which published versions each upload revised
        records = [
            {"id": u.id, "loaded_at": u.loaded_at.isoformat(), "loaded_by": u.loaded_by, "kind": u.kind, "file_name": u.file_name,
             "sha256": u.sha256, "rows": u.rows, "periods": u.periods, "revised_published": ", ".join(revised.get(u.id, []))}
            for u in items
        ]  # fmt: skip
        rows = [
            [
                str(u.id),
                u.loaded_at.strftime("%Y-%m-%d %H:%M"),
                u.loaded_by,
                u.kind,
                u.file_name,
                u.sha256[:12],
                f"{u.rows:,}",
                _period_span(u.periods),
                ", ".join(revised.get(u.id, [])),
            ]  # fmt: skip
            for u in items
        ]
    if fmt == "csv":
        click.echo(
            _csv(
                ["id", "loaded_at", "loaded_by", "kind", "file_name", "sha256", "rows", "periods", "revised_published"], records
            ),
            nl=False,
        )
        return
    if fmt == "json":
        click.echo(json.dumps(records, indent=2))
        return
    if not rows:
        click.echo("Nothing has been loaded yet.")
        return
    click.echo(
        _table(["id", "loaded at (UTC)", "by", "kind", "file", "sha256", "rows", "periods", "revised published"], rows, right={6})
    )


def _period_span(periods: str) -> str:
    items = [p.strip() for p in periods.split(",") if p.strip()]
    if len(items) <= 2:
        return ", ".join(items)
    return f"{items[0]} to {items[-1]}"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (behind a proxy keep 127.0.0.1).")
@click.option("--port", default=8050, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: 2 x cores + 1, at most 8).")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True, help="Threads per worker.")
@click.option(
    "--timeout", type=click.IntRange(10, 3600), default=120, show_default=True, help="Seconds before a stuck worker is restarted."
)
@click.option("--debug", is_flag=True, help="Flask's development server with Dash's debug tools instead (development only).")
@pass_app
def serve(app: AppContext, host: str, port: int, workers: int | None, threads: int, timeout: int, debug: bool) -> None:
    """Run the dashboard with gunicorn: several worker processes, each with threads.

    `wsgi:server` is the WSGI application for running it under any other server."""
    # Fail early with a clear message if the schema is missing; then close the pool, so no
    # connection opened here is inherited by the forked workers.
    app.engine().dispose()
    if debug:
        from app import create_app

        click.echo(f"cspdash (development server) on http://{host}:{port}/ (Ctrl+C to stop)")
        create_app(app.settings).run(host=host, port=port, debug=True)
        return
    from web.serving.gunicorn_server import default_workers, run

    workers = workers or default_workers()
    click.echo(f"cspdash on http://{host}:{port}/ with {workers} workers x {threads} threads (Ctrl+C to stop)")
    run(app.settings, host, port, workers, threads, timeout)


def register(group: click.Group) -> None:
    for command in (score, counts, uploads, serve):
        group.add_command(command)


def _dot(row: ScoreRow, which: str) -> str:
    """better/worse for a rated indicator; neutral "up 3.2%" for a context one."""
    d = row.dot_short if which == "short" else row.dot_long
    return dot_words(row, which) if not row.rated else d.value
