"""National volume (issue 23 part 3): every partnership in England and Wales loaded beside the
demo on PostgreSQL, against the demo alone, in the same run.

1. Generates, in the real layouts (the writers and constants of ``demo/hartlepool.py``):
   the ONS district → partnership → police force area lookup, the district → region lookup and
   an LSOA → ward lookup for a national tree (43 forces, ~318 districts, ~300 partnerships,
   ~7,000 wards, ~35,000 LSOAs; London's boroughs and Havering's wards are the real codes); the
   Home Office "Police recorded crime by CSP" workbook for 10 financial years (2015-16 to
   2024-25: every partnership and each force's Unassigned, 40 quarters, ~100 offence codes);
   and one police.uk archive of street files for all 43 forces over 36 months (2022-04 to
   2025-03, ``YYYY-MM/YYYY-MM-<force>-street.csv``), ~18 million records spread over the forces
   by ``FORCES``' weights (approximate recorded crime a year, thousands). Records carry LSOA
   codes: no ward outlines are held outside the demo's schematic ones, so they are placed
   through the LSOA lookup, and a district's figure is the sum of its wards. None falls in
   Havering, whose figures stay the demo's: the timings compare its pages showing the same
   figures, alone and beside the nation.
2. Two fresh PostgreSQL schemas, each holding the demo (Havering): "demo" and "national". The
   national files are loaded into the second by ``cspdash ingest`` in a subprocess each, timed,
   with the subprocess's peak memory (its ``VmHWM`` as it exits; goal under 1 GB). The same long tables are
   then bulk-written by a raw ``COPY`` into unindexed tables (the baseline; rows/s and ratio).
3. 39 more partnerships are added to the national schema (40 in all), each with its own
   indicators and targets.
4. On both schemas, Havering's pages and API calls are timed: API answers and page callbacks in
   process (first: as after a load of figures, every cache keyed by the shared data version
   missing; again: as a running server answers them); the pages in headless Chromium
   (``bench_browser``'s timers); and 50 concurrent readers (``bench_serve``'s) against
   ``cspdash serve`` (gunicorn). Each national figure is given as a ratio to the demo's (goal:
   at most 1.5).

    .venv/bin/python benchmarks/bench_national.py [--scale 1.0] [--runs 2] [--readers 50] [--seconds 30]

``--scale`` scales the records and offence codes (1.0 = the issue's volume, about 18 million
records and 1.4 million table rows; 0.02 for a quick run). The load average is printed at the
start and the end: the machine is shared. Schemas and files are dropped after, unless
``--keep FILE``: load once, keep both schemas and the files, write where they are to FILE and
stop; ``--reuse FILE`` times them (as often as wanted, e.g. while profiling); ``--drop FILE``
drops them.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_serve import HOST, fresh_database, reader_requests, start_readers, start_server, stats, stop_server  # noqa: E402

from demo.hartlepool import (  # noqa: E402
    ASB_TYPE,
    HOME_OFFICE_OFFENCES,
    LOOKUP_HEADER,
    POLICE_UK_HEADER,
    POLICE_UK_TYPES,
    REGION_LOOKUP_HEADER,
    SEASON,
    TABLES_HEADER,
    UNASSIGNED_SHARE,
    quarter_months,
)
from demo.spreadsheets import write_ods  # noqa: E402

HAVERING = "E09000016"
PERIOD = "2016-17-Q3"  # the demo's quarter: the same figures on both schemas
SEED = 20261207
FINANCIAL_YEARS = [f"{y}-{str(y + 1)[2:]}" for y in range(2015, 2025)]  # 2015-16 … 2024-25
POLICE_UK_MONTHS = [m for y in ("2022-23", "2023-24", "2024-25") for q in (1, 2, 3, 4) for m in quarter_months(y, q)]
RECORDS = 18_000_000  # police.uk records at --scale 1
OFFENCE_CODES = 100  # offence codes per partnership-quarter at --scale 1
PARTNERSHIPS = 40
WARDS_PER_DISTRICT = 22
LSOAS_PER_DISTRICT = 110
ASB_SHARE = 0.22  # of police.uk records
UNLOCATED = 0.01  # records with no location and no LSOA, as real files have

# The 43 forces of England and Wales: name, weight (approximate police recorded crime a year,
# thousands, rounded), region. Records and districts are shared out by weight.
FORCES: list[tuple[str, int, str]] = [
    ("Metropolitan", 920, "London"), ("City of London", 8, "London"),
    ("Avon and Somerset", 150, "South West"), ("Bedfordshire", 60, "East of England"),
    ("Cambridgeshire", 70, "East of England"), ("Cheshire", 85, "North West"), ("Cleveland", 75, "North East"),
    ("Cumbria", 30, "North West"), ("Derbyshire", 85, "East Midlands"), ("Devon and Cornwall", 120, "South West"),
    ("Dorset", 50, "South West"), ("Durham", 55, "North East"), ("Dyfed-Powys", 30, "Wales"),
    ("Essex", 165, "East of England"), ("Gloucestershire", 45, "South West"), ("Greater Manchester", 330, "North West"),
    ("Gwent", 55, "Wales"), ("Hampshire", 165, "South East"), ("Hertfordshire", 90, "East of England"),
    ("Humberside", 105, "Yorkshire and The Humber"), ("Kent", 185, "South East"), ("Lancashire", 140, "North West"),
    ("Leicestershire", 90, "East Midlands"), ("Lincolnshire", 55, "East Midlands"), ("Merseyside", 135, "North West"),
    ("Norfolk", 65, "East of England"), ("North Wales", 55, "Wales"), ("North Yorkshire", 50, "Yorkshire and The Humber"),
    ("Northamptonshire", 60, "East Midlands"), ("Northumbria", 145, "North East"), ("Nottinghamshire", 100, "East Midlands"),
    ("South Wales", 130, "Wales"), ("South Yorkshire", 140, "Yorkshire and The Humber"), ("Staffordshire", 95, "West Midlands"),
    ("Suffolk", 50, "East of England"), ("Surrey", 75, "South East"), ("Sussex", 130, "South East"),
    ("Thames Valley", 200, "South East"), ("Warwickshire", 45, "West Midlands"), ("West Mercia", 105, "West Midlands"),
    ("West Midlands", 330, "West Midlands"), ("West Yorkshire", 330, "Yorkshire and The Humber"),
    ("Wiltshire", 45, "South West"),
]  # fmt: skip
REGIONS = {
    "North East": "E12000001", "North West": "E12000002", "Yorkshire and The Humber": "E12000003",
    "East Midlands": "E12000004", "West Midlands": "E12000005", "East of England": "E12000006",
    "London": "E12000007", "South East": "E12000008", "South West": "E12000009",
}  # fmt: skip
OUTSIDE_LONDON_DISTRICTS = 285  # besides London's 33 boroughs: ~318 districts in all
OUTCOMES = np.array(
    ["Investigation complete; no suspect identified", "Unable to prosecute suspect", "Under investigation",
     "Status update unavailable", "Local resolution", "Offender given a caution"]
)  # fmt: skip
STREETS = np.array(["On or near High Street", "On or near Station Road", "On or near Parking Area", "On or near Park"])


@dataclass
class Force:
    code: str
    name: str
    slug: str  # as police.uk names its files
    reported_by: str
    weight: float
    region: str


@dataclass
class District:
    code: str
    name: str
    csp: str
    csp_name: str
    force: Force
    weight: float  # share of its force's crime
    wards: list[str]
    lsoas: list[str]
    centre: tuple[float, float]


@dataclass
class Tree:
    forces: list[Force]
    districts: list[District]


def national_tree(seed: int = SEED) -> Tree:
    """The forces, districts, partnerships, wards and LSOAs of the generated nation."""
    from demo.generate import WARDS as HAVERING_WARDS
    from store.reference import LONDON_BOROUGHS

    rng = np.random.default_rng(seed)
    outside = sum(w for name, w, region in FORCES if region != "London")
    forces, districts = [], []
    english, welsh, ward_n, lsoa_n, csp_n = 1, 1, 900000, 900000, 900000
    for name, weight, region in FORCES:
        if region == "Wales":
            code, welsh = f"W15{welsh:06d}", welsh + 1
        else:
            code, english = f"E23{english:06d}", english + 1
        reported_by = "Metropolitan Police Service" if name == "Metropolitan" else f"{name} Police"
        force = Force(
            code,
            f"{name} Police" if name != "Metropolitan" else "Metropolitan Police",
            name.lower().replace(" ", "-"),
            reported_by,
            weight,
            region,
        )
        forces.append(force)
        if name == "Metropolitan":
            places = [(c, n) for c, n in LONDON_BOROUGHS.items() if c != "E09000001"]
        elif name == "City of London":
            places = [("E09000001", "City of London")]
        else:
            count = max(2, round(OUTSIDE_LONDON_DISTRICTS * weight / outside))
            prefix = "W06" if region == "Wales" else "E07"
            places = [(f"{prefix}{900000 + len(districts) + i:06d}", f"{name} District {i + 1}") for i in range(count)]
        shares = rng.uniform(0.5, 1.5, len(places))
        shares /= shares.sum()
        # Most partnerships are one district; in forces of six or more the last two share one,
        # as some two-tier areas do (~300 partnerships for ~318 districts).
        merged = len(places) >= 6 and region != "London"
        centre = (rng.uniform(-4.5, 1.5), rng.uniform(50.5, 54.8)) if region != "London" else (-0.12, 51.5)
        for i, ((dcode, dname), share) in enumerate(zip(places, shares)):
            if not (merged and i == len(places) - 1):
                csp_n += 1
                csp_code = f"{'W' if region == 'Wales' else 'E'}22{csp_n:06d}"
                csp_name = f"{dname} and {places[i + 1][1]}" if merged and i == len(places) - 2 else dname
            if dcode == HAVERING:
                wards = [code for code, _, _ in HAVERING_WARDS]
            else:
                letter = dcode[0]
                wards = [f"{letter}05{ward_n + j:06d}" for j in range(WARDS_PER_DISTRICT)]
                ward_n += WARDS_PER_DISTRICT
            lsoas = [f"{dcode[0]}01{lsoa_n + j:06d}" for j in range(LSOAS_PER_DISTRICT)]
            lsoa_n += LSOAS_PER_DISTRICT
            spot = (centre[0] + rng.normal(0, 0.2), centre[1] + rng.normal(0, 0.15))
            districts.append(District(dcode, dname, csp_code, csp_name, force, float(share), wards, lsoas, spot))
    return Tree(forces, districts)


# ----------------------------------------------------------------------------- the files


def write_csv(path: Path, header: list[str], rows: Iterator[list[object]] | list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_lookups(tree: Tree, out: Path) -> dict[str, Path]:
    lookup = [[i, d.code, d.name, d.csp, d.csp_name, d.force.code, d.force.name] for i, d in enumerate(tree.districts, 1)]
    regions = [
        [d.code, d.name, REGIONS[d.force.region], d.force.region, i]
        for i, d in enumerate(tree.districts, 1)
        if d.force.region != "Wales"
    ]
    lsoa = [
        [code, f"{d.name} {k // 4 + 1:03d}{'ABCD'[k % 4]}", d.wards[k % len(d.wards)], f"{d.name} ward {k % len(d.wards) + 1}", d.code, d.name]
        for d in tree.districts
        for k, code in enumerate(d.lsoas)
    ]  # fmt: skip
    return {
        "csp-lookup": write_csv(out / "LAD24_CSP24_PFA24_EW_LU.csv", LOOKUP_HEADER, lookup),
        "region-lookup": write_csv(out / "LAD24_RGN24_EN_LU.csv", REGION_LOOKUP_HEADER, regions),
        "lsoa-lookup": write_csv(out / "LSOA21_WD25_LAD25_EW_LU.csv", ["LSOA21CD", "LSOA21NM", "WD25CD", "WD25NM", "LAD25CD", "LAD25NM"], lsoa),
    }  # fmt: skip


def offences(count: int) -> list[tuple[str, str, str, str, float]]:
    """``count`` offence codes: the demo's 25, then variants of them (codes with a letter
    added, in the same groups), as the real tables hold about a hundred."""
    out = list(HOME_OFFICE_OFFENCES)
    for suffix in "XYZWV":
        out += [(g, s, f"{c}{suffix}", f"{d} ({suffix})", share / 4) for g, s, c, d, share in HOME_OFFICE_OFFENCES]
    return out[:count]


def table_years(tree: Tree, codes: int, copy_to: csv.Writer, seed: int = SEED) -> dict[str, Iterator[list[object]]]:
    """One sheet per financial year, streamed; every row is written to ``copy_to`` as well (the
    raw COPY's long table)."""
    rng = np.random.default_rng(seed + 1)
    chosen = offences(codes)
    shares = np.array([o[4] for o in chosen])
    shares /= shares.sum()
    places: dict[tuple[str, str], float] = {}
    for d in tree.districts:
        yearly = d.force.weight * 1000 * d.weight
        places[(d.force.name, d.csp_name)] = places.get((d.force.name, d.csp_name), 0.0) + yearly * (1 - UNASSIGNED_SHARE)
        places[(d.force.name, "Unassigned")] = places.get((d.force.name, "Unassigned"), 0.0) + yearly * UNASSIGNED_SHARE

    def sheet(k: int, year: str) -> Iterator[list[object]]:
        yield list(TABLES_HEADER)
        label = year.replace("-", "/")
        for q in (1, 2, 3, 4):
            for (force, name), per_year in places.items():
                counts = rng.poisson(per_year * (1 + 0.01 * k) / 4 * shares)
                for (group, subgroup, code, description, _), n in zip(chosen, counts):
                    if n:  # the real tables leave out offence codes with no offences
                        row = [label, q, force, name, description, group, subgroup, code, int(n)]
                        copy_to.writerow(row)
                        yield row

    return {year.replace("-", "_"): sheet(k, year) for k, year in enumerate(FINANCIAL_YEARS)}


def write_tables(tree: Tree, out: Path, codes: int) -> tuple[Path, Path, int]:
    """The workbook, and the same rows as a CSV for the raw COPY; returns both and the rows."""
    long = out / "csp_tables_long.csv"
    with long.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TABLES_HEADER)
        notes = [
            ["Police recorded crime by Community Safety Partnership (bench_national: synthetic)"],
            ["Updated: 7 December 2026"],
        ]
        book = write_ods(out / "prc-csp-tables-national.ods", {"Notes": notes, **table_years(tree, codes, writer)})
    with long.open() as handle:
        rows = sum(1 for _ in handle)
    return book, long, rows


def police_uk_archive(tree: Tree, out: Path, records: int, seed: int = SEED) -> tuple[Path, int]:
    """One zip of street files, every force and month; returns it and the records written."""
    rng = np.random.default_rng(seed + 2)
    kinds = [*POLICE_UK_TYPES, ASB_TYPE]
    crime_shares = np.array([s for s, _ in POLICE_UK_TYPES.values()])
    type_p = np.append(crime_shares / crime_shares.sum() * (1 - ASB_SHARE), ASB_SHARE)
    total_weight = sum(f.weight for f in tree.forces)
    season = np.array([SEASON[int(m[5:])] for m in POLICE_UK_MONTHS])
    season /= season.mean()
    path, written = out / "police-uk-street-2022-04-2025-03.zip", 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for force in tree.forces:
            own = [d for d in tree.districts if d.force is force]
            lsoas = np.array([code for d in own for code in d.lsoas])
            names = np.array([f"{d.name} {k // 4 + 1:03d}{'ABCD'[k % 4]}" for d in own for k in range(len(d.lsoas))])
            # No record falls in Havering: its pages then show the same figures on both schemas,
            # so a ratio is the cost of the nation held beside it, not of more of its own months.
            weights = np.concatenate([np.full(len(d.lsoas), 0.0 if d.code == HAVERING else d.weight / len(d.lsoas)) for d in own])
            centres = np.array([d.centre for d in own for _ in d.lsoas])
            for month, factor in zip(POLICE_UK_MONTHS, season):
                n = int(round(records * force.weight / total_weight / len(POLICE_UK_MONTHS) * factor))
                frame = _month_frame(rng, n, month, force, kinds, type_p, lsoas, names, weights / weights.sum(), centres)
                written += n
                buffer = io.StringIO()
                frame.to_csv(buffer, index=False, header=POLICE_UK_HEADER, lineterminator="\n")
                archive.writestr(f"{month}/{month}-{force.slug}-street.csv", buffer.getvalue())
    return path, written


def _month_frame(rng, n, month, force, kinds, type_p, lsoas, names, p, centres):  # type: ignore[no-untyped-def]
    import pandas as pd

    at = rng.choice(len(lsoas), n, p=p)
    kind = np.array(kinds)[rng.choice(len(kinds), n, p=type_p)]
    asb = kind == ASB_TYPE
    ids = np.frombuffer(rng.bytes(32 * n).hex().encode(), dtype="S64").astype(str)
    lon = np.round(centres[at, 0] + rng.normal(0, 0.03, n), 6).astype(str)
    lat = np.round(centres[at, 1] + rng.normal(0, 0.02, n), 6).astype(str)
    lost = rng.random(n) < UNLOCATED
    frame = pd.DataFrame(
        {
            "id": np.where(asb, "", ids),
            "month": month,
            "by": force.reported_by,
            "within": force.reported_by,
            "lon": np.where(lost, "", lon),
            "lat": np.where(lost, "", lat),
            "location": np.where(lost, "No location", STREETS[rng.integers(len(STREETS), size=n)]),
            "lsoa": np.where(lost, "", lsoas[at]),
            "lsoa_name": np.where(lost, "", names[at]),
            "type": kind,
            "outcome": np.where(asb, "", OUTCOMES[rng.integers(len(OUTCOMES), size=n)]),
            "context": "",
        }
    )
    return frame


def partnership_files(out: Path) -> tuple[Path, Path]:
    """The indicators and targets each added partnership loads (its own, under its code)."""
    indicators = write_csv(
        out / "national_indicators.csv",
        "code name goal unit polarity basis measure rated description comparator_area comparator_label".split(),
        [
            ["NAT1", "Police recorded crime (Home Office tables)", "Safer", "count", "lower", "ytd", "csp-crime", "true", "All crime in the Home Office tables.", "force", ""],
            ["NAT2", "Theft offences (Home Office tables)", "Safer", "count", "lower", "quarter", "csp-crime:Theft offences", "true", "Theft offences each quarter.", "region", ""],
            ["NAT3", "Recorded crime (police.uk)", "Safer", "count", "lower", "ytd", "crime", "true", "police.uk street-level records, year to date.", "", ""],
            ["NAT4", "Anti-social behaviour (police.uk)", "Safer", "count", "lower", "ytd", "asb", "true", "police.uk ASB records, year to date.", "", ""],
        ],
    )  # fmt: skip
    quarters = [(y, f"Q{q}") for y in ("2022-23", "2023-24", "2024-25") for q in (1, 2, 3, 4)]
    rows = [[code, y, q, 1000 * (int(q[1]) if code != "NAT2" else 1), "", "", 5, "pct", ""] for code in ("NAT1", "NAT2", "NAT3", "NAT4") for y, q in quarters]  # fmt: skip
    targets = write_csv(out / "national_targets.csv", "code year quarter target target_low target_high tolerance tolerance_type area_code".split(), rows)  # fmt: skip
    return indicators, targets


# ----------------------------------------------------------------------------- loading


def cli_env(url: str, data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSPDASH_", "DATABASE_URL", "REDIS_URL"))}
    env.update({"DATABASE_URL": url, "CSPDASH_DATA_DIR": data_dir, "CSPDASH_HOME_AREA": HAVERING})
    return env


# The CLI, writing its peak memory (VmHWM) to a file as it exits. Not ru_maxrss from wait4: a
# child started by fork (or vfork) and exec reports the larger of its own peak and this
# process's size when it started it, so every small load would read as this process's size.
CLI_WITH_PEAK = """
import atexit, os
def _peak():
    with open('/proc/self/status') as status, open(os.environ['BENCH_PEAK_FILE'], 'w') as out:
        out.write(next(line.split()[1] for line in status if line.startswith('VmHWM:')))
atexit.register(_peak)
from cli.main import cli
cli()
"""


def run_cli(url: str, data_dir: str, *args: str) -> dict[str, float | str]:
    """``cspdash ARGS`` in a subprocess: wall seconds, its peak memory (MB) and output."""
    with tempfile.TemporaryFile() as output, tempfile.NamedTemporaryFile("r") as peak:
        began = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", CLI_WITH_PEAK, *args],
            cwd=REPO, env=cli_env(url, data_dir) | {"BENCH_PEAK_FILE": peak.name}, stdout=output, stderr=subprocess.STDOUT,
            check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - began
        output.seek(0)
        text = output.read().decode(errors="replace")
        peak_kb = peak.read().strip()
    if result.returncode:
        raise SystemExit(f"cspdash {' '.join(args)} failed ({result.returncode}):\n{text[-3000:]}")
    return {"seconds": seconds, "peak_mb": int(peak_kb) / 1024, "output": text}


def raw_copy(url: str, table: str, columns: int, sources: list[tuple[str, object]]) -> float:
    """The baseline: the same rows bulk-written by ``COPY`` (CSV, header) into an unindexed
    table of text columns; ``sources`` are (name, a function opening a binary file). Seconds."""
    from sqlalchemy import text

    from store.db import get_engine

    engine = get_engine(url)
    began = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {table} ({', '.join(f'c{i} text' for i in range(columns))})"))
        dbapi = conn.connection.driver_connection
        with dbapi.cursor() as cursor:
            for _name, opener in sources:
                with opener() as handle, cursor.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:  # type: ignore[operator]
                    while block := handle.read(1 << 20):
                        copy.write(block)
    seconds = time.perf_counter() - began
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE {table}"))
    engine.dispose()
    return seconds


def add_partnerships(url: str, tree: Tree, indicators: Path, targets: Path) -> list[str]:
    """Havering and 39 more, spread over the forces, each with its own indicators and targets."""
    from loaders.reading import Source
    from loaders.registry import run_load
    from store.db import get_engine, session_scope
    from store.partnerships import add_partnership

    single = {}  # a partnership of one district: its district code
    for d in tree.districts:
        single.setdefault(d.csp, []).append(d)
    candidates = [ds[0] for ds in single.values() if len(ds) == 1 and ds[0].force.region != "London"]
    step = len(candidates) / (PARTNERSHIPS - 1)
    chosen = [candidates[int(i * step)] for i in range(PARTNERSHIPS - 1)]
    engine = get_engine(url)
    with session_scope(engine) as session:
        for d in chosen:
            add_partnership(session, d.code, d.name)
    for d in chosen:
        run_load(engine, "indicators", Source.from_path(indicators), user="bench", partnership=d.code)
        run_load(engine, "targets", Source.from_path(targets), user="bench", partnership=d.code)
    engine.dispose()
    return [HAVERING, *(d.code for d in chosen)]


# ----------------------------------------------------------------------------- measuring

API_CALLS = [
    ("API scorecard", f"/api/v1/p/{HAVERING}/scorecard?period={PERIOD}"),
    ("API series CSP1", f"/api/v1/p/{HAVERING}/indicators/CSP1/series?to={PERIOD}"),
    ("API counts (crime)", f"/api/v1/p/{HAVERING}/counts?source=crime&area={HAVERING}"),
    ("API areas", f"/api/v1/p/{HAVERING}/areas"),
]
# Havering's pages, its drafts shown to readers (the demo publishes nothing: without this the map
# and London pages say "not published yet" and show no table).
READER_SETTINGS = {"CSPDASH_PARTNERSHIP": HAVERING, "CSPDASH_HOME_AREA": HAVERING, "CSPDASH_SHOW_DRAFTS": "1"}
PAGE_CALLS = [("page /", "/"), ("page /indicator/CSP1", "/indicator/CSP1"), ("page /demand", "/demand"), ("page /map", "/map")]


def time_calls(url: str, data_dir: str, repeat: int) -> dict[str, float]:
    """In process (a fresh one: each app reads its settings once): best of ``repeat`` for each
    API call and each page's routing callback, "first" as after a load of figures (the shared
    data version raised before each) and "again" as a running server answers it."""
    from bench_history_readers import best_times
    from bench_serve import _body

    os.environ.update(cli_env(url, data_dir) | READER_SETTINGS)
    from app import create_app

    app = create_app()
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    routing = next(d for d in deps if "_pages_content.children" in d["output"])
    bodies = {path: _body(routing, {"pathname": path, "search": f"?period={PERIOD}"}) for _, path in PAGE_CALLS}

    def call(path: str, page: bool) -> object:
        return client.post("/_dash-update-component", json=bodies[path]) if page else client.get(path)

    calls = [(name, path, False) for name, path in API_CALLS] + [(name, path, True) for name, path in PAGE_CALLS]
    out: dict[str, float] = {}
    for name, path, page in calls:
        for when, best in best_times(app, name, lambda path=path, page=page: call(path, page), repeat).items():
            out[f"{name}, {when}"] = best * 1000
    return out


def time_browser(url: str, runs: int) -> dict[str, float]:
    """``bench_browser``'s pages and timers (ms to the main element, median of ``runs`` first
    visits and twice as many warm ones), with the demo's quarter asked for on every page."""
    import logging

    import bench_browser as bb
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    base, stop = bb.serve(url, False, {}, READER_SETTINGS)
    out: dict[str, float] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=bb.CHROMIUM, headless=True, args=bb.ARGS)
            pages = [(name, path + ("&" if "?" in path else "?") + f"period={PERIOD}" if "period=" not in path else path, el) for name, path, el in bb.PAGES]  # fmt: skip
            for _name, path, main_el in pages:  # warm the server's caches once; not timed
                context, page, _ = bb.new_page(browser, main_el)
                page.goto(base + path, wait_until="networkidle")
                context.close()
            for name, path, main_el in pages:
                result = bb.measure(browser, base, path, main_el, runs)
                for visit in ("first", "warm"):
                    out[f"{name}, {visit}"] = result[visit]["table"] or float("nan")
            browser.close()
    finally:
        stop()
    return out


def in_subprocess(function: str, *args: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--one", function, *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{function} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def readers(url: str, data_dir: str, count: int, seconds: float, workers: int) -> dict:
    """``bench_serve``'s readers (the callbacks of four pages over five quarters) against
    ``cspdash serve``, for ``seconds``."""
    port = 18000 + random.randint(0, 999)
    process = start_server("gunicorn", url, port, workers, data_dir, READER_SETTINGS)
    base = f"http://{HOST}:{port}"
    try:
        results, stop, threads = start_readers(base, reader_requests(base), count, 100_000)
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
    finally:
        stop_server(process)
    return stats(results)


def measure_site(url: str, data_dir: str, args: argparse.Namespace) -> dict[str, dict]:
    return {
        "calls": in_subprocess("time_calls", url, data_dir, str(args.repeat)),
        "browser": in_subprocess("time_browser", url, str(args.runs)),
        "readers": readers(url, data_dir, args.readers, args.seconds, args.workers),
    }


# ----------------------------------------------------------------------------- the run


def loadavg() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: the issue's volume; 0.02 for a quick run")
    parser.add_argument("--table-scale", type=float, help="scales the Home Office tables' offence codes alone (default: --scale)")
    parser.add_argument("--runs", type=int, default=2, help="browser visits per page (first; twice as many warm)")
    parser.add_argument("--repeat", type=int, default=3, help="in-process calls: best of this many")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the readers read, per schema")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for the readers")
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument(
        "--keep", type=Path, metavar="FILE",
        help="load, keep the two schemas and the files, write their addresses to FILE (JSON) and stop, for profiling",
    )  # fmt: skip
    parser.add_argument("--reuse", type=Path, metavar="FILE", help="time the schemas --keep wrote to FILE (no loading)")
    parser.add_argument("--drop", type=Path, metavar="FILE", help="drop the schemas and files --keep wrote to FILE")
    args = parser.parse_args()
    if args.drop:
        drop_kept(args.drop)
        return
    if args.reuse:
        kept = json.loads(args.reuse.read_text())
        print(f"load average (1, 5, 15 min) at the start: {loadavg()} on {os.cpu_count()} cores; kept schemas", flush=True)
        sites = {name: measure_site(kept[name], kept["data_dir"], args) for name in ("demo", "national")}
        report(args, kept["loads"], kept["copies"], kept["rows"], sites)
        return
    if args.one:
        function, *rest = args.one
        result = time_calls(rest[0], rest[1], int(rest[2])) if function == "time_calls" else time_browser(rest[0], int(rest[1]))
        print(json.dumps(result))
        return
    os.environ.update({"CSPDASH_PARTNERSHIP": HAVERING, "CSPDASH_HOME_AREA": HAVERING})
    print(f"load average (1, 5, 15 min) at the start: {loadavg()} on {os.cpu_count()} cores; --scale {args.scale}", flush=True)
    table_scale = args.scale if args.table_scale is None else args.table_scale
    records, codes = int(RECORDS * args.scale), max(12, round(OFFENCE_CODES * min(table_scale, 1.0)))
    files_dir = (
        contextlib.nullcontext(tempfile.mkdtemp(prefix="bench_national_"))
        if args.keep
        else tempfile.TemporaryDirectory(prefix="bench_national_")
    )
    with files_dir as tmp:
        work = Path(tmp)
        began = time.perf_counter()
        tree = national_tree()
        files = write_lookups(tree, work)
        book, long, table_rows = write_tables(tree, work, codes)
        archive, written = police_uk_archive(tree, work, records)
        indicators, targets = partnership_files(work)
        csps = len({d.csp for d in tree.districts})
        wards = sum(len(d.wards) for d in tree.districts)
        print(f"generated in {time.perf_counter() - began:.0f} s: {len(tree.forces)} forces, {len(tree.districts)} districts, "
              f"{csps} partnerships, {wards:,} wards, {len(tree.districts) * LSOAS_PER_DISTRICT:,} LSOAs; "
              f"{table_rows - 1:,} table rows ({book.stat().st_size / 1e6:.0f} MB .ods), "
              f"{written:,} police.uk records ({archive.stat().st_size / 1e6:.0f} MB zip)", flush=True)  # fmt: skip
        demo_url, drop_demo = fresh_database()
        national_url, drop_national = fresh_database()
        try:
            loads = {}
            for kind, path in [*files.items(), ("csp-tables", book), ("policeuk", archive)]:
                loads[kind] = run_cli(national_url, tmp, "ingest", kind, str(path))
                print(
                    f"  cspdash ingest {kind}: {loads[kind]['seconds']:.1f} s, peak {loads[kind]['peak_mb']:.0f} MB", flush=True
                )
            copies = {
                "csp-tables": raw_copy(national_url, "raw_csp_tables", len(TABLES_HEADER), [("long", lambda: long.open("rb"))]),
            }
            with zipfile.ZipFile(archive) as opened:
                members = [(n, (lambda n=n: opened.open(n))) for n in opened.namelist()]
                copies["policeuk"] = raw_copy(national_url, "raw_policeuk", len(POLICE_UK_HEADER), members)
            print(f"  raw COPY: tables {copies['csp-tables']:.1f} s, police.uk {copies['policeuk']:.1f} s", flush=True)
            held = add_partnerships(national_url, tree, indicators, targets)
            print(f"  {len(held)} partnerships held", flush=True)
            if args.keep:
                rows = {"csp-tables": table_rows - 1, "policeuk": written}
                loads = {k: {"seconds": v["seconds"], "peak_mb": v["peak_mb"]} for k, v in loads.items()}
                kept = {"demo": demo_url, "national": national_url, "data_dir": tmp, "loads": loads, "copies": copies}
                args.keep.write_text(json.dumps(kept | {"rows": rows}, indent=1))
                print(f"kept: {args.keep} (drop with --drop {args.keep})", flush=True)
                return
            sites = {}
            for name, url in (("demo", demo_url), ("national", national_url)):
                print(f"timing Havering's pages on the {name} schema…", flush=True)
                sites[name] = measure_site(url, tmp, args)
        finally:
            if not args.keep:
                drop_demo()
                drop_national()
    report(args, loads, copies, {"csp-tables": table_rows - 1, "policeuk": written}, sites)


def drop_kept(path: Path) -> None:
    """Drop the schemas and the files a ``--keep`` run left."""
    import shutil

    from bench_serve import PG_URL
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    kept = json.loads(path.read_text())
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        for name in ("demo", "national"):
            schema = make_url(kept[name]).query["options"].removeprefix("-csearch_path=")
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()
    shutil.rmtree(kept["data_dir"], ignore_errors=True)
    path.unlink()


def report(args: argparse.Namespace, loads: dict, copies: dict, rows: dict, sites: dict) -> None:
    print(f"\nLoading on PostgreSQL (scale {args.scale}); rows/s against a raw COPY of the same rows, same run")
    print(
        f"{'file':<14} {'rows':>12} {'load s':>8} {'rows/s':>10} {'COPY s':>7} {'COPY rows/s':>12} {'× COPY':>7} {'peak MB':>8}"
    )
    for kind in ("csp-tables", "policeuk"):
        load, copy, n = loads[kind], copies[kind], rows[kind]
        print(f"{kind:<14} {n:>12,} {load['seconds']:>8.1f} {n / load['seconds']:>10,.0f} {copy:>7.1f} {n / copy:>12,.0f} "
              f"{load['seconds'] / copy:>7.2f} {load['peak_mb']:>8.0f}")  # fmt: skip
    for kind in ("csp-lookup", "region-lookup", "lsoa-lookup"):
        print(
            f"{kind:<14} {'':>12} {loads[kind]['seconds']:>8.1f} {'':>10} {'':>7} {'':>12} {'':>7} {loads[kind]['peak_mb']:>8.0f}"
        )
    peak = max(load["peak_mb"] for load in loads.values())
    print(f"loading process's peak memory: {peak:.0f} MB (goal under 1024 MB: {'met' if peak < 1024 else 'NOT met'})")
    demo, national = sites["demo"], sites["national"]
    print(f"\nHavering's pages and calls ({PERIOD}), demo alone against the national volume with {PARTNERSHIPS} partnerships")
    print(f"{'':<40} {'demo ms':>9} {'national ms':>12} {'ratio':>6}")
    over = []
    for group in ("calls", "browser"):
        for key, base in demo[group].items():
            value = national[group][key]
            ratio = value / base if base else float("nan")
            if ratio > 1.5:
                over.append(key)
            label = ("browser " if group == "browser" else "") + key
            print(f"{label:<40} {base:>9.1f} {value:>12.1f} {ratio:>6.2f}")
    d, n = demo["readers"], national["readers"]
    print(f"\n{args.readers} readers for {args.seconds:.0f} s, cspdash serve --workers {args.workers} (gunicorn):")
    for name, s in (("demo", d), ("national", n)):
        print(f"  {name:<9} requests {s['n']}, errors {s['errors']}, p50 {s['p50']:.0f} ms, p95 {s['p95']:.0f} ms, "
              f"p99 {s['p99']:.0f} ms, max {s['max']:.0f} ms")  # fmt: skip
    ratio = n["p95"] / d["p95"]
    print(f"  p95 national / demo = {ratio:.2f} (goal at most 1.5: {'met' if ratio <= 1.5 and n['errors'] == 0 else 'NOT met'})")
    print(f"\nover 1.5× the demo: {', '.join(over) or 'none'}")
    print(f"load average (1, 5, 15 min) at the end: {loadavg()}")


if __name__ == "__main__":
    main()
