"""Each area's figure in the coverage record (issue 23 part 3)

``area_month_coverage.total``: the area's figure for the period, all categories, as the record
resolves it (its own figure, or the sum of its children with the coverage beside it), so a
comparator's figure is read as one row per month rather than summed from every ward below it.
NULL where the record has no figure (``incomplete in source file``, uploaded values) and until
the record is worked out again: ``store.schema.upgrade`` does that after any migration, and a
reader falls back to summing the stored counts for an area with a row lacking its total.

Revision ID: 0027_area_month_totals
Revises: 0024_policeuk_force_months
"""
from alembic import op
import sqlalchemy as sa


revision = "0027_area_month_totals"
down_revision = "0025_partnerships"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("area_month_coverage") as batch:
        batch.add_column(sa.Column("total", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("area_month_coverage") as batch:
        batch.drop_column("total")
