"""A data version per partnership, beside the shared one (issue 23)

``partnership.data_version``: a counter each of the partnership's own writes (commentary,
targets, values, actions, annotations, publications, pack sections, its indicators) adds one
to, in the same transaction. Caches of a partnership's pages are keyed by the shared version
(``data_version``, now bumped only by shared data: counts, areas, boundaries, population,
comparators) and its own, so one partnership's edit no longer empties every other's cache.
Starts at 0 for every partnership held.

Revision ID: 0031_partnership_versions
Revises: 0030_source_months
"""

from alembic import op
import sqlalchemy as sa


revision = "0031_partnership_versions"
down_revision = "0030_source_months"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (SQLite adds and drops a column in place since 3.35): a
# batch copy of ``partnership`` would drop the table that the partnership's rows refer to.


def upgrade() -> None:
    op.add_column("partnership", sa.Column("data_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("partnership", "data_version")
