"""Issue 9, part 1: every real Met file loads, including the historical ward file's layout
(generated here: we hold no copy), and rolling windows reload onto it without double counting."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from demo.met_history import HEATHROW_VILLAGES, historical_file, months_between, small_rows
from store.counts import monthly_counts, monthly_coverage_many
from store.db import session_scope
from store.models import Area, CrimeCount
from tests.conftest import table_counts
from tests.helpers import load, write
from tests.test_loaders_bad_input import problems_of

AIRPORTS = "MPS-AIRPORTS"
HILLINGDON = "E09000017"
HAVERING = "E09000016"
LONDON = "E12000007"
WARD_FILE = "crime/mps_ward_level_crime_most_recent_24_months_202403-202603.csv"


def _month(column: str) -> str:
    return f"{column[:4]}-{column[4:]}"


def test_historical_layout_loads_so18_rows_to_the_airports_unit_and_hillingdon_rows_to_the_ward(engine, tmp_path):
    path = historical_file(tmp_path / "mps_ward_level_crime_historical.csv", small_rows())
    wide = pd.read_csv(path)
    assert list(wide.columns[:5]) == ["WardName", "WardCode", "MajorText", "MinorText", "LookUp_BoroughName"]
    months = [c for c in wide.columns if c.isdigit()]
    assert len(months) == 14 * 12 and months[0] == "201004"
    summary = load(engine, "crime", path)
    assert summary.stored == len(wide) * len(months)
    unit = wide["LookUp_BoroughName"] == "Aviation Security (SO18)"
    with session_scope(engine) as session:
        ward = session.get(Area, HEATHROW_VILLAGES)
        assert (ward.parent_code, ward.level) == (HILLINGDON, "ward")
        airports = monthly_counts(session, "crime", AIRPORTS, ["2016-10"])
        village = monthly_counts(session, "crime", HEATHROW_VILLAGES, ["2016-10"])
        london = monthly_coverage_many(session, "crime", [LONDON], ["2016-10"])[LONDON]
    assert london["2016-10"].coverage.text() == "partial: 2 of 33 boroughs"  # a generated file of two boroughs
    assert airports == {"2016-10": int(wide.loc[unit, "201610"].sum())}
    assert village == {"2016-10": int(wide.loc[~unit & (wide["WardCode"] == HEATHROW_VILLAGES), "201610"].sum())}
    assert airports["2016-10"] != village["2016-10"]
    # Both sets of offences are London's; neither is counted twice.
    assert london["2016-10"].value == int(wide["201610"].sum())


def test_historical_file_then_rolling_24_month_windows_never_double_count(engine, tmp_path):
    rows = small_rows()
    history = historical_file(tmp_path / "historical.csv", rows)
    load(engine, "crime", history)
    # Next month's extract: 24 months overlapping the history's last 12, figures revised.
    window = historical_file(tmp_path / "window.csv", rows, first="2023-04", last="2025-03", seed=10)
    summary = load(engine, "crime", window)
    again = load(engine, "crime", window)
    old, new = pd.read_csv(history), pd.read_csv(window)
    assert summary.replaced == len(rows) * 12
    assert again.stored == summary.stored
    every = sorted(set(months_between("2010-04", "2025-03")))
    with session_scope(engine) as session:
        covered = monthly_coverage_many(session, "crime", [LONDON], [_month(m) for m in every])[LONDON]
    london = {m: c.value for m, c in covered.items()}
    expected = {
        **{_month(c): int(old[c].sum()) for c in old.columns if c.isdigit()},
        **{_month(c): int(new[c].sum()) for c in new.columns if c.isdigit()},
    }
    assert london == expected
    assert table_counts(engine)["crime_count"] == len(rows) * len(every)


def test_ward_code_under_two_boroughs_is_an_error_naming_both_rows(engine, tmp_path):
    path = write(
        tmp_path / "clash.csv",
        "WardName,WardCode,MajorText,MinorText,LookUp_BoroughName,202401\n"
        "Heathrow Villages,E05013570,THEFT,OTHER THEFT,Hillingdon,4\n"
        "Heathrow Villages,E05013570,THEFT,OTHER THEFT,Aviation Security (SO18),9\n"
        "Heathrow Villages,E05013570,BURGLARY,BURGLARY - RESIDENTIAL,Hounslow,2\n",
    )
    problems, _ = problems_of(engine, "crime", path)
    assert problems == [
        (
            4,
            "WardCode",
            "E05013570",
            "this ward code is under Hounslow here and under Hillingdon in row 2: a ward belongs to one borough",
        )
    ]


@pytest.mark.parametrize("bad", ["201613", "2016-13"])
def test_a_header_that_looks_like_a_month_but_is_not_is_named(engine, tmp_path, bad):
    path = write(
        tmp_path / "months.csv",
        f"MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,201611,{bad}\nTHEFT,OTHER THEFT,Cranham,E05013968,Havering,3,4\n",
    )
    problems, _ = problems_of(engine, "crime", path)
    assert problems == [(1, bad, bad, "this column looks like a month but is not one: month columns are YYYYMM, e.g. 201604")]


def test_real_ward_file_keys_so18_rows_to_the_airports_unit(met_wards_engine, shared_data):
    source = pd.read_csv(shared_data / WARD_FILE)
    engine = met_wards_engine  # the ward file loaded (into a template cloned for this test)
    unit = source["LookUp_BoroughName"] == "Aviation Security (SO18)"
    with session_scope(engine) as session:
        codes = set(session.scalars(select(CrimeCount.area_code).distinct()))
        held = monthly_counts(session, "crime", AIRPORTS, ["2025-01"])
    assert AIRPORTS in codes and HEATHROW_VILLAGES not in codes
    assert held == {"2025-01": int(source.loc[unit, "202501"].sum())}
