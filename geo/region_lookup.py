"""``cspdash ingest region-lookup FILE``: the ONS lookup of local authority districts to regions
(``LADyyCD, LADyyNM, RGNyyCD, RGNyyNM`` for one year ``yy``; other columns ignored), so that an
indicator compared with its ``region`` has one outside London (issue 21). The same columns,
when a district → partnership lookup carries them, are read with it (``geo.csp_lookup``).

Regions are English (``E12``). A Welsh district may be left out, listed with Wales
(``W92000004``) or with no region: Wales is the region relation of a Welsh area already.

Each district reaches its country once: a district placed in a region is linked to the region
(which sits in England) instead of straight to England; a London borough keeps London, held
since install, as its parent; a district not held yet is placed under its region, as London's
boroughs are, and a later district → partnership lookup places it in its partnership as well."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from geo.fields import LEVEL_PREFIXES
from geo.lookup_files import read_lookup_columns
from loaders.context import LoadContext
from loaders.errors import LoadError, Problem, ProblemLog
from loaders.reading import CsvReader
from rules.area_levels import COUNTRIES, DISTRICT, is_london_borough
from store.area_links import GEOGRAPHY_LEVELS, replace_links

_GSS = re.compile(r"^[EW]\d{8}$")
_COLUMN = re.compile(r"^(LAD|RGN)(\d{2})(CD|NM)$", re.IGNORECASE)
EXPECTED = "LADyyCD, LADyyNM, RGNyyCD, RGNyyNM (one year yy, e.g. LAD24CD)"
ENGLAND, ENGLAND_NAME = COUNTRIES["E"]
WALES, WALES_NAME = COUNTRIES["W"]
_DISTRICT_PREFIXES = tuple(p for p in LEVEL_PREFIXES[DISTRICT] if p[0] in "EW")
KEYS = ("lad", "lad_name", "rgn", "rgn_name")


@dataclass(frozen=True)
class RegionRow:
    """One district's region as a file gives it, with where it was read (for messages)."""

    row: int
    lad: str
    lad_name: str
    rgn: str
    rgn_name: str


def region_columns(file_name: str, columns: list[str]) -> dict[str, str]:
    """{"lad", "lad_name", "rgn", "rgn_name" → the file's column} for the one year given; a
    file without them names what it has and what was expected."""
    by_year = _by_year(columns)
    complete = [year for year, found in sorted(by_year.items()) if set(found) >= set(KEYS)]
    if len(complete) != 1:
        found = ", ".join(columns) or "no columns"
        why = "more than one year's columns" if complete else "missing columns"
        raise LoadError(file_name, [Problem(1, None, found, f"{why}: expected {EXPECTED}")])
    return {key: by_year[complete[0]][key] for key in KEYS}


def optional_region_columns(columns: list[str], year: str) -> dict[str, str] | None:
    """The region code and name columns of ``year`` when a file has both (a district →
    partnership lookup may carry them); None otherwise."""
    found = _by_year(columns).get(year, {})
    if "rgn" in found and "rgn_name" in found:
        return {"rgn": found["rgn"], "rgn_name": found["rgn_name"]}
    return None


def _by_year(columns: list[str]) -> dict[str, dict[str, str]]:
    by_year: dict[str, dict[str, str]] = {}
    for column in columns:
        if match := _COLUMN.match(column.strip()):
            entity, year, part = match.group(1).lower(), match.group(2), match.group(3).upper()
            by_year.setdefault(year, {})[entity + ("" if part == "CD" else "_name")] = column
    return by_year


def load_region_lookup(ctx: LoadContext) -> None:
    reader = CsvReader.open(ctx.source, log=ctx.log)
    ctx.summary.encoding = reader.encoding
    names = region_columns(ctx.source.name, reader.columns)
    frame = read_lookup_columns(ctx, reader, names)
    if frame is None:
        return
    rows = rows_of(frame)
    check_regions(ctx.log, names, rows, district_names=True)
    if ctx.log:
        return
    placed = store_regions(ctx, names, rows)
    if ctx.log:
        return
    ctx.summary.stored = ctx.summary.areas = placed.districts
    ctx.summary.replaced = placed.removed
    ctx.summary.notes.append(placed.words())


def rows_of(frame: pd.DataFrame) -> list[RegionRow]:
    """The frame's region rows (columns ``row, lad, lad_name, rgn, rgn_name``)."""
    keys = ["row", *KEYS]
    return [
        RegionRow(int(row), str(lad), str(lad_name), str(rgn), str(rgn_name))
        for row, lad, lad_name, rgn, rgn_name in frame[keys].values.tolist()
    ]


def check_regions(log: ProblemLog, names: dict[str, str], rows: list[RegionRow], district_names: bool) -> None:
    """Every district code a district's, every region code an English region's (or Wales, or
    none, for a Welsh district), every name given, each district in one region, each region
    with one name. ``district_names``: check the district's code and name too (a district →
    partnership lookup checks its own)."""
    first_region: dict[str, tuple[str, int]] = {}  # district → (region, row)
    first_name: dict[str, tuple[str, int]] = {}  # region → (name, row)
    for rec in rows:
        if district_names:
            if not _GSS.match(rec.lad) or not rec.lad.startswith(_DISTRICT_PREFIXES):
                log.add(rec.row, names["lad"], rec.lad, "not the code of a district (E06-E09, W06)")
                continue
            if not rec.lad_name:
                log.add(rec.row, names["lad_name"], "", "no name given")
        welsh = rec.lad.startswith("W")
        if welsh and rec.rgn in ("", WALES):
            continue  # Wales is a Welsh district's region relation already
        if welsh:
            log.add(rec.row, names["rgn"], rec.rgn, f"district {rec.lad} is in Wales: its region is {WALES} (Wales) or none")
            continue
        if not _GSS.match(rec.rgn) or not rec.rgn.startswith("E12"):
            log.add(rec.row, names["rgn"], rec.rgn, "not the code of an English region (E12)")
            continue
        if not rec.rgn_name:
            log.add(rec.row, names["rgn_name"], "", "no name given")
        seen = first_region.setdefault(rec.lad, (rec.rgn, rec.row))
        if seen[0] != rec.rgn:
            log.add(rec.row, names["rgn"], rec.rgn, f"district {rec.lad} is in region {seen[0]} in row {seen[1]}")
        named = first_name.setdefault(rec.rgn, (rec.rgn_name, rec.row))
        if named[0] != rec.rgn_name:
            log.add(rec.row, names["rgn_name"], rec.rgn_name, f"{rec.rgn} is named {named[0]!r} in row {named[1]}")


@dataclass(frozen=True)
class Placed:
    districts: int
    regions: int
    removed: int

    def words(self) -> str:
        return f"{self.districts:,} districts placed in {self.regions:,} regions (or Wales)"


def store_regions(ctx: LoadContext, names: dict[str, str], rows: list[RegionRow]) -> Placed:
    """Place each district in its region (checked rows); a London borough named in a region
    other than London is a problem logged, and nothing is kept."""
    book = ctx.areas
    if ENGLAND not in book:
        book.learn(ENGLAND, ENGLAND_NAME, "country", None)
    regions: dict[str, str] = {}
    for rec in rows:
        if rec.rgn.startswith("E12") and rec.rgn not in regions:
            regions[rec.rgn] = rec.rgn_name
            if rec.rgn not in book:  # London, held since install, keeps its name: never a second London
                book.learn(rec.rgn, rec.rgn_name, "region", ENGLAND)
    links: list[tuple[str, str]] = []
    districts: list[str] = []
    for rec in {r.lad: r for r in rows}.values():
        districts.append(rec.lad)
        target = rec.rgn if rec.rgn.startswith("E12") else WALES  # only a Welsh district has no region
        if target == WALES and WALES not in book:
            book.learn(WALES, WALES_NAME, "country", None)
        held = book.areas.get(rec.lad)
        if held is None:
            book.learn(rec.lad, rec.lad_name, DISTRICT, target)  # under its region, as London's boroughs are
            continue
        parent_level = book.areas.get(held[2], ("", ""))[1] if held[2] else ""
        if parent_level not in ("region", "country"):
            links.append((rec.lad, target))  # in its partnership (its parent); linked to its region
        elif held[2] != target:
            if is_london_borough(rec.lad):
                where = f"{book.areas[str(held[2])][0]} ({held[2]})"
                ctx.log.add(rec.row, names["rgn"], rec.rgn, f"{rec.lad} is a London borough, in {where}")
                continue
            book.learn(rec.lad, held[0], DISTRICT, target)  # a later edition moves it
    _, removed = replace_links(ctx.session, sorted(districts), links, ctx.upload_id, levels=GEOGRAPHY_LEVELS)
    return Placed(len(districts), len(regions), removed)
