"""Fast bulk writes inside the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

The ORM's unit of work is far too slow for hundreds of thousands of month-cells; these go
straight to the driver but share the session's connection, so a failure rolls back with it.

On PostgreSQL a ``BulkWriter`` hands its statements to one worker thread, so the server
indexes one chunk's rows while the loader parses the next (the server is the slow part of a
load). psycopg holds its connection lock for a whole statement or COPY, so anything the
loader's session runs meanwhile simply waits its turn; nothing interleaves.

No load takes a table away from readers (``store.beside``): a first import into an empty
table on PostgreSQL goes into a new table beside it, without its key, builds the key once at
the end and swaps the table in as the load commits; a load onto a table holding rows writes
only the differences (``merge_staged``), which takes row locks only.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from store.beside import build_beside
from store.db import driver_connection

IN_LIMIT = 500  # bound parameters per IN (…) list
# A load of at least 1/DEFER_FRACTION of what a table holds builds its key afresh (see start_table).
DEFER_FRACTION = 2
EMPTY, DEFERRED, REPLACE, MERGE = "empty", "deferred", "replace", "merge"
MERGE_RELOADS = True  # a load onto a table holding rows writes only what changed (``MERGE``)
BUILD_MEMORY = "256MB"  # for building a key again: only while it is built, in this transaction
# For comparing a staged load with what is held (``merge_staged``): a hash of a few million
# keys fits in this, where the default 4 MB splits it into hundreds of batches on disk.
MERGE_MEMORY = "256MB"
# A re-load staging at least 1/WHOLE_TABLE_FRACTION of a table's rows compares it with the whole
# table's fingerprints (``_changed_area_months``).
WHOLE_TABLE_FRACTION = 4
# A load writing at least 1/STALE_FRACTION of the rows a table held has its statistics
# refreshed in its transaction (autovacuum may take minutes to get to it, or be off).
STALE_FRACTION = 10
_QUEUE_DEPTH = 2  # statements waiting for the server: bounds memory while keeping it busy
COPY_ROWS = 250_000  # rows of a frame sent in one COPY
# What a load replaces whole: one part (the recorded-crime files, or one force's police.uk
# records) of an area-month. Another part of the same area-month is left as it was.
PART_KEY = ("area_code", "month", "part")


def _same_part(a: str, b: str) -> str:
    """``a`` and ``b`` (table names or aliases) are rows of the same part of an area-month."""
    return " AND ".join(f"{a}.{c} = {b}.{c}" for c in PART_KEY)


def bulk_insert_frame(session: Session, table: str, frame: pd.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as the table's) and return the count."""
    writer = BulkWriter(session)
    try:
        writer.insert_frame(table, frame)
        writer.finish()
    finally:
        writer.abort()
    return len(frame)


def bulk_insert(session: Session, table: str, columns: list[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert an iterable of row tuples (for callers that do not hold a DataFrame)."""
    return bulk_insert_frame(session, table, pd.DataFrame(list(rows), columns=columns))


class BulkWriter:
    """Deletes and inserts for one load, run in the order given, in the session's transaction.

    Call ``finish()`` before committing (``drain()`` before relying on a ``counted``
    callback), and ``abort()`` when the load fails: it drops what is still queued so nothing
    runs after a rollback.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        connection = session.connection()
        self._dbapi = driver_connection(connection)
        self.postgres = connection.dialect.name == "postgresql"
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue(maxsize=_QUEUE_DEPTH)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._stopped = False
        self._keys_to_build: list[str] = []
        self._to_analyse: list[str] = []  # tables a large load filled: ANALYZEd once written
        self._staged: dict[str, str] = {}  # table -> the temporary table its rows go to first (MERGE)
        self.merge = MERGE_RELOADS

    # -- statements --------------------------------------------------------------------
    def start_table(self, table: str, expected_rows: int = 0) -> str:
        """How a load of about ``expected_rows`` should write ``table``:

        * ``EMPTY``: the table holds nothing, so nothing is replaced. On PostgreSQL the rows
          go into a new table built beside the live one, without its key, which is built once
          at the end (``finish``) and the table swapped in as the load commits
          (``store.beside``): building an index over every row once costs a fraction of
          maintaining it row by row (PostgreSQL's "Populating a Database" advice), and
          readers keep reading the live table meanwhile;
        * ``MERGE`` (the table holds rows): only the differences are written (``merge_staged``);
        * ``DEFERRED`` (PostgreSQL, only with ``merge`` off): the load is large beside what
          the table holds, so its primary key is set aside, rows go in, the replaced rows are
          deleted at the end (``delete_area_months(…, keep_upload=…)``) and ``finish()``
          builds the key again. It needs the table to itself, so readers wait for the load;
        * ``REPLACE`` (only with ``merge`` off): delete each area-month just before its rows go in.
        """
        if not self.postgres:
            if self._scalar(f"SELECT 1 FROM {table} LIMIT 1") is None:
                return EMPTY
            return self._start_merge(table) if self.merge else REPLACE
        self.drain()
        held = self._held(table)
        if held and self.merge:
            return self._start_merge(table)
        if held and expected_rows * DEFER_FRACTION < held:
            return REPLACE
        # Writers wait from here (loads are one at a time anyway); readers do not.
        self._execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        held = self._held(table, exact=True)  # now nobody else can be writing it
        if held and self.merge:
            return self._start_merge(table)
        if held and expected_rows * DEFER_FRACTION < held:
            return REPLACE
        if not held:
            keys = build_beside(self._session, table)
            if keys is not None:  # else: written through its key, slower but readers never wait
                self._keys_to_build.extend(keys)
                self._to_analyse.append(table)
            return EMPTY
        self._execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        key = self._fetchone(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
            (table,),
        )
        if key is not None:
            self._execute(f'ALTER TABLE {table} DROP CONSTRAINT "{key[0]}"')
            self._keys_to_build.append(f'ALTER TABLE {table} ADD CONSTRAINT "{key[0]}" {key[1]}')
        self._to_analyse.append(table)
        return DEFERRED

    def _start_merge(self, table: str) -> str:
        """``MERGE``: the load's rows go to a temporary table with no index; ``merge()`` then
        writes only the differences: new cells inserted, changed counts updated, cells the
        file no longer has (in the area-months it covers) deleted. A monthly re-load of a
        window that mostly repeats what is held then writes little beyond the new month."""
        stage = f"cspdash_stage_{table}"
        self._execute(f"DROP TABLE IF EXISTS {stage}")
        if self.postgres:
            self._execute(f"CREATE TEMPORARY TABLE {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
        else:
            self._execute(f"CREATE TEMPORARY TABLE {stage} AS SELECT * FROM {table} WHERE 0")
        self._staged[table] = stage
        return MERGE

    def merge_staged(
        self, table: str, key: Sequence[str], counted: Callable[[int], None], changed: Callable[[int, int], None]
    ) -> None:
        """Apply the rows staged for ``table`` (see ``_start_merge``); ``counted`` gets the
        number of held cells the load covers (replaced, changed or not), ``changed`` the
        number of rows written (inserted, updated, deleted) and of held cells left unchanged."""
        self.drain()
        stage = self._staged.pop(table)
        columns = [c for c in (*key, "count", "upload_id")]
        on = " AND ".join(f"t.{c} = s.{c}" for c in key)
        diff = f"cspdash_diff_{table}"
        self._execute(f"DROP TABLE IF EXISTS {diff}")
        if self.postgres:
            # Only for this transaction: memory to join in one pass, no JIT (compiling the
            # join costs more than it saves), and statistics for a table that has none yet
            # (a first import builds it faster than autovacuum gets to it).
            self._execute(f"SET LOCAL work_mem = '{MERGE_MEMORY}'")
            self._execute("SET LOCAL jit = off")
            self._execute(f"ANALYZE {stage}")
            if self._never_analysed(table):
                self._execute(f"ANALYZE {table}")
        # On PostgreSQL only the area-months whose cells differ are compared cell by cell (see
        # ``_changed_area_months``); elsewhere every staged cell is.
        held, scope, covered = self._changed_area_months(table, stage, key) if self.postgres else (None, stage, stage)
        staged = int(self._scalar(f"SELECT count(*) FROM {stage}"))
        # The held side of the comparison: on PostgreSQL only the rows of those area-months,
        # found through the key's (area_code, month) prefix rather than by reading the table.
        held_rows = table
        if self.postgres:
            held_rows = f"(SELECT t.* FROM {table} t JOIN {covered} c ON {_same_part('c', 't')})"
        # Only the cells that are new or changed are kept: a re-load that mostly repeats what
        # is held then writes (and re-reads) almost nothing beside the comparison itself.
        self._execute(
            f"CREATE TEMPORARY TABLE {diff} AS SELECT {', '.join('s.' + c for c in columns)}, t.count AS old_count "
            f"FROM {scope} s LEFT JOIN {held_rows} t ON {on} WHERE t.{key[0]} IS NULL OR t.count <> s.count"
        )
        if self.postgres:
            self._execute(f"ANALYZE {diff}")  # the planner's guess at its size picks the wrong joins
        matched = staged - int(self._scalar(f"SELECT count(*) FROM {diff} WHERE old_count IS NULL"))
        if held is None:
            # CROSS JOIN: SQLite walks the staged area-months, each through the table's key,
            # rather than testing every held row against them (a third of the time).
            held = int(
                self._scalar(
                    f"SELECT count(*) FROM (SELECT DISTINCT {', '.join(PART_KEY)} FROM {stage}) s CROSS JOIN {table} t "
                    f"WHERE {_same_part('t', 's')}"
                )
            )
        written = 0
        if held > matched:  # cells the file no longer has in the area-months it covers
            if not self.postgres:
                self._execute(f"CREATE INDEX {stage}_key ON {stage} ({', '.join(key)})")
            written += self._rowcount(
                f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {covered} s WHERE {_same_part('s', table)}) "
                f"AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE {' AND '.join(f's.{c} = {table}.{c}' for c in key)})"
            )
        updated = self._rowcount(
            f"UPDATE {table} SET count = d.count, upload_id = d.upload_id FROM {diff} d "
            f"WHERE {' AND '.join(f'{table}.{c} = d.{c}' for c in key)} AND d.old_count IS NOT NULL"
        )
        written += updated + self._rowcount(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {diff} "
            f"WHERE old_count IS NULL ORDER BY {', '.join(key)}"
        )
        self._execute(f"DROP TABLE {diff}")
        self._execute(f"DROP TABLE {stage}")
        if self.postgres:
            self._execute(f"DROP TABLE {stage}_changed, {stage}_scope")
            self._analyse_if_grown(table, written)
        counted(held)
        changed(written, matched - updated)

    def _changed_area_months(self, table: str, stage: str, key: Sequence[str]) -> tuple[int, str, str]:
        """PostgreSQL: fingerprint each area-month the load covers, staged and held (how many
        cells, and the sum of a 64-bit hash of each cell's categories and count), and keep
        only the area-months whose fingerprints differ. Grouping a few million cells into tens
        of thousands of area-months is far cheaper than joining them cell by cell, and a
        re-load mostly repeats what is held. Returns the held cells in the covered
        area-months, the staged cells to compare one by one, and the area-months to clear.
        (Two different area-months agreeing on both count and a 64-bit hash sum by chance is
        a 1 in 2^64 event.)"""
        cell = "hashtextextended(concat_ws(chr(31), {}, {}count::text), 0)::numeric".format
        rest = [c for c in key if c not in PART_KEY]
        staged_cell = cell(", ".join(rest), "")
        held_cell = cell(", ".join(f"t.{c}" for c in rest), "t.")
        fingerprints, changed = f"{stage}_fingerprint", f"{stage}_changed"
        self._execute(
            f"CREATE TEMPORARY TABLE {fingerprints} AS SELECT {', '.join(PART_KEY)}, count(*) AS cells, sum({staged_cell}) AS hash "
            f"FROM {stage} GROUP BY {', '.join(PART_KEY)}"
        )
        self._execute(f"ANALYZE {fingerprints}")
        # A load covering much of the table: fingerprint the whole table in one pass (grouping
        # is cheap); a window of a few months: only its area-months, found through the key.
        if self._held(stage) * WHOLE_TABLE_FRACTION >= self._held(table):
            held_rows = f"{table} t"
        else:
            held_rows = f"{table} t JOIN {fingerprints} f ON {_same_part('f', 't')}"
        self._execute(
            f"CREATE TEMPORARY TABLE {changed} AS WITH held AS (SELECT {', '.join('t.' + c for c in PART_KEY)}, count(*) AS cells, sum({held_cell}) AS hash "
            f"FROM {held_rows} GROUP BY {', '.join('t.' + c for c in PART_KEY)}) "
            f"SELECT {', '.join('f.' + c for c in PART_KEY)}, coalesce(h.cells, 0) AS held, (h.cells IS DISTINCT FROM f.cells OR h.hash IS DISTINCT FROM f.hash) AS differs "
            f"FROM {fingerprints} f LEFT JOIN held h ON {_same_part('h', 'f')}"
        )
        held = int(self._scalar(f"SELECT coalesce(sum(held), 0) FROM {changed}"))
        self._execute(f"DELETE FROM {changed} WHERE NOT differs")
        self._execute(f"DROP TABLE {fingerprints}")
        self._execute(f"ANALYZE {changed}")
        scope = f"{stage}_scope"
        self._execute(f"CREATE TEMPORARY TABLE {scope} AS SELECT s.* FROM {stage} s JOIN {changed} c ON {_same_part('c', 's')}")
        self._execute(f"ANALYZE {scope}")
        return held, scope, changed

    def _analyse_if_grown(self, table: str, written: int) -> None:
        """Refresh the planner's statistics when a load wrote a large share of ``table``.
        Statistics from before the load (the demo's one borough, say) make the planner guess
        that a borough's rows are a quarter of a table now holding all London: it then reads
        the whole table for a page about one borough. ANALYZE samples a fixed number of rows
        (quick at any size) and takes no lock that readers wait for; its statistics become
        visible with the load."""
        before = self._held(table)  # the estimate still describes the table before this load
        if written * STALE_FRACTION >= before:
            self._execute(f"ANALYZE {table}")

    def _never_analysed(self, table: str) -> bool:
        row = self._fetchone(
            "SELECT last_analyze IS NULL AND last_autoanalyze IS NULL FROM pg_stat_user_tables WHERE relid = %s::regclass",
            (table,),
        )
        return bool(row and row[0])

    def _rowcount(self, sql: str) -> int:
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(sql)
            return max(cursor.rowcount or 0, 0)
        finally:
            cursor.close()

    def _held(self, table: str, exact: bool = False) -> int:
        """Rows in ``table``: the planner's estimate, or a count when asked or unknown."""
        if not exact:
            estimate = self._scalar("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", (table,))
            if estimate is not None and estimate >= 0:
                return int(estimate)
        return int(self._scalar(f"SELECT count(*) FROM {table}"))

    def _fetchone(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(sql, params)
            row: tuple[Any, ...] | None = cursor.fetchone()
            return row
        finally:
            cursor.close()

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> Any:  # a value as the driver gives it
        row = self._fetchone(sql, params)
        return None if row is None else row[0]

    def _execute(self, sql: str) -> None:
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()

    def start_finishing(self) -> None:
        """Queue the building again of any primary key set aside by ``start_table`` and
        return at once: the server builds it while the caller works on (``finish`` waits)."""
        if self._keys_to_build:
            # The default (64 MB) makes a key over a few hundred thousand rows sort on disk.
            self._submit(partial(self._execute, f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'"))
        while self._keys_to_build:
            self._submit(partial(self._execute, self._keys_to_build.pop(0)))
        while self._to_analyse:  # a table filled with its key set aside: statistics for its new rows
            self._submit(partial(self._execute, f"ANALYZE {self._to_analyse.pop(0)}"))

    def finish(self) -> None:
        """Build again any primary key set aside by ``start_table``; wait for everything queued."""
        self.start_finishing()
        self.drain()

    def delete_area_months(
        self,
        table: str,
        areas: Sequence[str],
        months: Sequence[str],
        counted: Callable[[int], None],
        keep_upload: int | None = None,
        part: str = "",
    ) -> None:
        """Delete ``table``'s rows of ``part`` for every area in ``areas`` and month in
        ``months`` (but not those of upload ``keep_upload``, when given); ``counted`` is
        called, possibly on the worker thread, with the number deleted."""
        areas, months = list(areas), sorted(months)
        keep = "" if keep_upload is None else " AND upload_id IS DISTINCT FROM {}"
        if self.postgres:
            sql = f"DELETE FROM {table} WHERE area_code = ANY(%s) AND month = ANY(%s) AND part = %s" + keep.format("%s")
            params = (areas, months, part) if keep_upload is None else (areas, months, part, keep_upload)

            def run() -> None:
                with self._dbapi.cursor() as cursor:
                    cursor.execute(sql, params)
                    counted(cursor.rowcount or 0)

            self._submit(run)
            return
        month_marks = ", ".join("?" for _ in months)
        cursor = self._dbapi.cursor()
        try:
            for start in range(0, len(areas), IN_LIMIT):
                chunk = areas[start : start + IN_LIMIT]
                sql = f"DELETE FROM {table} WHERE area_code IN ({', '.join('?' for _ in chunk)}) AND month IN ({month_marks}) AND part = ?"
                extra = [] if keep_upload is None else [keep_upload]
                cursor.execute(sql + keep.format("?"), [*chunk, *months, part, *extra])
                counted(cursor.rowcount or 0)
        finally:
            cursor.close()

    def insert_frame(self, table: str, frame: pd.DataFrame) -> None:
        """Insert every row of ``frame``, whose columns are named as the table's."""
        if frame.empty:
            return
        table = self._staged.get(table, table)
        columns = list(frame.columns)
        if self.postgres:
            # pandas writes the CSV in C; one COPY call beats formatting rows one by one in Python.
            # A few hundred thousand rows at a time: the text of millions would be held twice
            # (the buffer and its value) while the server reads it.
            for start in range(0, len(frame), COPY_ROWS):
                buffer = io.StringIO()
                frame.iloc[start : start + COPY_ROWS].to_csv(buffer, index=False, header=False, na_rep="\\N")
                self.copy(table, columns, buffer.getvalue())
            return
        rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
        self._executemany(table, columns, rows)

    def insert_repeated(
        self, table: str, fixed: pd.DataFrame, name: str, names: Sequence[str], value: str, values: np.ndarray
    ) -> int:
        """Insert one row per non-NaN cell of ``values`` (``len(fixed)`` × ``len(names)``):
        the ``fixed`` row's columns, ``name`` = the cell's column name, ``value`` = the cell
        as a whole number. Returns the rows inserted."""
        keep = ~np.isnan(values)
        rows, cols = np.nonzero(keep)
        if not len(rows):
            return 0
        table = self._staged.get(table, table)
        numbers = values[keep].astype(np.int64)
        # In the key's order (first fixed column, name, the other fixed columns): the server
        # then fills its index in sequence instead of all over it.
        factors = [pd.factorize(fixed[c], sort=True) for c in fixed.columns]
        codes = [c for c, _ in factors]
        rank = np.empty(len(fixed), dtype=np.int64)
        rank[np.lexsort(codes[::-1])] = np.arange(len(fixed))
        order = np.lexsort((rank[rows], cols, codes[0][rows]))
        rows, cols, numbers = rows[order], cols[order], numbers[order]
        columns = [*fixed.columns, name, value]
        if self.postgres:
            # Each file row's fixed part is formatted once; each cell adds only its name and number.
            prefix = _csv_columns(factors)
            cells = np.array([_csv_cell(str(n)) + "," for n in names], dtype=object)
            lines = prefix[rows] + cells[cols] + numbers.astype(str).astype(object)
            self.copy(table, columns, "\n".join(lines.tolist()) + "\n")
        else:
            # One list per column, zipped in C: far faster than building each row's tuple in Python.
            objects = fixed.astype(object).where(fixed.notna(), None)
            fixed_columns = [objects[c].to_numpy()[rows].tolist() for c in fixed.columns]
            month_names = np.array(list(names), dtype=object)[cols].tolist()
            self._executemany(table, columns, zip(*fixed_columns, month_names, numbers.tolist()))
        return len(rows)

    def copy(self, table: str, columns: list[str], text: str) -> None:
        """COPY CSV ``text`` (NULL written ``\\N``) into ``table`` (PostgreSQL only)."""
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"

        def run() -> None:
            with self._dbapi.cursor() as cursor, cursor.copy(sql) as copy:
                copy.write(text)

        self._submit(run)

    def _executemany(self, table: str, columns: list[str], rows: Iterable[Sequence[object]]) -> None:
        placeholders = ", ".join("?" for _ in columns)
        cursor = self._dbapi.cursor()
        try:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)
        finally:
            cursor.close()

    # -- the worker ----------------------------------------------------------------------
    def _submit(self, job: Callable[[], None]) -> None:
        if self._error is not None:
            self.drain()  # raises the worker's error now rather than queueing more work
        if self._stopped:
            raise RuntimeError("this bulk writer was aborted")
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="cspdash-bulk", daemon=True)
            self._thread.start()
        self._jobs.put(job)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self._error is None and not self._stopped:
                try:
                    job()
                except BaseException as exc:  # re-raised in the loader's thread by drain()
                    self._error = exc

    def drain(self) -> None:
        """Wait for everything queued; raise the first error a statement met."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            self._stopped = True
            raise error

    def abort(self) -> None:
        """Drop queued statements and wait for the one running (the caller then rolls back)."""
        self._stopped = True
        if self._thread is not None:
            while True:
                try:
                    self._jobs.get_nowait()
                except queue.Empty:
                    break
            self._jobs.put(None)
            self._thread.join()
            self._thread = None
        self._error = None


def _csv_cell(value: str) -> str:
    if value == "" or value == "\\N" or any(ch in value for ch in ',"\n\r') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_columns(factors: Sequence[tuple[np.ndarray, Iterable[object]]]) -> np.ndarray:
    """Each row as CSV cells with a trailing comma (an object array of str), from each
    column's ``pandas.factorize`` (codes, distinct values): each value is formatted once."""
    out = np.full(len(factors[0][0]), "", dtype=object)
    for codes, uniques in factors:
        cells = np.array([_csv_cell(str(u)) + "," for u in uniques] + ["\\N,"], dtype=object)
        out = out + cells[codes]  # code -1 (missing) picks the last entry, NULL
    return out
