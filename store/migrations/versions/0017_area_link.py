"""National area tree (#21): an area's memberships beside its parent

``area_link``: a further parent of an area. A district (``borough`` level) sits under its region
(London) as before and also in its Community Safety Partnership, which sits in its police force
area, which sits in England and Wales; a district outside London with no region held is linked
to its country. Figures sum over children, so the two trees meet only at districts.

Revision ID: 0017_area_link
Revises: 0015_look_ahead
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_area_link'
down_revision = '0016_user_contact'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('area_link',
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('parent_code', sa.String(length=32), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], name=op.f('fk_area_link_area_code_area')),
    sa.ForeignKeyConstraint(['parent_code'], ['area.code'], name=op.f('fk_area_link_parent_code_area')),
    sa.ForeignKeyConstraint(['upload_id'], ['upload.id'], name=op.f('fk_area_link_upload_id_upload'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('area_code', 'parent_code', name=op.f('pk_area_link'))
    )
    op.create_index(op.f('ix_area_link_parent_code'), 'area_link', ['parent_code'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_area_link_parent_code'), table_name='area_link')
    op.drop_table('area_link')
