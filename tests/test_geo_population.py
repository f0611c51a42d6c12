"""Population denominators: the real Census 2021 figures, nearest year, rates, bad files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from loaders.errors import LoadError
from store.db import session_scope
from store.population import population_for, populations_for, rate_per_1000
from tests.conftest import WARDS_2022, geo_table_counts
from tests.helpers import load, write

HAVERING = "E09000016"
WARD_POPULATION = "population/census2021_population_by_ward2022_bestfit_lsoa_aggregation_london.csv"
BOROUGH_POPULATION = "population/census2021_ts007a_age_by_local_authority.csv"


def simple_layout(frame: pd.DataFrame, code: str, population: str, path: Path, year: int = 2021) -> Path:
    """The real files' layouts converted to the loader's ``area_code,year,population``."""
    out = pd.DataFrame({"area_code": frame[code], "year": year, "population": frame[population]})
    out.to_csv(path, index=False)
    return path


def test_population_census2021_boroughs(engine, shared_data, tmp_path):
    source = pd.read_csv(shared_data / BOROUGH_POPULATION)
    london = source[source["geography code"].str.startswith("E09")]
    path = simple_layout(london, "geography code", "Age: Total", tmp_path / "boroughs.csv")
    summary = load(engine, "population", path)
    assert (summary.rows, summary.stored, summary.areas) == (33, 33, 33)
    assert summary.total == 8_799_710 and summary.periods == ["2021"]
    with session_scope(engine) as session:
        assert population_for(session, HAVERING, 2021) == (2021, 262_052)


def test_population_census2021_havering_wards(engine, shared_data, tmp_path):
    load(engine, "boundaries", shared_data / WARDS_2022)  # makes the 2022 wards known areas
    source = pd.read_csv(shared_data / WARD_POPULATION)
    havering = source[source["LAD25CD"] == HAVERING]
    summary = load(engine, "population", simple_layout(havering, "WD25CD", "population_total_census2021", tmp_path / "w.csv"))
    assert summary.stored == 20 and summary.total == 262_037
    with session_scope(engine) as session:
        found = populations_for(session, list(havering["WD25CD"]), 2024)
    assert sum(people for _, people in found.values()) == 262_037
    assert {year for year, _ in found.values()} == {2021}


def test_population_nearest_year_held(engine, tmp_path):
    write(tmp_path / "p.csv", "area_code,year,population\nE09000016,2015,249085\nE09000016,2021,262052\n")
    load(engine, "population", tmp_path / "p.csv")
    with session_scope(engine) as session:
        assert population_for(session, HAVERING, 2021) == (2021, 262_052)
        assert population_for(session, HAVERING, 2018) == (2015, 249_085)  # a tie goes to the earlier year
        assert population_for(session, HAVERING, 2019) == (2021, 262_052)
        assert population_for(session, HAVERING, 2030) == (2021, 262_052)
        assert population_for(session, "E09000002", 2021) is None
        assert populations_for(session, [HAVERING, "E09000002"], 2016) == {HAVERING: (2015, 249_085)}


def test_population_reload_replaces(engine, tmp_path):
    load(engine, "population", write(tmp_path / "a.csv", "area_code,year,population\nE09000016,2021,1\n"))
    again = load(engine, "population", write(tmp_path / "b.csv", "area_code,year,population\nE09000016,2021,262052\n"))
    assert again.replaced == 1
    with session_scope(engine) as session:
        assert population_for(session, HAVERING, 2021) == (2021, 262_052)


@pytest.mark.parametrize(
    ("count", "population", "rate"),
    [(262, 262_052, 0.9998), (4_787, 262_052, 18.2674), (0, 1_000, 0.0), (5, 0, None), (5, None, None), (None, 1_000, None)],
)
def test_population_rate_per_1000(count, population, rate):
    result = rate_per_1000(count, population)
    assert result == (None if rate is None else pytest.approx(rate, abs=1e-4))


def test_population_bad_rows_are_all_reported_and_nothing_stored(engine, tmp_path):
    path = write(
        tmp_path / "p.csv",
        "area_code,year,population\n"
        "E09000016,2021,262052\n"
        "E05999999,2021,100\n"
        "E09000002,21,100\n"
        "E09000003,2021,-4\n"
        "E09000016,2021,262052\n",
    )
    before = geo_table_counts(engine)
    with pytest.raises(LoadError) as caught:
        load(engine, "population", path)
    found = {(p.row, p.column, p.reason) for p in caught.value.problems}
    assert found == {
        (3, "area_code", "unknown area: declare it first (or load its boundaries)"),
        (4, "year", "not a year; write it like 2021"),
        (5, "population", "negative count: counts cannot be below zero"),
        (6, "area_code, year", "duplicate row (same area and year): already given in row 2"),
    }
    assert geo_table_counts(engine) == before


def test_population_other_layouts_are_refused_with_the_columns_expected(engine, shared_data):
    with pytest.raises(LoadError) as caught:
        load(engine, "population", shared_data / BOROUGH_POPULATION)
    assert [p.column for p in caught.value.problems] == ["area_code", "year", "population"]
