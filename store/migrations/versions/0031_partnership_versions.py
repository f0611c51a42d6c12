"""A data version per partnership, beside the shared one (issue 23)

``partnership.data_version``: a counter each of the partnership's own writes (commentary,
targets, values, actions, annotations, publications, pack sections, its indicators) adds one
to, in the same transaction. Caches of a partnership's pages are keyed by the shared version
(``data_version``, now bumped only by shared data: counts, areas, boundaries, population,
comparators) and its own, so one partnership's edit no longer empties every other's cache.
Starts at 0 for every partnership held.

Revision ID: 0031_partnership_versions
Revises: 0029_category_figures
"""

from alembic import op
import sqlalchemy as sa


revision = "0031_partnership_versions"
down_revision = "0029_category_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("partnership") as batch:
        batch.add_column(sa.Column("data_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("partnership") as batch:
        batch.drop_column("data_version")
