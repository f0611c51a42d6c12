"""Roles held per partnership (#23 part 1)

``partnership_role``: the role (viewer, analyst, lead) a user holds in one partnership. Admins stay
global (``app_user.role``). An existing database holding one partnership gives every user who is
not an admin their present role in it, so everyone can do what they did before.

Revision ID: 0028_partnership_roles
Revises: 0025_partnerships
"""

from alembic import op
import sqlalchemy as sa


revision = "0028_partnership_roles"
down_revision = "0027_area_month_totals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partnership_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("partnership_code", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_partnership_role_user_id_app_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["partnership_code"], ["partnership.code"], name=op.f("fk_partnership_role_partnership_code_partnership"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "partnership_code", name=op.f("pk_partnership_role")),
    )
    connection = op.get_bind()
    held = [row[0] for row in connection.execute(sa.text("SELECT code FROM partnership"))]
    if len(held) == 1:
        connection.execute(
            sa.text(
                "INSERT INTO partnership_role (user_id, partnership_code, role) "
                "SELECT id, :code, role FROM app_user WHERE role <> 'admin'"
            ),
            {"code": held[0]},
        )


def downgrade() -> None:
    op.drop_table("partnership_role")
