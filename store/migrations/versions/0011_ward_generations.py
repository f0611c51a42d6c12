"""Ward generations: each area's boundary vintage, and the analyst's choice of generation

``area.boundary_vintage`` says which boundary generation a ward belongs to ("2018": the wards
before May 2022; "2022": the current ones). Wards loaded before this revision take it from the
newest dated outline held for their code, else "2022" when a Met ward file introduced them;
the rest stay unknown until a file names them again.
``area.retired_into`` marks an area whose outline a later load of the same vintage replaced
(the area it went into; blank: none). ``ward_generation_choice`` holds, for each borough-month held in two generations, the one that
covers it: the generation of the most recent load of it, or the analyst's pick (``cspdash wards
use``, ``--keep-held-wards``).

Coverage depends on which generation covers a borough-month: ``store.schema.upgrade`` records
it again after this revision, in code, rather than here.

Revision ID: 0011_ward_generations
Revises: 0009
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0011_ward_generations'
down_revision = '0010_stub_months'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.add_column(sa.Column('boundary_vintage', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('retired_into', sa.String(length=32), nullable=True))
    # The newest year-named outline vintage held for each ward ("schematic" and "current" are
    # drawings, not generations). Year labels sort as text within the same width.
    op.execute(
        "UPDATE area SET boundary_vintage = (SELECT max(b.vintage) FROM area_boundary b "
        "WHERE b.area_code = area.code AND b.level = 'ward' AND b.vintage BETWEEN '1000' AND '9999') "
        "WHERE level = 'ward'"
    )
    _generations_from_met_ward_files()
    op.create_table('ward_generation_choice',
    sa.Column('borough_code', sa.String(length=32), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('boundary_vintage', sa.String(length=32), nullable=False),
    sa.Column('picked', sa.Boolean(), nullable=False),
    sa.Column('chosen_by', sa.String(length=100), nullable=False),
    sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('borough_code', 'month', name=op.f('pk_ward_generation_choice'))
    )


def _generations_from_met_ward_files() -> None:
    """A ward with no dated outline that a Met ward file introduced (its earliest figures came
    from one) is one of the 2022 wards: the Met keys its ward files, history included, to them."""
    bind = op.get_bind()
    unknown = {code for (code,) in bind.execute(sa.text("SELECT code FROM area WHERE level = 'ward' AND boundary_vintage IS NULL"))}
    if not unknown:
        return
    first_upload = {
        code: upload
        for code, upload in bind.execute(sa.text("SELECT area_code, min(upload_id) FROM crime_count GROUP BY area_code"))
        if code in unknown and upload is not None
    }
    met_ward_uploads = set()
    for upload_id, summary in bind.execute(sa.text("SELECT id, summary FROM upload WHERE kind = 'crime'")):
        notes = (json.loads(summary) if isinstance(summary, str) else summary or {}).get("notes", [])
        if any(str(n).startswith("layout: Met ward file") for n in notes):
            met_ward_uploads.add(upload_id)
    codes = sorted(code for code, upload in first_upload.items() if upload in met_ward_uploads)
    for start in range(0, len(codes), 500):
        bind.execute(
            sa.text("UPDATE area SET boundary_vintage = '2022' WHERE code IN :codes").bindparams(sa.bindparam("codes", expanding=True)),
            {"codes": codes[start : start + 500]},
        )


def downgrade() -> None:
    op.drop_table('ward_generation_choice')
    # Not in a batch: on SQLite a batch copies the table, and ``area`` is referred to by
    # foreign keys that forbid dropping it (SQLite drops a plain column in place since 3.35).
    op.drop_column('area', 'retired_into')
    op.drop_column('area', 'boundary_vintage')
