"""The demo's schematic Havering ward layout and the London borough tile map."""

from __future__ import annotations

import json
from itertools import combinations

import geopandas as gpd
import shapely
from click.testing import CliRunner
from shapely.geometry import shape
from sqlalchemy import select

from cli.main import cli
from geo import schematic, tiles
from geo.queries import feature_collection, year_vintages
from loaders.reading import Source
from loaders.registry import run_load
from settings import DEMO_DIR
from store.boundary_queries import vintages_held
from store.db import session_scope
from store.models import Area, AreaBoundary
from store.reference import LONDON_BOROUGHS
from tests.conftest import WARDS_2018

HAVERING_2018 = [f"E050003{n:02d}" for n in range(6, 24)]


def test_schematic_has_one_hexagon_per_havering_ward():
    collection = schematic.feature_collection()
    codes = [f["properties"]["GSS_CODE"] for f in collection["features"]]
    assert codes == HAVERING_2018
    assert all(f["properties"]["schematic"] is True for f in collection["features"])
    cells = {(col, row) for _, _, col, row in schematic.HAVERING_WARDS}
    assert len(cells) == 18
    shapes = [shape(f["geometry"]) for f in collection["features"]]
    assert all(s.is_valid and len(s.exterior.coords) == 7 for s in shapes)
    assert not any(a.intersects(b) for a, b in combinations(shapes, 2))


def test_schematic_bundled_file_matches_the_generator(tmp_path):
    fresh = schematic.write(tmp_path / schematic.FILE_NAME)
    assert (DEMO_DIR / schematic.FILE_NAME).read_bytes() == fresh.read_bytes(), "run: python -m geo.schematic"


def test_schematic_hexes_sit_near_the_real_wards(shared_data):
    real = gpd.read_file(shared_data / WARDS_2018).set_index("GSS_CODE").loc[HAVERING_2018].to_crs("EPSG:27700")
    hexes = (
        gpd.GeoDataFrame.from_features(schematic.feature_collection(), crs="EPSG:4326").set_index("GSS_CODE").to_crs("EPSG:27700")
    )
    distance = hexes.centroid.distance(real.centroid)
    # Metres. Rainham & Wennington is pulled 2.3 km north so it touches its neighbours.
    assert distance.drop("E05000318").max() < 1_200, distance.sort_values().tail(3)
    assert distance["E05000318"] < 2_500
    assert (
        real.loc[hexes.index, "NAME"].str.replace(".", "", regex=False) == hexes["NAME"].str.replace(".", "", regex=False)
    ).all()


def test_schematic_loads_with_defaults_and_is_never_used_to_place_points(engine):
    summary = run_load(engine, "boundaries", Source.from_path(DEMO_DIR / schematic.FILE_NAME))
    assert summary.stored == 18
    assert "ward outlines, vintage schematic; codes from GSS_CODE, names from NAME, parents from LAGSSCODE" in summary.notes
    with session_scope(engine) as session:
        assert vintages_held(session, "ward") == ["schematic"]
        assert year_vintages(vintages_held(session, "ward")) == []
        parents = set(session.scalars(select(Area.parent_code).where(Area.code.in_(HAVERING_2018))))
        assert len(feature_collection(session, "ward", "schematic", within="E09000016")["features"]) == 18
    assert parents == {"E09000016"}


def test_schematic_is_part_of_the_demo(demo_engine):
    with session_scope(demo_engine) as session:
        codes = sorted(session.scalars(select(AreaBoundary.area_code).where(AreaBoundary.vintage == "schematic")))
        names = dict(session.execute(select(Area.code, Area.name).where(Area.code.in_(codes))).all())
    assert codes == HAVERING_2018
    assert names["E05000320"] == "St. Andrew's"


def test_tiles_one_square_per_borough_on_a_small_grid():
    assert set(tiles.LONDON_TILES) == set(LONDON_BOROUGHS)
    cells = list(tiles.LONDON_TILES.values())
    assert len(set(cells)) == 33
    assert all(0 <= col < tiles.COLUMNS and 0 <= row < tiles.ROWS for col, row in cells)
    t = tiles.LONDON_TILES
    assert t["E09000016"][0] == tiles.COLUMNS - 1  # Havering on the east edge
    assert t["E09000017"][0] == 0  # Hillingdon on the west edge
    assert t["E09000010"][1] == 0  # Enfield at the top
    assert t["E09000001"][1] > t["E09000019"][1]  # the City south of Islington


def test_tiles_load_as_a_schematic_borough_layer_from_bytes(engine):
    data = json.dumps(tiles.feature_collection()).encode()
    summary = run_load(engine, "boundaries", Source.from_bytes("tiles.geojson", data))
    assert summary.stored == 33
    with session_scope(engine) as session:
        held = session.execute(
            select(AreaBoundary.area_code, AreaBoundary.geometry_web).where(
                AreaBoundary.vintage == "schematic", AreaBoundary.level == "borough"
            )
        ).all()
    assert len(held) == 33
    squares = [shapely.from_geojson(g) for _, g in held]
    assert not any(a.intersects(b) for a, b in combinations(squares, 2))


def test_schematic_cli_load_with_explicit_vintage(engine, database_url):
    path = DEMO_DIR / schematic.FILE_NAME
    result = CliRunner().invoke(
        cli, ["boundaries", "load", str(path), "--vintage", "schematic"], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code == 0, result.output
    assert "note: ward outlines, vintage schematic" in result.output
