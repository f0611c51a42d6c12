"""Every offence counted once across sources (issue 19, part 3): each police force's records
are their own part of a ward-month, one source counts per borough-month, the same file placed
in two ward vintages is one load, and the Met's airports unit is not added beside a borough
figure that already holds it. Real files from ../shared/data, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from geo.options import PoliceUkOptions, with_options
from loaders.reading import Source
from loaders.registry import run_load
from store.count_sources import set_aside_totals
from store.counts import monthly_counts
from store.coverage_record import computed_coverage, recorded_coverage
from store.db import session_scope
from store.indicator_queries import indicator_by_code
from store.models import Area, CrimeCount
from store.reference import LONDON
from store.schema import upgrade
from tests.conftest import MET_WARD_FILE, WARDS_2022
from tests.helpers import load

WARD_COUNTS = "crime/police_uk_street_level_counts_by_ward2018_201601-201806.csv"
CITY_JANUARY_2016 = "crime/police_uk_city_of_london/2016-01-city-of-london-street.csv"
HAVERING_BULK = "crime/police_uk_bulk_format_havering_201801-201803.csv"
MPS_BOROUGHS = "crime/mps_borough_level_crime_most_recent_24_months_202401-202512.csv"
MPS_WARDS = "crime/mps_ward_level_crime_most_recent_24_months_202403-202603.csv"
HOLBORN, CAMDEN = "E05000138", "E09000007"
WHALEBONE, HAVERING = "E05000042", "E09000016"
YEAR_2024_25 = [f"2024-{m:02d}" for m in range(4, 13)] + [f"2025-{m:02d}" for m in range(1, 4)]


def ward_counts(shared_data: Path, tmp_path: Path, months: list[str]) -> Path:
    """The 2018-ward crime counts (no ASB) for ``months``, in long form: ward figures loaded
    the way an analyst loads counts they hold, as the crime files' part of each ward-month."""
    wide = pd.read_csv(shared_data / WARD_COUNTS, dtype=str)
    wide = wide[wide["category"] != "anti-social-behaviour"]
    columns = [m.replace("-", "") for m in months]
    long = wide.melt(id_vars=["ward_code", "category"], value_vars=columns, var_name="month", value_name="count").dropna()
    long = pd.DataFrame(
        {
            "area_code": long["ward_code"],
            "month": long["month"].str[:4] + "-" + long["month"].str[4:],
            "major_category": long["category"],
            "minor_category": "",
            "count": long["count"],
        }
    )
    path = tmp_path / "ward_counts.csv"
    long.to_csv(path, index=False)
    return path


def figure(engine, area: str, month: str) -> int | None:
    with session_scope(engine) as session:
        return monthly_counts(session, "crime", area, [month]).get(month)


def expected(shared_data: Path, column: str, **where: str) -> int:
    wide = pd.read_csv(shared_data / WARD_COUNTS)
    wide = wide[wide["category"] != "anti-social-behaviour"]
    for name, value in where.items():
        wide = wide[wide[name] == value]
    return int(wide[column].sum())


def test_city_of_london_police_records_leave_the_camden_wards_figures_alone(wards_2018_engine, shared_data, tmp_path):
    engine = wards_2018_engine
    load(engine, "crime", ward_counts(shared_data, tmp_path, ["2016-01"]))
    holborn, camden = expected(shared_data, "201601", ward_code=HOLBORN), expected(shared_data, "201601", borough_code=CAMDEN)
    assert (figure(engine, HOLBORN, "2016-01"), figure(engine, CAMDEN, "2016-01")) == (holborn, camden) == (380, 2_683)

    summary = load(engine, "policeuk", shared_data / CITY_JANUARY_2016)

    # Before: "replaced N values" and Holborn and Covent Garden at 1, Camden at 2,304.
    assert figure(engine, HOLBORN, "2016-01") == 380
    assert figure(engine, CAMDEN, "2016-01") == 2_683
    assert any(
        n.startswith("Camden January 2016: ") and "City of London Police" in n and "kept but not counted" in n
        for n in summary.notes
    ), summary.notes
    with session_scope(engine) as session:
        aside = set_aside_totals(session, "crime")
        city_parts = {p for (_, _, p), _ in aside.items()}
        assert city_parts == {"police.uk:City of London Police"}
        assert any(area == HOLBORN for area, _, _ in aside)
        # The City's own wards have no other source: its police's records count there.
        city = monthly_counts(session, "crime", "E09000001", ["2016-01"]).get("2016-01")
        placed = session.scalar(select(func.sum(CrimeCount.count)).where(CrimeCount.part == "police.uk:City of London Police"))
        # Tower Hamlets holds nothing else: its few City Police records are not its figure.
        tower_hamlets = monthly_counts(session, "crime", "E09000030", ["2016-01"])
    assert city == placed == 358
    assert tower_hamlets == {}
    assert any(
        n.startswith("Tower Hamlets January 2016: ") and "only part of the borough's figure" in n for n in summary.notes
    ), summary.notes
    assert_coverage_record_is_fresh(engine)


def test_havering_police_uk_file_leaves_barking_and_dagenham_wards_alone(wards_2018_engine, shared_data, tmp_path):
    engine = wards_2018_engine
    load(engine, "crime", ward_counts(shared_data, tmp_path, ["2018-01", "2018-02", "2018-03"]))
    havering = expected(shared_data, "201801", borough_code=HAVERING)
    assert figure(engine, WHALEBONE, "2018-02") == 83

    summary = load(engine, "policeuk", shared_data / HAVERING_BULK)

    assert figure(engine, WHALEBONE, "2018-02") == 83  # before: 1
    # One source per borough-month: the crime files' Havering figure, not both summed.
    assert figure(engine, HAVERING, "2018-01") == havering
    note = next(n for n in summary.notes if n.startswith("Havering January 2018 – March 2018 (3 months): "))
    assert "police.uk street-level records (Metropolitan Police Service) kept but not counted" in note
    assert "the Met's recorded-crime files are used, the primary source (CSPDASH_PRIMARY_SOURCE=met)" in note
    assert_coverage_record_is_fresh(engine)


def test_primary_source_setting_decides_which_source_counts(wards_2018_engine, shared_data, tmp_path, monkeypatch):
    engine = wards_2018_engine
    police_only = load(engine, "policeuk", shared_data / HAVERING_BULK)
    alone = figure(engine, HAVERING, "2018-01")
    assert alone == 1_462
    load(engine, "crime", ward_counts(shared_data, tmp_path, ["2018-01"]))
    files = expected(shared_data, "201801", borough_code=HAVERING)
    assert figure(engine, HAVERING, "2018-01") == files  # before: the two summed
    assert figure(engine, HAVERING, "2018-02") == alone_in(engine, "2018-02")  # police.uk still counts where alone

    monkeypatch.setenv("CSPDASH_PRIMARY_SOURCE", "police.uk")
    upgrade(engine)  # the setting changed: the same figures, the other source counted
    assert figure(engine, HAVERING, "2018-01") == 1_462
    assert_coverage_record_is_fresh(engine)
    monkeypatch.setenv("CSPDASH_PRIMARY_SOURCE", "met")
    upgrade(engine)
    assert figure(engine, HAVERING, "2018-01") == files
    assert police_only.total > 0


def alone_in(engine, month: str) -> int:
    with session_scope(engine) as session:
        return int(
            session.scalar(
                select(func.sum(CrimeCount.count)).where(
                    CrimeCount.month == month, CrimeCount.area_code.between("E05000306", "E05000323")
                )
            )
        )


def test_same_police_uk_file_placed_in_two_ward_vintages_is_one_load(wards_2018_engine, shared_data):
    engine = wards_2018_engine
    load(engine, "boundaries", shared_data / WARDS_2022)
    load(engine, "policeuk", shared_data / HAVERING_BULK)  # the data's year picks the 2018 wards
    assert figure(engine, HAVERING, "2018-01") == 1_462
    again = run_load(
        engine, "policeuk", with_options(Source.from_path(shared_data / HAVERING_BULK), PoliceUkOptions(vintage="2022"))
    )
    assert any("this file was loaded before" in n for n in again.notes)
    assert figure(engine, HAVERING, "2018-01") == 1_462  # before: 2,924
    with session_scope(engine) as session:
        wards = {
            a for (a,) in session.execute(select(CrimeCount.area_code).where(CrimeCount.area_code.like("E0501396%")).distinct())
        }
        old = session.scalar(select(func.count()).where(CrimeCount.area_code.between("E05000306", "E05000323")))
    assert wards and old == 0  # now in the 2022 wards only
    assert_coverage_record_is_fresh(engine)


def test_london_counts_airport_offences_once_with_both_met_files_borough_first(engine, shared_data):
    for name in (MPS_BOROUGHS, MPS_WARDS):
        load(engine, "crime", shared_data / name)
    assert_airport_offences_counted_once(engine, shared_data)


def test_london_counts_airport_offences_once_with_both_met_files_ward_first(met_wards_engine, shared_data):
    # The Met's ward file first: the load that made this database's template (into the migrated
    # schema, as ``engine`` would be), then the borough file.
    assert MET_WARD_FILE == MPS_WARDS
    load(met_wards_engine, "crime", shared_data / MPS_BOROUGHS)
    assert_airport_offences_counted_once(met_wards_engine, shared_data)


def assert_airport_offences_counted_once(engine, shared_data) -> None:
    borough_file = pd.read_csv(shared_data / MPS_BOROUGHS)
    year = borough_file[[m.replace("-", "") for m in YEAR_2024_25]].to_numpy().sum()
    assert year == 930_156
    with session_scope(engine) as session:
        london = monthly_counts(session, "crime", LONDON, YEAR_2024_25)
    assert len(london) == 12
    assert sum(london.values()) == 930_156  # before: 936,487 (the SO18 6,331 added beside Hillingdon)
    assert_coverage_record_is_fresh(engine)


def assert_coverage_record_is_fresh(engine) -> None:
    with session_scope(engine) as session:
        assert recorded_coverage(session, "crime") == computed_coverage(session, "crime")


def test_a_category_police_uk_does_not_have_is_not_available_not_zero(demo_engine, shared_data):
    """Once police.uk counts cover a quarter, the demo's DP1 (VIOLENCE AGAINST THE PERSON)
    says why it has no figure instead of showing 0; burglary counts through the stated mapping."""
    from rules.periods import Quarter
    from store.measures import series
    from tests.conftest import WARDS_2018

    engine = demo_engine
    load(engine, "boundaries", shared_data / WARDS_2018)
    load(engine, "policeuk", shared_data / HAVERING_BULK)
    q4, q3 = Quarter.parse("2017-18-Q4"), Quarter.parse("2016-17-Q3")
    records = pd.read_csv(shared_data / HAVERING_BULK)
    with session_scope(engine) as session:
        dp1, dp5 = indicator_by_code(session, "DP1"), indicator_by_code(session, "DP5")
        violence = series(session, dp1, HAVERING, [q3, q4])
        burglary = series(session, dp5, HAVERING, [q4])
        placed_burglary = session.scalar(
            select(func.sum(CrimeCount.count)).where(
                CrimeCount.major_category == "Burglary", CrimeCount.area_code.between("E05000306", "E05000323")
            )
        )
    assert violence.quarter(q4) is None  # before: 0
    assert "have no category matching VIOLENCE AGAINST THE PERSON" in violence.gap(q4)
    assert "SEXUAL OFFENCES together" in violence.gap(q4)
    assert violence.quarter(q3) and violence.quarter(q3) > 0  # the Met's files, as before
    assert burglary.quarter(q4) == placed_burglary > 0
    assert placed_burglary <= int((records["Crime type"] == "Burglary").sum())
    # The scorecard row says so in words rather than showing 0.
    from store.scorecard import build_scorecard

    with session_scope(engine) as session:
        row = next(r for r in build_scorecard(session, q4, HAVERING).rows if r.code == "DP1")
    assert row.actual is None
    assert any("not available (police.uk street-level records" in n and "VIOLENCE AGAINST THE PERSON" in n for n in row.notes), (
        row.notes
    )


def test_cli_lists_what_is_set_aside(wards_2018_engine, database_url, shared_data, tmp_path):
    from click.testing import CliRunner

    from cli.main import cli

    load(wards_2018_engine, "crime", ward_counts(shared_data, tmp_path, ["2016-01"]))
    load(wards_2018_engine, "policeuk", shared_data / CITY_JANUARY_2016)
    env = {"DATABASE_URL": database_url}
    result = CliRunner().invoke(cli, ["counts", "--source", "crime", "--area", CAMDEN, "--set-aside", "--format", "csv"], env=env)
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(__import__("io").StringIO(result.output))
    assert set(rows["force"]) == {"City of London Police"} and set(rows["month"]) == {"2016-01"}
    assert HOLBORN in set(rows["area_code"])
    with session_scope(wards_2018_engine) as session:
        camden_wards = set(session.scalars(select(Area.code).where(Area.parent_code == CAMDEN)))
        assert rows["count"].sum() == sum(n for (a, _, _), n in set_aside_totals(session, "crime").items() if a in camden_wards)
    nothing = CliRunner().invoke(cli, ["counts", "--source", "crime", "--area", HAVERING, "--set-aside"], env=env)
    assert "Nothing is set aside" in nothing.output


def test_upgrade_to_0012_splits_police_uk_rows_summed_before_it(engine, tmp_path):
    """Before 0012 police.uk rows had no part and were summed with the files' figures; the
    upgrade marks them (force not recorded) and the settling after it counts one source, with
    the coverage record worked out again."""
    from alembic import command

    from store.schema import alembic_config
    from tests.helpers import write

    wards = "area_code,area_name,level,parent_code\nE05999991,Ward A,ward,E09000016\nE05999992,Ward B,ward,E09000016\n"
    load(engine, "areas", write(tmp_path / "areas.csv", wards))
    crime = "area_code,month,major_category,minor_category,count\n" + "".join(
        f"{w},2018-01,BURGLARY,BURGLARY - RESIDENTIAL,10\n" for w in ("E05999991", "E05999992")
    )
    load(engine, "crime", write(tmp_path / "crime.csv", crime))
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011_ward_generations")  # the revision before 0012
    with engine.begin() as conn:  # a police.uk load as 0009 stored it: no part, beside the files' rows
        upload = conn.exec_driver_sql(
            "INSERT INTO upload (kind, file_name, sha256, rows, periods, areas, summary, loaded_by, loaded_at) "
            "VALUES ('policeuk', 'street.csv', 'x', 1, '2018-01', 1, '{}', 'cli', CURRENT_TIMESTAMP) RETURNING id"
        ).scalar_one()
        conn.exec_driver_sql(f"INSERT INTO crime_count VALUES ('E05999991', '2018-01', 'Burglary', '', 7, {upload})")
        # Summed, the bug (read with SQL: today's code reads tables 0011 does not have yet).
        summed = conn.exec_driver_sql("SELECT SUM(count) FROM crime_count WHERE month = '2018-01'").scalar_one()
    assert summed == 27

    upgrade(engine)

    assert figure(engine, HAVERING, "2018-01") == 20
    with session_scope(engine) as session:
        assert set_aside_totals(session, "crime") == {("E05999991", "2018-01", "police.uk:force not recorded"): 7}
    assert_coverage_record_is_fresh(engine)


def test_upload_check_says_which_source_is_used_and_stores_nothing(wards_2018_engine, shared_data, tmp_path):
    engine = wards_2018_engine
    load(engine, "crime", ward_counts(shared_data, tmp_path, ["2018-01", "2018-02", "2018-03"]))
    before = figure(engine, HAVERING, "2018-01")
    check = load(engine, "policeuk", shared_data / HAVERING_BULK, dry_run=True)
    assert any(
        n.startswith("Havering January 2018 – March 2018 (3 months): 4,336 offences from police.uk") for n in check.notes
    ), check.notes
    with session_scope(engine) as session:
        assert set_aside_totals(session, "crime") == {}
        assert session.scalar(select(func.count()).select_from(CrimeCount).where(CrimeCount.part != "")) == 0
    assert figure(engine, HAVERING, "2018-01") == before


def test_with_police_uk_primary_another_forces_few_records_do_not_displace_the_files(
    wards_2018_engine, shared_data, tmp_path, monkeypatch
):
    monkeypatch.setenv("CSPDASH_PRIMARY_SOURCE", "police.uk")
    engine = wards_2018_engine
    load(engine, "crime", ward_counts(shared_data, tmp_path, ["2016-01"]))
    summary = load(engine, "policeuk", shared_data / CITY_JANUARY_2016)
    # Camden has only the City Police's few records from police.uk: the files still count.
    assert figure(engine, CAMDEN, "2016-01") == 2_683
    assert figure(engine, "E09000001", "2016-01") == 358
    assert any(
        n.startswith("Camden January 2016: ")
        and "as the primary, police.uk street-level records, holds no figure for the borough there" in n
        for n in summary.notes
    ), summary.notes


def test_primary_source_setting_is_checked():
    from settings import Settings

    assert Settings.from_env({}).primary_source == "met"
    assert Settings.from_env({"CSPDASH_PRIMARY_SOURCE": " Police.UK "}).primary_source == "police.uk"
    with pytest.raises(ValueError, match=r"CSPDASH_PRIMARY_SOURCE='files': choose 'met'"):
        Settings.from_env({"CSPDASH_PRIMARY_SOURCE": "files"})


def met_ward_file(shared_data: Path, path: Path, months: dict[str, int]) -> Path:
    """A Met ward file in the real layout for Havering's 20 current (2022) wards, keyed as the
    Met keys its whole history: each month's total as given, spread over the wards."""
    real = pd.read_csv(shared_data / MPS_WARDS, dtype=str)
    wards = real[real["LookUp_BoroughName"] == "Havering"][["WardName", "WardCode"]].drop_duplicates().sort_values("WardCode")
    assert len(wards) == 20
    rows = []
    for i, (name, code) in enumerate(wards.itertuples(index=False)):
        shares = {m.replace("-", ""): total // 20 + (1 if i < total % 20 else 0) for m, total in months.items()}
        rows.append(
            {
                "MajorText": "BURGLARY",
                "MinorText": "BURGLARY - RESIDENTIAL",
                "WardName": name,
                "WardCode": code,
                "LookUp_BoroughName": "Havering",
                **shares,
            }
        )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_met_files_in_2022_wards_and_police_uk_in_2018_wards_count_one_source(wards_2018_engine, shared_data, tmp_path):
    """The issue's case: the Met keys Havering's history to its 20 current wards, police.uk
    records are placed in the 18 wards of 2018. Ward by ward each source is alone; the borough
    summed both (January 2018: 1,499 + 1,462 = 2,961)."""
    engine = wards_2018_engine
    load(
        engine,
        "crime",
        met_ward_file(shared_data, tmp_path / "met_wards.csv", {"2018-01": 1_499, "2018-02": 1_400, "2018-03": 1_450}),
    )
    summary = load(engine, "policeuk", shared_data / HAVERING_BULK)
    assert figure(engine, HAVERING, "2018-01") == 1_499  # before: 2,961
    assert figure(engine, HAVERING, "2018-03") == 1_450
    assert any(n.startswith("Havering January 2018 – March 2018 (3 months): ") for n in summary.notes), summary.notes
    with session_scope(engine) as session:
        aside = set_aside_totals(session, "crime")
    assert (
        sum(n for (a, m, _), n in aside.items() if m == "2018-01" and "E05000306" <= a <= "E05000323") == 1_462
    )  # kept, not counted
    assert_coverage_record_is_fresh(engine)
