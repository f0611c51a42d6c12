"""Issue 9, part 2: every total knows its coverage. A figure for an area is complete (its own
figure, every child area that should report, or an uploaded value) or partial, and partial
figures are never shown as totals, comparators or changes: not by ``score``, ``counts``, the
scorecard page or the committee pack."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from rules.periods import Quarter
from store.counts import monthly_counts, monthly_coverage_many
from store.db import session_scope
from store.models import Area
from store.scorecard import build_scorecard
from tests.conftest import make_dashboard_app
from tests.helpers import load, text, walk, write

HAVERING, LONDON = "E09000016", "E12000007"
Q1 = Quarter.parse("2017-18-Q1")
NOT_AVAILABLE = "not available (only 1 of 33 boroughs loaded)"


def havering_wards(engine) -> list[str]:
    with session_scope(engine) as session:
        return sorted(session.scalars(select(Area.code).where(Area.parent_code == HAVERING, Area.level == "ward")))


def upload_asb(engine, tmp_path, months: list[str], wards: list[str], name: str = "asb.csv"):
    lines = [f"{ward},{month},Nuisance,{5 + i % 4}" for month in months for i, ward in enumerate(wards)]
    return load(engine, "asb", write(tmp_path / name, "area_code,month,category,count\n" + "\n".join(lines) + "\n"))


@pytest.fixture
def one_quarter_of_asb(demo_engine, tmp_path):
    """The analyst's routine: one quarter of Havering's ASB, by ward; London's is not loaded."""
    upload_asb(demo_engine, tmp_path, ["2017-04", "2017-05", "2017-06"], havering_wards(demo_engine))
    return demo_engine


def test_a_borough_alone_is_not_londons_total(one_quarter_of_asb):
    with session_scope(one_quarter_of_asb) as session:
        covered = monthly_coverage_many(session, "asb", [LONDON, HAVERING], ["2017-04"])
        assert monthly_counts(session, "asb", LONDON, ["2017-04"]) == {}
        assert monthly_counts(session, "asb", HAVERING, ["2017-04"]) == {"2017-04": covered[HAVERING]["2017-04"].value}
    assert covered[LONDON]["2017-04"].coverage.text() == "partial: 1 of 33 boroughs"
    assert covered[HAVERING]["2017-04"].coverage.text() == "complete"


def test_score_shows_a_partial_comparator_as_not_available(one_quarter_of_asb):
    with session_scope(one_quarter_of_asb) as session:
        row = next(r for r in build_scorecard(session, Q1, HAVERING).rows if r.code == "CSP3")
    assert row.actual is not None  # Havering's own quarter is complete
    assert row.comparator_change is None  # not "London −98.1% on last year"
    assert row.comparator_note == NOT_AVAILABLE


def test_cli_counts_has_a_coverage_column_and_score_says_not_available(one_quarter_of_asb, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    out = runner.invoke(
        cli, ["counts", "--source", "asb", "--area", LONDON, "--by", "quarter", "--from", "2017-04", "--format", "csv"]
    )
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "area_code,area_name,period,count,coverage,covered_by"
    assert lines[1].startswith(f"{LONDON},London,2017-18-Q1,") and ",partial: 1 of 33 boroughs,children (upload " in lines[1]
    out = runner.invoke(cli, ["counts", "--source", "asb", "--area", HAVERING, "--by", "quarter", "--from", "2017-04"])
    assert "complete" in out.output and "partial" not in out.output
    out = runner.invoke(cli, ["score", "--period", "2017-18-Q1"])
    assert out.exit_code == 0, out.output
    assert f"note: CSP3 London comparator {NOT_AVAILABLE}" in out.output
    payload = json.loads(runner.invoke(cli, ["score", "--period", "2017-18-Q1", "--format", "json"]).output)
    csp3 = next(r for r in payload["indicators"] if r["code"] == "CSP3")
    assert csp3["comparator_note"] == NOT_AVAILABLE and csp3["comparator_change"] is None


def test_scorecard_page_and_pack_say_not_available(one_quarter_of_asb, database_url):
    import importlib

    from exports.pack_content import build_pack_content
    from settings import Settings

    app = make_dashboard_app(database_url)
    with app.server.test_request_context("/"):
        page = importlib.import_module("dashboards.scorecard").layout(period=Q1.key, area=HAVERING)
    row = next(c for c in walk(page) if getattr(c, "id", None) == "scorecard-row-CSP3")
    assert NOT_AVAILABLE in text(row) and "-98" not in text(row) and "−98" not in text(row)
    with session_scope(one_quarter_of_asb) as session:
        pack = build_pack_content(session, Q1, HAVERING, Settings.from_env({"DATABASE_URL": database_url}))
    assert f"London: {NOT_AVAILABLE}." in repr(pack)
    appendix = next(r for _, rows in pack.groups for r in rows if r.code == "CSP3")
    assert appendix.comparator == f"London: {NOT_AVAILABLE}"  # never a London change built from Havering alone


def test_missing_wards_make_the_borough_partial_and_its_quarter_not_available(demo_engine, tmp_path):
    wards = havering_wards(demo_engine)
    upload_asb(demo_engine, tmp_path, ["2017-04", "2017-05"], wards, "all.csv")
    upload_asb(demo_engine, tmp_path, ["2017-06"], wards[:9], "half.csv")  # half the wards' June still to come
    with session_scope(demo_engine) as session:
        covered = monthly_coverage_many(session, "asb", [HAVERING], ["2017-05", "2017-06"])[HAVERING]
        row = next(r for r in build_scorecard(session, Q1, HAVERING).rows if r.code == "CSP3")
    assert covered["2017-05"].coverage.complete
    assert covered["2017-06"].coverage.text() == f"partial: 9 of {len(wards)} wards"
    assert row.actual is None and row.quarter_value is None
    assert row.notes == [f"this period ({Q1.label}) not available (only 9 of {len(wards)} wards loaded)"]


def test_a_quarter_needs_all_three_months(demo_engine, tmp_path):
    upload_asb(demo_engine, tmp_path, ["2017-04", "2017-05"], havering_wards(demo_engine))
    with session_scope(demo_engine) as session:
        row = next(r for r in build_scorecard(session, Q1, HAVERING).rows if r.code == "CSP3")
    assert row.actual is None
    assert row.notes == [f"this period ({Q1.label}) not available (only 2 of the quarter's 3 months loaded)"]


def test_published_year_to_date_takes_precedence_over_the_sum_of_quarters(demo_engine, tmp_path):
    period = Quarter.parse("2016-17-Q3")
    with session_scope(demo_engine) as session:
        before = next(r for r in build_scorecard(session, period, HAVERING).rows if r.code == "CSP3")
    assert before.same_period_last_year != 3817
    load(
        demo_engine,
        "values",
        write(tmp_path / "ytd.csv", "indicator_code,area_code,period,value\nCSP3,E09000016,2015/16 YTD Q3,3817\n"),
    )
    with session_scope(demo_engine) as session:
        after = next(r for r in build_scorecard(session, period, HAVERING).rows if r.code == "CSP3")
    assert after.same_period_last_year == 3817 and after.ytd_last_year == 3817
    assert after.quarter_last_year == before.quarter_last_year  # the quarter itself is unchanged
    assert after.change_on_last_year == pytest.approx(100 * (after.actual - 3817) / 3817)
    assert "year to date 2015/16 Q3 is the published figure, not the sum of the quarters" in after.notes[0].replace(
        "Q3 2015/16", "2015/16 Q3"
    )


def test_a_complete_london_from_the_real_borough_file_is_complete(engine, shared_data):
    load(engine, "crime", shared_data / "crime/mps_borough_level_crime_most_recent_24_months_202401-202512.csv")
    with session_scope(engine) as session:
        covered = monthly_coverage_many(session, "crime", [LONDON], ["2025-01"])[LONDON]["2025-01"]
    # 32 boroughs and the Met's units: the City of London has its own police, so it is excused.
    assert covered.coverage.complete and covered.coverage.loaded == 32
