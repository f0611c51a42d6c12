"""Home Office CSP tables (#21 parts 2 and 4): the offence code kept with each count

``csp_crime_count`` gains ``offence_code`` (``8N``) in its key, so an indicator can count by Home
Office offence code. Rows held before are kept, with the code blank (their file did not keep it):
a group or subgroup measure still counts them, a code measure finds none until the file is
loaded again. The table is built anew and the rows copied, the same on SQLite and PostgreSQL
(a primary key cannot be widened in place on SQLite); downgrade sums the codes back into their
subgroup.

Revision ID: 0022_csp_offence_codes
Revises: 0021_pack_sections
"""
from alembic import op
import sqlalchemy as sa


revision = '0022_csp_offence_codes'
down_revision = '0021_pack_sections'
branch_labels = None
depends_on = None

_KEY = ('area_code', 'quarter', 'offence_group', 'offence_subgroup')


def _create(name: str, with_code: bool) -> None:
    columns: list[sa.Column[object]] = [
        sa.Column('area_code', sa.String(length=32), nullable=False),
        sa.Column('quarter', sa.String(length=10), nullable=False),
        sa.Column('offence_group', sa.String(length=120), nullable=False),
        sa.Column('offence_subgroup', sa.String(length=120), nullable=False),
    ]
    if with_code:
        columns.append(sa.Column('offence_code', sa.String(length=20), nullable=False, server_default=''))
    columns += [sa.Column('count', sa.Integer(), nullable=False), sa.Column('upload_id', sa.Integer(), nullable=True)]
    key = (*_KEY, 'offence_code') if with_code else _KEY
    op.create_table(name, *columns, sa.PrimaryKeyConstraint(*key, name=op.f(f'pk_{name}')))


def upgrade() -> None:
    _create('csp_crime_count_coded', with_code=True)
    op.execute(
        'INSERT INTO csp_crime_count_coded (area_code, quarter, offence_group, offence_subgroup, offence_code, count, upload_id) '
        "SELECT area_code, quarter, offence_group, offence_subgroup, '', count, upload_id FROM csp_crime_count"
    )
    op.drop_table('csp_crime_count')
    _rename('csp_crime_count_coded', 'csp_crime_count')


def downgrade() -> None:
    _create('csp_crime_count_uncoded', with_code=False)
    op.execute(
        'INSERT INTO csp_crime_count_uncoded (area_code, quarter, offence_group, offence_subgroup, count, upload_id) '
        'SELECT area_code, quarter, offence_group, offence_subgroup, SUM(count), MIN(upload_id) FROM csp_crime_count '
        'GROUP BY area_code, quarter, offence_group, offence_subgroup'
    )
    op.drop_table('csp_crime_count')
    _rename('csp_crime_count_uncoded', 'csp_crime_count')


def _rename(old: str, new: str) -> None:
    """Rename the table and its primary key constraint (PostgreSQL names it apart from the table)."""
    op.rename_table(old, new)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE {new} RENAME CONSTRAINT pk_{old} TO pk_{new}')
