"""series breaks and annotations

Revision ID: 0005_annotations
Revises: 0004_publishing
Create Date: 2026-11-30 04:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_annotations'
down_revision = '0004_publishing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('series_annotation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['upload_id'], ['upload.id'], name=op.f('fk_series_annotation_upload_id_upload'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series_annotation')),
    sa.UniqueConstraint('indicator_code', 'source', 'area_code', 'date', 'kind', name=op.f('uq_series_annotation_indicator_code'))
    )


def downgrade() -> None:
    op.drop_table('series_annotation')
