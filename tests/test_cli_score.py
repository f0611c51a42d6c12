"""End to end: `cspdash demo` then `cspdash score` reproduces the Havering Q3 2016/17 report."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import EMPTY, derived_template, template_fill

# `cspdash demo` publishes the demo's quarter, and publishing prints the pack with Chromium.
pytestmark = pytest.mark.browser

CLI_DEMO = "clidemo"


def _cspdash_demo(url: str) -> str:
    """`cspdash demo` on ``url``; what it said (``template_fill``)."""
    result = CliRunner().invoke(cli, ["demo"], env={"DATABASE_URL": url}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


# What `cspdash demo` leaves on a brand-new database (migrated, the demo loaded, Q3 2016/17
# published with its pack): made once per test process into a template, each test getting a
# clone; running it per test (a pack printed by Chromium each time) was most of this file's time.
derived_template(CLI_DEMO, EMPTY, _cspdash_demo, "after_cspdash_demo")


@pytest.fixture
def after_cspdash_demo(engine):
    """A database as `cspdash demo` leaves it."""
    return engine


@pytest.fixture
def run(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    return invoke


def test_cli_demo_then_score_matches_the_published_report(run, after_cspdash_demo):
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(run("score", "--period", "2016-17-Q3", "--format", "csv")))}
    assert list(next(iter(rows.values())).keys()) == [
        "code", "name", "goal", "area_code", "period", "basis", "actual", "target", "tolerance", "rag",
        "dot_short", "dot_long", "previous_quarter", "same_period_last_year",
        "dot_short_p", "dot_long_p", "dot_short_significant", "dot_long_significant", "dot_short_break", "dot_long_break",
        "spc_variation", "spc_assurance",
        "projected_year_end", "projected_low", "projected_high", "projection_method", "on_track",
    ]  # fmt: skip
    tno, marac, asb = rows["CSP1"], rows["CSP2"], rows["CSP3"]
    assert (tno["actual"], tno["same_period_last_year"], tno["rag"]) == ("13143", "12573", "Red")
    assert (tno["dot_short"], tno["dot_long"]) == ("better", "worse")  # Q3 fell (4,355 from 4,470); YTD rose
    assert (asb["actual"], asb["rag"], asb["dot_long"]) == ("4810", "Red", "worse")
    assert (marac["actual"], marac["target"], marac["rag"]) == ("28.8", "28-40", "Green")
    assert {rows[c]["rag"] for c in ("DP1", "DP2", "DP3", "DP4", "DP5")} == {"Not rated"}
    assert all(r["area_code"] == "E09000016" and r["period"] == "2016-17-Q3" for r in rows.values())


def test_cli_score_table_ends_with_the_rag_summary(run, after_cspdash_demo):
    out = run("score", "--period", "Q3 2016/17")
    assert out.startswith("Havering (E09000016), Q3 2016/17")
    assert "Overall: Of the 3 indicators, 2 (66.7%) are Red and 1 (33.3%) is Green." in out


def test_cli_score_gives_the_projected_year_end_in_the_table_the_csv_and_as_published(run, after_cspdash_demo):
    """The analyst at the terminal sees what the scorecard page shows: docs/figures.md's CSP1 at
    Q3 2016/17, in words with its mark; the CSV has its figures; the published version keeps it."""
    table = run("score", "--period", "2016-17-Q3")
    projections = table.split("Projected year end (+ on track, ! at risk, × off track, – not judged)\n")[1]
    assert "  CSP1: Projected year end 17,638 (17,552 to 17,724): × off track" in projections
    assert "  CSP2: Projected year end 26.3% (24.0% to 28.6%): – not judged: a band indicator" in projections
    assert "DP1" not in projections.split("RAG summary")[0]  # a context indicator has no target to project to
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(run("score", "--period", "2016-17-Q3", "--format", "csv")))}
    tno = rows["CSP1"]
    assert (tno["projected_year_end"], tno["projected_low"], tno["projected_high"], tno["on_track"]) == (
        "17637.9", "17552", "17723.9", "off track",
    )  # fmt: skip
    assert tno["projection_method"] == "seasonal ratio; 80% Poisson interval"
    assert rows["DP1"]["projected_year_end"] == "" and rows["DP1"]["on_track"] == ""
    published = json.loads(run("score", "--period", "2016-17-Q3", "--as-published", "--format", "json"))
    csp1 = next(r for r in published["indicators"] if r["code"] == "CSP1")
    assert (csp1["projected_year_end"], csp1["projected_low"], csp1["on_track"]) == (17637.9, 17552.0, "off track")
    assert "  CSP1: Projected year end 17,638 (17,552 to 17,724): × off track" in run(
        "score", "--period", "2016-17-Q3", "--as-published"
    )
    assert "  CSP1: No projection in Q4: the year to date is the year end" in run("score", "--period", "2016-17-Q4")


def test_cli_score_json_and_quarter_figures(run, after_cspdash_demo):
    data = json.loads(run("score", "--period", "2016-17-Q3", "--format", "json"))
    assert data["summary"]["sentence"] == "Of the 3 indicators, 2 (66.7%) are Red and 1 (33.3%) is Green."
    out = run("counts", "--source", "crime", "--by", "quarter", "--from", "2015-10", "--to", "2016-12", "--format", "csv")
    quarters = {r["period"]: int(r["count"]) for r in csv.DictReader(io.StringIO(out))}
    assert quarters["2016-17-Q3"] == 4355 and quarters["2015-16-Q3"] == 4520
    asb = run("counts", "--source", "asb", "--by", "quarter", "--from", "2016-04", "--to", "2016-12", "--format", "csv")
    assert [int(r["count"]) for r in csv.DictReader(io.StringIO(asb))] == [1392, 2096, 1322]


def test_cli_score_demo_twice_is_idempotent(run, after_cspdash_demo):
    # The first `cspdash demo`, on a brand-new database, is the one that made this test's
    # database (a clone of its template): what it said, then what a second run says.
    first_demo = template_fill(CLI_DEMO, after_cspdash_demo)
    assert "Published Q3 2016/17: Version 1, published on 17 January 2017 by demo." in first_demo
    first = run("score", "--period", "2016-17-Q3", "--format", "csv")
    assert "Q3 2016/17 was published already." in run("demo")
    assert run("score", "--period", "2016-17-Q3", "--format", "csv") == first
    assert "Q4 2016/17, E09000016: Draft — not yet published." in run("versions", "--period", "2016-17-Q4")


def test_cli_score_rejects_a_bad_period(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    runner.invoke(cli, ["init-db"])
    result = runner.invoke(cli, ["score", "--period", "2016-17-Q7"])
    assert result.exit_code == 2
    assert "'2016-17-Q7' is not a quarter; write it like 2016-17-Q3" in result.output


@pytest.mark.db  # an empty SQLite file of its own
def test_cli_commands_need_a_schema(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    result = CliRunner().invoke(cli, ["score", "--period", "2016-17-Q3"])
    assert result.exit_code == 1
    assert "run `cspdash init-db` first" in result.output


def test_cli_score_ward_without_its_own_target_is_not_rated(run, after_cspdash_demo):
    out = run("score", "--period", "2016-17-Q3", "--area", "E05000319")
    assert "Romford Town" in out and "no target for this ward" in out
    assert "None of the 3 indicators is rated for this period: 2 are Not rated and 1 has no figure." in out
    assert "100.0%" not in out
