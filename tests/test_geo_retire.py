"""Issue 19 part 3: re-loading boundaries retires what they replace. The City-merged 2018
outlines after the full 2018 set: the 24 City wards they merge are retired, their placed
figures move into the enlarged ward, and placing the records again counts the City once."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from geo.queries import boundary_frame
from store.counts import monthly_counts
from store.coverage_record import computed_coverage, recorded_coverage
from store.db import session_scope
from store.models import Area
from tests.helpers import load

CITY = "E09000001"
CITY_MERGED = "boundaries/london_wards_2018_citymerged_wgs84_simplified5m.geojson"
CITY_RECORDS = "crime/police_uk_city_of_london/2016-01-city-of-london-street.csv"


def city_january(engine) -> int:
    with session_scope(engine) as session:
        return monthly_counts(session, "crime", CITY, ["2016-01"]).get("2016-01", 0) + monthly_counts(
            session, "asb", CITY, ["2016-01"]
        ).get("2016-01", 0)


def test_city_merged_outlines_retire_the_wards_they_replace(wards_2018_engine, shared_data, database_url):
    engine = wards_2018_engine
    load(engine, "policeuk", shared_data / CITY_RECORDS)
    placed = city_january(engine)
    assert placed > 0
    summary = load(engine, "boundaries", shared_data / CITY_MERGED)
    assert any(
        n.startswith("24 areas of vintage 2018 retired, replaced by this file's outlines: 24 into ") for n in summary.notes
    ), summary.notes
    assert city_january(engine) == placed  # moved, not lost nor doubled
    with session_scope(engine) as session:
        assert len(boundary_frame(session, "ward", "2018")) == 633
        retired = session.scalars(select(Area).where(Area.retired_into.is_not(None))).all()
        assert len(retired) == 24 and len({a.retired_into for a in retired}) == 1
        assert recorded_coverage(session, "crime") == computed_coverage(session, "crime")
    # Placing the same records again: the City once, not its old wards beside the new one.
    load(engine, "policeuk", shared_data / CITY_RECORDS)
    assert city_january(engine) == placed
    out = CliRunner(env={"DATABASE_URL": database_url}).invoke(cli, ["boundaries", "list"])
    assert out.exit_code == 0, out.output
    assert "ward     2018       633 areas (24 retired: replaced by later outlines)" in out.output


def test_a_partial_file_of_the_same_vintage_retires_nothing_outside_it(wards_2018_engine, shared_data, tmp_path):
    import json

    full = json.loads((shared_data / "boundaries/london_wards_2018_wgs84_simplified5m.geojson").read_text())
    havering = [f for f in full["features"] if f["properties"]["LAGSSCODE"] == "E09000016"]
    path = tmp_path / "havering_wards_2018.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": havering}))
    summary = load(wards_2018_engine, "boundaries", path)
    assert not any("retired" in n for n in summary.notes)
    with session_scope(wards_2018_engine) as session:
        assert len(boundary_frame(session, "ward", "2018")) == 657
