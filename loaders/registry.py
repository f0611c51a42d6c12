"""The entry point shared by the CLI and the upload page: one file, one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loaders.areas_known import AreaBook
from loaders.context import LoadContext
from loaders.errors import LoadError, ProblemLog
from loaders.reading import Source
from loaders.summary import LoadSummary
from store.db import session_factory
from store.models import Upload


def _loaders() -> dict[str, Callable[[LoadContext], None]]:
    from loaders.asb import load_asb
    from loaders.commentary import load_commentary
    from loaders.crime import load_crime
    from loaders.definitions import load_areas, load_indicators, load_targets
    from loaders.marac import load_marac
    from loaders.values import load_values
    from geo.loaders import load_boundaries, load_lsoa_lookup, load_policeuk, load_population

    return {
        "crime": load_crime,
        "asb": load_asb,
        "marac": load_marac,
        "values": load_values,
        "indicators": load_indicators,
        "targets": load_targets,
        "areas": load_areas,
        "commentary": load_commentary,
        "boundaries": load_boundaries,
        "policeuk": load_policeuk,
        "population": load_population,
        "lsoa-lookup": load_lsoa_lookup,
    }


KINDS = ("crime", "asb", "marac", "values", "indicators", "targets", "areas", "commentary", "boundaries", "policeuk", "population", "lsoa-lookup")


def load_file(session: Session, kind: str, source: Source, *, user: str = "cli") -> LoadSummary:
    """Validate and store ``source`` in the caller's transaction; raise LoadError listing
    every problem (the caller must then roll back, which ``run_load`` does)."""
    loaders = _loaders()
    if kind not in loaders:
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
    loaders[kind](ctx)
    if log:
        raise LoadError(source.name, log.problems, log.total)
    summary.areas_added = areas.added
    summary.upload_id = upload.id
    upload.rows = summary.rows
    upload.periods = ", ".join(summary.periods)
    upload.areas = summary.areas
    upload.summary = {k: v for k, v in summary.as_dict().items() if k not in {"periods"}}
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
