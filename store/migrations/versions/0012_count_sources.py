"""Count tables gain a ``part`` key column; figures of a source not used are set aside

``part`` says which part of an area-month a row belongs to: "" for the recorded-crime files
(the Met's ward and borough files, long form), ``police.uk:<force>`` for police.uk
street-level records, so each force's records are their own part of a ward-month and a load
replaces only the parts it brings. Rows loaded from police.uk before this revision did not
record their force: they become ``police.uk:force not recorded``.

``crime_count_set_aside`` and ``asb_count_set_aside`` (same columns) hold the figures of a
source that another, primary source covers for the same borough-month (see
``store.count_sources``): kept and shown, never counted. Which rows belong there, and the
coverage record that follows, are derived data: ``store.schema.upgrade`` works them out in
code after the migration.

Revision ID: 0012_count_sources
Revises: 0011_ward_generations
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_count_sources'
down_revision = '0011_ward_generations'
branch_labels = None
depends_on = None

UNKNOWN_FORCE = "police.uk:force not recorded"
CATEGORIES = {
    "crime_count": ["major_category", "minor_category"],
    "asb_count": ["category"],
}


def _category_columns(table: str) -> list[sa.Column[str]]:
    if table == "crime_count":
        return [sa.Column("major_category", sa.String(100), nullable=False), sa.Column("minor_category", sa.String(100), nullable=False)]
    return [sa.Column("category", sa.String(100), nullable=False)]


def _create(table: str, name: str, key_name: str | None = None) -> None:
    key = ["area_code", "month", "part", *CATEGORIES[table]]
    op.create_table(
        name,
        sa.Column("area_code", sa.String(32), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        *_category_columns(table),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("part", sa.String(64), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint(*key, name=key_name or f"pk_{name}"),
        sqlite_with_rowid=False,
    )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, categories in CATEGORIES.items():
        key = ["area_code", "month", "part", *categories]
        if sqlite:
            # SQLite cannot change a primary key in place: a new WITHOUT ROWID table (as 0009),
            # filled in key order.
            staged = f"{table}_parted"
            _create(table, staged, f"pk_{table}")  # SQLite's constraint names are per table
            columns = ["area_code", "month", *categories, "count", "upload_id"]
            op.execute(
                f"INSERT INTO {staged} ({', '.join(columns)}, part) SELECT {', '.join(columns)}, "
                f"CASE WHEN upload_id IN (SELECT id FROM upload WHERE kind = 'policeuk') THEN '{UNKNOWN_FORCE}' ELSE '' END "
                f"FROM {table} ORDER BY {', '.join(k for k in key if k != 'part')}"
            )
            op.execute(f"DROP TABLE {table}")
            op.execute(f"ALTER TABLE {staged} RENAME TO {table}")
        else:
            op.add_column(table, sa.Column("part", sa.String(64), nullable=False, server_default=""))
            op.execute(f"UPDATE {table} SET part = '{UNKNOWN_FORCE}' WHERE upload_id IN (SELECT id FROM upload WHERE kind = 'policeuk')")
            op.drop_constraint(f"pk_{table}", table, type_="primary")
            op.create_primary_key(f"pk_{table}", table, key)
        _create(table, f"{table}_set_aside")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, categories in CATEGORIES.items():
        key = ["area_code", "month", *categories]
        op.drop_table(f"{table}_set_aside")
        # Two parts of one area-month in the same category cannot both stay under the old key:
        # the recorded-crime files' part is kept.
        op.execute(
            f"DELETE FROM {table} WHERE part <> '' AND EXISTS (SELECT 1 FROM {table} o WHERE o.part = '' AND "
            + " AND ".join(f"o.{k} = {table}.{k}" for k in key)
            + ")"
        )
        if sqlite:
            with op.batch_alter_table(table, recreate="always") as batch:
                batch.drop_column("part")
        else:
            op.drop_constraint(f"pk_{table}", table, type_="primary")
            op.drop_column(table, "part")
            op.create_primary_key(f"pk_{table}", table, key)
