"""Readers during a load (issue 23): while a load's transaction is open, written but not yet
committed, a reader on another connection reads the figures held before it, without waiting
for the load; once the load commits, the reader sees the new figures.

The reader runs inside the load itself, at its last step before the commit (the coverage
record's incomplete months): the load has written, merged and rebuilt everything by then."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import inspect, text

import loaders.registry
from store.counts import monthly_counts
from store.db import session_scope
from tests.helpers import load, write

HEADER = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202410,202411,202412\n"
WARD = "E05000312"  # Harold Wood, Havering
MONTHS = ["2024-10", "2024-11", "2024-12"]


def ward_file(tmp_path, name: str, burglary: tuple[int, int, int]) -> str:
    rows = [
        ("BURGLARY", "BURGLARY - RESIDENTIAL", burglary),
        ("THEFT", "OTHER THEFT", (7, 8, 9)),
    ]
    body = "".join(f"{major},{minor},Harold Wood,{WARD},Havering,{a},{b},{c}\n" for major, minor, (a, b, c) in rows)
    return write(tmp_path / name, HEADER + body)


def read_ward(engine) -> dict[str, int]:
    """The ward's monthly totals, read on a connection of its own. On PostgreSQL a lock the
    load held against readers would end the read with an error after a few seconds instead
    of waiting for the load (SQLite in WAL mode never makes a reader wait for a writer)."""
    with session_scope(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(text("SET LOCAL lock_timeout = '3s'"))
        return monthly_counts(session, "crime", WARD, MONTHS)


@pytest.mark.parametrize("first_import", [False, True], ids=["re-load", "beside other data"])
def test_a_reader_sees_the_previous_figures_until_the_load_commits(engine, tmp_path, monkeypatch, first_import):
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    load(engine, "crime", ward_file(tmp_path, "first.csv", (1, 2, 3)))
    before = read_ward(engine)
    assert before == {"2024-10": 8, "2024-11": 10, "2024-12": 12}
    if first_import:  # another borough's first figures, loaded beside Havering's
        path = write(
            tmp_path / "barking.csv",
            HEADER + "BURGLARY,BURGLARY - RESIDENTIAL,Abbey,E05014053,Barking and Dagenham,4,5,6\n",
        )
        expected_after = before
    else:  # the same ward re-loaded with revised burglaries
        path = ward_file(tmp_path, "revised.csv", (11, 12, 13))
        expected_after = {"2024-10": 18, "2024-11": 20, "2024-12": 22}

    seen_during: list[dict[str, int]] = []
    finish_load = loaders.registry.record_incomplete

    def read_before_commit(session, sources):
        finish_load(session, sources)
        seen_during.append(read_ward(engine))  # the load's transaction is still open here

    monkeypatch.setattr(loaders.registry, "record_incomplete", read_before_commit)
    load(engine, "crime", path)

    assert seen_during == [before]  # read at once, and the figures held before the load
    assert read_ward(engine) == expected_after
    if first_import:
        with session_scope(engine) as session:
            assert monthly_counts(session, "crime", "E05014053", MONTHS) == {"2024-10": 4, "2024-11": 5, "2024-12": 6}


def read_ward_now(engine) -> dict[str, int]:
    """As ``read_ward``, but a reader that has to wait at all fails within 2 seconds: on
    PostgreSQL a lock wait, on SQLite a busy database (only a reader outside WAL mode waits)."""
    with session_scope(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(text("SET LOCAL lock_timeout = '2s'"))
        else:
            session.execute(text("PRAGMA busy_timeout = 2000"))
        return monthly_counts(session, "crime", WARD, MONTHS)


class HeldLoad:
    """A load running in a thread of its own, held open at its last step before the commit
    (everything written, the count table's key built) until ``release``."""

    def __init__(self, engine, path, monkeypatch) -> None:
        self.written, self.go = threading.Event(), threading.Event()
        self.error: BaseException | None = None
        bump = loaders.registry.bump_data_version

        def hold(session):
            bump(session)
            with session.begin_nested():  # a savepoint released inside the load is not its commit
                pass
            self.written.set()
            assert self.go.wait(30)

        monkeypatch.setattr(loaders.registry, "bump_data_version", hold)

        def run() -> None:
            try:
                load(engine, "crime", path)
            except BaseException as exc:  # re-raised in the test's thread
                self.error = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert self.written.wait(30), "the load never reached its commit"

    def release(self) -> None:
        self.go.set()

    def join(self) -> None:
        self.thread.join(60)
        assert not self.thread.is_alive(), "the load never committed"
        if self.error is not None:
            raise self.error


@pytest.mark.parametrize("first_import", [True, False], ids=["first import into an empty table", "re-load"])
def test_readers_never_wait_while_a_load_runs_in_another_thread(engine, tmp_path, monkeypatch, first_import):
    """While a load is open in another thread and connection, a reader reads the figures held
    before it at once; a reader whose transaction read the table before the load finished
    does not hold the load's commit up, nor make the readers after it wait; once the load
    commits, the new figures are read."""
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:  # readers are never blocked by a writer in WAL mode
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    if not first_import:
        load(engine, "crime", ward_file(tmp_path, "first.csv", (1, 2, 3)))
    before = read_ward_now(engine)
    assert before == ({} if first_import else {"2024-10": 8, "2024-11": 10, "2024-12": 12})
    after = {"2024-10": 18, "2024-11": 20, "2024-12": 22}

    with engine.connect() as lingering:
        lingering.begin()  # a request that read the count table and has not finished yet
        assert lingering.execute(text("SELECT count(*) FROM crime_count")).scalar() == (0 if first_import else 6)
        held = HeldLoad(engine, ward_file(tmp_path, "revised.csv", (11, 12, 13)), monkeypatch)
        assert read_ward_now(engine) == before  # during the load: the previous figures, at once
        held.release()  # the load commits (on PostgreSQL a first import swaps its table in first)
        for _ in range(5):  # readers meanwhile still read at once, old figures or new
            assert read_ward_now(engine) in (before, after)
            time.sleep(0.1)
        lingering.rollback()
    held.join()
    assert read_ward_now(engine) == after
    assert inspect(engine).get_pk_constraint("crime_count")["constrained_columns"][0] == "area_code"
