"""Ratings as the rules say: retired indicators, and input changes that blame revisions right

``indicator.retired_at``: an indicator a definitions file left out, retired on the analyst's
say-so; its values, targets and published versions are kept. ``input_change``: each change to a
definition, target or commentary, with the upload or edit that made it.

Revision ID: 0013_ratings
Revises: 0012_count_sources
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_ratings'
down_revision = '0012_count_sources'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('input_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('indicator_code', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('fields', sa.String(length=300), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['upload_id'], ['upload.id'], name=op.f('fk_input_change_upload_id_upload'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_input_change'))
    )
    with op.batch_alter_table('input_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_input_change_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_input_change_indicator_code'), ['indicator_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('input_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_input_change_indicator_code'))
        batch_op.drop_index(batch_op.f('ix_input_change_at'))
    op.drop_table('input_change')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
