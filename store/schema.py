"""Create or upgrade the schema with Alembic, then make sure the reference areas exist."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.orm import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema (idempotent) and seed reference areas."""
    from store.data_version import bump_areas_version
    from store.db import session_scope
    from store.reference import ensure_reference_areas  # avoid a cycle at import time

    config = alembic_config()
    before = current_revision(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    migrated = before is not None and before != head_revision()
    with session_scope(engine) as session:
        ensure_reference_areas(session)
        settle_sources(session, rework_coverage=migrated)
        if migrated:  # a migration writes areas on its connection, which no session counts
            bump_areas_version(session)


def settle_sources(session: Session, rework_coverage: bool = False) -> list[str]:
    """One source per borough-month (``store.count_sources``), under the current
    ``CSPDASH_PRIMARY_SOURCE``: after migration 0012 (police.uk rows loaded before it were
    summed with the Met's) or after the setting changed. Which rows are set aside, and so the
    coverage record, is derived data: worked out here in code, not in a migration. After a
    migration the counts' coverage record is worked out again in any case (``rework_coverage``:
    how a parent's figure is made up can change with the code, as the airports unit beside
    Hillingdon did in 0012). Returns the sources whose record was worked out again."""
    from settings import get_settings
    from sources.registry import source_keys
    from store.count_sources import settle_all
    from store.coverage_record import record_coverage
    from store.data_version import bump_data_version

    moved = settle_all(session, get_settings().primary_source)
    # Ward generations (0011) change which wards make up a borough in any month too, and
    # coverage of every source is derived data: all of it is worked out again after a migration.
    again = list(source_keys()) if rework_coverage else moved
    if again:
        record_coverage(session, again)
        bump_data_version(session)
    return again


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
