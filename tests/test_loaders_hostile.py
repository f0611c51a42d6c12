"""Issue 9, part 3: hostile and broken files are refused quickly, with a clear message and no
change to stored data; two loads at once are serialised; database errors are messages."""

from __future__ import annotations

import gzip
import threading
import time

import pytest
from sqlalchemy import text

from loaders.errors import LoadError
from loaders.reading import LoadLimits, Source
from loaders.registry import run_load
from store.db import session_factory
from store.locks import take_load_lock
from tests.conftest import table_counts
from tests.helpers import write
from tests.test_loaders_bad_input import problems_of

ASB_HEADER = "area_code,month,category,count\n"


def refused(engine, path, kind="asb", **limits):
    before = table_counts(engine)
    with pytest.raises(LoadError) as caught:
        run_load(engine, kind, Source.from_path(path), limits=LoadLimits(**limits))
    assert table_counts(engine) == before
    return caught.value


def test_gzip_bomb_without_line_breaks_stops_at_the_decompressed_cap(engine, tmp_path):
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        block = b"A" * (1 << 20)
        for _ in range(40):  # 40 MB of one endless line, about 40 KB compressed
            out.write(block)
    assert path.stat().st_size < 200_000
    error = refused(engine, path, max_bytes=8 * 1024 * 1024)
    assert [p.reason for p in error.problems] == [
        "the file is larger than 8 MB once decompressed; split it, or raise CSPDASH_MAX_FILE_MB"
    ]


def test_a_line_that_never_ends_is_refused_before_parsing(engine, tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(ASB_HEADER.encode() + b"E09000016,2016-10," + b"x" * 300_000)
    error = refused(engine, path, max_columns=4, max_field_chars=10_000)
    assert error.problems[0].row == 2 and "this row is longer than" in error.problems[0].reason


def test_too_many_columns_is_refused_with_the_setting_named(engine, tmp_path):
    path = write(
        tmp_path / "wide.csv", ",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" for _ in range(100_000)) + "\n"
    )
    start = time.perf_counter()
    error = refused(engine, path)
    assert time.perf_counter() - start < 30
    assert [(p.row, p.value) for p in error.problems] == [(1, "100,000 columns")]
    assert "CSPDASH_MAX_COLUMNS" in error.problems[0].reason


def test_a_huge_header_field_is_a_message_not_a_crash(engine, tmp_path):
    path = write(tmp_path / "header.csv", "area_code,month,category,count," + "h" * 128 * 1024 + "\nE09000016,2016-10,x,1,2\n")
    error = refused(engine, path)
    assert error.problems[0].row == 1
    assert "longer than 10,000 characters" in error.problems[0].reason or "cannot be read" in error.problems[0].reason


def test_a_long_field_is_named_by_row_and_column(engine, tmp_path):
    path = write(tmp_path / "field.csv", ASB_HEADER + "E09000016,2016-10,Personal,3\nE09000016,2016-11," + "y" * 20_000 + ",4\n")
    error = refused(engine, path)
    assert [(p.row, p.column) for p in error.problems] == [(3, "category")]
    assert error.problems[0].reason.startswith("longer than 10,000 characters")


@pytest.mark.parametrize("kind,header,row", [
    ("asb", ASB_HEADER, "E09000016,2016-10,Pers\x00onal,3\n"),
    ("commentary", "indicator_code,area_code,period,commentary,corrective_action\n", "CSP1,E09000016,2016-17-Q3,Rising\x01 again,\n"),
])  # fmt: skip
def test_nul_and_control_characters_are_refused_with_row_and_column(demo_engine, tmp_path, kind, header, row):
    path = write(tmp_path / "nul.csv", header + row)
    problems, _ = problems_of(demo_engine, kind, path)
    assert len(problems) == 1 and problems[0][0] == 2
    assert problems[0][1] in ("category", "commentary")
    assert problems[0][3] == "contains a control character (such as NUL); remove it and save the file again"


def test_repeated_row_bomb_stops_at_the_problem_cap_with_how_many_more(engine, tmp_path):
    path = tmp_path / "repeat.csv.gz"
    with gzip.open(path, "wb") as out:
        out.write(ASB_HEADER.encode() + b"E09000016,2016-10,Personal,3\n" * 2_000_000)
    start = time.perf_counter()
    error = refused(engine, path, max_problems=1_000)
    assert time.perf_counter() - start < 60
    assert error.stopped and len(error.problems) == 1_000 and error.total > 1_000
    assert error.table().splitlines()[-1] == f"… and {error.total - 1_000:,} more"
    assert "checking stopped there" in error.headline()


def test_two_loads_at_once_the_second_is_told_plainly(engine, tmp_path):
    path = write(tmp_path / "asb.csv", ASB_HEADER + "E09000016,2016-10,Personal,3\n")
    holder = session_factory(engine)()
    try:
        take_load_lock(holder, 1)  # as a load running elsewhere does, until its commit or rollback
        error = refused(engine, path, lock_wait_seconds=1)
        assert [p.reason for p in error.problems] == [
            "another load is running (this one waited 1 seconds); nothing was loaded from this file: "
            "try again when the other load has finished"
        ]
    finally:
        holder.rollback()
        holder.close()


def test_two_overlapping_loads_both_succeed_one_after_the_other(engine, tmp_path):
    path = write(tmp_path / "wards.csv", "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202401,202402\n"
                 + "".join(f"THEFT,OTHER THEFT,Ward {i},E0590{i:04d},Havering,{i},1\n" for i in range(300)))  # fmt: skip
    errors: list[BaseException] = []

    def one() -> None:
        try:
            run_load(engine, "crime", Source.from_path(path))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert table_counts(engine)["crime_count"] == 600


def test_a_database_error_is_a_message_not_a_traceback(engine, tmp_path, monkeypatch):
    import loaders.asb

    def broken(ctx):
        ctx.session.execute(text("INSERT INTO no_such_table VALUES (1)"))

    monkeypatch.setattr(loaders.asb, "load_asb", broken)
    error = refused(engine, write(tmp_path / "asb.csv", ASB_HEADER + "E09000016,2016-10,Personal,3\n"))
    assert error.problems[0].reason.startswith("the database refused this load, so nothing was stored: ")


@pytest.mark.parametrize("body,reason", [
    (ASB_HEADER + "E09000016,2016-10,Pers\x00onal,3\n", "contains a control character (such as NUL); remove it and save the file again"),
    (ASB_HEADER, "no data rows: the file has a header and nothing under it"),
    ("a," * 3000 + "b\n1\n", "more than 2,000 columns; no file we load has so many (raise CSPDASH_MAX_COLUMNS if this one really does)"),
])  # fmt: skip
def test_the_upload_page_shows_the_same_problems_readably(engine, body, reason):
    from web.parts import upload_steps

    outcome = upload_steps.check_upload(engine, "asb", "bad.csv", body.encode(), "priya")
    assert outcome.error is not None and outcome.message is None  # the problem table, not "Something went wrong"
    table = upload_steps.problem_table(outcome.error)
    assert reason in text_of(table)


def test_the_upload_page_says_plainly_that_another_load_is_running(engine, monkeypatch):
    from web.parts import upload_steps

    monkeypatch.setenv("CSPDASH_LOAD_WAIT_SECONDS", "1")
    holder = session_factory(engine)()
    try:
        take_load_lock(holder, 1)
        outcome = upload_steps.load_upload(
            engine, "asb", "asb.csv", (ASB_HEADER + "E09000016,2016-10,Personal,3\n").encode(), "priya"
        )
    finally:
        holder.rollback()
        holder.close()
    assert outcome.error is not None
    assert "another load is running" in text_of(upload_steps.problem_table(outcome.error))


def text_of(component) -> str:
    from tests.helpers import text

    return text(component)
