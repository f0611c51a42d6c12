"""``cspdash submit|publish|reopen|versions|revisions``: sign off a quarter, freeze what the
committee saw, and list every revision since.

Who: ``--as NAME`` acts as that dashboard user, and their role is checked (analysts submit;
leads and admins publish and re-open a published quarter). Without ``--as`` the command acts
as the server operator, with an admin's rights, recorded as ``cli``: whoever can run cspdash
on the server holds the database's credentials anyway. The checks are made by
``reporting.workflow`` (through ``store.publishing``), so the web gets the same refusals; the
CLI adds its flags to them (``cli.common.publishing_message``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cli.common import AppContext, area_option, echo_summary, format_option, pass_app, publishing_message, summary_json
from exports import ExportError
from exports.tabular import csv_text
from reporting.workflow import NotAllowed
from rules.periods import PeriodError, Quarter
from store.db import session_scope
from store.publishing import (
    NotReady,
    PublishingError,
    check_readiness,
    day_label,
    published_file,
    published_scorecard,
    quarter_state,
    reopen_quarter,
    submit_quarter,
)
from store.queries import UnknownArea
from store.revisions import revisions as find_revisions
from store.users import Principal, principal_for

OPERATOR = Principal("cli", "admin")

_period = click.option("--period", required=True, metavar="QUARTER", help="Quarter, e.g. 2016-17-Q3 (or '2016/17 Q3').")
_as_user = click.option(
    "--as", "as_user", default=None, metavar="USER",
    help="Act as this dashboard user (their role is checked and their name recorded). Default: the server operator, as admin, recorded as 'cli'.",
)  # fmt: skip


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from None


def _explain(func: Callable[..., Any]) -> Callable[..., Any]:
    """Refusals become ``Error: …`` on stderr and exit status 1; nothing is stored."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (PublishingError, ExportError, UnknownArea) as exc:
            if isinstance(exc, NotAllowed) and kwargs.get("as_user"):
                _record_refusal(args[0], exc, kwargs.get("area"))
            raise click.ClickException(publishing_message(exc)) from None

    return wrapper


def _record_refusal(app: AppContext, refused: NotAllowed, area: str | None) -> None:
    """A user the command acted for (``--as``) was refused: kept in the change log like a
    refused write on the pages, under the partnership the quarter belongs to."""
    from store.audit import record_refusal
    from store.partnerships import PartnershipError, partnership_of

    with session_scope(app.engine()) as session:
        try:
            partnership: str | None = partnership_of(session, area or app.settings.home_area)
        except PartnershipError:
            partnership = None
        record_refusal(
            session, refused.user, refused.action, partnership, {"area": area, "needed": refused.needed, "held": refused.role}
        )


def _principal(app: AppContext, name: str | None) -> Principal:
    if name is None:
        return OPERATOR
    with session_scope(app.engine()) as session:
        user = principal_for(session, name)
    if user is None:
        raise click.ClickException(f"No active dashboard user called {name!r}; see `cspdash users list`.")
    return user


@click.command("submit")
@_period
@area_option
@click.option("--note", default="", help="A note for the lead who signs it off (kept in the change log).")
@_as_user
@pass_app
@_explain
def submit(app: AppContext, period: str, area: str | None, note: str, as_user: str | None) -> None:
    """Submit a quarter's report for sign-off (analysts, leads, admins). Lists anything that
    would stop it being published."""
    quarter, area = _quarter(period), area or app.settings.home_area
    by = _principal(app, as_user)
    with session_scope(app.engine()) as session:
        status = submit_quarter(session, quarter, area, by, note)
        missing = check_readiness(session, quarter, area)
    click.echo(f"Submitted {quarter.label} for {area} for sign-off. {status.headline}")
    for item in missing:
        click.echo(f"warning: before it can be published: {item}", err=True)


@click.command("publish")
@_period
@area_option
@click.option("--note", default="", help="A note kept with the published version (e.g. the committee meeting).")
@click.option(
    "--force",
    is_flag=True,
    help="Publish even though something is missing (a Red without corrective action, an incomplete figure); needs --reason.",
)
@click.option(
    "--reason", default="", help="Why --force is used, or why this correction (version 2 or later) is published; recorded."
)
@click.option(
    "--date",
    "when",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date printed in the pack's title block, YYYY-MM-DD (default: today).",
)
@_as_user
@pass_app
@_explain
def publish(
    app: AppContext,
    period: str,
    area: str | None,
    note: str,
    force: bool,
    reason: str,
    when: dt.datetime | None,
    as_user: str | None,
) -> None:
    """Sign off a quarter (leads and admins): freeze every figure, rating, commentary and
    corrective action, the RAG summary, the indicator pages' figures and the committee pack
    files (Word, PDF, HTML, with their SHA-256) as the next published version."""
    from exports.publication import publish_with_pack

    quarter, area = _quarter(period), area or app.settings.home_area
    by = _principal(app, as_user)
    try:
        info = publish_with_pack(
            app.engine(),
            quarter,
            area,
            app.settings,
            by,
            note=note,
            force=force,
            reason=reason,
            date=when.date() if when else None,
        )
    except NotReady as exc:
        click.echo(f"Error: {publishing_message(exc)}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Published {quarter.label} for {area}: {info.headline}.")
    if info.forced:
        click.echo(f"  forced: {info.force_reason}")
    if info.correction_reason:
        click.echo(f"  correction: {info.correction_reason}")
    for f in info.files:
        click.echo(f"  {f.file_name}  {f.size:,} bytes  sha256 {f.sha256}")


@click.command("reopen")
@_period
@area_option
@click.option("--reason", required=True, help="Why the quarter is re-opened (recorded; the default reason for the correction).")
@_as_user
@pass_app
@_explain
def reopen(app: AppContext, period: str, area: str | None, reason: str, as_user: str | None) -> None:
    """Return a submitted or published quarter to draft. Earlier published versions are
    kept; publishing again makes the next version."""
    quarter, area = _quarter(period), area or app.settings.home_area
    by = _principal(app, as_user)
    with session_scope(app.engine()) as session:
        status = reopen_quarter(session, quarter, area, by, reason)
    click.echo(f"Re-opened {quarter.label} for {area}. {status.headline}")


@click.command("versions")
@_period
@area_option
@pass_app
def versions(app: AppContext, period: str, area: str | None) -> None:
    """Show where a quarter stands and every version published, with its pack files' SHA-256."""
    quarter, area = _quarter(period), area or app.settings.home_area
    with session_scope(app.engine()) as session:
        status = quarter_state(session, quarter, area)
    click.echo(f"{quarter.label}, {area}: {status.headline}")
    for v in status.versions:
        click.echo(f"\n{v.headline} ({v.published_at:%Y-%m-%d %H:%M} UTC)")
        for label, text in (
            ("note", v.note),
            ("correction", v.correction_reason),
            ("forced", v.force_reason if v.forced else ""),
        ):
            if text:
                click.echo(f"  {label}: {text}")
        click.echo(f"  document sha256 {v.document_sha256}")
        for f in v.files:
            click.echo(f"  {f.file_name}  {f.size:,} bytes  sha256 {f.sha256}")


REVISION_COLUMNS = ["code", "indicator", "field", "published", "now", "rated_figure", "changed_at", "uploads", "changed_by"]


@click.command("revisions")
@_period
@area_option
@click.option("--version", "version", type=int, default=None, help="Compare with this published version (default: the latest).")
@format_option("table", "csv", "json")
@pass_app
@_explain
def revisions(app: AppContext, period: str, area: str | None, version: int | None, fmt: str) -> None:
    """List every figure that differs from the published version: indicator, field, the
    published value, the value now, when the data changed and which upload changed it, and
    any rating that would now be different."""
    quarter, area = _quarter(period), area or app.settings.home_area
    with session_scope(app.engine()) as session:
        report = find_revisions(session, quarter, area, version)
    if report is None:
        raise click.ClickException(f"{quarter.label} has not been published for {area}, so nothing can have been revised.")
    records = [
        {
            "code": r.code, "indicator": r.name, "field": r.label, "published": r.published_text, "now": r.current_text,
            "rated_figure": "yes" if r.rated_figure else "",
            "changed_at": r.changed_at.strftime("%Y-%m-%d %H:%M") if r.changed_at else "",
            "uploads": ", ".join(f"{s.upload_id} {s.file_name}" for s in r.sources if s.upload_id is not None),
            "changed_by": ", ".join(sorted({s.by for s in r.sources})),
        }
        for r in report.revisions
    ]  # fmt: skip
    if fmt == "csv":
        # File names, indicator names and figures as typed: neutralised like every CSV.
        click.echo(csv_text(REVISION_COLUMNS, ([r[c] for c in REVISION_COLUMNS] for r in records)), nl=False)
        return
    if fmt == "json":
        payload = {
            "period": quarter.key, "area_code": area, "version": report.version.version,
            "published_at": report.version.published_at.isoformat(), "published_by": report.version.published_by,
            "revisions": [r.as_dict() for r in report.revisions],
            "rating_changes": [{"code": c.code, "name": c.name, "published": c.published.value, "now": c.current.value} for c in report.rating_changes],
        }  # fmt: skip
        click.echo(json.dumps(payload, indent=2, default=str))
        return
    click.echo(f"{quarter.label}, {area}: figures now against {report.version.headline[0].lower()}{report.version.headline[1:]}.")
    if not records:
        click.echo("Nothing has been revised since publication.")
        return
    from cli.reporting import _table

    headers = ["code", "indicator", "field", "published", "now", "changed (UTC)", "by", "what changed it"]
    rows = [
        [r.code, r.name, r.label + (" (rated)" if r.rated_figure else ""), r.published_text, r.current_text,
         rec["changed_at"], rec["changed_by"], r.sources_text]
        for r, rec in zip(report.revisions, records)
    ]  # fmt: skip
    click.echo(_table(headers, [[_short(c) for c in row] for row in rows], right={3, 4}))
    for change in report.rating_changes:
        click.echo(
            f"rating would now differ: {change.code} {change.name} was {change.published.value}, now {change.current.value}"
        )


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- The as-published branches of `score` and `export pack` ----------------------------------


def score_as_published(app: AppContext, quarter: Quarter, area: str, fmt: str, version: int | None = None) -> None:
    """``cspdash score --as-published``: the scorecard from the frozen document alone."""
    from cli.reporting import _csv, _table, echo_projections
    from store.scorecard import csv_columns, format_value, projection_fields

    with session_scope(app.engine()) as session:
        published = published_scorecard(session, quarter, area, version)
    if published is None:
        which = f"version {version} of " if version else ""
        raise click.ClickException(f"No {which}{quarter.label} for {area} has been published.")
    card, info, document = published.card, published.info, published.document
    records = [row["csv"] for row in document["scorecard"]]  # exactly as the CSV was then
    if fmt == "csv":
        click.echo(_csv(csv_columns(records), records), nl=False)
        return
    if fmt == "json":
        # The projection as published, with numbers as numbers, as the current JSON gives it
        # (none for a version published before projections existed).
        by_code = {r.code: r.projection for r in card.rows}
        projected = [{**record, **projection_fields(by_code.get(str(record.get("code"))))} for record in records]
        payload = {
            "period": quarter.key, "area_code": area, "area_name": card.area_name, "indicators": projected,
            "summary": summary_json(card.summary),
            "published": {"version": info.version, "published_at": info.published_at.isoformat(), "published_by": info.published_by,
                          "document_sha256": info.document_sha256},
        }  # fmt: skip
        click.echo(json.dumps(payload, indent=2))
        return
    headers = [
        "code",
        "indicator",
        "basis",
        "actual",
        "target",
        "tolerance",
        "rating",
        "short term",
        "long term",
        "last quarter",
        "last year",
    ]
    rows = [
        [
            r.code, r.name, r.basis, format_value(r.actual, r.unit), r.target_text(), r.tolerance_text(),
            r.rag.value, r.dot_short.value, r.dot_long.value,
            format_value(r.previous_quarter, r.unit), format_value(r.same_period_last_year, r.unit),
        ]
        for r in card.rows
    ]  # fmt: skip
    click.echo(f"{card.area_name} ({area}), {quarter.label}, as published: {info.headline}\n")
    click.echo(_table(headers, rows, right={3, 9, 10}))
    echo_projections(card.rows)
    echo_summary(card.summary)


def status_line(app: AppContext, quarter: Quarter, area: str) -> str:
    """For `cspdash score`: whether these figures are published, and if revised since."""
    with session_scope(app.engine()) as session:
        status = quarter_state(session, quarter, area)
        report = find_revisions(session, quarter, area) if status.versions else None
    line = status.headline
    if report and report.revisions:
        figures = sorted({r.code for r in report.revisions})
        line += f" Revised since publication on {day_label(report.version.published_at)}: {', '.join(figures)} (see `cspdash revisions`)."
    return line


def write_published_pack(app: AppContext, quarter: Quarter, area: str, fmt: str, out: Path, version: int | None = None) -> None:
    """``cspdash export pack --as-published``: the stored file, byte for byte."""
    with session_scope(app.engine()) as session:
        pack = published_file(session, quarter, area, fmt, version)
        status = quarter_state(session, quarter, area)
    if pack is None:
        which = f"Version {version} of {quarter.label}" if version else quarter.label
        raise click.ClickException(
            f"{which} for {area} has not been published{'' if not status.versions else ' in that version or format'}."
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pack.content)
    click.echo(
        f"Wrote {out} ({len(pack.content):,} bytes): {quarter.label}, {area}, version {pack.version} as published, sha256 {pack.info.sha256}"
    )


def register(group: click.Group) -> None:
    for command in (submit, publish, reopen, versions, revisions):
        group.add_command(command)
