"""Fast bulk inserts inside the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

The ORM's unit of work is far too slow for hundreds of thousands of month-cells; these go
straight to the driver but share the session's connection, so a failure rolls back with it.
"""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy.orm import Session


def bulk_insert_frame(session: Session, table: str, frame: pd.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as the table's) and return the count."""
    if frame.empty:
        return 0
    connection = session.connection()
    dbapi = connection.connection.driver_connection
    columns = list(frame.columns)
    column_list = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        # pandas writes the CSV in C; one COPY call beats formatting rows one by one in Python.
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False, na_rep="\\N")
        with dbapi.cursor() as cursor:
            sql = f"COPY {table} ({column_list}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.copy(sql) as copy:
                copy.write(buffer.getvalue())
        return len(frame)
    placeholders = ", ".join("?" for _ in columns)
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    cursor = dbapi.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})", rows)
    finally:
        cursor.close()
    return len(frame)


def bulk_insert(session: Session, table: str, columns: list[str], rows) -> int:  # noqa: ANN001
    """Insert an iterable of row tuples (for callers that do not hold a DataFrame)."""
    return bulk_insert_frame(session, table, pd.DataFrame(list(rows), columns=columns))
