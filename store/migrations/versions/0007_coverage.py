"""coverage: published year-to-date periods; airports-unit rows keyed to the unit

Revision ID: 0007_coverage
Revises: 0006_security
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_coverage'
down_revision = '0006_security'
branch_labels = None
depends_on = None

AIRPORTS = "MPS-AIRPORTS"


def upgrade() -> None:
    # "2015-16-YTD-Q3" (a published year to date) is 14 characters.
    with op.batch_alter_table('indicator_value') as batch:
        batch.alter_column('period', existing_type=sa.String(length=10), type_=sa.String(length=16), existing_nullable=False)
    # Earlier loads keyed the Met ward file's Aviation Security (SO18) rows to the ward code
    # they carry (Heathrow Villages); they belong to the airports unit. Move them where the
    # unit holds no figure for the same cell, and drop the rest (the unit's own figure wins).
    for table, categories in (("crime_count", ("major_category", "minor_category")), ("asb_count", ("category",))):
        same = " AND ".join(f"u.{c} = w.{c}" for c in ("month", *categories))
        wards = f"(SELECT code FROM area WHERE parent_code = '{AIRPORTS}' AND level = 'ward')"
        op.execute(
            f"UPDATE {table} SET area_code = '{AIRPORTS}' WHERE area_code IN {wards} AND NOT EXISTS "
            f"(SELECT 1 FROM {table} u WHERE u.area_code = '{AIRPORTS}' AND {same.replace('w.', table + '.')})"
        )
        op.execute(f"DELETE FROM {table} WHERE area_code IN {wards}")


def downgrade() -> None:
    with op.batch_alter_table('indicator_value') as batch:
        batch.alter_column('period', existing_type=sa.String(length=16), type_=sa.String(length=10), existing_nullable=False)
