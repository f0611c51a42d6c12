"""The months each source held as counts holds, kept (issue 23 part 3)

``source_month``: every month some area holds ``crime`` or ``asb`` for, kept by every load that
changes the counts (``store.source_months``), so working out which quarters are held reads it
instead of walking the count table's key area by area on the first request after each change.
Filled here from the counts already held.

Revision ID: 0030_source_months
Revises: 0029_category_figures
"""

from alembic import op
import sqlalchemy as sa


revision = "0030_source_months"
down_revision = "0029_category_figures"
branch_labels = None
depends_on = None

# The count table of each source held as counts when this migration was written.
COUNT_TABLES = {"crime": "crime_count", "asb": "asb_count"}


def upgrade() -> None:
    op.create_table(
        "source_month",
        sa.Column("source", sa.String(length=48), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("source", "month", name=op.f("pk_source_month")),
    )
    for source, table in COUNT_TABLES.items():
        op.execute(f"INSERT INTO source_month (source, month) SELECT DISTINCT '{source}', month FROM {table}")


def downgrade() -> None:
    op.drop_table("source_month")
