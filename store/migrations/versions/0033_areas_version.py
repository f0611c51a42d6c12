"""A counter of changes to the area tree, beside the shared data version (issue 23 part 3)

``data_version.areas_version``: one more each time a transaction writes an area, an area's
further parent (``area_link``) or the ward generation covering a borough-month
(``ward_generation_choice``): what the area tree is built from (``store.areas``). The shared
counter rises with every load of figures, most of which change no area; the tree, built from
the nation's 7,707 areas, is kept per this counter, so it is built again only when one of its
tables changed (``store.area_changes`` counts every write to them, however it is made).

Revision ID: 0033_areas_version
Revises: 0032_kept_totals
"""

from alembic import op
import sqlalchemy as sa


revision = "0033_areas_version"
down_revision = "0032_kept_totals"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases, as in 0031 (SQLite adds and drops a column in place).


def upgrade() -> None:
    op.add_column("data_version", sa.Column("areas_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("data_version", "areas_version")
