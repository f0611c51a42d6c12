"""Issue 9, part 3: CSV written by the CLI is neutralised against formula injection like the
web exports, and ``--format json`` writes numbers as JSON numbers."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.helpers import load, write


@pytest.fixture
def run(demo_engine, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()

    def invoke(*args: str) -> str:
        out = runner.invoke(cli, list(args))
        assert out.exit_code == 0, out.output
        return out.output

    return invoke


def test_cli_csv_neutralises_formulas_and_keeps_numbers(run, demo_engine, tmp_path):
    load(
        demo_engine, "indicators",
        write(tmp_path / "ind.csv", "code,name,goal,unit,polarity,basis,measure,rated\n"
              'CSP9,"=HYPERLINK(""http://evil.example"",""click"")",@Safe,count,lower,quarter,crime,true\n'),
    )  # fmt: skip
    load(demo_engine, "asb", write(tmp_path / "=cmd.csv", "area_code,month,category,count\nE09000016,2017-04,+Nuisance,3\n"))
    rows = list(csv.DictReader(io.StringIO(run("score", "--period", "2016-17-Q3", "--format", "csv"))))
    evil = next(r for r in rows if r["code"] == "CSP9")
    assert evil["name"].startswith("'=HYPERLINK(") and evil["goal"] == "'@Safe"
    tno = next(r for r in rows if r["code"] == "CSP1")
    assert tno["actual"] == "13143" and tno["tolerance"] == "2.5%"
    uploads = list(csv.DictReader(io.StringIO(run("uploads", "--format", "csv"))))
    assert uploads[0]["file_name"] == "'=cmd.csv" and uploads[0]["rows"] == "1"
    counts = run("counts", "--source", "asb", "--by-category", "--from", "2017-04", "--format", "csv")
    assert "'+Nuisance" in counts


def test_cli_json_numbers_are_numbers(run):
    payload = json.loads(run("score", "--period", "2016-17-Q3", "--format", "json"))
    tno = next(r for r in payload["indicators"] if r["code"] == "CSP1")
    assert tno["actual"] == 13143 and isinstance(tno["actual"], int)
    assert tno["target"] == 12400 and tno["same_period_last_year"] == 12573
    marac = next(r for r in payload["indicators"] if r["code"] == "CSP2")
    assert marac["actual"] == pytest.approx(28.8, abs=0.05) and marac["target"] == "28-40"
    uploads = json.loads(run("uploads", "--format", "json"))
    assert isinstance(uploads[0]["rows"], int) and isinstance(uploads[0]["id"], int)
