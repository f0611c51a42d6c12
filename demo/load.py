"""Load the bundled demo files (data/demo/) in dependency order: definitions before data."""

from __future__ import annotations

from loaders.reading import Source
from loaders.registry import run_load
from loaders.summary import LoadSummary
from settings import DEMO_DIR
from store.db import Engine

DEMO_FILES = [
    ("areas", "areas.csv"),
    ("indicators", "indicators.csv"),
    ("targets", "targets.csv"),
    ("crime", "crime_wards_met_format.csv"),
    ("crime", "crime_boroughs_met_format.csv"),  # the other 31 boroughs, for the London comparison
    ("asb", "asb.csv"),
    ("marac", "marac.csv"),
    ("values", "values.csv"),
    ("commentary", "commentary.csv"),
    ("population", "population.csv"),  # rates per 1,000 residents on the maps
    ("boundaries", "havering_wards_schematic.geojson"),  # schematic hexes: maps with nothing downloaded
]


def load_demo(engine: Engine) -> list[LoadSummary]:
    return [run_load(engine, kind, Source.from_path(DEMO_DIR / name), user="demo") for kind, name in DEMO_FILES]
