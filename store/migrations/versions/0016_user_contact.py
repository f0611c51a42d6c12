"""Users' display names and email addresses (#20): shown instead of login names

``app_user.display_name``: the name people read ("Published by Priya Shah"), where the login
name (``priya``) is what someone types to sign in; blank means show the login name.
``app_user.email``: how to reach them, for the pack's contact lines.

Revision ID: 0016_user_contact
Revises: 0015_look_ahead
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_user_contact'
down_revision = '0015_look_ahead'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_column('email')
        batch_op.drop_column('display_name')
