"""police.uk coverage by force and month (#21 part 3)

``policeuk_force_month``: one row per police force and month a police.uk load covered — whether
the download held the force's street file for the month, how many crime and ASB records it
gave, and how many had no location or no LSOA code. A month with no file, or no ASB rows, is a
gap in coverage for the force's wards (never a zero).

Revision ID: 0024_policeuk_force_months
Revises: 0023_comparison_groups
"""
from alembic import op
import sqlalchemy as sa


revision = '0024_policeuk_force_months'
down_revision = "0023_comparison_groups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('policeuk_force_month',
    sa.Column('force', sa.String(length=54), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('has_file', sa.Boolean(), nullable=False),
    sa.Column('crime_records', sa.Integer(), nullable=False),
    sa.Column('asb_records', sa.Integer(), nullable=False),
    sa.Column('no_location', sa.Integer(), nullable=False),
    sa.Column('no_lsoa', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('force', 'month', name=op.f('pk_policeuk_force_month'))
    )


def downgrade() -> None:
    op.drop_table('policeuk_force_month')
