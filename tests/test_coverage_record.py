"""Issue 9, part 2: "record per area and month which source covers it". Every load writes the
coverage of the figures it changes (own figure, summed from n of N children, or an uploaded
value, and the upload behind it) in its own transaction; ``cspdash counts`` reads it; a failed
load leaves it as it was; a re-load or a rolling window leaves it as a fresh computation
would. And MARAC sums follow the same coverage rule as the counts."""

from __future__ import annotations

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import func, select, update

from cli.main import cli
from loaders.errors import LoadError
from rules.periods import Quarter
from store.counts import CountFilter
from store.coverage_record import Recorded, computed_coverage, recorded_coverage
from store.db import session_scope
from store.indicator_queries import indicator_by_code
from store.measures import series
from store.models import AreaMonthCoverage, AsbCount, Indicator
from store.schema import alembic_config, upgrade
from store.scorecard import build_scorecard
from tests.conftest import DEMO_DIR
from tests.helpers import load, statements_run, write
from tests.test_coverage import havering_wards, upload_asb

HAVERING, LONDON = "E09000016", "E12000007"
SOURCES = ("crime", "asb", "marac", "values")


def record(engine, source: str) -> dict:
    """The record's coverage (its figures, ``total``, are checked against the counts by
    ``assert_record_agrees`` and the tests of ``store.counts.recorded_figures``)."""
    with session_scope(engine) as session:
        return {k: v._replace(total=None) for k, v in recorded_coverage(session, source).items()}


def assert_record_agrees(engine) -> None:
    """The recorded coverage is exactly what computing it afresh from the figures gives."""
    with session_scope(engine) as session:
        for source in SOURCES:
            recorded, computed = recorded_coverage(session, source), computed_coverage(session, source)
            assert recorded == computed, source


def test_the_demo_load_records_coverage_that_agrees_with_the_computation(demo_engine):
    assert_record_agrees(demo_engine)
    asb = record(demo_engine, "asb")
    ward = havering_wards(demo_engine)[0]
    own = next(v for (s, a, p), v in asb.items() if a == ward)
    assert own.covered_by == "own figure" and own.complete and own.upload_id is not None
    assert asb[("asb", HAVERING, "2016-12")] == Recorded(
        "children", asb[("asb", HAVERING, "2016-12")].upload_id, 18, 18, "wards", True
    )
    values = record(demo_engine, "values")
    assert values[("values:CSP3", LONDON, "2016-17-Q3")].covered_by == "uploaded value"
    assert record(demo_engine, "marac")[("marac", HAVERING, "2016-17-Q3")].covered_by == "own figure"


def test_a_first_import_records_what_it_wrote_without_summing_the_table_again(engine):
    """Into an empty count table, a load's figures are all the table holds: the record takes
    each area-month's figure from what the load wrote (no sum of the whole table read back,
    1.1 s of a 14-year first import, and the key built while the record is worked out), and
    agrees with a fresh computation; the next load, onto held figures, reads them back."""
    load(engine, "areas", DEMO_DIR / "areas.csv")
    with statements_run() as first:
        load(engine, "crime", DEMO_DIR / "crime_wards_met_format.csv")
        load(engine, "asb", DEMO_DIR / "asb.csv")

    def figures_read_back(statements: list[str]) -> list[str]:  # each area-month's sum and upload
        return [s for s in statements if "sum(" in s and "max(" in s and ("crime_count" in s or "asb_count" in s)]

    assert figures_read_back(first) == []
    assert_record_agrees(engine)
    with statements_run() as again:
        load(engine, "crime", DEMO_DIR / "crime_boroughs_met_format.csv")
    assert figures_read_back(again)
    assert_record_agrees(engine)


def test_a_partial_upload_is_recorded_as_n_of_N_and_agrees(demo_engine, tmp_path):
    wards = havering_wards(demo_engine)
    full = upload_asb(demo_engine, tmp_path, ["2017-04", "2017-05"], wards, "all.csv")
    half = upload_asb(demo_engine, tmp_path, ["2017-06"], wards[:9], "half.csv")
    assert_record_agrees(demo_engine)
    asb = record(demo_engine, "asb")
    assert asb[("asb", HAVERING, "2017-05")] == Recorded("children", full.upload_id, len(wards), len(wards), "wards", True)
    assert asb[("asb", HAVERING, "2017-06")] == Recorded("children", half.upload_id, 9, len(wards), "wards", False)
    assert asb[("asb", LONDON, "2017-05")] == Recorded("children", full.upload_id, 1, 33, "boroughs", False)
    assert asb[("asb", wards[0], "2017-06")] == Recorded("own figure", half.upload_id, 1, 1, "", True)
    assert ("asb", wards[-1], "2017-06") not in asb  # not loaded: no figure, no record


def test_a_failed_or_dry_run_load_leaves_the_record_unchanged(demo_engine, tmp_path):
    wards = havering_wards(demo_engine)
    before = record(demo_engine, "asb")
    bad = (
        "area_code,month,category,count\n"
        + "".join(f"{w},2017-04,Nuisance,5\n" for w in wards)
        + f"{wards[0]},2017-05,Nuisance,lots\n"
    )
    with pytest.raises(LoadError):
        load(demo_engine, "asb", write(tmp_path / "bad.csv", bad))
    assert record(demo_engine, "asb") == before
    good = "area_code,month,category,count\n" + "".join(f"{w},2017-04,Nuisance,5\n" for w in wards)
    load(demo_engine, "asb", write(tmp_path / "good.csv", good), dry_run=True)
    assert record(demo_engine, "asb") == before
    load(demo_engine, "asb", write(tmp_path / "good.csv", good))
    assert record(demo_engine, "asb") != before and ("asb", HAVERING, "2017-04") in record(demo_engine, "asb")


def test_a_reload_and_a_rolling_window_keep_the_record_right(demo_engine, tmp_path):
    wards = havering_wards(demo_engine)
    first = upload_asb(demo_engine, tmp_path, ["2017-04", "2017-05", "2017-06"], wards[:9], "first.csv")
    assert record(demo_engine, "asb")[("asb", HAVERING, "2017-05")].text() == f"partial: 9 of {len(wards)} wards"
    # The next window overlaps the first by two months and now has every ward.
    second = upload_asb(demo_engine, tmp_path, ["2017-05", "2017-06", "2017-07"], wards, "second.csv")
    assert_record_agrees(demo_engine)
    asb = record(demo_engine, "asb")
    assert asb[("asb", HAVERING, "2017-04")] == Recorded("children", first.upload_id, 9, len(wards), "wards", False)
    assert asb[("asb", HAVERING, "2017-05")] == Recorded("children", second.upload_id, len(wards), len(wards), "wards", True)
    assert asb[("asb", HAVERING, "2017-07")].complete
    before = record(demo_engine, "asb")
    upload_asb(demo_engine, tmp_path, ["2017-05", "2017-06", "2017-07"], wards, "again.csv")  # the same window again
    assert_record_agrees(demo_engine)
    assert {k: v.text() for k, v in record(demo_engine, "asb").items()} == {k: v.text() for k, v in before.items()}


def upload_cells(engine, tmp_path, cells: list[tuple[str, str]], name: str):
    lines = "".join(f"{ward},{month},Nuisance,{4 + i % 3}\n" for i, (ward, month) in enumerate(cells))
    return load(engine, "asb", write(tmp_path / name, "area_code,month,category,count\n" + lines))


@pytest.fixture(params=[True, False], ids=["merging", "replacing"])
def merge(request, monkeypatch):
    """Loads onto held figures merge (the default) or replace whole area-months."""
    monkeypatch.setattr("store.bulk.MERGE_RELOADS", request.param)
    return request.param


@pytest.mark.parametrize("much_of_the_table", [False, True], ids=["window", "much"])
def test_a_load_of_counts_updates_the_record_from_what_it_wrote(demo_engine, tmp_path, monkeypatch, merge, much_of_the_table):
    """A load of counts tells the record which area-months it wrote: the record is worked out
    from that and the record as it stood. Every load reads back the figures and latest upload
    of the area-months it wrote (the record keeps each area's figure, and an area-month can
    hold parts other than the load's): those alone for a window, in one pass over the table
    for a load of much of it. Either way it must agree with working it all out afresh."""
    import store.coverage_record as coverage_record

    if much_of_the_table:
        monkeypatch.setattr(coverage_record, "WHOLE_TABLE_FRACTION", 10**9)
    calls = []
    for name in ("stored_figures", "_held_now"):
        real = getattr(coverage_record, name)
        monkeypatch.setattr(coverage_record, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    wards = havering_wards(demo_engine)
    first = upload_asb(demo_engine, tmp_path, ["2017-04", "2017-05"], wards[:9], "first.csv")
    second = upload_asb(demo_engine, tmp_path, ["2017-05", "2017-06"], wards, "second.csv")
    assert calls == [("stored_figures" if much_of_the_table else "_held_now")] * 2
    assert_record_agrees(demo_engine)
    asb = record(demo_engine, "asb")
    assert asb[("asb", HAVERING, "2017-04")] == Recorded("children", first.upload_id, 9, len(wards), "wards", False)
    assert asb[("asb", HAVERING, "2017-05")] == Recorded("children", second.upload_id, len(wards), len(wards), "wards", True)
    assert asb[("asb", wards[0], "2017-04")] == Recorded("own figure", first.upload_id, 1, 1, "", True)
    before = list(calls)
    upload_asb(demo_engine, tmp_path, ["2017-05", "2017-06"], wards, "second.csv")  # the same again
    # Merged, nothing written: nothing to read back; replaced: what it wrote, read back once.
    assert calls == (before if merge else [*before, "stored_figures" if much_of_the_table else "_held_now"])
    assert_record_agrees(demo_engine)
    # Merged, nothing changed: the figures keep the upload they came from.
    expected = second.upload_id if merge else second.upload_id + 1
    assert record(demo_engine, "asb")[("asb", HAVERING, "2017-05")].upload_id == expected


def test_a_load_that_moves_a_wards_span_reworks_months_it_did_not_load(demo_engine, tmp_path, merge):
    """Whether a ward is expected in a month depends on its first and last months and on when
    its siblings began. A boundary review: a new ward begins in July and the old one stops in
    June, so July is complete without the old one. When September's figures for the old ward
    arrive later, it is expected again in July and August, which were not in that load: the
    record must rework them (Havering's July becomes partial). And a load of earlier months
    moves a ward's first month, which can change any month."""
    wards = havering_wards(demo_engine)
    load(
        demo_engine,
        "areas",
        write(tmp_path / "areas.csv", f"area_code,area_name,level,parent_code\nE05999999,New Ward,ward,{HAVERING}\n"),
    )
    upload_cells(demo_engine, tmp_path, [(w, m) for m in ("2017-04", "2017-05", "2017-06") for w in wards], "before.csv")
    upload_cells(demo_engine, tmp_path, [(w, m) for m in ("2017-07", "2017-08") for w in [*wards[1:], "E05999999"]], "review.csv")
    assert_record_agrees(demo_engine)
    assert record(demo_engine, "asb")[("asb", HAVERING, "2017-07")].complete
    upload_cells(demo_engine, tmp_path, [(wards[0], "2017-09")], "late.csv")
    assert_record_agrees(demo_engine)
    july = record(demo_engine, "asb")[("asb", HAVERING, "2017-07")]
    assert not july.complete and july.text() == f"partial: {len(wards)} of {len(wards) + 1} wards"
    upload_cells(demo_engine, tmp_path, [(wards[1], "2017-03")], "early.csv")
    assert_record_agrees(demo_engine)


def test_a_new_ward_in_a_boundary_review_is_recorded_for_its_borough(demo_engine, tmp_path):
    """Coverage of months not in the load can change: a ward that begins after a review means
    the old wards are no longer expected. The whole source is recomputed, not just the months loaded."""
    wards = havering_wards(demo_engine)
    load(
        demo_engine,
        "areas",
        write(tmp_path / "areas.csv", f"area_code,area_name,level,parent_code\nE05999999,New Ward,ward,{HAVERING}\n"),
    )
    assert_record_agrees(demo_engine)
    upload_asb(demo_engine, tmp_path, ["2017-06"], [*wards, "E05999999"], "new.csv")
    assert_record_agrees(demo_engine)


def test_counts_reads_coverage_and_covered_by_from_the_record(demo_engine, tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    wards = havering_wards(demo_engine)
    upload = upload_asb(demo_engine, tmp_path, ["2017-04", "2017-05", "2017-06"], wards)
    runner = CliRunner()

    def counts(*args: str) -> list[str]:
        out = runner.invoke(cli, ["counts", "--source", "asb", "--from", "2017-04", "--format", "csv", *args])
        assert out.exit_code == 0, out.output
        return out.output.splitlines()

    lines = counts("--area", HAVERING, "--by", "quarter")
    assert lines[0] == "area_code,area_name,period,count,coverage,covered_by"
    assert lines[1].endswith(f",complete,children (upload {upload.upload_id})")
    assert counts("--area", wards[0])[1].endswith(f",complete,own figure (upload {upload.upload_id})")
    assert counts("--area", LONDON, "--by", "quarter")[1].endswith(
        f",partial: 1 of 33 boroughs,children (upload {upload.upload_id})"
    )
    # The column is the record's: change the record and counts follows it.
    with session_scope(demo_engine) as session:
        session.execute(
            update(AreaMonthCoverage)
            .where(
                AreaMonthCoverage.source == "asb", AreaMonthCoverage.area_code == HAVERING, AreaMonthCoverage.period == "2017-05"
            )
            .values(complete=False, loaded=17)
        )
    assert counts("--area", HAVERING, "--by", "quarter")[1].endswith(
        f",partial: 17 of {len(wards)} wards,children (upload {upload.upload_id})"
    )


def test_migrating_records_the_coverage_of_figures_loaded_before(demo_engine):
    """0008 builds the record for a database loaded before it existed."""
    config = alembic_config()
    with demo_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007_coverage")
    upgrade(demo_engine)
    assert_record_agrees(demo_engine)
    assert record(demo_engine, "asb")


# --- MARAC: sums of returns are complete only with every return that should exist ---------


def marac(engine, tmp_path, rows: list[tuple[str, str, int, int]], name: str = "marac.csv"):
    text = "area_code,quarter,cases_discussed,repeat_cases\n" + "".join(f"{a},{q},{c},{r}\n" for a, q, c, r in rows)
    return load(engine, "marac", write(tmp_path / name, text))


def indicator(session, code: str) -> Indicator:
    return indicator_by_code(session, code)


def test_marac_year_to_date_needs_every_quarters_return(demo_engine, tmp_path):
    q1, q2, q3 = (Quarter.parse(f"2017-18-Q{n}") for n in (1, 2, 3))
    marac(demo_engine, tmp_path, [(HAVERING, q1.key, 40, 10), (HAVERING, q3.key, 50, 12)])  # Q2's return not in
    with session_scope(demo_engine) as session:
        s = series(session, indicator(session, "DP3"), HAVERING, [q1, q2, q3])
        row = next(r for r in build_scorecard(session, q3, HAVERING).rows if r.code == "CSP2")
    assert s.quarter(q3) == 50 and s.ytd(q3) is None  # never 90 as if the year so far
    assert s.gap(q3, "ytd") == "the Q2 2017/18 MARAC return is not loaded"
    assert s.gap(q2) == "the Q2 2017/18 MARAC return is not loaded"
    assert row.actual == pytest.approx(24.0) and row.ytd_value is None
    assert_record_agrees(demo_engine)


def test_marac_sum_of_children_is_partial_without_every_return(demo_engine, tmp_path):
    wards = havering_wards(demo_engine)
    q1, q2 = Quarter.parse("2018-19-Q1"), Quarter.parse("2018-19-Q2")
    upload = marac(demo_engine, tmp_path, [(wards[0], q1.key, 5, 1), (wards[1], q1.key, 7, 2), (wards[0], q2.key, 6, 1)])
    with session_scope(demo_engine) as session:
        s = series(session, indicator(session, "DP3"), HAVERING, [q1, q2])
        london = series(session, indicator(session, "DP3"), LONDON, [q1, q2])
    assert s.quarter(q1) == 12
    assert s.quarter(q2) is None and s.gap(q2) == "only 1 of 2 wards loaded"  # never 6 as Havering's total
    assert london.quarter(q1) is None and london.gap(q1) == "only 1 of 33 boroughs loaded"  # never Havering's as London's
    assert_record_agrees(demo_engine)
    rec = record(demo_engine, "marac")
    assert rec[("marac", HAVERING, q2.key)] == Recorded("children", upload.upload_id, 1, 2, "wards", False)
    assert rec[("marac", LONDON, q1.key)] == Recorded("children", upload.upload_id, 1, 33, "boroughs", False)


def test_counts_shows_marac_coverage(demo_engine, tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    marac(demo_engine, tmp_path, [(HAVERING, "2017-18-Q1", 40, 10)])
    out = CliRunner().invoke(cli, ["counts", "--source", "marac", "--area", LONDON, "--by", "quarter", "--format", "csv"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "area_code,area_name,period,count,repeat_cases,coverage,covered_by"
    assert any(line.startswith(f"{LONDON},London,2017-18-Q1,40,10,partial: 1 of 33 boroughs,children") for line in lines)
    out = CliRunner().invoke(cli, ["counts", "--source", "marac", "--area", HAVERING, "--by", "year", "--format", "csv"])
    assert f"{HAVERING},Havering,2017-18,40,10,partial: 1 of 4 quarters,own figure" in out.output
    assert f"{HAVERING},Havering,2016-17," in out.output and ",complete,own figure" in out.output


# --- Each area's figure in the record (issue 23 part 3): a comparator's month is one row ------


def figures(engine, source: str, areas: list[str], months: list[str]) -> tuple[dict, dict, dict]:
    """The figures as read from the record, as summed from the counts, and what the record holds."""
    from store.counts import monthly_coverage_many, recorded_figures, summed_coverage

    with session_scope(engine) as session:
        read = monthly_coverage_many(session, source, areas, months)
        summed = summed_coverage(session, source, areas, months, CountFilter(), None)
        return read, summed, recorded_figures(session, source, areas, months)


def ward_sum(engine, wards: list[str], month: str) -> int:
    with session_scope(engine) as session:
        stmt = select(func.sum(AsbCount.count)).where(AsbCount.area_code.in_(wards), AsbCount.month == month)
        return int(session.execute(stmt).scalar_one())


def test_london_and_havering_read_from_the_record_equal_the_sum_of_the_counts_before_and_after_a_load(demo_engine, tmp_path):
    """The record's figures are what summing the stored counts gives, area by area and month by
    month (value, coverage, upload), for London (summed from its boroughs and wards) and
    Havering (from its wards); a load into a window changes them as it changes the counts, a
    partial month stays partial, and nothing is read from the counts where the record has it."""
    wards = havering_wards(demo_engine)
    months = ["2016-10", "2016-11", "2016-12", "2017-04", "2017-05", "2017-06"]
    for source in ("crime", "asb"):
        read, summed, recorded = figures(demo_engine, source, [LONDON, HAVERING], months)
        assert read == summed and set(recorded) == {LONDON, HAVERING}, source
    assert recorded[HAVERING]["2016-12"].coverage.complete
    assert recorded[LONDON]["2016-12"].coverage.text() == "partial: 1 of 33 boroughs"  # the demo holds Havering alone
    before = figures(demo_engine, "asb", [LONDON, HAVERING], months)[0]
    assert before[HAVERING]["2016-12"].value == ward_sum(demo_engine, wards, "2016-12")

    upload_asb(demo_engine, tmp_path, ["2016-12"], wards, "again.csv")  # new figures for a month held
    upload_asb(demo_engine, tmp_path, ["2017-06"], wards[:9], "half.csv")  # half of a month not held
    read, summed, recorded = figures(demo_engine, "asb", [LONDON, HAVERING], months)
    assert read == summed and set(recorded) == {LONDON, HAVERING}
    assert read[HAVERING]["2016-12"].value == ward_sum(demo_engine, wards, "2016-12") != before[HAVERING]["2016-12"].value
    assert read[LONDON]["2016-12"].value - before[LONDON]["2016-12"].value == (
        read[HAVERING]["2016-12"].value - before[HAVERING]["2016-12"].value
    )
    assert not read[HAVERING]["2017-06"].coverage.complete and read[HAVERING]["2017-06"].coverage.loaded == 9
    assert_record_agrees(demo_engine)


def test_the_london_comparators_series_is_the_same_read_from_the_record_as_summed(demo_engine, monkeypatch):
    """The scorecard's London comparator (CSP1: every crime, CSP3: every ASB incident) shows the
    same values and gaps whether London's months come from the record or from summing its wards."""
    quarters = [Quarter(2016, q) for q in (1, 2, 3, 4)] + [Quarter(2015, 3)]
    with session_scope(demo_engine) as session:
        read = {code: series(session, indicator(session, code), LONDON, quarters) for code in ("CSP1", "CSP3")}
    monkeypatch.setattr("store.counts.recorded_figures", lambda *a, **k: {})
    with session_scope(demo_engine) as session:
        summed = {code: series(session, indicator(session, code), LONDON, quarters) for code in ("CSP1", "CSP3")}
    for code in read:
        assert read[code].values == summed[code].values and read[code].gaps == summed[code].gaps, code
    assert read["CSP1"].values  # London's crime figures are there to compare


def test_a_policeuk_load_works_out_the_record_of_the_wards_it_placed_records_in_and_the_areas_above(
    engine, tmp_path, monkeypatch
):
    """With every area of England and Wales held, working out the whole record again after one
    force's file took a minute: a police.uk load tells the record the ward-months it wrote, and
    only those wards and the areas above them are worked out again (the others' figures are
    taken from the record), which must still agree with working it all out afresh."""
    import store.coverage_record as coverage_record
    from store.areas import AreaTree
    from tests.test_geo_policeuk import record as street_record
    from tests.test_geo_policeuk import street_csv, two_wards

    worked_out: list[list[str]] = []
    real = coverage_record.resolve_coverage
    monkeypatch.setattr(
        coverage_record, "resolve_coverage", lambda tree, areas, *a, **k: worked_out.append(areas) or real(tree, areas, *a, **k)
    )
    two_wards(engine, tmp_path)  # Brooklands (west of lon 0.20) and Cranham, Havering's
    brooklands, cranham = "E05000306", "E05000307"
    april = ["0.19", "0.21"]  # a burglary in each ward, and anti-social behaviour in Cranham
    both = [
        *(street_record("2024-04", lon, "51.57") for lon in april),
        street_record("2024-04", "0.21", "51.57", "Anti-social behaviour"),
    ]
    load(engine, "policeuk", street_csv(tmp_path / "april.csv", both))
    assert_record_agrees(engine)
    with session_scope(engine) as session:
        tree = AreaTree.load(session)
    worked_out.clear()
    load(engine, "policeuk", street_csv(tmp_path / "may.csv", [street_record("2024-05", "0.19", "51.57")]))
    above = tree.ancestors(brooklands)
    assert HAVERING in above and LONDON in above
    assert worked_out == [sorted([brooklands, *above])]  # crime; nothing of ASB changed
    assert cranham not in worked_out[0]  # nor London's other boroughs: 4 areas of the 39 held
    assert_record_agrees(engine)
    assert record(engine, "crime")[("crime", HAVERING, "2024-05")] == Recorded("children", 3, 1, 2, "wards", False)


def test_lookups_placing_districts_in_partnerships_regions_and_wards_keep_the_record_right(demo_engine, tmp_path, shared_data):
    """A district placed in its partnership, force area and region gives each of them a figure
    (and an LSOA lookup can add wards): the lookups rework the record as a file of areas does,
    so a later load that works out only its own areas finds the rest right."""
    from tests.test_csp_lookup import write_lookup
    from tests.test_geo_policeuk import LOOKUP
    from tests.test_region_lookup import write_regions

    load(demo_engine, "csp-lookup", write_lookup(tmp_path / "LAD24_CSP24_PFA24_EW_LU.csv"))
    assert_record_agrees(demo_engine)
    load(demo_engine, "region-lookup", write_regions(tmp_path / "LAD24_RGN24_EN_LU.csv"))
    assert_record_agrees(demo_engine)
    load(demo_engine, "lsoa-lookup", shared_data / LOOKUP)
    assert_record_agrees(demo_engine)
