"""Alembic environment. Run through ``cspdash init-db`` (store.schema.upgrade), which passes
the connection in; ``render_as_batch`` lets the same migrations alter tables on SQLite."""

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

from store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as conn:
        _run(conn)


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run cspdash init-db against a database.")
run_migrations_online()
