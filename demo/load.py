"""Load a demo in dependency order (definitions before data): the bundled Havering demo
(data/demo/), or the Hartlepool demo generated afresh in the real national layouts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from demo import hartlepool
from geo.options import PoliceUkOptions, with_options
from loaders.reading import Source
from loaders.registry import run_load
from loaders.summary import LoadSummary
from settings import DEMO_DIR
from store.db import Engine
from store.partnerships import ensure_partnership

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
HAVERING = "E09000016"
# The demos there are, by home area: ``cspdash demo --area CODE``.
DEMO_AREAS = {HAVERING: "Havering", hartlepool.HARTLEPOOL: "Hartlepool"}


def load_demo(engine: Engine) -> list[LoadSummary]:
    """Load the bundled Havering demo as Havering's partnership (held from the start: London's
    boroughs are reference areas), whatever other partnerships the database holds."""
    with engine.begin() as connection:
        ensure_partnership(connection, HAVERING)
    return [
        run_load(engine, kind, Source.from_path(DEMO_DIR / name), user="demo", partnership=HAVERING) for kind, name in DEMO_FILES
    ]


@dataclass
class DemoLoad:
    """What loading a generated demo did: each file's summary."""

    summaries: list[LoadSummary] = field(default_factory=list)


def hartlepool_plan(files: hartlepool.DemoFiles) -> list[tuple[str, Source]]:
    """The Hartlepool demo's files by kind, in the order they depend on each other: the area tree
    before the wards, the wards before police.uk records are placed in them."""
    # The schematic hexes are the only ward outlines held, and the generated points lie inside
    # them: placing in the schematic drawing is asked for by name (never chosen for real points).
    policeuk = with_options(Source.from_path(files.policeuk), PoliceUkOptions(vintage="schematic"))
    return [
        ("csp-lookup", Source.from_path(files.lookup)),
        ("region-lookup", Source.from_path(files.region_lookup)),  # North East, for HO3's comparator
        ("boundaries", Source.from_path(files.boundaries)),
        ("population", Source.from_path(files.population)),
        ("comparison-groups", Source.from_path(files.comparison_groups)),  # before indicators name it
        ("indicators", Source.from_path(files.indicators)),
        ("targets", Source.from_path(files.targets)),
        ("csp-tables", Source.from_path(files.csp_tables)),
        ("policeuk", policeuk),
        ("values", Source.from_path(files.values)),
        ("commentary", Source.from_path(files.commentary)),
    ]


def load_hartlepool_demo(engine: Engine, folder: Path) -> DemoLoad:
    """Generate the Hartlepool demo's files in ``folder`` and load them through the real loaders."""
    files = hartlepool.generate(folder)
    plan = hartlepool_plan(files)
    done = DemoLoad()
    for kind, source in plan:
        done.summaries.append(run_load(engine, kind, source, user="demo", partnership=hartlepool.HARTLEPOOL))
        if kind == "csp-lookup":  # Hartlepool is held now: its indicators and targets are its partnership's
            with engine.begin() as connection:
                ensure_partnership(connection, hartlepool.HARTLEPOOL)
    return done
