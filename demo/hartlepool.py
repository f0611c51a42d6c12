"""Generator for the second demo: Hartlepool (E06000001), a partnership outside London in the
Cleveland police force area (issue 21 part 5). ``cspdash demo --area E06000001`` writes these
files into a temporary folder and loads them through the real loaders.

Every figure is synthetic, drawn here from a fixed seed; only public facts are hard-coded: the
districts' names, codes and police force areas, their 2021 census populations (ONS TS007A), the
names of Hartlepool's twelve wards (their codes are plausible, not the real ones), the police.uk
crime types and the Home Office offence groups. The files are in the real layouts:

* the ONS district → partnership → police force area lookup (``LAD24CD, …, PFA24NM``; the
  partnership codes are plausible ``E22`` codes), and the ONS district → region lookup
  (``LAD24CD, LAD24NM, RGN24CD, RGN24NM, ObjectId``; each district's real region);
* the Home Office "Police recorded crime by CSP" workbook (``.ods``: a Notes sheet, one sheet
  per financial year, every partnership of the lookup and each force's "Unassigned", quarters
  by offence group, subgroup and code; "Drug Offences" spelt with a capital in 2024_25 as the
  real tables do in some years);
* police.uk street-level files for Cleveland (``YYYY-MM/YYYY-MM-cleveland-street.csv`` in one
  zip, the real columns; Hartlepool's records only, each point inside its schematic ward, a few
  without a location as real files have);
* schematic ward hexagons for Hartlepool (maps drawn schematically and saying so);
* population by district and ward, a comparison group (``group,area_code,area_name``),
  indicators, targets (set from the generated figures so the ratings are a mix of Green, Amber
  and Red), commentary, and the force's quarterly figures as uploaded values.

    python -m demo.hartlepool OUT   # write the files to look at them
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from demo.spreadsheets import write_ods
from geo.schematic import hexagon

HARTLEPOOL = "E06000001"
CLEVELAND = "E23000013"
CLEVELAND_NAME = "Cleveland"
SEED = 20250212
GROUP_NAME = "Similar partnerships to Hartlepool"
FINANCIAL_YEARS = ["2022-23", "2023-24", "2024-25"]  # the Home Office tables: three years of quarters
POLICE_UK_YEARS = ["2023-24", "2024-25"]  # police.uk street files: two years of months
PUBLISHED_QUARTER = "2024-25-Q3"  # published as the partnership board saw it; Q4 stays a draft


@dataclass(frozen=True)
class District:
    code: str
    name: str
    csp: str  # a plausible E22 code
    force: str
    force_name: str
    population_2021: int  # ONS census 2021 (TS007A)


# Cleveland's four districts, then fifteen similar partnerships in other forces and Cleveland
# (Stockton-on-Tees is in the force but not the group). One partnership per district here.
DISTRICTS: list[District] = [
    District(HARTLEPOOL, "Hartlepool", "E22000141", CLEVELAND, CLEVELAND_NAME, 92_337),
    District("E06000002", "Middlesbrough", "E22000142", CLEVELAND, CLEVELAND_NAME, 143_926),
    District("E06000003", "Redcar and Cleveland", "E22000143", CLEVELAND, CLEVELAND_NAME, 136_533),
    District("E06000004", "Stockton-on-Tees", "E22000144", CLEVELAND, CLEVELAND_NAME, 196_595),
    District("E06000005", "Darlington", "E22000145", "E23000008", "Durham", 107_801),
    District("E08000037", "Gateshead", "E22000146", "E23000007", "Northumbria", 196_151),
    District("E08000023", "South Tyneside", "E22000147", "E23000007", "Northumbria", 147_777),
    District("E08000024", "Sunderland", "E22000148", "E23000007", "Northumbria", 274_172),
    District("E06000006", "Halton", "E22000149", "E23000006", "Cheshire", 128_479),
    District("E06000009", "Blackpool", "E22000150", "E23000003", "Lancashire", 141_036),
    District("E06000010", "Kingston upon Hull, City of", "E22000151", "E23000012", "Humberside", 267_013),
    District("E06000012", "North East Lincolnshire", "E22000152", "E23000012", "Humberside", 156_966),
    District("E06000021", "Stoke-on-Trent", "E22000153", "E23000015", "Staffordshire", 258_369),
    District("E08000011", "Knowsley", "E22000154", "E23000004", "Merseyside", 154_519),
    District("E08000013", "St. Helens", "E22000155", "E23000004", "Merseyside", 183_248),
    District("E08000016", "Barnsley", "E22000156", "E23000011", "South Yorkshire", 244_575),
    District("E08000017", "Doncaster", "E22000157", "E23000011", "South Yorkshire", 308_104),
]
# Each district's English region (ONS): the North East is whole police force areas here
# (Cleveland, Durham, Northumbria), so its figure can be read from the Home Office tables.
REGIONS = {
    "E12000001": (
        "North East",
        ("E06000001", "E06000002", "E06000003", "E06000004", "E06000005", "E08000037", "E08000023", "E08000024"),
    ),
    "E12000002": ("North West", ("E06000006", "E06000009", "E08000011", "E08000013")),
    "E12000003": ("Yorkshire and The Humber", ("E06000010", "E06000012", "E08000016", "E08000017")),
    "E12000005": ("West Midlands", ("E06000021",)),
}
GROUP = [d for d in DISTRICTS if d.code not in ("E06000004",)]  # Hartlepool and its 15 similar partnerships
FORCES = {d.force: d.force_name for d in DISTRICTS}
# Recorded crime per 1,000 residents a year (all districts here are high-crime urban areas).
CRIME_RATE = {"E06000001": 128.0, "E06000002": 150.0, "E06000009": 160.0, "E06000010": 140.0}

# Hartlepool's 2019 wards (names real, codes plausible) on a pointy-top hex grid, row 0 north,
# odd rows half a cell east: the Headland top right, Seaton Carew on the coast, the villages west.
WARDS: list[tuple[str, str, int, int, float]] = [  # code, name, column, row, relative crime
    ("E05015001", "Hart", 1, 0, 0.6),
    ("E05015002", "Throston", 2, 0, 0.8),
    ("E05015003", "Headland and Harbour", 3, 0, 1.4),
    ("E05015004", "Rural West", 0, 1, 0.5),
    ("E05015005", "De Bruce", 1, 1, 1.3),
    ("E05015006", "Victoria", 2, 1, 2.2),
    ("E05015007", "Manor House", 1, 2, 1.5),
    ("E05015008", "Burn Valley", 2, 2, 1.2),
    ("E05015009", "Foggy Furze", 3, 2, 1.0),
    ("E05015010", "Rossmere", 1, 3, 0.9),
    ("E05015011", "Seaton", 2, 3, 0.8),
    ("E05015012", "Fens and Greatham", 1, 4, 0.6),
]
WARD_ORIGIN = (-1.262, 54.712)  # centre of cell (0, 0), north-west of the town, in WGS84
LSOAS_PER_WARD = 5

# police.uk crime types with Hartlepool's yearly share of its recorded crime and a yearly trend
# (2024-25 against 2023-24): violence rises, ASB, burglary and shoplifting fall.
POLICE_UK_TYPES: dict[str, tuple[float, float]] = {
    "Violence and sexual offences": (0.38, 1.12),
    "Criminal damage and arson": (0.11, 0.97),
    "Shoplifting": (0.10, 0.96),
    "Public order": (0.10, 1.00),
    "Other theft": (0.07, 0.98),
    "Burglary": (0.06, 0.90),
    "Vehicle crime": (0.05, 0.95),
    "Drugs": (0.04, 1.05),
    "Other crime": (0.03, 1.00),
    "Possession of weapons": (0.015, 1.00),
    "Robbery": (0.01, 1.00),
    "Theft from the person": (0.008, 1.00),
    "Bicycle theft": (0.017, 1.00),
}
ASB_TYPE = "Anti-social behaviour"
ASB_PER_CRIME = (0.30, 0.90)  # ASB incidents per recorded crime in 2023-24; the yearly trend
SEASON = {4: 1.0, 5: 1.03, 6: 1.04, 7: 1.08, 8: 1.05, 9: 0.99, 10: 1.02, 11: 0.98, 12: 0.96, 1: 0.94, 2: 0.9, 3: 0.98}

# Home Office offence groups, subgroups and codes (a representative set) with shares of a
# partnership's recorded crime.
HOME_OFFICE_OFFENCES: list[tuple[str, str, str, str, float]] = [  # group, subgroup, code, description, share
    ("Violence against the person", "Violence with injury", "8N", "Assault with injury", 0.12),
    ("Violence against the person", "Violence without injury", "105A", "Assault without injury", 0.13),
    ("Violence against the person", "Stalking and harassment", "8Q", "Stalking", 0.05),
    ("Violence against the person", "Stalking and harassment", "8M", "Harassment", 0.06),
    ("Violence against the person", "Homicide", "1", "Murder", 0.0003),
    ("Sexual offences", "Rape", "19C", "Rape of a female aged 16 and over", 0.012),
    ("Sexual offences", "Other sexual offences", "17A", "Sexual assault on a female aged 13 and over", 0.018),
    ("Robbery", "Robbery of personal property", "34B", "Robbery of personal property", 0.01),
    ("Robbery", "Robbery of business property", "34A", "Robbery of business property", 0.002),
    ("Theft offences", "Domestic burglary", "28E", "Burglary - residential", 0.04),
    ("Theft offences", "Non-domestic burglary", "30C", "Burglary - business and community", 0.02),
    ("Theft offences", "Vehicle offences", "45", "Theft from a vehicle", 0.03),
    ("Theft offences", "Vehicle offences", "48", "Theft or unauthorised taking of a motor vehicle", 0.015),
    ("Theft offences", "Theft from the person", "39", "Theft from the person", 0.007),
    ("Theft offences", "Bicycle theft", "44", "Bicycle theft", 0.015),
    ("Theft offences", "Shoplifting", "46", "Shoplifting", 0.10),
    ("Theft offences", "All other theft offences", "49", "Other theft", 0.07),
    ("Criminal damage and arson", "Criminal damage", "58A", "Criminal damage to a dwelling", 0.06),
    ("Criminal damage and arson", "Criminal damage", "58C", "Criminal damage to a vehicle", 0.04),
    ("Criminal damage and arson", "Arson", "56A", "Arson endangering life", 0.005),
    ("Drug offences", "Possession of drugs", "92D", "Possession of cannabis", 0.025),
    ("Drug offences", "Trafficking of drugs", "92A", "Trafficking in controlled drugs", 0.01),
    (
        "Possession of weapons offences",
        "Possession of weapons offences",
        "10D",
        "Possession of article with blade or point",
        0.012,
    ),
    ("Public order offences", "Public order offences", "9A", "Public fear, alarm or distress", 0.10),
    ("Miscellaneous crimes against society", "Miscellaneous crimes against society", "66", "Other notifiable offences", 0.02),
]
UNASSIGNED_SHARE = 0.01  # each force's records the Home Office could not place in a partnership
LOOKUP_HEADER = ["ObjectId", "LAD24CD", "LAD24NM", "CSP24CD", "CSP24NM", "PFA24CD", "PFA24NM"]
REGION_LOOKUP_HEADER = ["LAD24CD", "LAD24NM", "RGN24CD", "RGN24NM", "ObjectId"]
TABLES_HEADER = [
    "Financial Year", "Financial Quarter", "Police Force", "CSP Name", "Offence Description",
    "Offence Group", "Offence Subgroup", "Offence Code", "Offence Count",
]  # fmt: skip
POLICE_UK_HEADER = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
]  # fmt: skip
POLICE_UK_FORCE = "Cleveland Police"

# Hartlepool's indicators: police.uk counts placed in its wards (the force's figure for crime and
# ASB uploaded as values), and the Home Office tables' figures compared with the force and with
# the group of similar partnerships (those comparators come from the national tables).
INDICATOR_HEADER = "code name goal unit polarity basis measure rated description comparator_area comparator_label".split()
INDICATORS: list[list[str]] = [
    ["HP1", "Total recorded crime", "Safer", "count", "lower", "ytd", "crime", "true",
     "All crime recorded by the police in Hartlepool (police.uk street-level records), counted year to date.",
     CLEVELAND, "Cleveland police force area"],
    ["HP2", "Anti-social behaviour incidents", "Safer", "count", "lower", "ytd", "asb", "true",
     "Anti-social behaviour incidents reported to Cleveland Police in Hartlepool, counted year to date.",
     CLEVELAND, "Cleveland police force area"],
    ["HP3", "Violence and sexual offences", "Safer", "count", "lower", "quarter", "crime:Violence and sexual offences", "true",
     "Violence and sexual offences recorded by the police each quarter.", "", ""],
    ["HP4", "Shoplifting offences", "Safer", "count", "lower", "quarter", "crime:Shoplifting", "true",
     "Shoplifting offences recorded by the police each quarter.", "", ""],
    ["HP5", "Burglary offences", "Safer", "count", "lower", "quarter", "crime:Burglary", "true",
     "Burglary of homes and businesses recorded by the police each quarter.", "", ""],
    ["HP6", "Criminal damage and arson", "Safer", "count", "lower", "quarter", "crime:Criminal damage and arson", "false",
     "Criminal damage and arson offences recorded by the police each quarter.", "", ""],
    ["HO1", "Police recorded crime (Home Office tables)", "Safer", "count", "lower", "ytd", "csp-crime", "true",
     "Crime recorded by Cleveland Police in the partnership (Home Office tables), counted year to date.",
     "force", ""],
    ["HO2", "Violence against the person (Home Office tables)", "Safer", "count", "lower", "ytd",
     "csp-crime:Violence against the person", "true",
     "Violence against the person offences in the Home Office tables, counted year to date.",
     f"group:{GROUP_NAME}", ""],
    ["HO3", "Theft offences (Home Office tables)", "Safer", "count", "lower", "quarter", "csp-crime:Theft offences", "true",
     "Theft offences in the Home Office tables each quarter, compared with the North East.", "region", ""],
    ["HO4", "Criminal damage and arson (Home Office tables)", "Safer", "count", "lower", "ytd",
     "csp-crime:Criminal damage and arson", "true",
     "Criminal damage and arson in the Home Office tables, counted year to date, compared with England and Wales.",
     "nation", ""],
]  # fmt: skip
HOME_OFFICE_GROUPS = {
    "HO1": None, "HO2": "Violence against the person", "HO3": "Theft offences", "HO4": "Criminal damage and arson",
}  # fmt: skip  # None: every group
# How far each rated indicator's target sits from its generated figure (target = figure /
# factor), and the tolerance (% of target): < 1 gives Green; over 1 + tolerance gives Amber
# when better than last year, Red when worse. Trends above make HP2 and HP5 better than last year.
TARGET_FACTORS = {
    "HP1": (0.97, 2.5), "HP2": (1.10, 3.0), "HP3": (1.12, 3.0), "HP4": (0.95, 5.0), "HP5": (1.15, 5.0),
    "HO1": (1.02, 2.5), "HO2": (0.96, 3.0), "HO3": (0.97, 5.0), "HO4": (1.03, 5.0),
}  # fmt: skip


def quarter_months(year: str, q: int) -> list[str]:
    """Months (YYYY-MM) of financial-year quarter q; Q1 = Apr-Jun ... Q4 = Jan-Mar."""
    start = int(year[:4])
    first = 3 * q + 1 if q < 4 else 1
    cal_year = start if q < 4 else start + 1
    return [f"{cal_year}-{m:02d}" for m in range(first, first + 3)]


def months_of(years: Sequence[str]) -> list[str]:
    return [m for y in years for q in range(1, 5) for m in quarter_months(y, q)]


def quarter_of(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    start = year if mon >= 4 else year - 1
    return f"{start}-{str(start + 1)[2:]}-Q{(mon - 4) % 12 // 3 + 1}"


def ward_rings() -> dict[str, list[list[float]]]:
    lon, lat = WARD_ORIGIN
    return {code: hexagon(col, row, origin=(lon, lat)) for code, _, col, row, _ in WARDS}


def wards_geojson() -> dict:
    rings = ward_rings()
    features = [
        {
            "type": "Feature",
            "properties": {"GSS_CODE": code, "NAME": name, "LAGSSCODE": HARTLEPOOL, "DISTRICT": "Hartlepool", "schematic": True},
            "geometry": {"type": "Polygon", "coordinates": [rings[code]]},
        }
        for code, name, _, _, _ in WARDS
    ]
    return {"type": "FeatureCollection", "name": "hartlepool_wards_schematic", "features": features}


def lookup_rows() -> list[list[object]]:
    return [[i, d.code, d.name, d.csp, d.name, d.force, d.force_name] for i, d in enumerate(DISTRICTS, start=1)]


def region_lookup_rows() -> list[list[object]]:
    region_of = {code: (region, name) for region, (name, codes) in REGIONS.items() for code in codes}
    return [[d.code, d.name, *region_of[d.code], i] for i, d in enumerate(DISTRICTS, start=1)]


def yearly_crime(district: District) -> float:
    return district.population_2021 * CRIME_RATE.get(district.code, 115.0) / 1000


def tables_sheets(rng: np.random.Generator) -> dict[str, list[list[object]]]:
    """One sheet per financial year (``2022_23``): every partnership and each force's
    Unassigned, every quarter, every offence code with a count."""
    shares = np.array([o[4] for o in HOME_OFFICE_OFFENCES])
    shares = shares / shares.sum()
    sheets: dict[str, list[list[object]]] = {}
    for k, year in enumerate(FINANCIAL_YEARS):
        label = year.replace("-", "/")
        rows: list[list[object]] = [list(TABLES_HEADER)]
        places = [(d.force_name, d.name, yearly_crime(d)) for d in DISTRICTS]
        forces: dict[str, float] = {}
        for d in DISTRICTS:
            forces[d.force_name] = forces.get(d.force_name, 0.0) + yearly_crime(d) * UNASSIGNED_SHARE
        places += [(force, "Unassigned", total) for force, total in forces.items()]
        for force, name, per_year in places:
            level = per_year * (1 + 0.03 * (k - 1)) * rng.uniform(0.95, 1.05)
            for q in range(1, 5):
                counts = rng.poisson(level / 4 * shares)
                for (group, subgroup, code, description, _), n in zip(HOME_OFFICE_OFFENCES, counts):
                    if n == 0:
                        continue  # the real tables leave out offence codes with no offences
                    if group == "Drug offences" and year == "2024-25":
                        group = "Drug Offences"  # spelt both ways in the real tables
                    rows.append([label, q, force, name, description, group, subgroup, code, int(n)])
        sheets[year.replace("-", "_")] = rows
    return sheets


NOTES = [
    ["Police recorded crime by Community Safety Partnership (cspdash demo: synthetic figures)"],
    ["Updated: 24 July 2025"],
    ["Generated by demo/hartlepool.py from a fixed seed; no real figures."],
]


@dataclass
class Hartlepool:
    """Hartlepool's monthly counts by ward and police.uk crime type (ASB as one more type)."""

    months: list[str]
    types: list[str]
    counts: np.ndarray  # ward x type x month

    def quarter_total(self, kinds: Iterable[str], quarter: str) -> int:
        idx = [self.types.index(k) for k in kinds]
        cols = [i for i, m in enumerate(self.months) if quarter_of(m) == quarter]
        return int(self.counts[:, idx][:, :, cols].sum())


def hartlepool_counts(rng: np.random.Generator) -> Hartlepool:
    months = months_of(POLICE_UK_YEARS)
    types = [*POLICE_UK_TYPES, ASB_TYPE]
    per_month = yearly_crime(DISTRICTS[0]) / 12
    ward_weights = np.array([w for *_, w in WARDS])
    ward_weights = ward_weights / ward_weights.sum()
    counts = np.zeros((len(WARDS), len(types), len(months)), dtype=int)
    for j, kind in enumerate(types):
        share, trend = POLICE_UK_TYPES.get(kind, ASB_PER_CRIME)
        for i, month in enumerate(months):
            later = POLICE_UK_YEARS.index(quarter_of(month)[:7])  # 0 in the first year, 1 in the second
            mean = per_month * share * trend**later * SEASON[int(month[5:])]
            counts[:, j, i] = rng.multinomial(int(rng.poisson(mean)), ward_weights)
    return Hartlepool(months, types, counts)


def lsoa_of(ward: int, k: int, month: str) -> tuple[str, str]:
    """A plausible LSOA in the ward: 2011 codes before April 2024, 2021 codes after, as police.uk
    switched; names like ``Hartlepool 007C``."""
    n = ward * LSOAS_PER_WARD + k
    code = f"E0101{1950 + n}" if month < "2024-04" else f"E0103{3470 + n}"
    return code, f"Hartlepool {n // 4 + 1:03d}{'ABCD'[n % 4]}"


def hex_ellipses() -> np.ndarray:
    """Per ward: centre (lon, lat) and the half-axes of an ellipse well inside its hexagon
    (80% of the inscribed circle), so every generated point lies inside its ward."""
    out = []
    for ring in ward_rings().values():
        xs, ys = [p[0] for p in ring[:-1]], [p[1] for p in ring[:-1]]
        inner = math.sqrt(3) / 2 * 0.8
        out.append([sum(xs) / 6, sum(ys) / 6, (max(xs) - min(xs)) / 2 * inner, (max(ys) - min(ys)) / 2 * inner])
    return np.array(out)


STREETS = np.array(
    ["On or near Church Street", "On or near York Road", "On or near Parking Area", "On or near Sports/Recreation Area"]
)
UNLOCATED_PER_MONTH = 3  # real files hold a few records with no location
OUTCOME = "Investigation complete; no suspect identified"


def month_records(data: Hartlepool, i: int, rng: np.random.Generator) -> list[list[object]]:
    """One month's street-level rows: every record a point inside its ward, drawn at once."""
    month = data.months[i]
    per_cell = data.counts[:, :, i]
    wards = np.repeat(np.arange(per_cell.shape[0]), per_cell.sum(axis=1))
    kinds = np.concatenate([np.repeat(np.arange(per_cell.shape[1]), per_cell[w]) for w in range(per_cell.shape[0])])
    shape = hex_ellipses()[wards]
    angle, radius = rng.uniform(0, 2 * math.pi, len(wards)), np.sqrt(rng.uniform(0, 1, len(wards)))
    lons = np.round(shape[:, 0] + shape[:, 2] * radius * np.cos(angle), 6)
    lats = np.round(shape[:, 1] + shape[:, 3] * radius * np.sin(angle), 6)
    lsoas = [lsoa_of(int(w), int(k), month) for w, k in zip(wards, rng.integers(LSOAS_PER_WARD, size=len(wards)))]
    ids = rng.integers(16**15, size=len(wards))
    rows: list[list[object]] = []
    for n, (kind, lon, lat, (lsoa, lsoa_name), crime_id) in enumerate(zip(kinds, lons, lats, lsoas, ids), start=1):
        asb = data.types[kind] == ASB_TYPE
        rows.append([
            "" if asb else f"{crime_id:015x}{n:05d}", month, POLICE_UK_FORCE, POLICE_UK_FORCE, float(lon), float(lat),
            STREETS[n % len(STREETS)], lsoa, lsoa_name, data.types[kind], "" if asb else OUTCOME, "",
        ])  # fmt: skip
    unlocated = ["", month, POLICE_UK_FORCE, POLICE_UK_FORCE, "", "", "No location", "", "", "Other crime", "", ""]
    return rows + [list(unlocated) for _ in range(UNLOCATED_PER_MONTH)]


def police_uk_zip(path: Path, data: Hartlepool, rng: np.random.Generator) -> Path:
    """One zip as police.uk's archive downloads are laid out: ``YYYY-MM/YYYY-MM-cleveland-street.csv``."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i, month in enumerate(data.months):
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(POLICE_UK_HEADER)
            writer.writerows(month_records(data, i, rng))
            member = zipfile.ZipInfo(
                f"{month}/{month}-cleveland-street.csv", date_time=(int(month[:4]), int(month[5:]), 1, 0, 0, 0)
            )
            archive.writestr(member, out.getvalue(), compress_type=zipfile.ZIP_DEFLATED)  # dated by its month: reruns identical
    return path


def population_rows(rng: np.random.Generator) -> list[list[object]]:
    """Mid-year estimates for 2022-2024 grown a little from the 2021 census; Hartlepool's wards
    share its total."""
    rows: list[list[object]] = []
    ward_shares = rng.uniform(0.85, 1.15, len(WARDS))
    for k, year in enumerate((2022, 2023, 2024), start=1):
        for d in DISTRICTS:
            total = int(round(d.population_2021 * (1.004**k)))
            rows.append([d.code, year, total])
            if d.code == HARTLEPOOL:
                parts = np.floor(total * ward_shares / ward_shares.sum()).astype(int)
                parts[0] += total - int(parts.sum())
                rows += [[code, year, int(n)] for (code, *_), n in zip(WARDS, parts)]
    return rows


def comparison_group_rows() -> list[list[object]]:
    return [[GROUP_NAME, d.code, d.name] for d in GROUP]


def measure_kinds(measure: str, data: Hartlepool) -> list[str]:
    if measure == "asb":
        return [ASB_TYPE]
    if measure == "crime":
        return list(POLICE_UK_TYPES)
    return [measure.split(":", 1)[1]]


def indicator_quarters(code: str, data: Hartlepool, sheets: dict[str, list[list[object]]] | None = None) -> dict[str, int]:
    """The indicator's figure each quarter as the dashboard will work it out (year to date or
    quarter): from the generated police.uk counts, or for the Home Office indicators from the
    generated tables (``sheets``)."""
    _, _, _, _, _, basis, measure, *_ = next(row for row in INDICATORS if row[0] == code)
    if code in HOME_OFFICE_GROUPS:
        quarterly, years = home_office_quarters(sheets or {}, HOME_OFFICE_GROUPS[code]), FINANCIAL_YEARS
    else:
        kinds = measure_kinds(measure, data)
        quarterly = {f"{y}-Q{q}": data.quarter_total(kinds, f"{y}-Q{q}") for y in POLICE_UK_YEARS for q in range(1, 5)}
        years = POLICE_UK_YEARS
    out: dict[str, int] = {}
    for year in years:
        running = 0
        for q in range(1, 5):
            quarter = f"{year}-Q{q}"
            running += quarterly.get(quarter, 0)
            out[quarter] = running if basis == "ytd" else quarterly.get(quarter, 0)
    return out


def home_office_quarters(sheets: dict[str, list[list[object]]], group: str | None) -> dict[str, int]:
    """Hartlepool's count each quarter in the generated tables, for one offence group (any
    spelling) or all of them."""
    out: dict[str, int] = {}
    for rows in sheets.values():
        if not rows or rows[0] != TABLES_HEADER:
            continue  # the Notes sheet
        for year, q, _force, name, _desc, row_group, _sub, _code, n in rows[1:]:
            if name == DISTRICTS[0].name and (group is None or str(row_group).lower() == group.lower()):
                key = f"{str(year).replace('/', '-')}-Q{q}"
                out[key] = out.get(key, 0) + int(n)  # type: ignore[call-overload]
    return out


def target_rows(data: Hartlepool, sheets: dict[str, list[list[object]]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for code, (factor, tolerance) in TARGET_FACTORS.items():
        for quarter, figure in indicator_quarters(code, data, sheets).items():
            rows.append([code, quarter[:7], quarter[8:], int(round(figure / factor)), "", "", tolerance, "pct", ""])
    return rows


def force_value_rows(data: Hartlepool, rng: np.random.Generator) -> list[list[object]]:
    """Cleveland's quarterly figures for the comparator (HP1 crime, HP2 ASB), as a partnership
    uploads them today: Hartlepool's own plus the other three districts' (scaled by population,
    with their own trend)."""
    others = sum(d.population_2021 * CRIME_RATE.get(d.code, 115.0) for d in DISTRICTS[1:4]) / (
        DISTRICTS[0].population_2021 * CRIME_RATE[HARTLEPOOL]
    )
    rows: list[list[object]] = []
    for code, kinds in (("HP1", list(POLICE_UK_TYPES)), ("HP2", [ASB_TYPE])):
        for year in POLICE_UK_YEARS:
            for q in range(1, 5):
                quarter = f"{year}-Q{q}"
                own = data.quarter_total(kinds, quarter)
                trend = 1.02 if year == POLICE_UK_YEARS[1] else 1.0
                rows.append([code, CLEVELAND, quarter, own + int(round(own * others * trend * rng.uniform(0.97, 1.03))), "", ""])
    return rows


def commentary_rows(data: Hartlepool) -> list[list[object]]:
    crime, asb = indicator_quarters("HP1", data), indicator_quarters("HP2", data)
    violence = indicator_quarters("HP3", data)

    def change(now: int, before: int) -> str:
        return f"{100 * (now - before) / before:+.1f}%"

    return [
        ["HP1", HARTLEPOOL, PUBLISHED_QUARTER,
         f"Recorded crime is {change(crime['2024-25-Q3'], crime['2023-24-Q3'])} on the same point last year, "
         "within the target the partnership set.", ""],
        ["HP2", HARTLEPOOL, PUBLISHED_QUARTER,
         f"ASB incidents are {change(asb['2024-25-Q3'], asb['2023-24-Q3'])} year to date: fewer than last year, "
         "but above the target set for this year.", "Targeted patrols in Victoria and Headland and Harbour wards."],
        ["HP3", HARTLEPOOL, PUBLISHED_QUARTER,
         f"Violence and sexual offences are {change(violence['2024-25-Q3'], violence['2023-24-Q3'])} on the same "
         "quarter last year, above target.", "Night-time economy review with licensing and the police."],
    ]  # fmt: skip


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")  # "\n" everywhere: byte-identical on any OS
        writer.writerow(header)
        writer.writerows(rows)
    return path


@dataclass(frozen=True)
class DemoFiles:
    """The generated files, by the kind of file each is loaded as."""

    lookup: Path
    region_lookup: Path
    boundaries: Path
    population: Path
    indicators: Path
    targets: Path
    csp_tables: Path
    policeuk: Path
    values: Path
    commentary: Path
    comparison_groups: Path


def generate(out_dir: Path, seed: int = SEED) -> DemoFiles:
    """Write the Hartlepool demo's files into out_dir (deterministic for a given seed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = hartlepool_counts(np.random.default_rng(seed))
    sheets = tables_sheets(np.random.default_rng(seed + 2))
    boundaries = out / "hartlepool_wards_schematic.geojson"
    boundaries.write_text(json.dumps(wards_geojson(), separators=(",", ":")) + "\n", encoding="utf-8")
    return DemoFiles(
        lookup=write_csv(out / "LAD24_CSP24_PFA24_EW_LU.csv", LOOKUP_HEADER, lookup_rows()),
        region_lookup=write_csv(out / "LAD24_RGN24_EN_LU.csv", REGION_LOOKUP_HEADER, region_lookup_rows()),
        boundaries=boundaries,
        population=write_csv(out / "population.csv", ["area_code", "year", "population"], population_rows(np.random.default_rng(seed + 1))),
        indicators=write_csv(out / "indicators.csv", INDICATOR_HEADER, INDICATORS),
        targets=write_csv(out / "targets.csv", "code year quarter target target_low target_high tolerance tolerance_type area_code".split(), target_rows(data, sheets)),
        csp_tables=write_ods(out / "prc-csp-tables-demo.ods", {"Notes": NOTES, **sheets}),
        policeuk=police_uk_zip(out / "cleveland-street.zip", data, np.random.default_rng(seed + 3)),
        values=write_csv(out / "values.csv", "indicator_code area_code period value numerator denominator".split(), force_value_rows(data, np.random.default_rng(seed + 4))),
        commentary=write_csv(out / "commentary.csv", "indicator_code area_code period commentary corrective_action".split(), commentary_rows(data)),
        comparison_groups=write_csv(out / "comparison_groups.csv", ["group", "area_code", "area_name"], comparison_group_rows()),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the Hartlepool demo's generated files.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    for path in vars(generate(args.out, args.seed)).values():
        print(path)


if __name__ == "__main__":
    main()
