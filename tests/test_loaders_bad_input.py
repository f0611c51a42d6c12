"""Bad input: every problem named with row, column, value and reason; nothing stored."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import cli
from loaders.errors import LoadError
from tests.conftest import table_counts
from tests.helpers import load, write

LONG_HEADER = "area_code,month,major_category,minor_category,count\n"


def problems_of(engine, kind, path):
    before = table_counts(engine)
    with pytest.raises(LoadError) as caught:
        load(engine, kind, path)
    assert table_counts(engine) == before, "a failed load must leave the database unchanged"
    return [(p.row, p.column, p.value, p.reason) for p in caught.value.problems], caught.value


def test_bad_input_missing_column_names_it_and_lists_what_is_there(engine, tmp_path):
    path = write(tmp_path / "asb.csv", "area_code,month\nE09000016,2016-10\n")
    problems, error = problems_of(engine, "asb", path)
    assert problems == [(1, "count", None, "missing column 'count'; the file has: area_code, month")]
    assert error.headline() == "asb.csv: 1 problem found; nothing was loaded."


def test_bad_input_every_problem_is_reported_not_just_the_first(engine, tmp_path):
    path = write(
        tmp_path / "crime.csv",
        LONG_HEADER
        + "E09000016,2016-10,THEFT,,12\n"
        + "E09000016,2016-11,THEFT,,twelve\n"
        + "E09000016,2016-12,THEFT,,-3\n"
        + "E09000099,2016-12,THEFT,,4\n"
        + "E09000016,2016-13,THEFT,,4\n"
        + "E09000016,2016-10,THEFT,,7\n"
        + "E09000016,2017-01,THEFT,,2.5\n",
    )
    problems, error = problems_of(engine, "crime", path)
    assert sorted(problems) == sorted(
        [
            (3, "count", "twelve", "not a number: counts must be whole numbers"),
            (4, "count", "-3", "negative count: counts cannot be below zero"),
            (5, "area_code", "E09000099", "unknown area: declare it first"),
            (6, "month", "2016-13", "not a month; write it like 2016-10"),
            (
                7,
                "area_code, month, major_category, minor_category",
                "E09000016 / 2016-10 / THEFT / ",
                "duplicate row: already given in row 2",
            ),
            (8, "count", "2.5", "not a whole number"),
        ]
    )
    assert error.total == 6
    table = error.table()
    assert table.splitlines()[0].split() == ["file", "row", "column", "value", "reason"]
    assert "crime.csv  3    count" in table


def test_bad_input_empty_file(engine, tmp_path):
    path = write(tmp_path / "empty.csv", "")
    problems, _ = problems_of(engine, "marac", path)
    assert problems == [(None, None, None, "the file is empty: no header row")]


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        ("asb", "area_code,month,category,count"),
        ("crime", "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202401"),
        ("values", "indicator_code,area_code,period,value"),
    ],
)
def test_bad_input_header_only_file_is_refused_as_no_data_rows(engine, tmp_path, kind, header):
    path = write(tmp_path / "header.csv", header + "\n,,,\n")
    problems, _ = problems_of(engine, kind, path)
    assert problems == [(2, None, None, "no data rows: the file has a header and nothing under it")]


def test_bad_input_wrong_encoding_is_named(engine, tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"area_code,month,category,count\nE09000016,2016-10,\x81\x8d,3\n")
    problems, _ = problems_of(engine, "asb", path)
    assert problems == [(2, None, "byte 0x81", "the file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8")]


def test_bad_input_unrecognised_crime_layout(engine, tmp_path):
    path = write(tmp_path / "other.csv", "a,b,c\n1,2,3\n")
    problems, _ = problems_of(engine, "crime", path)
    assert problems[0][0] == 1 and problems[0][3].startswith("not a crime file we recognise")


def test_bad_input_met_file_with_unknown_borough_name(engine, tmp_path):
    path = write(
        tmp_path / "met.csv", "MajorText,MinorText,BoroughName,201610\nTHEFT,Shoplifting,Gotham,3\nTHEFT,Shoplifting,Havering,4\n"
    )
    problems, _ = problems_of(engine, "crime", path)
    assert problems == [
        (2, "BoroughName", "Gotham", "not a London borough name (nor a Met non-geographic unit such as 'Unknown')")
    ]


def test_bad_input_corrupt_gzip(engine, tmp_path):
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    problems, _ = problems_of(engine, "asb", path)
    assert problems[0][3].startswith("the file is damaged or not a CSV")


def test_bad_input_marac_repeat_cases_above_cases(engine, tmp_path):
    path = write(
        tmp_path / "marac.csv",
        "area_code,quarter,cases_discussed,repeat_cases\nE09000016,2016-17-Q3,59,60\nE09000016,Q9 2016,59,17\n",
    )
    problems, _ = problems_of(engine, "marac", path)
    assert sorted(problems, key=lambda p: p[0]) == [
        (2, "repeat_cases", "60", "more repeat cases than cases discussed (59)"),
        (3, "quarter", "Q9 2016", "not a quarter; write it like 2016-17-Q3"),
    ]


def test_bad_input_indicator_definitions(engine, tmp_path):
    path = write(
        tmp_path / "ind.csv",
        "code,name,goal,unit,polarity,basis,measure,rated\n"
        "X1,Thing,Safe,count,down,ytd,crime,true\n"
        "X2,Other,Safe,count,lower,ytd,burglary,maybe\n",
    )
    problems, _ = problems_of(engine, "indicators", path)
    assert (2, "polarity", "down", "must be one of: lower, higher, band") in problems
    assert (3, "rated", "maybe", "must be true or false") in problems
    assert any(p[:3] == (3, "measure", "burglary") for p in problems)


def test_bad_input_targets_need_the_shape_their_polarity_needs(demo_engine, tmp_path):
    path = write(
        tmp_path / "targets.csv",
        "code,year,quarter,target,target_low,target_high,tolerance,tolerance_type\n"
        "CSP2,2017-18,,30,,,3,abs\n"
        "CSP1,2017-18,Q5,100,,,-1,pct\n"
        "NOPE,2017-18,Q1,100,,,1,abs\n",
    )
    problems, _ = problems_of(demo_engine, "targets", path)
    assert (2, "target_low, target_high", None, "a band indicator needs target_low and target_high") in problems
    assert (3, "quarter", "Q5", "must be Q1, Q2, Q3, Q4 or blank (every quarter)") in problems
    assert (3, "tolerance", "-1", "tolerance cannot be negative") in problems
    assert (4, "code", "NOPE", "unknown indicator: load it first") in problems


def test_bad_input_values_unknown_indicator_and_half_ratio(demo_engine, tmp_path):
    path = write(
        tmp_path / "values.csv",
        "indicator_code,area_code,period,value,numerator,denominator\n"
        "DP2,E09000016,2017-18-Q1,1200,,\n"
        "ZZ9,E09000016,2017-18-Q1,1,,\n"
        "DP2,E09000016,2017-18-Q2,1,5,\n",
    )
    problems, _ = problems_of(demo_engine, "values", path)
    assert problems == [
        (3, "indicator_code", "ZZ9", "unknown indicator: load it first"),
        (4, "numerator, denominator", None, "give both numerator and denominator, or neither"),
    ]


def test_bad_input_areas_with_unknown_parent(engine, tmp_path):
    path = write(
        tmp_path / "areas.csv",
        "area_code,area_name,level,parent_code\nE05000001,Somewhere,ward,E09999999\nE05000002,Elsewhere,county,\n",
    )
    problems, _ = problems_of(engine, "areas", path)
    assert problems == [
        (3, "level", "county", "must be one of: ward, district, borough, csp, force, region, country, nation, other"),
        (2, "parent_code", "E09999999", "unknown parent area: declare it in this file or load it first"),
    ]


def test_bad_input_cli_exits_non_zero_with_the_problem_table(engine, database_url, tmp_path, monkeypatch):
    path = write(tmp_path / "asb.csv", "area_code,month,category,count\nE09000016,2016-10,Nuisance,lots\n")
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["ingest", "asb", str(path)])
    assert result.exit_code == 1
    assert "asb.csv: 1 problem found; nothing was loaded." in result.output
    assert "asb.csv  2    count   lots   not a number: counts must be whole numbers" in result.output
