"""Fast bulk inserts inside the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

The ORM's unit of work is far too slow for hundreds of thousands of month-cells; these go
straight to the driver but share the session's connection, so a failure rolls back with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session


def bulk_insert(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    connection = session.connection()
    dbapi = connection.connection.driver_connection
    dialect = connection.dialect.name
    column_list = ", ".join(columns)
    count = 0
    if dialect == "postgresql":
        with dbapi.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    placeholders = ", ".join("?" for _ in columns)
    cursor = dbapi.cursor()
    try:
        batch: list[Sequence[object]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 10_000:
                cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})", batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})", batch)
            count += len(batch)
    finally:
        cursor.close()
    return count
