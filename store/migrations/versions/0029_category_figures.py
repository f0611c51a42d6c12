"""Each partnership's monthly figures by category, kept (issue 23 part 3)

``category_figure``: a partnership's figure for each month, for each category its indicators
chart (``crime:BURGLARY``), as ``store.counts`` resolves it from the stored counts: the
area's own figure, or the sum of its children with the coverage beside it. Worked out with the
coverage record by every load that changes the partnership's figures (``store.category_record``),
so a scorecard's SPC charts read one row per month instead of summing every ward's counts of
every month held. A row with an empty ``period`` marks a series as kept (it may hold no months).
Empty until the record is next worked out (``store.schema.upgrade`` does after a migration);
a reader sums the counts for a series not kept.

Revision ID: 0029_category_figures
Revises: 0028_partnership_roles
"""

from alembic import op
import sqlalchemy as sa


revision = "0029_category_figures"
down_revision = "0028_partnership_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "category_figure",
        sa.Column("source", sa.String(length=48), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=210), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.Column("loaded", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=16), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("covered_by", sa.String(length=32), nullable=False),
        sa.Column("lacking", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("source", "area_code", "category", "period", name=op.f("pk_category_figure")),
    )


def downgrade() -> None:
    op.drop_table("category_figure")
