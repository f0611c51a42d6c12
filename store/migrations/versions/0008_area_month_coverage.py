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
    # Figures loaded before this revision: record their coverage now, as a load would have.
    # Uses the application's own computation (store.coverage_record) on this connection.
    from sqlalchemy.orm import Session

    from store.coverage_record import record_coverage

    session = Session(bind=op.get_bind())
    record_coverage(session, ("crime", "asb", "marac", "values"))
    session.flush()


def downgrade() -> None:
    op.drop_table('area_month_coverage')
