"""Issue 23 part 3: the months each source held as counts holds are kept in the database by
whatever changes the counts, in its own transaction (``store.source_months``), so no request
walks a count table's key to find them: after every kind of load the kept months are what
working them out from the counts gives, a failed or dry-run load leaves them as they were,
migration 0030 fills them from the counts held before it, and a scorecard or counts request
reads them with one query."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from loaders.errors import LoadError
from store.db import session_scope
from store.source_months import held_months, months_held
from tests.conftest import make_web_app
from tests.helpers import load, migrate_to, statements_run, write

HEADER = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202410,202411,202412,202501\n"
HAROLD_WOOD = "BURGLARY,BURGLARY - RESIDENTIAL,Harold Wood,E05000312,Havering"
ABBEY = "THEFT,OTHER THEFT,Abbey,E05014053,Barking and Dagenham"
HAVERING = "E09000016"


def kept_and_worked_out(engine: Engine, source: str = "crime") -> tuple[list[str], list[str]]:
    with session_scope(engine) as session:
        return months_held(session, source), held_months(session, source)


def assert_kept(engine: Engine, expected: list[str], source: str = "crime") -> None:
    kept, worked_out = kept_and_worked_out(engine, source)
    assert kept == worked_out == expected


def test_every_load_keeps_the_months_held_as_the_counts_give_them(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    assert_kept(engine, [])
    # First load: two wards of two boroughs, one holding the autumn, the other the new year.
    first = f"{HAROLD_WOOD},300,400,,\n{ABBEY},,,,600\n"
    load(engine, "crime", write(tmp_path / "first.csv", HEADER + first))
    assert_kept(engine, ["2024-10", "2024-11", "2025-01"])
    assert_kept(engine, [], "asb")
    # A re-load that no longer gives a month: the figures held for it stand, and so does the month.
    load(engine, "crime", write(tmp_path / "again.csv", HEADER + f"{HAROLD_WOOD},310,,,\n"), accept_drops=True)
    assert_kept(engine, ["2024-10", "2024-11", "2025-01"])


def test_a_load_finds_its_months_from_what_it_wrote_without_walking_the_key(engine, tmp_path, monkeypatch):
    """A load probes the key for the months it wrote (one partnership's file need not pay for
    every area of the nation held); its months held are then the same as a walk gives."""
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    load(engine, "crime", write(tmp_path / "first.csv", HEADER + f"{HAROLD_WOOD},300,400,,\n"))
    with statements_run() as statements:
        load(engine, "crime", write(tmp_path / "more.csv", HEADER + f"{ABBEY},,400,,600\n"))
    assert not [s for s in statements if "WITH RECURSIVE" in s.upper()]
    assert_kept(engine, ["2024-10", "2024-11", "2025-01"])


def test_a_month_gone_from_the_area_months_written_is_looked_for_among_every_area(engine, tmp_path, monkeypatch):
    """Only a month the written areas no longer hold can have gone: the key is walked for it,
    so it stays while another area holds it and goes when none does."""
    from sqlalchemy import delete

    from store.models import CrimeCount
    from store.source_months import record_source_months

    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    load(engine, "crime", write(tmp_path / "both.csv", HEADER + f"{HAROLD_WOOD},300,400,,\n{ABBEY},,400,,600\n"))
    for ward, expected in (("E05000312", ["2024-10", "2024-11", "2025-01"]), ("E05014053", ["2024-10", "2025-01"])):
        with session_scope(engine) as session:
            session.execute(delete(CrimeCount).where(CrimeCount.area_code == ward, CrimeCount.month == "2024-11"))
            record_source_months(session, ["crime"], {"crime": {(ward, "2024-11")}})
        assert_kept(engine, expected)


def test_counts_gone_with_a_retired_area_take_their_months_with_them(engine, tmp_path, monkeypatch):
    """Areas a boundary file retires with no successor lose their counts (``geo.boundaries``
    retires them, then works the counts' records out again, as here): a month only they held
    is held no more, a month another area holds stays."""
    from sources.registry import counted
    from store.area_retirement import retire_areas
    from store.coverage_record import record_coverage

    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    load(engine, "crime", write(tmp_path / "both.csv", HEADER + f"{HAROLD_WOOD},300,400,,\n{ABBEY},,400,,600\n"))
    assert_kept(engine, ["2024-10", "2024-11", "2025-01"])
    with session_scope(engine) as session:
        retire_areas(session, "2022", {"E05014053": ""}, None)
        record_coverage(session, tuple(counted()))
    assert_kept(engine, ["2024-10", "2024-11"])


def test_a_stub_month_is_not_held_until_a_later_file_gives_it_in_full(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0.2")
    load(engine, "crime", write(tmp_path / "stub.csv", HEADER + f"{HAROLD_WOOD},1,400,500,450\n"))
    assert_kept(engine, ["2024-11", "2024-12", "2025-01"])  # October came as a stub: not held
    full = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202409,202410,202411\n"
    load(engine, "crime", write(tmp_path / "full.csv", full + f"{HAROLD_WOOD},2,420,400\n"))
    assert_kept(engine, ["2024-10", "2024-11", "2024-12", "2025-01"])


def test_a_failed_or_dry_run_load_leaves_the_months_held_as_they_were(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    load(engine, "crime", write(tmp_path / "first.csv", HEADER + f"{HAROLD_WOOD},300,400,,\n"))
    assert_kept(engine, ["2024-10", "2024-11"])
    later = HEADER.replace("202410,202411,202412,202501", "202502,202503,202504,202505")
    with pytest.raises(LoadError):
        load(engine, "crime", write(tmp_path / "bad.csv", later + f"{HAROLD_WOOD},3,4,5,6\n{ABBEY},7,lots,8,9\n"))
    assert_kept(engine, ["2024-10", "2024-11"])
    summary = load(engine, "crime", write(tmp_path / "good.csv", later + f"{ABBEY},700,800,900,950\n"), dry_run=True)
    assert summary.periods == ["2025-02", "2025-03", "2025-04", "2025-05"]  # the dry run did read them
    assert_kept(engine, ["2024-10", "2024-11"])


def test_migrating_keeps_the_months_of_the_counts_held_before_it(demo_engine):
    """0030 fills the kept months from the counts already held (alone: not through
    ``store.schema.upgrade``, which works the derived records out again after a migration)."""
    before = {source: kept_and_worked_out(demo_engine, source)[1] for source in ("crime", "asb")}
    assert before["crime"] and before["asb"]
    migrate_to(demo_engine, "0029_category_figures", down=True)
    migrate_to(demo_engine, "0030_source_months")
    for source, months in before.items():
        assert kept_and_worked_out(demo_engine, source) == (months, months)


def test_a_scorecard_and_counts_request_read_the_kept_months_not_the_counts(demo_engine, database_url):
    """Which quarters are held (the scorecard's default quarter, the counts by quarter) is one
    read of the kept months: no statement walks a count table's key or reads its months."""
    client = make_web_app(database_url).server.test_client()
    with statements_run() as statements:
        for url in (f"/api/v1/p/{HAVERING}/scorecard", f"/api/v1/p/{HAVERING}/counts?by=quarter"):
            assert client.get(url).status_code == 200
    walks = [s for s in statements if "WITH RECURSIVE" in s.upper()]
    distinct = [s for s in statements if "DISTINCT" in s.upper() and "month" in s and "_count" in s]
    assert walks == [] and distinct == []
    assert any("FROM source_month" in s for s in statements)
