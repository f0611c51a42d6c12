"""Migrations: build the whole schema on both databases, match the models, run twice safely."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import String, select

from cli.main import cli
from store.db import session_scope
from store.models import Area, Base
from store.schema import current_revision, head_revision, upgrade


def _lengths_unenforced(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """SQLite does not enforce a VARCHAR's length, so a migration leaves it as it was there
    (widening a column in batch mode would rebuild the table and cascade to the rows that refer
    to it); on PostgreSQL the lengths are compared as every other type."""
    if context.dialect.name == "sqlite" and isinstance(inspected_type, String) and isinstance(metadata_type, String):
        if type(inspected_type).__name__ in ("VARCHAR", "String") and inspected_type.length != metadata_type.length:
            return False
    return None  # the default comparison


def test_schema_migrations_match_the_models(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": _lengths_unenforced})
        diff = compare_metadata(context, Base.metadata)
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


def test_counts_survive_migrating_down_and_up_again_and_sqlite_keeps_them_by_key(engine, tmp_path):
    """Migration 0009 rebuilds the count tables on SQLite (WITHOUT ROWID: each month-cell
    stored once, in its key's b-tree); the figures held must come through unchanged both ways."""
    from alembic import command

    from store.schema import alembic_config
    from tests.helpers import load, write

    wards = "area_code,area_name,level,parent_code\nE05999991,Ward A,ward,E09000016\nE05999992,Ward B,ward,E09000016\n"
    load(engine, "areas", write(tmp_path / "areas.csv", wards))
    crime = "area_code,month,major_category,minor_category,count\n" + "".join(
        f"{w},2017-0{m},Theft,Shoplifting,{m * 3}\n" for w in ("E05999991", "E05999992") for m in (4, 5, 6)
    )
    load(engine, "crime", write(tmp_path / "crime.csv", crime))

    def held() -> list[tuple]:
        with engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT area_code, month, major_category, minor_category, count FROM crime_count ORDER BY 1, 2"
            ).all()

    def keyed_only() -> bool:
        with engine.connect() as conn:
            create = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'crime_count'").scalar_one()
        return create.rstrip().upper().endswith("WITHOUT ROWID")

    before = held()
    assert len(before) == 6
    sqlite = engine.dialect.name == "sqlite"
    assert not sqlite or keyed_only()
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008_area_month_coverage")
    assert held() == before
    assert not sqlite or not keyed_only()
    upgrade(engine)
    assert held() == before and current_revision(engine) == head_revision()
    assert not sqlite or keyed_only()
