"""What the upload page does, as plain functions: check a file (a dry run of the very loader
the CLI uses), load it, and render the results. No Dash callbacks here, so tests call these
directly and the page module only wires them to components.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dash import dcc, html
from dash.development.base_component import Component

from geo.options import with_options
from loaders.errors import LoadError
from loaders.month_checks import DropsNotConfirmed
from loaders.options import LoadOptions, LoadProgress
from loaders.reading import CsvReader, Source
from loaders.registry import load_file, notify_after_load, run_load
from loaders.summary import LoadSummary
from rules.periods import PeriodError, Quarter, is_month
from sources.declarations import FileKind
from sources.registry import current, kind_keys, kinds
from store.audit import record_change
from store.db import Engine, session_scope
from store.upload_history import recent_uploads
from web.addresses import here
from web.parts import components as ui
from web.parts import upload_check_summary as check_summary
from web.parts.upload_progress import ROWS_BETWEEN_LINES

log = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PREVIEW_ROWS = 5
NOT_CSV = (".geojson", ".json", ".gpkg", ".shp")


class UploadProblem(ValueError):
    """Something wrong with the upload itself (not its rows), worded for the page."""


@dataclass
class Outcome:
    """What checking or loading a file came to. Exactly one of summary, error, message is set."""

    kind: str
    file_name: str
    summary: LoadSummary | None = None
    error: LoadError | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.summary is not None

    @property
    def falls_unconfirmed(self) -> bool:
        """Refused only because the falls it would make were not confirmed: the page keeps
        the file checked so the analyst can tick the confirmation and load it."""
        return isinstance(self.error, DropsNotConfirmed)


def local_time(moment: datetime | None) -> str:
    """London time for people; SQLite hands back naive datetimes, which we stored as UTC."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).strftime("%-d %b %Y %H:%M")


def size_text(n_bytes: int) -> str:
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    if n_bytes < 1024 * 1024:
        return f"{n_bytes / 1024:.0f} KB"
    return f"{n_bytes / 1024 / 1024:.1f} MB"


def decode_contents(contents: str | None) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL (``data:text/csv;base64,…``)."""
    if not contents or "," not in contents:
        raise UploadProblem("No file was received. Choose the file again.")
    header, _, payload = contents.partition(",")
    if ";base64" not in header:
        raise UploadProblem("The file arrived in a form the page does not understand. Choose it again.")
    if len(payload) * 3 // 4 > MAX_UPLOAD_BYTES:
        raise UploadProblem(
            f"The file is larger than {size_text(MAX_UPLOAD_BYTES)}, the most this page takes; an administrator can load it from the command line."
        )
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UploadProblem("The file did not arrive intact. Choose it again.") from exc


def _check_kind(kind: str | None) -> str:
    if kind not in kind_keys():
        raise UploadProblem("Choose what kind of file this is before checking it.")
    return kind


def _outcome(kind: str | None, name: str, action: str, step: Callable[[str], LoadSummary]) -> Outcome:
    """Run one upload step and turn every way it can end into an Outcome for the page:
    the loader's problem table, a plain message, or (logged) a generic apology."""
    try:
        checked = _check_kind(kind)
        return Outcome(checked, name, summary=step(checked))
    except LoadError as error:
        return Outcome(kind or "", name, error=error)
    except UploadProblem as problem:
        return Outcome(kind or "", name, message=str(problem))
    except Exception:
        log.exception("%s upload %r (%s) failed", action, name, kind)
        return Outcome(kind or "", name, message=_UNEXPECTED)


def check_upload(
    engine: Engine, kind: str | None, name: str, data: bytes, user: str, progress: Callable[[str], None] | None = None
) -> Outcome:
    """Validate by doing the whole load and rolling it back: exactly what the CLI's --dry-run
    does, except that drops are listed in the check (``summary.drops``) for the analyst to
    confirm rather than refused. ``progress`` is told how far the check has read, as a load's."""

    def check(checked: str) -> LoadSummary:
        source = Source.from_bytes(name, data)
        if progress is not None:
            source = with_options(source, LoadProgress(progress, every=ROWS_BETWEEN_LINES))
        return run_load(engine, checked, source, dry_run=True, user=user, accept_drops=True)

    return _outcome(kind, name, "checking", check)


def load_upload(
    engine: Engine,
    kind: str | None,
    name: str,
    data: bytes,
    user: str,
    missing_indicators: str | None = None,
    accept_drops: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Store the file, recording ``user`` on the upload and in the change log, in one transaction.
    ``missing_indicators`` (an indicator list): ``retire`` or ``keep`` the indicators held but
    not in the file, as the analyst chose on the page. Drops are refused unless
    ``accept_drops`` (the page's confirmation). ``progress`` is told how far a long load has
    got (the sheet and rows read), for the page to show while it runs."""

    def store(checked: str) -> LoadSummary:
        source = Source.from_bytes(name, data)
        if checked == "indicators" and missing_indicators:
            source = with_options(source, LoadOptions(missing_indicators=missing_indicators))
        elif progress is not None:
            source = with_options(source, LoadProgress(progress, every=ROWS_BETWEEN_LINES))
        with session_scope(engine) as session:
            summary = load_file(session, checked, source, user=user, accept_drops=accept_drops)
            record_change(
                session, user, "upload", "upload", f"{checked} {name}"[:300],
                {"upload_id": summary.upload_id, "sha256": summary.sha256, "rows": summary.rows,
                 "stored": summary.stored, "replaced": summary.replaced, "periods": summary.period_range()},
            )  # fmt: skip
        notify_after_load(engine)
        return summary

    return _outcome(kind, name, "loading", store)


_UNEXPECTED = (
    "Something went wrong on the server while handling this file, so nothing was stored. "
    "The details have been logged for the administrator; try again, or ask them to load it."
)


# ----- rendering -------------------------------------------------------------------------


def preview(name: str, data: bytes) -> Component | None:
    """The first rows as the loader reads them (same encoding and decompression), or None
    if the file can't be read at all: the check then explains why."""
    if name.lower().endswith(NOT_CSV) or name.lower().endswith(tuple(n + ".zip" for n in NOT_CSV)):
        return None
    try:
        reader = CsvReader.open(Source.from_bytes(name, data), chunk_rows=PREVIEW_ROWS)
        first = next(reader.chunks(), None)
    except Exception:  # unreadable files are reported by the check instead
        return None
    if first is None:
        return None
    rows = [[str(r["__row__"]), *(str(r[c]) for c in reader.columns)] for _, r in first.head(PREVIEW_ROWS).iterrows()]
    caption = f"First row of {name}" if len(rows) == 1 else f"First {len(rows)} rows of {name}"
    table = ui.table(caption, ["Row", *reader.columns], rows, table_id="upload-preview-table")
    return html.Section([html.H2("Preview"), ui.scroll_region(f"First rows of {name}", table)])


def problem_table(error: LoadError) -> html.Table:
    """The CLI's table (file, row, column, value, reason), every problem kept."""
    # Row order, as the analyst fixes the file top to bottom; file-wide problems (no row) first.
    ordered = sorted(error.problems, key=lambda p: -1 if p.row is None else p.row)
    rows = [
        [error.file_name, "" if p.row is None else str(p.row), p.column or "", _show_value(p.value), p.reason] for p in ordered
    ]
    caption = f"{error.total:,} {'problem' if error.total == 1 else 'problems'} in {error.file_name}"
    return ui.table(caption, ["File", "Row", "Column", "Value", "Reason"], rows, numeric=[1], table_id="upload-problems")


def _show_value(value: str | None) -> str:
    if value is None:
        return ""
    if value == "":
        return "(blank)"
    text = repr(value) if value.strip() != value else value
    return text if len(text) <= 200 else text[:199] + "…"


def summary_list(summary: LoadSummary) -> html.Dl:
    items: list[tuple[str, str]] = [
        ("Kind", summary.kind),
        ("Rows read", f"{summary.rows:,}"),
        ("Values " + ("to store" if summary.dry_run else "stored"), f"{summary.stored:,}"),
        ("Periods", summary.period_range()),
        ("Areas", f"{summary.areas:,}" + check_summary.areas_added_text(summary)),
        ("Values already held that " + ("will be" if summary.dry_run else "were") + " replaced", f"{summary.replaced:,}"),
    ]
    if summary.total is not None:
        items.append(("Total count", f"{summary.total:,}"))
    items.append(("File fingerprint (SHA-256)", summary.sha256[:12]))
    children: list[Component] = []
    for term, value in items:
        children += [html.Dt(term), html.Dd(value)]
    return html.Dl(children, className="summary-list", id="upload-summary")


def missing_question(missing: list[str]) -> str:
    """The upload page's question about indicators a definitions file leaves out."""
    names = ", ".join(missing)
    return (
        f"This file does not contain {names}, which {'is' if len(missing) == 1 else 'are'} held now "
        "(renamed or dropped?). Retire them, or keep them?"
    )


def render_check(outcome: Outcome) -> Component:
    if outcome.error is not None:
        error = outcome.error
        hidden = error.total - len(error.problems)
        more = [html.P(f"Only the first {len(error.problems):,} are listed; {hidden:,} more were found.")] if hidden > 0 else []
        # The table sits outside the boxed notice so it can use the page's full width.
        return html.Div(
            [
                ui.notice(
                    error.headline(),
                    [
                        html.P(
                            "Fix these in the file and choose it again. Row numbers count the header as row 1, as Excel does."
                        ),
                        *more,
                    ],
                ),
                ui.scroll_region("Problems found in the file", problem_table(error)),
            ]
        )
    if outcome.message is not None:
        return ui.notice(f"{outcome.file_name or 'The file'} could not be checked", outcome.message)
    summary = outcome.summary
    assert summary is not None
    notes = [html.P(f"Note: {n}") for n in summary.notes]
    found = [*check_summary.incomplete_months(summary), *check_summary.drops(summary)]
    warn = (
        [
            html.P(
                f"{summary.replaced:,} {'value' if summary.replaced == 1 else 'values'} already held for these periods and areas will be replaced.",
                className="flag",
            )
        ]
        if summary.replaced
        else []
    )
    notice = ui.notice(
        f"{summary.file_name} is ready to load: no problems found",
        [summary_list(summary), *found, *warn, *notes, html.P("Nothing has been stored yet. Check the figures, then confirm.")],
        kind="info",
    )
    # The borough table sits outside the boxed notice so it can use the page's full width.
    by_borough = check_summary.borough_summary(summary)
    return html.Div([notice, *by_borough]) if by_borough else notice


def gaps_after_load(engine: Engine, periods: list[str], area: str) -> list[str]:
    """For each quarter a load touched (the last four at most) that has figures: which rated
    indicators still have no target, and which have no comparator figure, in one line each;
    then, per source, what the newest of them lacks ("ASB (CSP3): no figures after March 2017")."""
    from store.figure_years import missing_in
    from store.scorecard import build_scorecard  # only after a load; keeps the page module light

    quarters = sorted({q for q in (latest_quarter([p]) for p in periods) if q is not None})[-4:]
    lines: list[str] = []
    with session_scope(engine) as session:
        for quarter in quarters:
            try:
                card = build_scorecard(session, quarter, area)
            except Exception:  # a quarter that cannot be scored has nothing to report
                continue
            rows = [r for r in card.rows if r.rated and r.actual is not None]
            no_target = [r.code for r in rows if r.target is None]
            no_comparator = [r.code for r in rows if r.comparator_area and r.comparator_change is None]
            if no_target:
                lines.append(f"{quarter.label}: no target for {', '.join(no_target)}, so not rated.")
            if no_comparator:
                lines.append(f"{quarter.label}: no London or national comparator figure for {', '.join(no_comparator)}.")
        if quarters:
            # What the newest quarter still lacks, source by source (sources publish with different lags).
            newest = quarters[-1]
            lines += [f"{newest.label}: {line}." for line in missing_in(session, newest)]
    return lines


def render_loaded(outcome: Outcome, home_area: str, gaps: list[str] | None = None) -> Component:
    if not outcome.ok:
        return render_check(outcome)
    summary = outcome.summary
    assert summary is not None
    gap_notes = (
        [html.P("Still missing after this load:"), html.Ul([html.Li(g) for g in gaps], id="upload-gaps")]
        if gaps
        else [
            html.P("Every rated indicator in the quarters loaded has its figures, a target and a comparator.", id="upload-gaps")
        ]
        if gaps is not None
        else []
    )
    quarter = latest_quarter(summary.periods)
    link = (
        [
            html.P(
                html.A(
                    f"See the scorecard for {quarter.label}",
                    href=here(f"/?period={quarter.key}&area={home_area}"),
                    id="upload-scorecard-link",
                )
            )
        ]
        if quarter
        else [html.P(html.A("See the scorecard", href=here("/"), id="upload-scorecard-link"))]
    )
    found = [*check_summary.incomplete_months(summary), *check_summary.drops(summary, loaded=True)]
    notice = ui.notice(f"Loaded {summary.file_name}", [summary_list(summary), *found, *gap_notes, *link], kind="info")
    by_borough = check_summary.borough_summary(summary)
    return html.Div([notice, *by_borough]) if by_borough else notice


def latest_quarter(periods: list[str]) -> Quarter | None:
    """The last quarter a load touched: months and quarters map directly; a financial year
    (targets) to its last quarter."""
    found: list[Quarter] = []
    for period in periods:
        try:
            found.append(Quarter.of_month(period) if is_month(period) else Quarter.parse(period))
        except PeriodError:
            try:
                found.append(Quarter.parse(f"{period}-Q4"))
            except PeriodError:
                continue
    return max(found) if found else None


def history_table(engine: Engine, limit: int = 20) -> Component:
    with session_scope(engine) as session:
        uploads = recent_uploads(session, limit, by_time=True)
        rows: list[list[str | Component]] = [
            [
                local_time(u.loaded_at),
                u.loaded_by, kind_name(u.kind), u.file_name, html.Code(u.sha256[:12]), f"{u.rows:,}", _period_span(u.periods),
            ]
            for u in uploads
        ]  # fmt: skip
    if not rows:
        return html.P("No files have been loaded yet.")
    table = ui.table(
        f"The {len(rows)} most recent uploads", ["When", "Who", "Kind", "File", html.Span("Fingerprint", title="The first characters of the file's SHA-256 hash"), "Rows", "Periods"], rows,
        numeric=[5], table_id="upload-history-table",
    )  # fmt: skip
    return ui.scroll_region("Upload history", table)


def _period_span(periods: str) -> str:
    items = [p.strip() for p in periods.split(",") if p.strip()]
    if len(items) <= 2:
        return ", ".join(items)
    return f"{items[0]} to {items[-1]} ({len(items)})"


def _declared(kind: str) -> FileKind | None:
    return current().kinds.get(kind)


def kind_help(kind: str | None) -> str:
    """Where such files come from and the columns they need (each kind's declaration: readers
    of the page know the files by where they come from, not by the loader's key)."""
    if not kind:
        return "Choose the kind of file to see the columns it needs."
    declared = _declared(kind)
    if declared is None:
        return kind
    description = declared.description
    return " ".join(part for part in (f"{description}." if description else "", declared.columns) if part) or declared.name


def kind_name(kind: str) -> str:
    declared = _declared(kind)
    return declared.name if declared is not None else kind


def kind_options() -> list[tuple[str, str]]:
    """(key, "Plain name – one-line description") for each kind the loaders know."""
    return [(k.key, f"{k.name} – {k.description}") for k in kinds()]


def chosen_kind(value: str | None) -> str:
    """The kind named in the page address (``/upload?kind=population``), or "" when it names none."""
    return value if value in kind_keys() else ""


def file_picker() -> dcc.Upload:
    """The drop zone. Its text doubles as the accessible name of the focusable area."""
    return dcc.Upload(
        id="upload-file",
        children=html.Div(
            [
                html.Strong("Choose a file"),
                " or drag and drop it here: CSV (plain, gzip or zip), or GeoJSON/GeoPackage for boundaries.",
            ],
            className="dropzone__text",
            id="upload-file-text",
        ),
        multiple=False,
        accept=".csv,.gz,.zip,.geojson,.json,.gpkg,text/csv",
        className="dropzone",
        className_active="dropzone dropzone--active",
    )
