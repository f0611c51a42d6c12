"""Create or upgrade the schema with Alembic, then make sure the reference areas exist."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema (idempotent) and seed reference areas."""
    from store.reference import ensure_reference_areas  # avoid a cycle at import time
    from store.db import session_scope

    config = alembic_config()
    with engine.begin() as connection:
        generations_before = inspect(connection).has_table("ward_generation_choice")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with session_scope(engine) as session:
        ensure_reference_areas(session)
        if not generations_before:
            # Migration 0011 gave wards their generation, and a borough-month now sums one
            # generation's wards: the recorded coverage (derived data, first recorded by 0008)
            # is worked out again, by the application's own computation on the newest schema.
            from store.coverage_record import record_coverage

            record_coverage(session, ("crime", "asb", "marac", "values"))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
