"""`cspdash spc`: from a CSV file (no database) and from stored data on SQLite and PostgreSQL,
on the demo and on the real Met borough file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.helpers import load, write

ASB = [430, 382, 374, 389, 421, 418, 407, 414, 404, 407, 386, 395, 379, 380, 437, 376, 406, 357, 401, 328, 418, 400, 393, 424]
BOROUGH_FILE = "crime/mps_borough_level_crime_most_recent_24_months_202401-202512.csv"


def months(n: int, first_year: int = 2015, first_month: int = 4) -> list[str]:
    out = []
    for i in range(n):
        k = first_month - 1 + i
        out.append(f"{first_year + k // 12}-{k % 12 + 1:02d}")
    return out


@pytest.fixture
def asb_file(tmp_path: Path) -> Path:
    rows = "".join(f'{m},"{v:,}"\n' for m, v in zip(months(24), ASB))
    return write(tmp_path / "asb_monthly.csv", "period,value\n" + rows)


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_spc_file_json_matches_the_issue_example(asb_file):
    result = invoke("spc", str(asb_file), "--improvement", "decrease", "--target", "300", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"mean", "lower_limit", "upper_limit", "provisional", "points", "variation", "assurance"} <= data.keys()
    assert (round(data["mean"], 1), round(data["lower_limit"], 1), round(data["upper_limit"], 1)) == (396.9, 322.4, 471.4)
    assert data["provisional"] is False
    assert [p["period"] for p in data["points"]] == months(24)
    assert all(p["special_cause"] is None for p in data["points"])
    assert (data["variation"], data["assurance"]) == ("common_cause", "fail")


def test_spc_file_table_says_the_verdicts_in_words(asb_file):
    result = invoke("spc", str(asb_file), "--improvement", "decrease", "--target", "300")
    assert result.exit_code == 0
    assert result.output.startswith("mean 396.9, lower limit 322.4, upper limit 471.4\n")
    assert "variation: common_cause (common cause: no significant change)" in result.output
    assert "assurance: fail (will consistently miss the target)" in result.output


def test_spc_file_flags_a_special_cause_and_screening_can_be_turned_off(tmp_path):
    values = [90, 110] * 10
    values[5], values[14] = 250, 30
    path = write(tmp_path / "s.csv", "period,value\n" + "".join(f"p{i:02d},{v}\n" for i, v in enumerate(values)))
    screened = json.loads(invoke("spc", str(path), "--improvement", "increase", "--format", "json").output)
    plain = json.loads(invoke("spc", str(path), "--improvement", "increase", "--no-screen", "--format", "json").output)
    assert [p["period"] for p in screened["points"] if p["special_cause"]] == ["p05", "p14"]
    assert [p["period"] for p in plain["points"] if p["special_cause"]] == ["p05"]
    assert screened["points"][14] == {
        "period": "p14",
        "value": 30.0,
        "special_cause": "outside_limits",
        "rules": ["outside_limits"],
        "type": "concern",
        "segment": 0,
    }
    assert screened["segments"][0]["screened_periods"] == ["p05", "p06"] and plain["segments"][0]["screened_periods"] == []
    table = invoke("spc", str(path), "--improvement", "increase").output
    assert "p14               30  concern: outside the process limits" in table


def test_spc_file_short_series_is_provisional(tmp_path):
    path = write(tmp_path / "s.csv", "period,value\n" + "".join(f"{m},{v}\n" for m, v in zip(months(8), ASB)))
    data = json.loads(invoke("spc", str(path), "--improvement", "neutral", "--format", "json").output)
    assert data["provisional"] is True and data["variation"] is None and data["assurance"] is None
    assert data["upper_limit"] is not None
    assert "provisional: only 8 points" in invoke("spc", str(path), "--improvement", "neutral").output


def test_spc_bad_file_names_file_row_column_and_value(tmp_path):
    path = write(tmp_path / "bad.csv", "period,value\n2015-04,430\n2015-05,lots\n,12\n2015-04,400\n2015-07,\n")
    result = CliRunner().invoke(cli, ["spc", str(path), "--improvement", "decrease"])
    assert result.exit_code == 1
    err = result.stderr if hasattr(result, "stderr") else result.output
    assert "bad.csv: 4 problems found; nothing was loaded." in err
    lines = err.splitlines()
    assert any(
        line.startswith("bad.csv") and " 3 " in line and "value" in line and "lots" in line and "not a number" in line
        for line in lines
    )
    assert any(" 4 " in line and "period" in line and "this cell must not be blank" in line for line in lines)
    assert any(" 5 " in line and "2015-04" in line and "duplicate period: already given in row 2" in line for line in lines)
    assert any(" 6 " in line and "a number is required here" in line for line in lines)


def test_spc_missing_column_and_empty_file(tmp_path):
    result = CliRunner().invoke(
        cli, ["spc", str(write(tmp_path / "x.csv", "month,count\n2015-04,1\n")), "--improvement", "increase"]
    )
    assert result.exit_code == 1 and "missing column 'period'" in result.output
    result = CliRunner().invoke(cli, ["spc", str(write(tmp_path / "e.csv", "period,value\n")), "--improvement", "increase"])
    assert result.exit_code == 1 and "the file has no data rows" in result.output


def test_spc_usage_errors(asb_file):
    assert CliRunner().invoke(cli, ["spc", str(asb_file)]).exit_code == 2  # no --improvement
    assert CliRunner().invoke(cli, ["spc"]).exit_code == 2  # neither FILE nor --indicator
    result = CliRunner().invoke(cli, ["spc", str(asb_file), "--improvement", "sideways"])
    assert result.exit_code == 2 and "sideways" in result.output


# --- stored data ----------------------------------------------------------------------------


def test_spc_stored_demo_by_month_and_quarter(demo_engine, database_url):
    env = {"DATABASE_URL": database_url}
    monthly = json.loads(invoke("spc", "--indicator", "CSP3", "--by", "month", "--format", "json", env=env).output)
    assert monthly["indicator"] == "CSP3" and monthly["area_code"] == "E09000016" and monthly["by"] == "month"
    assert monthly["points"][0]["period"] == "2014-04" and len(monthly["points"]) >= 24
    assert monthly["provisional"] is False and monthly["variation"] is not None
    # CSP3's target is a year-to-date total: spread over the months of the year so far.
    assert monthly["points"][-1]["period"] == "2017-03"
    assert monthly["assurance"] == "inconsistent" and monthly["target"] == pytest.approx(4700 / 12)
    assert monthly["notes"] == [
        "assurance against the Q4 2016/17 target of 4,700 for the year to date, spread evenly: 391.7 a month"
    ]
    out = invoke("counts", "--source", "asb", "--from", "2014-04", "--to", "2014-04", "--format", "csv", env=env).output
    first = next(csv.DictReader(io.StringIO(out)))
    assert first["coverage"] == "complete" and monthly["points"][0]["value"] == float(first["count"])
    quarterly = json.loads(invoke("spc", "--indicator", "CSP2", "--by", "quarter", "--format", "json", env=env).output)
    assert quarterly["points"][0]["period"] == "2014-15-Q1" and quarterly["improvement"] == "neutral"  # a band
    assert quarterly["assurance"] is None


def test_spc_stored_refuses_what_it_cannot_chart(demo_engine, database_url):
    env = {"DATABASE_URL": database_url}
    result = CliRunner().invoke(cli, ["spc", "--indicator", "CSP2", "--by", "month"], env=env)
    assert result.exit_code == 1 and "no monthly values; use --by quarter" in result.output
    result = CliRunner().invoke(cli, ["spc", "--indicator", "NOPE"], env=env)
    assert result.exit_code == 1 and "unknown indicator 'NOPE'" in result.output
    result = CliRunner().invoke(cli, ["spc", "--indicator", "CSP1", "--area", "E05999999"], env=env)
    assert result.exit_code == 1 and "unknown area 'E05999999'" in result.output


def test_spc_stored_rebases_at_a_series_break(demo_engine, database_url, tmp_path):
    env = {"DATABASE_URL": database_url}
    before = json.loads(invoke("spc", "--indicator", "CSP1", "--by", "month", "--format", "json", env=env).output)
    assert len(before["segments"]) == 1
    notes = write(tmp_path / "breaks.csv", "source,date,reason\ncrime,2015-04-01,new Met crime system\n")
    assert invoke("ingest", "annotations", str(notes), env=env).exit_code == 0
    after = json.loads(invoke("spc", "--indicator", "CSP1", "--by", "month", "--format", "json", env=env).output)
    assert after["rebase_periods"] == ["2015-04"]
    assert [s["first_period"] for s in after["segments"]] == ["2014-04", "2015-04"]
    assert after["annotations"] == [{"date": "2015-04-01", "kind": "break", "reason": "new Met crime system"}]
    assert after["mean"] != before["mean"]
    table = invoke("spc", "--indicator", "CSP1", "--by", "month", env=env).output
    assert "(from 2015-04, after a series break)" in table and "note: series break 2015-04-01: new Met crime system" in table
    # ASB is another source: untouched.
    asb = json.loads(invoke("spc", "--indicator", "CSP3", "--format", "json", env=env).output)
    assert asb["rebase_periods"] == []


def test_spc_on_real_met_borough_data(engine, database_url, shared_data, tmp_path):
    env = {"DATABASE_URL": database_url}
    load(
        engine,
        "indicators",
        write(
            tmp_path / "ind.csv",
            "code,name,goal,unit,polarity,basis,measure,rated\nTNO,Total notifiable offences,Safe,count,lower,quarter,crime,true\n",
        ),
    )
    load(engine, "crime", shared_data / BOROUGH_FILE)
    data = json.loads(invoke("spc", "--indicator", "TNO", "--area", "E09000016", "--format", "json", env=env).output)
    assert [p["period"] for p in data["points"]] == months(24, 2024, 1)
    counts = invoke(
        "counts", "--source", "crime", "--area", "E09000016", "--from", "2024-01", "--to", "2025-12", "--format", "csv", env=env
    ).output
    assert [p["value"] for p in data["points"]] == [float(r["count"]) for r in csv.DictReader(io.StringIO(counts))]
    assert data["provisional"] is False and data["variation"] in {"common_cause", "improvement", "concern"}
    assert data["lower_limit"] < data["mean"] < data["upper_limit"]
    # A break a year in leaves two provisional baselines of twelve months.
    write(tmp_path / "b.csv", "indicator_code,date,reason\nTNO,2025-01,test break\n")
    assert invoke("ingest", "annotations", str(tmp_path / "b.csv"), env=env).exit_code == 0
    rebased = json.loads(invoke("spc", "--indicator", "TNO", "--area", "E09000016", "--format", "json", env=env).output)
    assert [s["points"] for s in rebased["segments"]] == [12, 12]
    assert rebased["provisional"] is True and rebased["variation"] is None


def test_spc_file_periods_must_run_forwards(tmp_path):
    path = write(tmp_path / "order.csv", "period,value\n2015-04,1\n2015-06,2\n2015-05,3\n2015-07,4\n")
    result = CliRunner().invoke(cli, ["spc", str(path), "--improvement", "increase"])
    assert result.exit_code == 1
    assert "order.csv: 1 problem found" in result.output
    assert "out of time order: comes after 2015-06; sort the file by period" in result.output
    quarters = write(tmp_path / "q.csv", "period,value\n2015-16-Q4,1\n2016-17-Q1,2\n")
    assert CliRunner().invoke(cli, ["spc", str(quarters), "--improvement", "increase"]).exit_code == 0
