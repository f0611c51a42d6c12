"""publishing: quarter state, published versions and their pack files

Revision ID: 0004_publishing
Revises: 0003
Create Date: 2026-11-30 04:00:00

Published versions and their files are written once. Besides the ORM's refusal, triggers
refuse UPDATE and DELETE on both tables from any client, so "what the committee saw" cannot
be changed by hand either. A correction is a new version.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_publishing'
down_revision = '0003'
branch_labels = None
depends_on = None

FROZEN_TABLES = ("published_version", "published_file")


def upgrade() -> None:
    op.create_table('quarter_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('changed_by', sa.String(length=100), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarter_state')),
    sa.UniqueConstraint('period', 'area_code', name=op.f('uq_quarter_state_period'))
    )
    op.create_table('published_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_by', sa.String(length=100), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('correction_reason', sa.Text(), nullable=False),
    sa.Column('forced', sa.Boolean(), nullable=False),
    sa.Column('force_reason', sa.Text(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_version')),
    sa.UniqueConstraint('period', 'area_code', 'version', name=op.f('uq_published_version_period'))
    )
    op.create_table('published_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['published_version.id'], name=op.f('fk_published_file_version_id_published_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_file')),
    sa.UniqueConstraint('version_id', 'format', name=op.f('uq_published_file_version_id'))
    )
    _add_freeze_triggers()


def _add_freeze_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION cspdash_refuse_published_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'a published version cannot be changed or deleted (table %)', TG_TABLE_NAME; END $$"
        )
        for table in FROZEN_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION cspdash_refuse_published_change()"
            )
        return
    for table in FROZEN_TABLES:  # SQLite
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'a published version cannot be changed or deleted ({table})'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in FROZEN_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
        op.execute("DROP FUNCTION IF EXISTS cspdash_refuse_published_change()")
    else:
        for table in FROZEN_TABLES:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    op.drop_table('published_file')
    op.drop_table('published_version')
    op.drop_table('quarter_state')
