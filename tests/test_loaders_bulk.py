"""The fast write path under the crime and ASB loaders: the exact values arrive whatever the
cells hold, a first import's deferred key comes back, and a failure leaves nothing behind."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

import store.bulk
from loaders.errors import LoadError
from store.bulk import BulkWriter
from store.db import session_scope
from tests.conftest import table_counts
from tests.helpers import load, write

MET_HEADER = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202410,202411,202412\n"
AWKWARD = [  # categories a hand-made CSV writer could get wrong
    ("VIOLENCE AGAINST THE PERSON", "VIOLENCE, WITH INJURY"),
    ('THEFT "OTHER"', 'SHOPLIFTING "SMALL"'),
    ("PUBLIC ORDER", "\\N"),
    ("DRUGS", "POSSESSION; CLASS A – café"),
]


def stored_crime(engine) -> dict[tuple[str, str, str, str], int]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT area_code, month, major_category, minor_category, count FROM crime_count"))
        return {tuple(r[:4]): r[4] for r in rows}


def bulk_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "cspdash-bulk" and t.is_alive()]


def met_file(tmp_path, cells: list[tuple[str, str, str]]) -> str:
    lines = []
    for (major, minor), (a, b, c) in zip(AWKWARD, cells, strict=True):
        quote = lambda v: '"' + v.replace('"', '""') + '"'  # noqa: E731 - as Excel writes them
        lines.append(f"{quote(major)},{quote(minor)},Harold Wood,E05000312,Havering,{a},{b},{c}\n")
    return write(tmp_path / "met.csv", MET_HEADER + "".join(lines))


def test_met_cells_with_spaces_separators_and_blanks_store_exactly(engine, tmp_path, monkeypatch):
    # Three tiny months, far apart: the stub-month rule (issue 19) is off so every cell is stored.
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    path = met_file(tmp_path, [(" 12 ", '"1,392"', ""), ("0", "7", "3"), ("5", "", "1"), ("2", "2", "2")])
    summary = load(engine, "crime", path)
    assert summary.stored == 10 and summary.total == 12 + 1392 + 7 + 3 + 5 + 1 + 6
    held = stored_crime(engine)
    ward = "E05000312"
    assert held[(ward, "2024-10", "VIOLENCE AGAINST THE PERSON", "VIOLENCE, WITH INJURY")] == 12
    assert held[(ward, "2024-11", "VIOLENCE AGAINST THE PERSON", "VIOLENCE, WITH INJURY")] == 1392
    assert (ward, "2024-12", "VIOLENCE AGAINST THE PERSON", "VIOLENCE, WITH INJURY") not in held  # blank: no figure
    assert held[(ward, "2024-10", 'THEFT "OTHER"', 'SHOPLIFTING "SMALL"')] == 0
    assert held[(ward, "2024-12", "PUBLIC ORDER", "\\N")] == 1  # the text \N, not a NULL
    assert held[(ward, "2024-11", "DRUGS", "POSSESSION; CLASS A – café")] == 2
    assert len(held) == 10


def test_met_bad_month_cells_are_each_named_and_nothing_is_stored(engine, tmp_path):
    path = met_file(tmp_path, [("x", "1", "1"), ("1", "-3", "1"), ("1", "1", "2.5"), ("1", "1", "1")])
    before = table_counts(engine)
    with pytest.raises(LoadError) as caught:
        load(engine, "crime", path)
    assert sorted((p.row, p.column, p.value, p.reason) for p in caught.value.problems) == [
        (2, "202410", "x", "not a number: counts must be whole numbers"),
        (3, "202411", "-3", "negative count: counts cannot be below zero"),
        (4, "202412", "2.5", "not a whole number"),
    ]
    assert table_counts(engine) == before
    assert not bulk_threads()


def test_first_import_sets_the_key_aside_and_builds_it_again(engine, shared_data):
    """A first import into an empty table builds the key index once at the end (PostgreSQL);
    afterwards the key is there and still refuses a duplicate, on both databases."""
    summary = load(engine, "crime", shared_data / "crime/mps_borough_level_crime_most_recent_24_months_202401-202512.csv")
    assert summary.stored > 0 and summary.replaced == 0
    assert inspect(engine).get_pk_constraint("crime_count")["constrained_columns"] == [
        "area_code", "month", "part", "major_category", "minor_category",
    ]  # fmt: skip
    one = stored_crime(engine)
    (area, month, major, minor), count = next(iter(one.items()))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text("INSERT INTO crime_count (area_code, month, major_category, minor_category, count) VALUES (:a, :m, :j, :n, 1)"),
            {"a": area, "m": month, "j": major, "n": minor},
        )
    # Loading it again replaces every value, and the key is back afterwards.
    again = load(engine, "crime", shared_data / "crime/mps_borough_level_crime_most_recent_24_months_202401-202512.csv")
    assert again.replaced == again.stored == summary.stored
    assert stored_crime(engine) == one
    assert inspect(engine).get_pk_constraint("crime_count")["constrained_columns"][0] == "area_code"
    assert not bulk_threads()


def test_failed_first_import_leaves_the_key_and_no_rows(engine, tmp_path):
    path = met_file(tmp_path, [("1", "1", "1"), ("1", "1", "1"), ("1", "1", "1"), ("1", "1", "oops")])
    with pytest.raises(LoadError):
        load(engine, "crime", path)
    assert table_counts(engine)["crime_count"] == 0
    assert inspect(engine).get_pk_constraint("crime_count")["constrained_columns"][0] == "area_code"
    dry = load(engine, "crime", met_file(tmp_path, [("1", "1", "1")] * 4), dry_run=True)
    assert dry.stored == 12 and table_counts(engine)["crime_count"] == 0
    assert inspect(engine).get_pk_constraint("crime_count")["constrained_columns"][0] == "area_code"


def test_a_statement_that_fails_in_the_worker_is_raised_and_nothing_runs_after(engine):
    """On PostgreSQL the COPY runs on a worker thread: its error must reach the loader."""
    frame = pd.DataFrame({"area_code": ["E09000016"], "month": ["2016-10"], "category": [""], "count": [1], "upload_id": [None]})
    with session_scope(engine) as session:
        bulk = BulkWriter(session)
        bulk.insert_frame("asb_count", frame)
        bulk.drain()
        with pytest.raises(Exception) as caught:  # the driver's unique-violation error
            bulk.insert_frame("asb_count", frame)
            bulk.insert_frame("asb_count", frame.assign(month="2016-11"))
            bulk.finish()
        assert "unique" in str(caught.value).lower() or "duplicate" in str(caught.value).lower()
        bulk.abort()
        session.rollback()
    assert not bulk_threads()
    assert table_counts(engine)["asb_count"] == 0


def test_repeated_rows_go_in_key_order_with_each_value(engine):
    fixed = pd.DataFrame(
        {"area_code": ["E09000016", "E09000002", "E09000016"], "category": ["b", "a", "a"], "upload_id": [None] * 3}
    )
    values = np.array([[1, np.nan], [2, 3], [np.nan, 4]], dtype="float64")
    with session_scope(engine) as session:
        bulk = BulkWriter(session)
        assert bulk.insert_repeated("asb_count", fixed, "month", ["2016-10", "2016-11"], "count", values) == 4
        bulk.finish()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT area_code, month, category, count FROM asb_count ORDER BY area_code, month, category"))
        assert [tuple(r) for r in rows] == [
            ("E09000002", "2016-10", "a", 2),
            ("E09000002", "2016-11", "a", 3),
            ("E09000016", "2016-10", "b", 1),
            ("E09000016", "2016-11", "a", 4),
        ]


LONG_HEADER = "area_code,month,major_category,minor_category,count\n"


@pytest.mark.parametrize(
    ("merge", "defer_fraction"), [(False, 0), (False, 10**9), (True, 0)], ids=["replace-each-chunk", "key-set-aside", "merge"]
)
def test_every_way_of_replacing_leaves_the_same_figures(engine, tmp_path, monkeypatch, merge, defer_fraction):
    """A re-load replaces exactly the area-months it covers, whether each chunk's area-months
    are deleted as it goes, the key is set aside and replaced rows deleted at the end, or only
    the differences are written."""
    import store.bulk

    monkeypatch.setattr(store.bulk, "DEFER_FRACTION", defer_fraction)
    monkeypatch.setattr(store.bulk, "MERGE_RELOADS", merge)
    first = write(
        tmp_path / "first.csv",
        LONG_HEADER + "E09000016,2016-10,THEFT,,5\nE09000016,2016-10,VIOLENCE,,3\nE09000002,2016-10,THEFT,,1\n",
    )
    second = write(tmp_path / "second.csv", LONG_HEADER + "E09000016,2016-10,THEFT,,6\nE09000016,2016-11,THEFT,,2\n")
    load(engine, "crime", first)
    summary = load(engine, "crime", second)
    assert summary.replaced == 2  # Havering's October: both categories, one not in the new file
    assert stored_crime(engine) == {
        ("E09000016", "2016-10", "THEFT", ""): 6,
        ("E09000016", "2016-11", "THEFT", ""): 2,
        ("E09000002", "2016-10", "THEFT", ""): 1,
    }
    assert inspect(engine).get_pk_constraint("crime_count")["constrained_columns"][0] == "area_code"
    assert not bulk_threads()


@pytest.mark.parametrize("whole_table_fraction", [10**9, 0], ids=["fingerprint-whole-table", "fingerprint-through-key"])
def test_a_reload_writes_only_what_changed(engine, tmp_path, monkeypatch, whole_table_fraction):
    monkeypatch.setattr(store.bulk, "WHOLE_TABLE_FRACTION", whole_table_fraction)  # PostgreSQL's two ways of comparing
    first = write(
        tmp_path / "first.csv",
        LONG_HEADER
        + "E09000016,2016-10,THEFT,,5\nE09000016,2016-10,VIOLENCE,,3\nE09000016,2016-11,THEFT,,4\nE09000002,2016-10,THEFT,,1\n",
    )
    load(engine, "crime", first)
    same = load(engine, "crime", first)
    assert same.replaced == same.stored == 4
    assert "only changes written: 0 (new, revised or removed values); 4 values were held already, unchanged" in same.notes
    with engine.connect() as conn:  # nothing was rewritten: every row still belongs to the first upload
        assert {u for (u,) in conn.execute(text("SELECT DISTINCT upload_id FROM crime_count"))} == {1}
    revised = write(
        tmp_path / "revised.csv",
        LONG_HEADER + "E09000016,2016-10,THEFT,,6\nE09000016,2016-11,THEFT,,4\nE09000016,2016-12,THEFT,,2\n",
    )
    summary = load(engine, "crime", revised)
    # October's THEFT changed, VIOLENCE is gone from October, December is new: three writes.
    assert summary.replaced == 3
    assert stored_crime(engine) == {
        ("E09000016", "2016-10", "THEFT", ""): 6,
        ("E09000016", "2016-11", "THEFT", ""): 4,
        ("E09000016", "2016-12", "THEFT", ""): 2,
        ("E09000002", "2016-10", "THEFT", ""): 1,
    }
    assert "only changes written: 3 (new, revised or removed values); 1 values were held already, unchanged" in summary.notes
    assert inspect(engine).get_pk_constraint("crime_count")["constrained_columns"][0] == "area_code"


@pytest.mark.parametrize("whole_table_fraction", [10**9, 0], ids=["fingerprint-whole-table", "fingerprint-through-key"])
def test_a_reload_finds_values_swapped_between_categories(engine, tmp_path, monkeypatch, whole_table_fraction):
    """Same cells, same total, same number of rows per area-month: only the values moved.
    A re-load must still see (and write) both changes, and nothing in untouched area-months."""
    monkeypatch.setattr(store.bulk, "WHOLE_TABLE_FRACTION", whole_table_fraction)  # PostgreSQL's two ways of comparing
    first = write(
        tmp_path / "first.csv",
        LONG_HEADER + "E09000016,2016-10,THEFT,,5\nE09000016,2016-10,VIOLENCE,,3\nE09000016,2016-11,THEFT,,4\n",
    )
    load(engine, "crime", first)
    swapped = write(
        tmp_path / "swapped.csv",
        LONG_HEADER + "E09000016,2016-10,THEFT,,3\nE09000016,2016-10,VIOLENCE,,5\nE09000016,2016-11,THEFT,,4\n",
    )
    summary = load(engine, "crime", swapped)
    assert "only changes written: 2 (new, revised or removed values); 1 values were held already, unchanged" in summary.notes
    assert stored_crime(engine) == {
        ("E09000016", "2016-10", "THEFT", ""): 3,
        ("E09000016", "2016-10", "VIOLENCE", ""): 5,
        ("E09000016", "2016-11", "THEFT", ""): 4,
    }
    renamed = write(
        tmp_path / "renamed.csv",
        LONG_HEADER
        + "E09000016,2016-10,THEFT,,3\nE09000016,2016-10,VIOLENCE AGAINST THE PERSON,,5\nE09000016,2016-11,THEFT,,4\n",
    )
    summary = load(engine, "crime", renamed)  # one category gone, one new, same count: two writes
    assert "only changes written: 2 (new, revised or removed values); 2 values were held already, unchanged" in summary.notes
    assert ("E09000016", "2016-10", "VIOLENCE", "") not in stored_crime(engine)


def test_a_first_import_keeps_what_the_table_holds_beside_its_rows(engine, tmp_path, monkeypatch):
    """A first import builds its table beside the live one and swaps it in (PostgreSQL) only
    when nothing of the table would be lost: with privileges granted on it, it writes through
    the table's key instead, and the grant is still there afterwards, as are the rows and key."""
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        with engine.begin() as conn:
            conn.execute(text("GRANT SELECT ON crime_count TO PUBLIC"))
    summary = load(engine, "crime", met_file(tmp_path, [("1", "2", "3")] * 4))
    assert summary.stored == 12 and len(stored_crime(engine)) == 12
    assert inspect(engine).get_pk_constraint("crime_count")["constrained_columns"][0] == "area_code"
    if postgres:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT has_table_privilege('public', 'crime_count', 'SELECT')")).scalar()
            assert not conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname LIKE 'cspdash_load_%'")).first()
