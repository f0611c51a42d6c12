"""Telling people when it matters (#22 part 3): subscriptions, recorded events, deliveries

``notification_subscription``: a user wants to hear of one kind of event (published,
rating_changed, special_cause, action_overdue).
``notification_event``: an event recorded when it happened (kind, period, indicator, area,
details as JSON text, created_at).
``notification_delivery``: one user's delivery of one event: sent_at once sent, else the
failed attempts, the last error and when it is tried again.

Revision ID: 0019_notifications
Revises: 0018_csp_crime
"""
from alembic import op
import sqlalchemy as sa


revision = '0019_notifications'
down_revision = '0018_csp_crime'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notification_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=True),
    sa.Column('indicator', sa.String(length=32), nullable=True),
    sa.Column('area_code', sa.String(length=32), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_event'))
    )
    op.create_index('ix_notification_event_created_at', 'notification_event', ['created_at'], unique=False)
    op.create_table('notification_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_subscription_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_subscription')),
    sa.UniqueConstraint('user_id', 'event', name=op.f('uq_notification_subscription_user_id'))
    )
    op.create_table('notification_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_try', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), server_default='', nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['notification_event.id'], name=op.f('fk_notification_delivery_event_id_notification_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_delivery_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_delivery')),
    sa.UniqueConstraint('user_id', 'event_id', name=op.f('uq_notification_delivery_user_id'))
    )


def downgrade() -> None:
    op.drop_table('notification_delivery')
    op.drop_table('notification_subscription')
    op.drop_index('ix_notification_event_created_at', table_name='notification_event')
    op.drop_table('notification_event')
