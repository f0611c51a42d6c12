"""Migrations: build the whole schema on both databases, match the models, run twice safely."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from store.db import session_scope
from store.models import Area, Base
from store.schema import current_revision, head_revision, upgrade


def test_schema_migrations_match_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision()


def test_schema_upgrade_is_idempotent_and_seeds_reference_areas(engine):
    upgrade(engine)
    with session_scope(engine) as session:
        levels = {code: level for code, level in session.execute(select(Area.code, Area.level))}
    assert levels["E12000007"] == "region" and levels["E92000001"] == "country"
    assert sum(1 for level in levels.values() if level == "borough") == 33
    assert levels["MPS-AIRPORTS"] == "other"


def test_schema_init_db_command(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["init-db"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Database ready:")
