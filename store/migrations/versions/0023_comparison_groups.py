"""Groups of similar areas to compare with (issue 21 part 4)

``comparison_group_member``: one row per member (a partnership or district code) of a named
group, loaded from a file; a reload replaces the groups it names. ``indicator.comparator_area``
widens from 32 to 130 characters to hold ``group:<name>`` (a name is at most 120).

Revision ID: 0023_comparison_groups
Revises: 0022_csp_offence_codes
"""
from alembic import op
import sqlalchemy as sa


revision = '0023_comparison_groups'
down_revision = "0022_csp_offence_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('comparison_group_member',
    sa.Column('group_name', sa.String(length=120), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('upload_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['area_code'], ['area.code'], name=op.f('fk_comparison_group_member_area_code_area')),
    sa.ForeignKeyConstraint(['upload_id'], ['upload.id'], name=op.f('fk_comparison_group_member_upload_id_upload'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('group_name', 'area_code', name=op.f('pk_comparison_group_member'))
    )
    op.create_index(op.f('ix_comparison_group_member_area_code'), 'comparison_group_member', ['area_code'], unique=False)
    _comparator_area_length(32, 130)


def downgrade() -> None:
    _comparator_area_length(130, 32)
    op.drop_index(op.f('ix_comparison_group_member_area_code'), table_name='comparison_group_member')
    op.drop_table('comparison_group_member')


def _comparator_area_length(before: int, after: int) -> None:
    # SQLite does not enforce a VARCHAR's length, and rebuilding ``indicator`` there (batch mode)
    # would drop and re-create the table every target, value and commentary row refers to.
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column('indicator', 'comparator_area', existing_type=sa.String(length=before), type_=sa.String(length=after))
