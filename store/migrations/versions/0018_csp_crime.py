"""Home Office CSP tables (#21 part 2): quarterly recorded crime per partnership

``csp_crime_count``: the count for an area (a partnership, or a force's "Unassigned" part, held
as an area of level ``other`` under its force), a quarter (``2024-25-Q1``), an offence group and
subgroup (spellings folded). Keyed by its natural key without foreign keys, as the other counts.

Revision ID: 0018_csp_crime
Revises: 0017_area_link
"""
from alembic import op
import sqlalchemy as sa


revision = '0018_csp_crime'
down_revision = '0017_area_link'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('csp_crime_count',
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('quarter', sa.String(length=10), nullable=False),
    sa.Column('offence_group', sa.String(length=120), nullable=False),
    sa.Column('offence_subgroup', sa.String(length=120), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('area_code', 'quarter', 'offence_group', 'offence_subgroup', name=op.f('pk_csp_crime_count'))
    )


def downgrade() -> None:
    op.drop_table('csp_crime_count')
