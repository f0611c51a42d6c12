"""Readers during a load (issue 23): while a load's transaction is open, written but not yet
committed, a reader on another connection reads the figures held before it, without waiting
for the load; once the load commits, the reader sees the new figures.

The reader runs inside the load itself, at its last step before the commit (the coverage
record's incomplete months): the load has written, merged and rebuilt everything by then."""

from __future__ import annotations

import pytest
from sqlalchemy import text

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
