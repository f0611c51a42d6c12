"""The committee pack's words per area and quarter (#20 part 3)

``pack_section``: the report author's contact details and the lead officer (overriding the
settings for one quarter), the implications and risks (financial, legal, human resources,
equalities) and the background papers. An empty field takes the setting or the default wording.

Revision ID: 0021_pack_sections
Revises: 0020_actions
"""
from alembic import op
import sqlalchemy as sa


revision = '0021_pack_sections'
down_revision = "0020_actions"
branch_labels = None
depends_on = None

TEXT_FIELDS = (
    'author_name', 'author_role', 'author_email', 'author_phone', 'lead_officer',
    'financial', 'legal', 'human_resources', 'equalities', 'background_papers',
)


def upgrade() -> None:
    op.create_table('pack_section',
    sa.Column('area_code', sa.String(length=32), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    *(sa.Column(name, sa.Text(), nullable=False) for name in TEXT_FIELDS),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('area_code', 'period', name=op.f('pk_pack_section'))
    )


def downgrade() -> None:
    op.drop_table('pack_section')
