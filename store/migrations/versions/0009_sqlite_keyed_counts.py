"""SQLite: keep crime_count and asb_count in their key's order (WITHOUT ROWID)

An ordinary SQLite table keeps its rows in one b-tree (by a hidden row id) and its primary
key in a second: every month-cell a load writes goes into both, and both are kept on disk.
A WITHOUT ROWID table is the key's b-tree alone, so a load writes each cell once, the file
holds each cell once (about half the size for these two tables), and reading an area's
months walks the key directly. PostgreSQL has no such option and needs nothing here.

Revision ID: 0009_sqlite_keyed_counts
Revises: 0008_area_month_coverage
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0009_sqlite_keyed_counts'
down_revision = '0008_area_month_coverage'
branch_labels = None
depends_on = None

TABLES = {
    "crime_count": "area_code, month, major_category, minor_category",
    "asb_count": "area_code, month, category",
}


def _rebuild(table: str, key: str, without_rowid: bool) -> None:
    bind = op.get_bind()
    create = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}).scalar_one()
    create = re.sub(r"\s*WITHOUT ROWID\s*$", "", create.strip(), flags=re.IGNORECASE)
    if without_rowid:
        create += " WITHOUT ROWID"
    staged = f"{table}_rebuilt"
    create = re.sub(rf'^CREATE TABLE\s+"?{table}"?', f"CREATE TABLE {staged}", create, count=1, flags=re.IGNORECASE)
    op.execute(create)
    op.execute(f"INSERT INTO {staged} SELECT * FROM {table} ORDER BY {key}")  # in key order: each page filled once
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {staged} RENAME TO {table}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, key in TABLES.items():
        _rebuild(table, key, without_rowid=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, key in TABLES.items():
        _rebuild(table, key, without_rowid=False)
