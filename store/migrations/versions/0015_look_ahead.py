"""Look ahead (#22): an annual target per indicator, year and area, spread by a profile

``annual_target``: the year's target with its tolerance and profile (``even``, ``seasonal`` or
``custom`` with twelve monthly ``shares``, April first). Quarter and year-to-date targets derive
from it; a quarter target typed by hand (table ``target``) still wins for its quarter.

Revision ID: 0015_look_ahead
Revises: 0013_ratings
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_look_ahead'
down_revision = '0013_ratings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annual_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.String(length=7), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=True),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('tolerance', sa.Float(), nullable=False),
    sa.Column('tolerance_type', sa.String(length=4), nullable=False),
    sa.Column('profile', sa.String(length=16), nullable=False),
    sa.Column('shares', sa.JSON(), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['indicator_code'], ['indicator.code'], name=op.f('fk_annual_target_indicator_code_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_target')),
    sa.UniqueConstraint('indicator_code', 'year', 'area_code', name=op.f('uq_annual_target_indicator_code'))
    )


def downgrade() -> None:
    op.drop_table('annual_target')
