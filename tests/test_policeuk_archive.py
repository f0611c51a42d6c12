"""police.uk for any force (#21 part 3): the monthly archive of many forces and months, read
member by member; gaps by force-month; records without location or LSOA counted per force and
month; wards of a district outside London; LSOA codes of 2011 and 2021."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from cli.main import cli
from geo.options import BoundaryOptions, with_options
from loaders.errors import LoadError
from loaders.reading import LoadLimits, Source
from loaders.registry import run_load
from rules.periods import months_between
from store.db import get_engine, session_scope
from store.models import AsbCount, CrimeCount, PoliceUkForceMonth
from tests.conftest import geo_table_counts
from tests.helpers import load

HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context"
CLEVELAND, DURHAM = "Cleveland Police", "Durham Constabulary"
# Middlesbrough (Cleveland's force area) and County Durham: small generated wards, ONS layout.
WARDS = {
    "E05012001": ("Acklam", "E06000002", "Middlesbrough", (-1.25, -1.23, 54.55, 54.57)),
    "E05012002": ("Ayresome", "E06000002", "Middlesbrough", (-1.23, -1.21, 54.55, 54.57)),
    "E05012003": ("Belmont", "E06000047", "County Durham", (-1.60, -1.56, 54.76, 54.80)),
}
IN_ACKLAM, IN_AYRESOME, IN_BELMONT = ("-1.24", "54.56"), ("-1.22", "54.56"), ("-1.58", "54.78")


def row(month: str, force: str, point: tuple[str, str], kind: str = "Burglary", lsoa: str = "E01012001") -> str:
    lon, lat = point
    return f"abc,{month},{force},{force},{lon},{lat},On or near Park Road,{lsoa},Middlesbrough 001A,{kind},,"


def ons_wards(engine, tmp_path: Path) -> None:
    features = []
    for code, (name, lad, lad_name, (west, east, south, north)) in WARDS.items():
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        properties = {"WD24CD": code, "WD24NM": name, "LAD24CD": lad, "LAD24NM": lad_name}
        features.append({"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path = tmp_path / "Wards_May_2024_Boundaries_UK_BGC.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    run_load(engine, "boundaries", with_options(Source.from_path(path), BoundaryOptions()))


def archive(tmp_path: Path, members: dict[str, list[str]]) -> Path:
    path = tmp_path / "police-uk-archive.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as opened:
        for name, rows in members.items():
            opened.writestr(name, "\n".join([HEADER, *rows]) + "\n")
    return path


def two_forces_three_months() -> dict[str, list[str]]:
    """Cleveland every month (March without ASB); Durham without February; other files beside."""
    return {
        "2024-01/2024-01-cleveland-street.csv": [
            row("2024-01", CLEVELAND, IN_ACKLAM),
            row("2024-01", CLEVELAND, IN_AYRESOME, "Anti-social behaviour"),
            row("2024-01", CLEVELAND, ("", ""), lsoa=""),  # no location, no LSOA
            row("2024-01", CLEVELAND, IN_AYRESOME, "Vehicle crime", lsoa=""),
        ],
        "2024-01/2024-01-cleveland-outcomes.csv": ["x"],
        "2024-01/2024-01-durham-street.csv": [
            row("2024-01", DURHAM, IN_BELMONT),
            row("2024-01", DURHAM, IN_BELMONT, "Anti-social behaviour"),
        ],
        "2024-02/2024-02-cleveland-street.csv": [
            row("2024-02", CLEVELAND, IN_ACKLAM),
            row("2024-02", CLEVELAND, IN_ACKLAM, "Anti-social behaviour"),
            row("2024-02", CLEVELAND, IN_BELMONT),  # over the border, in Durham's month with no file
        ],
        "2024-02/2024-02-durham-stop-and-search.csv": ["x"],
        "2024-03/2024-03-cleveland-street.csv": [row("2024-03", CLEVELAND, IN_AYRESOME)],
        "2024-03/2024-03-durham-street.csv": [
            row("2024-03", DURHAM, IN_BELMONT),
            row("2024-03", DURHAM, IN_BELMONT, "Anti-social behaviour"),
        ],
    }


def counts_csv(database_url: str, source: str, area: str) -> list[list[str]]:
    args = ["counts", "--source", source, "--area", area, "--from", "2024-01", "--to", "2024-03", "--format", "csv"]
    result = CliRunner().invoke(cli, args, env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    return [line.split(",") for line in result.output.splitlines()[1:]]


def force_months(engine) -> dict[tuple[str, str], tuple[bool, int, int, int, int]]:
    with session_scope(engine) as session:
        return {
            (r.force, r.month): (r.has_file, r.crime_records, r.asb_records, r.no_location, r.no_lsoa)
            for r in session.scalars(select(PoliceUkForceMonth))
        }


def test_archive_of_two_forces_gaps_by_force_month_and_unlocated_per_force(engine, database_url, tmp_path):
    ons_wards(engine, tmp_path)
    summary = load(engine, "policeuk", archive(tmp_path, two_forces_three_months()))
    assert summary.periods == ["2024-01", "2024-02", "2024-03"]
    assert summary.total == 11  # 12 records, one with no location or LSOA
    assert "read 5 street files from the zip" in summary.notes
    assert "left out of the zip (1 outcomes, 1 stop-and-search files): only the street files are loaded" in summary.notes
    gap = "a gap in coverage (not zero) for the force's"
    assert f"{DURHAM} 2024-02: no street file in the download, so crime there is {gap} 1 wards" in summary.notes
    assert f"{DURHAM} 2024-02: no street file in the download, so ASB there is {gap} 1 wards" in summary.notes
    assert f"{CLEVELAND} 2024-03: no ASB rows, so ASB there is {gap} 2 wards" in summary.notes
    assert f"{CLEVELAND} 2024-01: of 4 records, 1 had no location and 2 no LSOA code" in summary.notes
    assert force_months(engine) == {
        (CLEVELAND, "2024-01"): (True, 3, 1, 1, 2),
        (CLEVELAND, "2024-02"): (True, 2, 1, 0, 0),
        (CLEVELAND, "2024-03"): (True, 1, 0, 0, 0),
        (DURHAM, "2024-01"): (True, 1, 1, 0, 0),
        (DURHAM, "2024-02"): (False, 0, 0, 0, 0),
        (DURHAM, "2024-03"): (True, 1, 1, 0, 0),
    }
    # The gaps read as missing in `cspdash counts`, never as 0; the months held as figures.
    durham = {r[2]: (r[3], r[4]) for r in counts_csv(database_url, "crime", "E06000047")}
    assert durham["2024-01"] == ("1", "complete") and durham["2024-03"] == ("1", "complete")
    assert durham["2024-02"] == ("", "incomplete in source file")  # Cleveland's one record there is not Durham's figure
    belmont = {r[2]: (r[3], r[4]) for r in counts_csv(database_url, "crime", "E05012003")}
    assert belmont["2024-02"] == ("", "incomplete in source file")
    ayresome_asb = {r[2]: (r[3], r[4]) for r in counts_csv(database_url, "asb", "E05012002")}
    assert ayresome_asb["2024-03"] == ("", "incomplete in source file")
    assert ayresome_asb["2024-01"] == ("1", "complete")

    # Durham's February file, loaded later, fills the gap: figures, no mark.
    february = tmp_path / "2024-02-durham-street.csv"
    february.write_text("\n".join([HEADER, row("2024-02", DURHAM, IN_BELMONT)]) + "\n")
    later = load(engine, "policeuk", february)
    assert f"{DURHAM} 2024-02: no ASB rows, so ASB there is {gap} 1 wards" in later.notes
    assert force_months(engine)[(DURHAM, "2024-02")] == (True, 1, 0, 0, 0)
    durham = {r[2]: (r[3], r[4]) for r in counts_csv(database_url, "crime", "E06000047")}
    assert durham["2024-02"] == ("2", "complete")  # with Durham's own records, Cleveland's one there counts too
    assert {r[2]: r[4] for r in counts_csv(database_url, "asb", "E06000047")}["2024-02"] == "incomplete in source file"


def _stored_counts(engine) -> list[tuple]:
    with session_scope(engine) as session:
        crime = session.execute(
            select(CrimeCount.area_code, CrimeCount.month, CrimeCount.major_category, CrimeCount.part, CrimeCount.count)
        )
        asb = session.execute(select(AsbCount.area_code, AsbCount.month, AsbCount.category, AsbCount.part, AsbCount.count))
        return sorted([("crime", *r) for r in crime] + [("asb", *r) for r in asb])


def test_archive_written_in_slices_stores_what_one_write_does(engine, database_url, tmp_path, monkeypatch):
    """An archive of every force gives millions of keys, handed to the writer and to COPY a
    slice at a time (memory): with slices of two records and three rows, an area-month split
    across slices is cleared once and every count is stored once, as in one write."""
    from geo import policeuk
    from store import bulk
    from tests.conftest import MIGRATED, _fresh_url

    path = archive(tmp_path, two_forces_three_months())
    whole_folder = tmp_path / "whole"
    whole_folder.mkdir()
    for whole_url in _fresh_url("sqlite", whole_folder, MIGRATED):
        whole = get_engine(whole_url)
        ons_wards(whole, whole_folder)
        load(whole, "policeuk", path)
        expected = _stored_counts(whole)
    monkeypatch.setattr(policeuk, "WRITE_ROWS", 2)
    monkeypatch.setattr(bulk, "COPY_ROWS", 3)
    ons_wards(engine, tmp_path)
    summary = load(engine, "policeuk", path)
    assert summary.total == 11
    assert len(expected) > 3 and _stored_counts(engine) == expected


def test_archive_of_the_met_and_cleveland_places_each_in_its_own_districts_vintage(engine, tmp_path):
    """London's wards held as 2018, Middlesbrough's as 2024: one download of both forces places
    each force's records in its own district's wards, not only in the one vintage chosen."""
    havering = {
        "type": "Feature",
        "properties": {"GSS_CODE": "E05000306", "NAME": "Brooklands", "LAGSSCODE": "E09000016"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[0.18, 51.56], [0.2, 51.56], [0.2, 51.58], [0.18, 51.58], [0.18, 51.56]]],
        },
    }
    path = tmp_path / "havering_wards.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [havering]}))
    run_load(engine, "boundaries", with_options(Source.from_path(path), BoundaryOptions(vintage="2018")))
    ons_wards(engine, tmp_path)
    met = "Metropolitan Police Service"
    members = {
        "2024-01/2024-01-cleveland-street.csv": [row("2024-01", CLEVELAND, IN_ACKLAM)],
        "2024-01/2024-01-metropolitan-street.csv": [row("2024-01", met, ("0.19", "51.57"), lsoa="E01002345")],
    }
    summary = load(engine, "policeuk", archive(tmp_path, members))
    assert summary.total == 2 and summary.areas == 2
    reason = next(n for n in summary.notes if n.startswith("ward vintage 2024 chosen"))
    assert reason.endswith("the wards of 1 district (E09000016) in 2018 are held in another vintage and are used in it")
    with session_scope(engine) as session:
        placed = session.execute(select(CrimeCount.area_code, CrimeCount.part).order_by(CrimeCount.area_code)).all()
    assert [tuple(p) for p in placed] == [("E05000306", f"police.uk:{met}"), ("E05012001", f"police.uk:{CLEVELAND}")]


def test_lsoa_codes_of_2011_and_2021_place_records_outside_london(engine, tmp_path):
    ons_wards(engine, tmp_path)
    lookups = {
        "LSOA11CD,LSOA11NM,WD24CD,WD24NM,LAD24CD,LAD24NM": "E01012050,Middlesbrough 010B,E05012001,Acklam,E06000002,Middlesbrough",
        "LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM": "E01035001,Middlesbrough 020F,E05012002,Ayresome,E06000002,Middlesbrough",
    }
    for i, (header, line) in enumerate(lookups.items()):
        path = tmp_path / f"lookup{i}.csv"
        path.write_text(f"{header}\n{line}\n")
        load(engine, "lsoa-lookup", path)
    street = tmp_path / "2024-01-cleveland-street.csv"
    rows = [row("2024-01", CLEVELAND, ("", ""), lsoa=code) for code in ("E01012050", "E01035001")]
    street.write_text("\n".join([HEADER, *rows, row("2024-01", CLEVELAND, IN_ACKLAM)]) + "\n")
    summary = load(engine, "policeuk", street)
    assert "2 records placed through the LSOA→ward lookup" in summary.notes
    with session_scope(engine) as session:
        placed = dict(
            session.execute(select(CrimeCount.area_code, func.sum(CrimeCount.count)).group_by(CrimeCount.area_code)).all()
        )
        parents = dict(session.execute(text("SELECT code, parent_code FROM area WHERE code LIKE 'E0501200%'")).all())
    assert placed == {"E05012001": 2, "E05012002": 1}
    assert parents == {"E05012001": "E06000002", "E05012002": "E06000002", "E05012003": "E06000047"}


def test_archive_bad_row_names_member_row_column_value_and_stores_nothing(engine, tmp_path):
    ons_wards(engine, tmp_path)
    members = two_forces_three_months()
    members["2024-02/2024-02-cleveland-street.csv"][1] = row("2024-02", CLEVELAND, ("east", "54.56"))
    before = geo_table_counts(engine)
    with pytest.raises(LoadError) as caught:
        load(engine, "policeuk", archive(tmp_path, members))
    assert caught.value.file_name == "police-uk-archive.zip"
    found = [(p.row, p.column, p.value, p.reason) for p in caught.value.problems]
    assert found == [(3, "2024-02/2024-02-cleveland-street.csv: Longitude", "east", "not a longitude in degrees")]
    assert geo_table_counts(engine) == before
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(PoliceUkForceMonth)) == 0
        assert session.scalar(select(func.count()).select_from(AsbCount)) == 0


def test_archive_member_past_the_unpacked_cap_is_refused_by_name(engine, tmp_path):
    ons_wards(engine, tmp_path)
    path = archive(tmp_path, two_forces_three_months())
    limits = LoadLimits(max_unpacked_bytes=300)
    with pytest.raises(LoadError) as caught:
        run_load(engine, "policeuk", Source.from_path(path), limits=limits)
    assert caught.value.file_name == "2024-01/2024-01-cleveland-street.csv"
    assert "raise CSPDASH_MAX_UNPACKED_MB" in caught.value.problems[0].reason


def test_months_between():
    assert months_between("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert months_between("2024-02", "2024-01") == []


def test_archive_load_says_which_street_file_it_is_reading(engine, tmp_path):
    """The monthly archive of every force is hundreds of files: a load carrying a progress
    reporter (the CLI on a terminal, the upload page) is told each file as it finishes, with
    the rows read in all, and every ``every`` rows within one."""
    from geo.options import PoliceUkOptions
    from loaders.options import LoadProgress

    ons_wards(engine, tmp_path)
    told: list[str] = []
    path = archive(tmp_path, two_forces_three_months())
    source = with_options(Source.from_path(path), PoliceUkOptions(progress=LoadProgress(told.append, every=1_000)))
    run_load(engine, "policeuk", source)
    assert told == [
        "file 1 of 5 (2024-01-cleveland-street.csv): 4 rows read in all",
        "file 2 of 5 (2024-01-durham-street.csv): 6 rows read in all",
        "file 3 of 5 (2024-02-cleveland-street.csv): 9 rows read in all",
        "file 4 of 5 (2024-03-cleveland-street.csv): 10 rows read in all",
        "file 5 of 5 (2024-03-durham-street.csv): 12 rows read in all",
    ]
    # The upload page attaches a bare reporter (no options of the loader's own): told the same.
    page: list[str] = []
    run_load(engine, "policeuk", with_options(Source.from_path(path), LoadProgress(page.append)), dry_run=True)
    assert page == told


def test_archive_of_many_files_reads_the_zips_directory_once_and_leaves_nothing_open(engine, tmp_path, monkeypatch):
    """The archive of every force over three years holds thousands of files: each is read
    through the zip opened once (opening it again per file read its whole directory each time,
    which took longer than the records), and the zip is closed when the load ends."""
    ons_wards(engine, tmp_path)
    members = {
        f"{month}/{month}-{force}-street.csv": [row(month, name, point), row(month, name, point, "Anti-social behaviour")]
        for month in months_between("2022-04", "2025-03")
        for force, name, point in (("cleveland", CLEVELAND, IN_ACKLAM), ("durham", DURHAM, IN_BELMONT))
    }
    path = archive(tmp_path, members)
    directory_reads = []
    real = zipfile.ZipFile._RealGetContents

    def counted(self):  # type: ignore[no-untyped-def]
        directory_reads.append(self.filename)
        return real(self)

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", counted)
    summary = run_load(engine, "policeuk", Source.from_path(path))
    assert summary.rows == 144  # 72 files of two records
    assert summary.total == 144
    assert len(directory_reads) == 1
    assert str(path) not in open_files()


def open_files() -> set[str]:
    """What this process holds open (Linux)."""
    held = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            held.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # the listing's own descriptor, closed already
            pass
    return held


def test_tally_merged_as_chunks_arrive_counts_as_one_pass(monkeypatch):
    """The archive's counts are merged into the tally as chunks arrive (millions of keys held
    as numbers, not strings): merged after every chunk or once at the end, each key has the
    same count and the first row it was seen in, in the order first seen."""
    import pandas as pd

    from geo import policeuk

    chunks = [
        pd.DataFrame({"__row__": [2, 3, 4], "ward": ["W1", "W2", "W1"], "month": ["2024-01"] * 3,
                      "type": ["Burglary", "Anti-social behaviour", "Burglary"], "part": ["police.uk:A"] * 3}),
        pd.DataFrame({"__row__": [2, 3], "ward": ["W3", "W1"], "month": ["2024-02", "2024-01"],
                      "type": ["Drugs", "Burglary"], "part": ["police.uk:B", "police.uk:A"]}),
    ]  # fmt: skip

    def tallied(merge_rows: int) -> tuple[list, list, set]:
        monkeypatch.setattr(policeuk, "MERGE_ROWS", merge_rows)
        tally = policeuk.Tally()
        for chunk in chunks:
            tally.add(chunk)
        return (
            tally.records(False).values.tolist(),
            tally.records(True).values.tolist(),
            tally.placings(),
        )

    crime, asb, placings = tallied(1)
    assert (crime, asb, placings) == tallied(10**9)
    assert crime == [
        [2, "W1", "2024-01", "Burglary", "police.uk:A", 3, ""],
        [2, "W3", "2024-02", "Drugs", "police.uk:B", 1, ""],
    ]
    assert asb == [[3, "W2", "2024-01", "Anti-social behaviour", "police.uk:A", 1]]
    assert placings == {("W1", "2024-01", "police.uk:A"), ("W2", "2024-01", "police.uk:A"), ("W3", "2024-02", "police.uk:B")}
