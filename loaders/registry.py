"""The entry point shared by the CLI and the upload page: one file, one transaction."""

from __future__ import annotations

import dataclasses
import importlib
import logging
from collections.abc import Callable

from loaders.context import LoadContext
from loaders.errors import LoadError, Problem, ProblemLimitReached, ProblemLog
from loaders.reading import LoadLimits, Source
from loaders.source_choice import settle_after_load
from loaders.summary import LoadSummary
from settings import get_settings
from sources.declarations import FileKind
from sources.registry import counted, file_kind, kind_keys
from store.area_book import AreaBook
from store.coverage_record import record_coverage
from store.data_version import bump_data_version, bump_partnership_version
from store.db import DATABASE_ERRORS, Engine, Session, database_error_detail, session_factory, without_statement_timeout
from store.incomplete_months import record_incomplete
from store.kept_totals import record_held_categories
from store.locks import LoadRunning, take_load_lock
from store.notifications import record_after_load
from store.partnerships import PartnershipError
from store.source_months import record_source_months
from store.upload_history import close_upload, open_upload

log = logging.getLogger(__name__)


def _loader(kind: str) -> Callable[[LoadContext], None]:
    """The kind's loader, imported only when that kind is loaded, so a crime load does not
    pay for importing geopandas."""
    module, name = file_kind(kind).loader
    return getattr(importlib.import_module(module), name)


# Every kind of file, as declared in ``sources`` (read when this module is imported; the
# registry's functions read it afresh).
KINDS = kind_keys()


def load_file(
    session: Session,
    kind: str,
    source: Source,
    *,
    user: str = "cli",
    limits: LoadLimits | None = None,
    accept_drops: bool = False,
    partnership: str | None = None,
) -> LoadSummary:
    """Validate and store ``source`` in the caller's transaction; raise LoadError listing
    every problem (the caller must then roll back, which ``run_load`` does). Database errors
    become a LoadError too: a message, never a driver's traceback."""
    declared = file_kind(kind)  # an unknown kind: a ValueError naming the known ones
    limits = limits or LoadLimits.from_settings(get_settings())
    source = dataclasses.replace(source, limits=limits)
    try:
        return _load(session, declared, source, user, limits, accept_drops, partnership)
    except (LoadRunning, PartnershipError) as exc:
        raise LoadError(source.name, [Problem(None, None, None, str(exc))]) from None
    except DATABASE_ERRORS as exc:
        log.exception("loading %s (%s) failed in the database", source.name, kind)
        detail = database_error_detail(exc)
        raise LoadError(
            source.name, [Problem(None, None, None, f"the database refused this load, so nothing was stored: {detail}")]
        ) from None


def _load(
    session: Session,
    declared: FileKind,
    source: Source,
    user: str,
    limits: LoadLimits,
    accept_drops: bool = False,
    partnership: str | None = None,
) -> LoadSummary:
    kind = declared.key
    without_statement_timeout(session)  # a web upload is bounded by the file caps, not 30 s
    take_load_lock(session, limits.lock_wait_seconds)
    summary = LoadSummary(kind=kind, file_name=source.name, sha256=source.sha256())
    upload = open_upload(session, kind, source.name, summary.sha256, user)
    areas = AreaBook(session)
    problems = ProblemLog(limits.max_problems)
    ctx = LoadContext(session, source, summary, areas, problems, upload.id, user, accept_drops, get_settings().stub_month_share)
    ctx.requested_partnership = partnership
    try:
        _loader(kind)(ctx)
        ctx.drain()
    except ProblemLimitReached:
        ctx.abort()
        raise LoadError(source.name, problems.problems, problems.total, stopped=True) from None
    except BaseException:
        ctx.abort()  # nothing queued may run after the caller's rollback
        raise
    if not problems and declared.rows and summary.rows == 0:
        problems.add(2, None, None, "no data rows: the file has a header and nothing under it")
    if problems:
        raise LoadError(source.name, problems.problems, problems.total)
    try:
        settle_after_load(ctx, declared.writes_counts)  # one source per borough-month, before coverage is recorded
        sources: tuple[str, ...] = ()
        if (
            declared.changes_coverage or areas.generations_changed
        ):  # in this load's transaction: a failed load leaves it as it was
            # A ward's generation changed: which wards make up its borough can change in any
            # month, so the counts' record is worked out whole.
            sources = (*declared.changes_coverage, *(tuple(counted()) if areas.generations_changed else ()))
            loaded = {} if areas.generations_changed else ctx.loaded
            # The server builds any key the load set aside while the record is worked out.
            record_coverage(session, sources, meanwhile=ctx.start_finishing, loaded=loaded, incomplete=False)
        ctx.finish()
        if sources:  # through the count table's key, so once it is rebuilt
            record_incomplete(session, sources)
        # Likewise through the key: the months held of each source whose counts the load wrote,
        # found from the area-months it wrote; the whole table is walked for a source settling
        # moved rows of (``settle_after_load`` drops it from ``ctx.loaded``) or with no writer.
        written = {source: loaded.area_months for source, loaded in ctx.loaded.items()}
        record_source_months(session, declared.writes_counts, written)
        # The categories each count table holds, from the categories the load wrote (a source it
        # did not note, as above, is walked): what the map offers, read by no request's walk.
        categories = {source: ctx.categories.get(source, {}) for source in ctx.loaded}
        record_held_categories(session, declared.writes_counts, categories, ctx.replaced_rows)
    except BaseException:
        ctx.abort()
        raise
    summary.areas_added = areas.added
    summary.upload_id = upload.id
    recorded = {k: v for k, v in summary.as_dict().items() if k not in {"periods", "area_rows"}}
    close_upload(session, upload, summary.rows, summary.periods, summary.areas, recorded)
    count_change(session, ctx, areas)  # cached figures are stale from this commit on
    session.flush()
    return summary


def count_change(session: Session, ctx: LoadContext, areas: AreaBook) -> None:
    """Bump the partnership's own data version for a load of its rows (indicators, targets,
    values, commentary, annotations: the loaders that asked for ``ctx.partnership``), the
    shared one for anything else, and for a load that added areas or changed a ward's
    generation as well (every partnership may show those)."""
    own = ctx.loaded_partnership
    if own is not None:
        bump_partnership_version(session, own)
    if own is None or areas.added or areas.generations_changed:
        bump_data_version(session)


def run_load(
    engine: Engine,
    kind: str,
    source: Source,
    *,
    dry_run: bool = False,
    user: str = "cli",
    limits: LoadLimits | None = None,
    accept_drops: bool = False,
    partnership: str | None = None,
) -> LoadSummary:
    """Load one file in its own transaction; with ``dry_run`` do everything, then roll back.
    ``partnership``: whose indicators, targets, values, commentary or annotations the file holds
    (default: the one in force; shared data belongs to no partnership)."""
    with session_factory(engine)() as session:
        try:
            summary = load_file(
                session, kind, source, user=user, limits=limits, accept_drops=accept_drops, partnership=partnership
            )
        except BaseException:
            session.rollback()
            raise
        summary.dry_run = dry_run
        if dry_run:
            session.rollback()
            summary.upload_id = None
        else:
            session.commit()
    if not dry_run:
        notify_after_load(engine)
    return summary


def notify_after_load(engine: Engine) -> None:
    """Record what subscribers are told of after a load (special cause on the latest period);
    never fails the load, which is committed already."""
    record_after_load(engine, get_settings().home_area)
