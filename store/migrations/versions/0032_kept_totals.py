"""What requests read about the nation's count tables, kept (issue 23 part 3)

``csp_quarter_total``: per quarter, area and offence group, the sum of the Home Office CSP
tables' counts (what the funnel plot compares); ``held_category``: per source and part, the
categories each count table holds (what the map offers, what the tables' measures name). Both
kept by the loads that change those tables (``store.kept_totals``), so no request after a load
or in a fresh server sums or walks the nation's tables. Filled here from the counts already held.

Revision ID: 0032_kept_totals
Revises: 0031_partnership_versions
"""

from alembic import op
import sqlalchemy as sa


revision = "0032_kept_totals"
down_revision = "0031_partnership_versions"
branch_labels = None
depends_on = None

# Each count table's categories, as held when this migration was written: (major, minor, code).
CATEGORIES = {
    "crime": ("crime_count", "part", "major_category", "minor_category", "''"),
    "asb": ("asb_count", "part", "category", "''", "''"),
    "csp-crime": ("csp_crime_count", "''", "offence_group", "offence_subgroup", "offence_code"),
}


def upgrade() -> None:
    op.create_table(
        "csp_quarter_total",
        sa.Column("quarter", sa.String(length=10), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=False),
        sa.Column("offence_group", sa.String(length=120), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("quarter", "area_code", "offence_group", name=op.f("pk_csp_quarter_total")),
    )
    op.create_table(
        "held_category",
        sa.Column("source", sa.String(length=48), nullable=False),
        sa.Column("part", sa.String(length=64), server_default="", nullable=False),
        sa.Column("major", sa.String(length=120), nullable=False),
        sa.Column("minor", sa.String(length=120), server_default="", nullable=False),
        sa.Column("code", sa.String(length=20), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("source", "part", "major", "minor", "code", name=op.f("pk_held_category")),
    )
    op.execute(
        "INSERT INTO csp_quarter_total (quarter, area_code, offence_group, count) "
        "SELECT quarter, area_code, offence_group, SUM(count) FROM csp_crime_count GROUP BY quarter, area_code, offence_group"
    )
    for source, (table, part, major, minor, code) in CATEGORIES.items():
        op.execute(
            f"INSERT INTO held_category (source, part, major, minor, code) "
            f"SELECT DISTINCT '{source}', {part}, {major}, {minor}, {code} FROM {table}"
        )


def downgrade() -> None:
    op.drop_table("held_category")
    op.drop_table("csp_quarter_total")
