"""incomplete_in_source: stub months of the Met's files, held as incomplete, never as figures;
area_month_coverage.covered_by widened to say "incomplete in source file"

Revision ID: 0010_stub_months
Revises: 0009_sqlite_keyed_counts
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_stub_months'
down_revision = '0009_sqlite_keyed_counts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incomplete_in_source',
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.Column('file_total', sa.Integer(), nullable=False),
    sa.Column('median_of_others', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('source', 'area_code', 'month', name=op.f('pk_incomplete_in_source'))
    )
    with op.batch_alter_table('area_month_coverage') as batch:
        batch.alter_column('covered_by', existing_type=sa.String(length=16), type_=sa.String(length=32), existing_nullable=False)


def downgrade() -> None:
    op.execute("DELETE FROM area_month_coverage WHERE covered_by = 'incomplete in source file'")
    with op.batch_alter_table('area_month_coverage') as batch:
        batch.alter_column('covered_by', existing_type=sa.String(length=32), type_=sa.String(length=16), existing_nullable=False)
    op.drop_table('incomplete_in_source')
