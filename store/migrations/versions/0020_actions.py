"""Corrective actions as a list (#20 part 4)

``corrective_action``: one row per action for an indicator, area and the quarter it was set,
with its owner, due date and status (open, done, dropped). Each non-empty
``commentary.corrective_action`` text moves into one open action (no owner, no due date) and the
old column is left empty (kept, so older readers still find it); downgrading puts the quarter's
open and done actions back into it as one text, joined with "; ", and drops the table.

Revision ID: 0020_actions
Revises: 0019_notifications
"""
from datetime import UTC, datetime
from typing import Any

from alembic import op
import sqlalchemy as sa


revision = '0020_actions'
down_revision = '0019_notifications'
branch_labels = None
depends_on = None

_commentary = sa.table(
    'commentary',
    sa.column('id', sa.Integer()), sa.column('indicator_code', sa.String()), sa.column('area_code', sa.String()),
    sa.column('period', sa.String()), sa.column('commentary', sa.Text()), sa.column('corrective_action', sa.Text()),
    sa.column('updated_by', sa.String()), sa.column('updated_at', sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    actions = op.create_table('corrective_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_code', sa.String(length=32), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['indicator_code'], ['indicator.code'], name=op.f('fk_corrective_action_indicator_code_indicator'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_action'))
    )
    op.create_index(op.f('ix_corrective_action_indicator_code'), 'corrective_action', ['indicator_code'], unique=False)
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_commentary).where(sa.func.length(sa.func.trim(_commentary.c.corrective_action)) > 0).order_by(_commentary.c.id)
    ).all()
    if rows:
        op.bulk_insert(actions, [
            {
                'indicator_code': r.indicator_code, 'area_code': r.area_code, 'period': r.period,
                'text': r.corrective_action.strip(), 'owner': '', 'due_date': None, 'status': 'open',
                'created_by': r.updated_by, 'created_at': r.updated_at, 'updated_by': r.updated_by, 'updated_at': r.updated_at,
            }
            for r in rows
        ])
        bind.execute(sa.update(_commentary).where(_commentary.c.id.in_([r.id for r in rows])).values(corrective_action=''))


def downgrade() -> None:
    bind = op.get_bind()
    actions = sa.table(
        'corrective_action',
        sa.column('id', sa.Integer()), sa.column('indicator_code', sa.String()), sa.column('area_code', sa.String()),
        sa.column('period', sa.String()), sa.column('text', sa.Text()), sa.column('status', sa.String()),
        sa.column('updated_by', sa.String()), sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    rows = bind.execute(sa.select(actions).where(actions.c.status.in_(['open', 'done'])).order_by(actions.c.id)).all()
    joined: dict[tuple[str, str, str], list[sa.Row[Any]]] = {}
    for r in rows:
        joined.setdefault((r.indicator_code, r.area_code, r.period), []).append(r)
    for (indicator, area, period), items in joined.items():
        text = '; '.join(r.text for r in items)
        held = bind.execute(
            sa.select(_commentary.c.id).where(
                _commentary.c.indicator_code == indicator, _commentary.c.area_code == area, _commentary.c.period == period
            )
        ).first()
        if held is None:
            last = items[-1]
            bind.execute(sa.insert(_commentary).values(
                indicator_code=indicator, area_code=area, period=period, commentary='', corrective_action=text,
                updated_by=last.updated_by, updated_at=last.updated_at or datetime.now(UTC),
            ))
        else:
            bind.execute(sa.update(_commentary).where(_commentary.c.id == held.id).values(corrective_action=text))
    op.drop_index(op.f('ix_corrective_action_indicator_code'), table_name='corrective_action')
    op.drop_table('corrective_action')
