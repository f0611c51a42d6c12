"""Partnerships as tenants (#23 part 1)

``partnership``: the partnerships a deployment serves, each keyed by the district or CSP area it
covers. Indicators and what hangs off them (targets, annual targets, uploaded values,
commentary, corrective actions) and series annotations gain ``partnership_code``; an indicator
is keyed by (partnership, code), so two partnerships may each have a ``CSP1``. Publications and
pack sections are already keyed by the area reported on, which is the partnership's code.

An existing database holding any of those rows becomes one partnership: the home area
(``CSPDASH_HOME_AREA``, Havering by default), or when that area is not held, the single district
or CSP the quarters were published or commented for. Every row is assigned to it; nothing else
changes, so every figure and publication reads as before.

PostgreSQL alters the tables in place. SQLite cannot change a primary key in place, and
rebuilding ``indicator`` would cascade to every target and commentary row, so there the rows are
kept aside, the tables made again and the rows put back (ids included).

Revision ID: 0025_partnerships
Revises: 0024_policeuk_force_months
"""
from datetime import datetime, timezone
from typing import Any

from alembic import op
import sqlalchemy as sa


revision = '0025_partnerships'
down_revision = "0024_policeuk_force_months"
branch_labels = None
depends_on = None

CHILDREN = ('target', 'annual_target', 'indicator_value', 'commentary', 'corrective_action')
OLD_UNIQUE = {
    'target': ('indicator_code', 'year', 'quarter', 'area_code'),
    'annual_target': ('indicator_code', 'year', 'area_code'),
    'indicator_value': ('indicator_code', 'area_code', 'period'),
    'commentary': ('indicator_code', 'area_code', 'period'),
    'series_annotation': ('indicator_code', 'source', 'area_code', 'date', 'kind'),
}
# Made again on SQLite in this order (parents first); dropped in the reverse order.
REBUILT = ('indicator', *CHILDREN, 'series_annotation')


def _columns(table: str) -> list[sa.Column[Any]]:
    """The columns each table had at 0024, in order (without ``partnership_code``)."""
    S, I, F, T, D, DT = sa.String, sa.Integer, sa.Float, sa.Text, sa.Date, sa.DateTime
    col = sa.Column

    def at(name: str) -> sa.Column[Any]:
        return col(name, DT(timezone=True), nullable=True)

    columns: dict[str, list[sa.Column[Any]]] = {
        'indicator': [
            col('code', S(32), nullable=False), col('name', S(300), nullable=False),
            col('goal', S(100), nullable=False), col('unit', S(16), nullable=False),
            col('polarity', S(8), nullable=False), col('basis', S(8), nullable=False),
            col('measure', S(300), nullable=False), col('rated', sa.Boolean(), nullable=False),
            col('description', T(), nullable=False), col('comparator_area', S(130), nullable=True),
            col('comparator_label', S(200), nullable=True), col('rag_comparison', S(24), nullable=False),
            col('sort_order', I(), nullable=False), at('retired_at'),
        ],
        'target': [
            col('id', I(), nullable=False), col('indicator_code', S(32), nullable=False),
            col('year', S(7), nullable=False), col('quarter', I(), nullable=True),
            col('area_code', S(32), nullable=True), col('target', F(), nullable=True),
            col('target_low', F(), nullable=True), col('target_high', F(), nullable=True),
            col('tolerance', F(), nullable=False), col('tolerance_type', S(4), nullable=False),
            col('updated_by', S(100), nullable=False), at('updated_at'),
        ],
        'annual_target': [
            col('id', I(), nullable=False), col('indicator_code', S(32), nullable=False),
            col('year', S(7), nullable=False), col('area_code', S(32), nullable=True),
            col('target', F(), nullable=False), col('tolerance', F(), nullable=False),
            col('tolerance_type', S(4), nullable=False), col('profile', S(16), nullable=False),
            col('shares', sa.JSON(), nullable=True), col('updated_by', S(100), nullable=False), at('updated_at'),
        ],
        'indicator_value': [
            col('id', I(), nullable=False), col('indicator_code', S(32), nullable=False),
            col('area_code', S(32), nullable=False), col('period', S(16), nullable=False),
            col('value', F(), nullable=False), col('numerator', F(), nullable=True),
            col('denominator', F(), nullable=True), col('upload_id', I(), nullable=True),
        ],
        'commentary': [
            col('id', I(), nullable=False), col('indicator_code', S(32), nullable=False),
            col('area_code', S(32), nullable=False), col('period', S(10), nullable=False),
            col('commentary', T(), nullable=False), col('corrective_action', T(), nullable=False),
            col('updated_by', S(100), nullable=False), at('updated_at'),
        ],
        'corrective_action': [
            col('id', I(), nullable=False), col('indicator_code', S(32), nullable=False),
            col('area_code', S(32), nullable=False), col('period', S(10), nullable=False),
            col('text', T(), nullable=False), col('owner', S(200), nullable=False),
            col('due_date', D(), nullable=True), col('status', S(16), nullable=False),
            col('created_by', S(100), nullable=False), at('created_at'),
            col('updated_by', S(100), nullable=False), at('updated_at'),
        ],
        'series_annotation': [
            col('id', I(), nullable=False), col('indicator_code', S(32), nullable=False),
            col('source', S(16), nullable=False), col('area_code', S(32), nullable=False),
            col('date', D(), nullable=False), col('kind', S(8), nullable=False),
            col('reason', T(), nullable=False), col('upload_id', I(), nullable=True),
            col('updated_by', S(100), nullable=False), at('updated_at'),
        ],
    }
    return columns[table]


def _constraints(table: str, tenanted: bool) -> list[sa.schema.SchemaItem]:
    """Keys and foreign keys of each table, before (``tenanted`` False) or after this migration."""
    p = ['partnership_code'] if tenanted else []
    items: list[sa.schema.SchemaItem] = []
    if table == 'indicator':
        items.append(sa.PrimaryKeyConstraint(*p, 'code', name='pk_indicator'))
        if tenanted:
            items.append(sa.ForeignKeyConstraint(['partnership_code'], ['partnership.code'], name='fk_indicator_partnership_code_partnership'))
        return items
    items.append(sa.PrimaryKeyConstraint('id', name=f'pk_{table}'))
    if table in CHILDREN:
        items.append(sa.ForeignKeyConstraint(
            [*p, 'indicator_code'], [f'indicator.{c}' for c in ('partnership_code', 'code')][-len(p) - 1:],
            name=f'fk_{table}_partnership_code_indicator' if tenanted else f'fk_{table}_indicator_code_indicator',
            ondelete='CASCADE',
        ))
    if table == 'series_annotation' and tenanted:
        items.append(sa.ForeignKeyConstraint(['partnership_code'], ['partnership.code'], name='fk_series_annotation_partnership_code_partnership'))
    if table in ('indicator_value', 'series_annotation'):
        if table == 'indicator_value':
            items.append(sa.ForeignKeyConstraint(['area_code'], ['area.code'], name='fk_indicator_value_area_code_area'))
        items.append(sa.ForeignKeyConstraint(['upload_id'], ['upload.id'], name=f'fk_{table}_upload_id_upload', ondelete='SET NULL'))
    if table in OLD_UNIQUE:
        first = 'partnership_code' if tenanted else 'indicator_code'
        items.append(sa.UniqueConstraint(*p, *OLD_UNIQUE[table], name=f'uq_{table}_{first}'))
    return items


def _partnership_for_existing_rows(bind: sa.Connection) -> str | None:
    """The one partnership an existing database becomes; None when it holds no such rows."""
    held = any(bind.execute(sa.text(f'SELECT 1 FROM {t} LIMIT 1')).first() for t in ('indicator', 'series_annotation'))
    if not held:
        return None
    from settings import get_settings

    home = get_settings().home_area
    if bind.execute(sa.text('SELECT 1 FROM area WHERE code = :c'), {'c': home}).first():
        return home
    reported = bind.execute(sa.text(
        "SELECT DISTINCT r.area_code FROM (SELECT area_code FROM quarter_state UNION SELECT area_code FROM commentary) r"
        " JOIN area a ON a.code = r.area_code WHERE a.level IN ('borough', 'csp')"
    )).scalars().all()
    if len(reported) == 1:
        return str(reported[0])
    raise RuntimeError(
        f"the home area {home!r} is not held and the quarters reported on name {len(reported)} districts or partnerships:"
        " set the home area to the one this database reports on"
    )


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table('partnership',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('private', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['area.code'], name=op.f('fk_partnership_code_area')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_partnership'))
    )
    code = _partnership_for_existing_rows(bind)
    if code is not None:
        name = bind.execute(sa.text('SELECT name FROM area WHERE code = :c'), {'c': code}).scalar_one()
        bind.execute(
            sa.text('INSERT INTO partnership (code, name, private, created_at) VALUES (:c, :n, :f, :t)'),
            {'c': code, 'n': name, 'f': False, 't': datetime.now(timezone.utc)},
        )
    if bind.dialect.name == 'sqlite':
        _rebuild_on_sqlite(tenanted=True, code=code)
    else:
        _upgrade_in_place(code)


def downgrade() -> None:
    bind = op.get_bind()
    partnerships = bind.execute(sa.text('SELECT DISTINCT partnership_code FROM indicator')).scalars().all()
    if len(partnerships) > 1:
        raise RuntimeError(
            f"{len(partnerships)} partnerships hold indicators ({', '.join(sorted(partnerships))}); before partnerships a"
            " database held one: remove the others first"
        )
    if bind.dialect.name == 'sqlite':
        _rebuild_on_sqlite(tenanted=False, code=None)
    else:
        _downgrade_in_place()
    op.drop_table('partnership')


def _rebuild_on_sqlite(tenanted: bool, code: str | None) -> None:
    """Keep every row aside, make the tables again with (or without) partnerships, put the rows back."""
    bind = op.get_bind()
    for table in REBUILT:
        op.execute(f'CREATE TEMP TABLE _keep_{table} AS SELECT * FROM {table}')
    for table in reversed(REBUILT):
        if table == 'corrective_action':
            op.drop_index('ix_corrective_action_indicator_code', table_name=table)
        op.drop_table(table)
    for table in REBUILT:
        partnership = [sa.Column('partnership_code', sa.String(32), nullable=False)] if tenanted else []
        columns = _columns(table)
        op.create_table(table, *(partnership if table == 'indicator' else []), *columns,
                        *(partnership if table != 'indicator' else []), *_constraints(table, tenanted))
        if table == 'corrective_action':
            op.create_index('ix_corrective_action_indicator_code', table, ['indicator_code'], unique=False)
        names = ', '.join(c.name for c in columns)
        if tenanted:
            bind.execute(
                sa.text(f'INSERT INTO {table} ({names}, partnership_code) SELECT {names}, :p FROM _keep_{table}'),
                {'p': code},
            )
        else:
            op.execute(f'INSERT INTO {table} ({names}) SELECT {names} FROM _keep_{table}')
    for table in REBUILT:
        op.execute(f'DROP TABLE _keep_{table}')


def _upgrade_in_place(code: str | None) -> None:
    bind = op.get_bind()
    for table in CHILDREN:
        op.drop_constraint(f'fk_{table}_indicator_code_indicator', table, type_='foreignkey')
    for table in ('indicator', *CHILDREN, 'series_annotation'):
        op.add_column(table, sa.Column('partnership_code', sa.String(length=32), nullable=True))
        bind.execute(sa.text(f'UPDATE {table} SET partnership_code = :p'), {'p': code})
        op.alter_column(table, 'partnership_code', existing_type=sa.String(length=32), nullable=False)
    op.drop_constraint('pk_indicator', 'indicator', type_='primary')
    op.create_primary_key('pk_indicator', 'indicator', ['partnership_code', 'code'])
    op.create_foreign_key('fk_indicator_partnership_code_partnership', 'indicator', 'partnership', ['partnership_code'], ['code'])
    op.create_foreign_key('fk_series_annotation_partnership_code_partnership', 'series_annotation', 'partnership', ['partnership_code'], ['code'])
    for table in CHILDREN:
        op.create_foreign_key(
            f'fk_{table}_partnership_code_indicator', table, 'indicator',
            ['partnership_code', 'indicator_code'], ['partnership_code', 'code'], ondelete='CASCADE',
        )
    for table, key in OLD_UNIQUE.items():
        op.drop_constraint(f'uq_{table}_indicator_code', table, type_='unique')
        op.create_unique_constraint(f'uq_{table}_partnership_code', table, ['partnership_code', *key])


def _downgrade_in_place() -> None:
    for table, key in OLD_UNIQUE.items():
        op.drop_constraint(f'uq_{table}_partnership_code', table, type_='unique')
        op.create_unique_constraint(f'uq_{table}_indicator_code', table, list(key))
    for table in CHILDREN:
        op.drop_constraint(f'fk_{table}_partnership_code_indicator', table, type_='foreignkey')
    op.drop_constraint('fk_series_annotation_partnership_code_partnership', 'series_annotation', type_='foreignkey')
    op.drop_constraint('fk_indicator_partnership_code_partnership', 'indicator', type_='foreignkey')
    op.drop_constraint('pk_indicator', 'indicator', type_='primary')
    op.create_primary_key('pk_indicator', 'indicator', ['code'])
    for table in ('indicator', *CHILDREN, 'series_annotation'):
        op.drop_column(table, 'partnership_code')
    for table in CHILDREN:
        op.create_foreign_key(f'fk_{table}_indicator_code_indicator', table, 'indicator', ['indicator_code'], ['code'], ondelete='CASCADE')
