"""`cspdash score` with significance on every arrow and a drafted narrative: the demo and the
real Met borough file, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from cli.main import cli
from rules.periods import Quarter
from store.db import session_scope
from store.measures import PeriodValue
from store.scorecard import build_scorecard, change_test
from tests.helpers import load, write

BOROUGH_FILE = "crime/mps_borough_level_crime_most_recent_24_months_202401-202512.csv"


def score(database_url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["score", *args], env={"DATABASE_URL": database_url}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_score_csv_has_p_values_and_verdicts(demo_engine, database_url):
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(score(database_url, "--period", "2016-17-Q3", "--format", "csv")))}
    asb, tno, marac = rows["CSP3"], rows["CSP1"], rows["CSP2"]
    assert (asb["dot_long_p"], asb["dot_long_significant"]) == ("<0.0001", "yes")  # 4,810 v 3,810
    assert (tno["dot_long_significant"], tno["dot_short_significant"]) == ("yes", "no")
    assert float(tno["dot_long_p"]) < 0.001 and 0.2 < float(tno["dot_short_p"]) < 0.25  # 4,355 v 4,470
    assert marac["dot_long_significant"] == "no" and 0.4 < float(marac["dot_long_p"]) < 0.6  # two proportions
    assert all(r["dot_short_significant"] in {"yes", "no"} for r in rows.values())


def test_demo_score_json_has_the_tests_and_the_narrative(demo_engine, database_url):
    data = json.loads(score(database_url, "--period", "2016-17-Q3", "--format", "json"))
    rows = {r["code"]: r for r in data["indicators"]}
    assert rows["CSP3"]["narrative"] == (
        "Anti-social behaviour incidents were 4,810 in the year to date, up 26.2% on last year (3,810), a real change; "
        "London rose 12.7%. Red: 1,160 above target, more than the 5% tolerance. "
        "Projected year end 6,136 (6,089 to 6,182): × off track: the whole range is beyond the year-end target (4,700) and its tolerance."
    )
    assert rows["CSP2"]["dot_long_test"]["test"] == "two_proportions"
    long = rows["CSP1"]["dot_long_test"]
    assert long["test"] == "poisson" and long["significant"] is True
    assert long["ci_low"] < 13143 / 12573 < long["ci_high"]
    assert rows["DP1"]["narrative"].startswith("Violence against the person offences were 1,442 in Q3 2016/17")


def test_demo_score_table_has_real_change_columns(demo_engine, database_url):
    out = score(database_url, "--period", "2016-17-Q3")
    header = next(line for line in out.splitlines() if line.startswith("code "))
    assert "short term  real?  long term  real?" in header
    assert "real? yes: a real change (p < 0.05); no: within normal variation; blank: no test applies." in out


def test_no_test_applies_to_a_rate_without_its_parts_or_a_missing_period():
    assert change_test("rate", PeriodValue(12.5), PeriodValue(11.0)) is None
    assert change_test("count", PeriodValue(12), None) is None
    assert change_test("count", PeriodValue(12.5), PeriodValue(11)) is None  # a mean of months is not a count
    assert change_test("percent", PeriodValue(30, 3, 10), PeriodValue(60, 6, 10)).test == "two_proportions"
    assert change_test("count", PeriodValue(40), PeriodValue(20)).test == "poisson"


def test_score_rows_blank_where_no_test_applies(engine, database_url, tmp_path):
    load(
        engine,
        "indicators",
        write(
            tmp_path / "i.csv",
            "code,name,goal,unit,polarity,basis,measure,rated\nR1,A rate,Safe,rate,lower,quarter,values,true\n",
        ),
    )
    load(
        engine,
        "values",
        write(
            tmp_path / "v.csv",
            "indicator_code,area_code,period,value\nR1,E09000016,2016-17-Q2,4.5\nR1,E09000016,2016-17-Q3,5.5\nR1,E09000016,2015-16-Q3,5.0\n",
        ),
    )
    row = next(csv.DictReader(io.StringIO(score(database_url, "--period", "2016-17-Q3", "--format", "csv"))))
    assert (row["dot_short"], row["dot_short_p"], row["dot_short_significant"]) == ("worse", "", "")
    assert (row["dot_long_p"], row["dot_long_significant"]) == ("", "")


def test_real_met_data_scores_with_significance(engine, database_url, shared_data, tmp_path):
    load(
        engine,
        "indicators",
        write(
            tmp_path / "i.csv",
            "code,name,goal,unit,polarity,basis,measure,rated,comparator_area,comparator_label\n"
            "TNO,Total notifiable offences,Safe,count,lower,quarter,crime,true,E12000007,London\n"
            "BUR,Burglary offences,Safe,count,lower,quarter,crime:BURGLARY,false,,\n",
        ),
    )
    load(
        engine,
        "targets",
        write(
            tmp_path / "t.csv",
            "code,year,quarter,target,target_low,target_high,tolerance,tolerance_type\nTNO,2025-26,,6000,,,5,pct\n",
        ),
    )
    load(engine, "crime", shared_data / BOROUGH_FILE)
    with session_scope(engine) as session:
        card = build_scorecard(session, Quarter.parse("2025-26-Q3"), "E09000016")
    rows = {r.code: r for r in card.rows}
    tno = rows["TNO"]
    assert tno.actual is not None and tno.same_period_last_year is not None
    assert tno.dot_long_test is not None and tno.dot_long_test.test == "poisson"
    assert tno.dot_long_test.ci_low <= tno.actual / tno.same_period_last_year <= tno.dot_long_test.ci_high
    assert tno.dot_short_test is not None
    assert tno.narrative.startswith(f"Total notifiable offences were {tno.actual:,.0f} in Q3 2025/26, ")
    assert "; London " in tno.narrative and tno.narrative.count(".") >= 2
    assert rows["BUR"].dot_long_test is not None and rows["BUR"].narrative.endswith(".")


def test_demo_score_carries_spc_verdicts_up_to_the_scored_quarter(demo_engine, database_url):
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(score(database_url, "--period", "2016-17-Q3", "--format", "csv")))}
    assert rows["CSP3"]["spc_variation"] == "common_cause" and rows["CSP3"]["spc_assurance"] == "inconsistent"
    assert rows["DP1"]["spc_variation"] == "neutral_high" and rows["DP1"]["spc_assurance"] == ""  # context: no assurance
    assert rows["CSP2"]["spc_variation"] == ""  # 11 quarters of MARAC returns: provisional
    data = json.loads(score(database_url, "--period", "2016-17-Q3", "--format", "json"))
    spc = {r["code"]: r["spc"] for r in data["indicators"]}
    assert (spc["CSP3"]["by"], spc["CSP3"]["last_period"], spc["CSP3"]["points"]) == ("month", "2016-12", 33)
    assert (spc["CSP2"]["by"], spc["CSP2"]["provisional"]) == ("quarter", True)
    assert (spc["DP2"]["by"], spc["DP2"]["points"]) == ("quarter", 11)  # values uploaded by quarter only
    earlier = json.loads(score(database_url, "--period", "2015-16-Q2", "--format", "json"))
    assert {r["code"]: r["spc"]["last_period"] for r in earlier["indicators"]}["CSP1"] == "2015-09"
    table = score(database_url, "--period", "2016-17-Q3")
    assert "rating     variation     assurance" in table
