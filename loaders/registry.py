"""The entry point shared by the CLI and the upload page: one file, one transaction."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loaders.areas_known import AreaBook
from loaders.context import LoadContext
from loaders.errors import LoadError, ProblemLog
from loaders.reading import Source
from loaders.summary import LoadSummary
from store.data_version import bump_data_version
from store.db import session_factory
from store.models import Upload


# kind → (module, function): imported only when that kind is loaded, so a crime load does not
# pay for importing geopandas.
_LOADERS = {
    "crime": ("loaders.crime", "load_crime"),
    "asb": ("loaders.asb", "load_asb"),
    "marac": ("loaders.marac", "load_marac"),
    "values": ("loaders.values", "load_values"),
    "indicators": ("loaders.definitions", "load_indicators"),
    "targets": ("loaders.definitions", "load_targets"),
    "areas": ("loaders.definitions", "load_areas"),
    "commentary": ("loaders.commentary", "load_commentary"),
    "boundaries": ("geo.loaders", "load_boundaries"),
    "policeuk": ("geo.loaders", "load_policeuk"),
    "population": ("geo.loaders", "load_population"),
    "lsoa-lookup": ("geo.loaders", "load_lsoa_lookup"),
    "annotations": ("loaders.annotations", "load_annotations"),
}


def _loader(kind: str) -> Callable[[LoadContext], None]:
    module, name = _LOADERS[kind]
    return getattr(importlib.import_module(module), name)


KINDS = ("crime", "asb", "marac", "values", "indicators", "targets", "areas", "commentary", "boundaries", "policeuk", "population", "lsoa-lookup", "annotations")


def load_file(session: Session, kind: str, source: Source, *, user: str = "cli") -> LoadSummary:
    """Validate and store ``source`` in the caller's transaction; raise LoadError listing
    every problem (the caller must then roll back, which ``run_load`` does)."""
    if kind not in _LOADERS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    summary = LoadSummary(kind=kind, file_name=source.name, sha256=source.sha256())
    upload = Upload(
        kind=kind, file_name=source.name, sha256=summary.sha256, rows=0, loaded_by=user, loaded_at=datetime.now(UTC)
    )
    session.add(upload)
    session.flush()
    areas = AreaBook(session)
    log = ProblemLog()
    ctx = LoadContext(session, source, summary, areas, log, upload.id, user)
    try:
        _loader(kind)(ctx)
        ctx.finish()
    except BaseException:
        ctx.abort()  # nothing queued may run after the caller's rollback
        raise
    if log:
        raise LoadError(source.name, log.problems, log.total)
    summary.areas_added = areas.added
    summary.upload_id = upload.id
    upload.rows = summary.rows
    upload.periods = ", ".join(summary.periods)
    upload.areas = summary.areas
    upload.summary = {k: v for k, v in summary.as_dict().items() if k not in {"periods"}}
    bump_data_version(session)  # cached figures are stale from this commit on
    session.flush()
    return summary


def run_load(engine: Engine, kind: str, source: Source, *, dry_run: bool = False, user: str = "cli") -> LoadSummary:
    """Load one file in its own transaction; with ``dry_run`` do everything, then roll back."""
    with session_factory(engine)() as session:
        try:
            summary = load_file(session, kind, source, user=user)
        except BaseException:
            session.rollback()
            raise
        summary.dry_run = dry_run
        if dry_run:
            session.rollback()
            summary.upload_id = None
        else:
            session.commit()
        return summary
