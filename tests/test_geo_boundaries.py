"""Boundary loading: the real ward and borough files, other formats and CRSs, bad files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from geo.options import BoundaryOptions, with_options
from geo.queries import boundary_frame, feature_collection
from loaders.errors import LoadError
from loaders.reading import Source
from loaders.registry import run_load
from loaders.summary import LoadSummary
from store.boundary_queries import coverage_gaps, vintages_held
from store.db import session_scope
from store.models import Area, AreaBoundary
from tests.conftest import WARDS_2018, WARDS_2018_KIND, WARDS_2022, geo_table_counts, template_fill
from tests.helpers import load

HAVERING = "E09000016"
BOROUGHS = "boundaries/london_boroughs_wgs84.geojson"
MPS_WARDS = "crime/mps_ward_level_crime_most_recent_24_months_202403-202603.csv"
HAVERING_2018 = [f"E050003{n:02d}" for n in range(6, 24)]
HAVERING_2022 = [f"E050139{n}" for n in range(67, 87)]


def held(engine, vintage: str, level: str = "ward") -> dict[str, AreaBoundary]:
    with session_scope(engine) as session:
        rows = session.scalars(select(AreaBoundary).where(AreaBoundary.vintage == vintage, AreaBoundary.level == level))
        return {b.area_code: b for b in rows}


def parents(engine, codes: list[str]) -> dict[str, str | None]:
    with session_scope(engine) as session:
        return dict(session.execute(select(Area.code, Area.parent_code).where(Area.code.in_(codes))).all())


def load_with(engine, path: Path, **options) -> object:
    return run_load(engine, "boundaries", with_options(Source.from_path(path), BoundaryOptions(**options)))


def expect_error(engine, source: Source, **options) -> LoadError:
    before = geo_table_counts(engine)
    with pytest.raises(LoadError) as caught:
        run_load(engine, "boundaries", with_options(source, BoundaryOptions(**options)))
    assert geo_table_counts(engine) == before, "a failed load must store nothing"
    return caught.value


def geojson(path: Path, features: list[dict], crs: str | None = None) -> Path:
    collection = {"type": "FeatureCollection", "features": features}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection))
    return path


def square(code: str, x0: float, y0: float, size: float, **props) -> dict:
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {
        "type": "Feature",
        "properties": {"GSS_CODE": code, "NAME": code, **props},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


# --- the real files ----------------------------------------------------------------------


def test_boundaries_2018_london_wards_all_havering_wards_load(wards_2018_engine, shared_data):
    # The 2018 outlines loaded into a migrated database: the load that made this database's
    # template (a clone of the migrated one, so the same load into the same schema), and its summary.
    engine = wards_2018_engine
    summary = template_fill(WARDS_2018_KIND, engine)
    assert isinstance(summary, LoadSummary)
    assert (summary.rows, summary.stored, summary.areas) == (657, 657, 657)
    assert "ward outlines, vintage 2018; codes from GSS_CODE, names from NAME, parents from LAGSSCODE" in summary.notes
    outlines = held(engine, "2018")
    assert set(HAVERING_2018) <= set(outlines) and len(outlines) == 657
    assert set(parents(engine, HAVERING_2018).values()) == {HAVERING}
    romford = outlines["E05000319"]
    assert romford.name == "Romford Town" and romford.source_file == Path(WARDS_2018).name
    assert 0.17 < romford.centroid_lon < 0.20 and 51.56 < romford.centroid_lat < 51.59
    web = shapely.from_geojson(romford.geometry_web)
    assert web.is_valid and web.geom_type in ("Polygon", "MultiPolygon")
    assert shapely.from_wkb(romford.geometry_full).is_valid


def test_boundaries_2022_wards_match_mps_ward_crime_codes(met_wards_engine, shared_data):
    engine = met_wards_engine  # the Met's ward file held already
    summary = load(engine, "boundaries", shared_data / WARDS_2022)
    assert (summary.rows, summary.stored) == (61, 61)
    outlines = held(engine, "2022")
    havering = sorted(c for c in outlines if parents(engine, [c])[c] == HAVERING)
    assert havering == HAVERING_2022
    with session_scope(engine) as session:
        no_data, no_outline = coverage_gaps(session, "ward", "2022")
    assert no_data == []  # every boundary code, Havering's 20 included, has MPS crime data
    # The MPS file covers all London; the boundary file 3 boroughs. Heathrow Villages' code only
    # carries airport (SO18) rows in this extract, which belong to the airports unit (issue 9).
    assert len(no_outline) == 679 - 1 - 61
    assert not any("have no data held" in note for note in summary.notes)
    assert any(note.startswith("617 wards hold data but have no 2022 outline: ") for note in summary.notes)


def test_boundaries_report_codes_without_data(engine, shared_data):
    summary = load(engine, "boundaries", shared_data / WARDS_2022)
    assert any(note.startswith("61 of 61 areas in the file have no data held yet: E05011234") for note in summary.notes)


def test_boundaries_2018_and_2022_vintages_are_held_together(wards_2018_engine, shared_data):
    engine = wards_2018_engine  # the 2018 wards held already
    load(engine, "boundaries", shared_data / WARDS_2022)
    again = load(engine, "boundaries", shared_data / WARDS_2022)
    assert again.replaced == 61 and again.stored == 61
    with session_scope(engine) as session:
        assert vintages_held(session, "ward") == ["2018", "2022"]
        assert len(boundary_frame(session, "ward", "2018")) == 657
        havering = feature_collection(session, "ward", "2022", within=HAVERING)
    assert [f["id"] for f in havering["features"]] == HAVERING_2022
    assert havering["features"][0]["properties"]["name"] == "Beam Park"


def test_boundaries_boroughs_are_simplified_once_for_the_web(engine, shared_data):
    summary = load(engine, "boundaries", shared_data / BOROUGHS)
    assert summary.stored == 33
    assert any("vintage current" in note for note in summary.notes)
    outlines = held(engine, "current", "borough")
    full = sum(shapely.get_num_coordinates(shapely.from_wkb(b.geometry_full)) for b in outlines.values())
    web = sum(shapely.get_num_coordinates(shapely.from_geojson(b.geometry_web)) for b in outlines.values())
    assert web < full / 3, (web, full)  # 20 m in British National Grid removes most vertices
    assert parents(engine, list(outlines)) == {code: "E12000007" for code in outlines}


# --- other formats and coordinate systems ------------------------------------------------


@pytest.fixture
def boroughs_27700(shared_data) -> gpd.GeoDataFrame:
    return gpd.read_file(shared_data / "boundaries/london_boroughs_wgs84_simplified20m.geojson").to_crs("EPSG:27700")


def zipped_shapefile(frame: gpd.GeoDataFrame, folder: Path, *, prj: bool = True) -> bytes:
    folder.mkdir()
    frame.to_file(folder / "boroughs.shp", engine="pyogrio")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in sorted(folder.iterdir()):
            if prj or part.suffix != ".prj":
                archive.write(part, f"London_Borough/{part.name}")
    return buffer.getvalue()


def assert_havering_in_place(engine, vintage: str = "current") -> None:
    havering = held(engine, vintage, "borough")[HAVERING]
    assert havering.centroid_lon == pytest.approx(0.23, abs=0.03)
    assert havering.centroid_lat == pytest.approx(51.56, abs=0.03)


@pytest.mark.parametrize("fmt", ["gpkg", "gpkg bytes", "shp.zip", "shp.zip bytes"])
def test_boundaries_british_national_grid_lands_in_the_right_place(engine, boroughs_27700, tmp_path, fmt):
    if fmt.startswith("gpkg"):
        path = tmp_path / "boroughs.gpkg"
        boroughs_27700.to_file(path, driver="GPKG", engine="pyogrio")
        source = Source.from_bytes("upload.gpkg", path.read_bytes()) if "bytes" in fmt else Source.from_path(path)
    else:
        data = zipped_shapefile(boroughs_27700, tmp_path / "shp")
        source = (
            Source.from_bytes("London_Borough.zip", data)
            if "bytes" in fmt
            else Source.from_path(_write(tmp_path / "b.zip", data))
        )
    summary = run_load(engine, "boundaries", source)
    assert summary.stored == 33
    assert any(n.startswith("coordinate system: EPSG:27700") and n.endswith("reprojected to WGS84") for n in summary.notes)
    assert_havering_in_place(engine)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_boundaries_shapefile_without_prj_needs_crs(engine, boroughs_27700, tmp_path):
    data = zipped_shapefile(boroughs_27700, tmp_path / "shp", prj=False)
    error = expect_error(engine, Source.from_bytes("no_prj.zip", data))
    assert error.problems[0].reason == "the file does not say which coordinate system it uses (a shapefile needs its .prj file)"
    summary = run_load(
        engine, "boundaries", with_options(Source.from_bytes("no_prj.zip", data), BoundaryOptions(crs="EPSG:27700"))
    )
    assert summary.stored == 33
    assert_havering_in_place(engine)


def test_boundaries_geojson_in_metres_without_crs_member_is_caught(engine, boroughs_27700, tmp_path):
    path = tmp_path / "bng.geojson"
    path.write_text(boroughs_27700.to_json(drop_id=True).replace('"crs"', '"x_crs"'))  # strip the crs member
    error = expect_error(engine, Source.from_path(path))
    assert "they look like metres (British National Grid is EPSG:27700)" in error.problems[0].reason
    load_with(engine, path, crs="EPSG:27700")
    assert_havering_in_place(engine)


def test_boundaries_geojson_without_crs_member_is_wgs84(engine, tmp_path):
    path = geojson(tmp_path / "plain.geojson", [square("E05000319", 0.17, 51.57, 0.01)])
    summary = load_with(engine, path, vintage="2018")
    assert summary.stored == 1
    assert held(engine, "2018")["E05000319"].centroid_lon == pytest.approx(0.175, abs=1e-4)


# --- bad files: clear errors, nothing stored ---------------------------------------------


def test_boundaries_missing_code_field_lists_the_fields(engine, tmp_path):
    feature = square("x", 0.1, 51.5, 0.01)
    feature["properties"] = {"WARD": "Romford", "HECTARES": 3}
    error = expect_error(engine, Source.from_path(geojson(tmp_path / "w.geojson", [feature])))
    problem = error.problems[0]
    assert problem.value == "WARD, HECTARES"
    assert problem.reason.startswith("no area code field found (looked for WDnnCD, LADnnCD, GSS_CODE, area_code)")
    error = expect_error(engine, Source.from_path(tmp_path / "w.geojson"), code_field="WD22CD")
    assert error.problems[0].reason.startswith("there is no field 'WD22CD'")


def test_boundaries_codes_matching_nothing(engine, tmp_path):
    path = geojson(tmp_path / "w.geojson", [square("Ward 1", 0.1, 51.5, 0.01), square("Ward 2", 0.2, 51.5, 0.01)])
    error = expect_error(engine, Source.from_path(path), vintage="2018")
    assert error.total == 3
    assert error.problems[0].reason.startswith("no value in 'GSS_CODE' is a ward or borough GSS code")
    assert [(p.row, p.value) for p in error.problems[1:]] == [(1, "Ward 1"), (2, "Ward 2")]
    assert error.problems[1].reason == "not a ward or borough GSS code (like E05000306 or E09000016)"


def test_boundaries_level_mismatch_and_bad_geometry_are_all_reported(engine, tmp_path):
    point = {
        "type": "Feature",
        "properties": {"GSS_CODE": "E05000307", "NAME": "x"},
        "geometry": {"type": "Point", "coordinates": [0.2, 51.5]},
    }
    path = geojson(tmp_path / "w.geojson", [square("E05000306", 0.1, 51.5, 0.01), square("E09000016", 0.2, 51.5, 0.01), point])
    error = expect_error(engine, Source.from_path(path), level="ward", vintage="2018")
    reasons = {(p.row, p.reason) for p in error.problems}
    assert reasons == {(2, "a borough code in a file of ward outlines"), (3, "this feature has a Point, not an area")}


def test_boundaries_ward_vintage_is_required_when_it_cannot_be_told(engine, tmp_path):
    path = geojson(tmp_path / "wards.geojson", [square("E05000306", 0.1, 51.5, 0.01)])
    error = expect_error(engine, Source.from_path(path))
    assert (
        error.problems[0].reason
        == "cannot tell which year these ward boundaries are (wards are redrawn): the file names no vintage"
    )


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("wards.zip", b"PK\x03\x04 truncated download", "the zip file is damaged and cannot be opened (download it again)"),
        (
            "wards.geojson",
            b"<html>not found</html>",
            "cannot read this as GeoJSON, GeoPackage or a zipped shapefile: GDAL does not recognise the format",
        ),
        (
            "wards.csv",
            b"ward,count\nE05000306,3\n",
            "the file has no geometries: it is not a boundary file (GeoJSON, GeoPackage or zipped shapefile)",
        ),
    ],
)
def test_boundaries_unreadable_files(engine, name, data, reason):
    error = expect_error(engine, Source.from_bytes(name, data))
    assert error.problems[0].reason == reason


def test_boundaries_zip_without_boundary_file(engine):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    error = expect_error(engine, Source.from_bytes("wards.zip", buffer.getvalue()))
    assert error.problems[0].reason == "the zip holds no boundary file (.shp, .gpkg or .geojson)"


def test_boundaries_corrupt_member_in_zip(engine, boroughs_27700, tmp_path):
    data = bytearray(zipped_shapefile(boroughs_27700, tmp_path / "shp"))
    data[200:260] = b"\x00" * 60  # damage the first member's compressed bytes
    error = expect_error(engine, Source.from_bytes("wards.zip", bytes(data)))
    assert error.problems[0].reason.startswith("the zip file is damaged")


# --- repairs, merges, dry runs, the CLI --------------------------------------------------


def test_boundaries_invalid_geometry_is_repaired(engine, tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[0.1, 51.5], [0.12, 51.52], [0.12, 51.5], [0.1, 51.52], [0.1, 51.5]]]}
    feature = {"type": "Feature", "properties": {"GSS_CODE": "E05000306", "NAME": "Brooklands"}, "geometry": bowtie}
    summary = load_with(engine, geojson(tmp_path / "w.geojson", [feature]), vintage="2018")
    assert "1 invalid geometries repaired (make_valid)" in summary.notes
    outline = held(engine, "2018")["E05000306"]
    assert shapely.from_wkb(outline.geometry_full).is_valid


def test_boundaries_parts_of_one_area_are_merged(engine, tmp_path):
    parts = [square("E05000306", 0.10, 51.5, 0.01), square("E05000306", 0.13, 51.5, 0.01)]
    summary = load_with(engine, geojson(tmp_path / "w.geojson", parts), vintage="2018")
    assert summary.stored == 1
    assert "1 codes appeared in more than one feature; their parts were merged" in summary.notes
    assert shapely.from_wkb(held(engine, "2018")["E05000306"].geometry_full).geom_type == "MultiPolygon"


def test_boundaries_dry_run_stores_nothing(engine, shared_data):
    before = geo_table_counts(engine)
    summary = run_load(engine, "boundaries", Source.from_path(shared_data / WARDS_2022), dry_run=True)
    assert summary.stored == 61 and summary.dry_run
    assert geo_table_counts(engine) == before


def test_boundaries_cli_load_with_options_and_ingest_with_defaults(engine, database_url, shared_data, tmp_path):
    runner = CliRunner()
    env = {"DATABASE_URL": database_url}
    result = runner.invoke(
        cli, ["boundaries", "load", str(shared_data / WARDS_2018), "--level", "ward", "--vintage", "2018"], env=env
    )
    assert result.exit_code == 0, result.output
    assert (
        "Loaded boundaries from london_wards_2018_wgs84_simplified5m.geojson (GeoJSON): 657 rows, 657 values stored"
        in result.output
    )
    result = runner.invoke(cli, ["ingest", "boundaries", str(shared_data / WARDS_2022)], env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["boundaries", "list"], env=env)
    assert "ward     2018       657 areas" in result.output and "ward     2022       61 areas" in result.output
    bad = geojson(tmp_path / "bad.geojson", [square("Ward 1", 0.1, 51.5, 0.01)])
    result = runner.invoke(cli, ["boundaries", "load", str(bad), "--vintage", "2018"], env=env)
    assert result.exit_code == 1
    assert "bad.geojson: 2 problems found; nothing was loaded." in result.output
    assert "is it the right field?" in result.output
    assert result.output.endswith("Name the field holding the codes with --code-field.\n")  # the CLI adds its option
