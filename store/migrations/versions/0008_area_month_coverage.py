"""area_month_coverage: which source covers each area and period, recorded by every load

Revision ID: 0008_area_month_coverage
Revises: 0007_coverage
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_area_month_coverage'
down_revision = '0007_coverage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('area_month_coverage',
    sa.Column('source', sa.String(length=48), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('covered_by', sa.String(length=16), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.Column('loaded', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=16), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('source', 'area_code', 'period', name=op.f('pk_area_month_coverage'))
    )
    # Figures loaded before this revision have their coverage recorded by store.schema.upgrade
    # once the schema is at head (the application's computation reads the newest schema).


def downgrade() -> None:
    op.drop_table('area_month_coverage')
