"""``cspdash ingest csp-lookup FILE``: the ONS lookup of local authority districts to Community
Safety Partnerships and police force areas (``LADyyCD, LADyyNM, CSPyyCD, CSPyyNM, PFAyyCD,
PFAyyNM`` for any year ``yy``; other columns such as ``ObjectId`` ignored). It builds the national
tree: district → partnership → police force area → England and Wales (issue 21).

A district held already (a London borough under London) keeps its parent and is linked to its
partnership as well; a district new to the product has its partnership as parent and is linked
to its country. The two trees meet only at districts, so no figure is counted twice."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from geo.fields import LEVEL_PREFIXES
from geo.lookup_files import read_lookup_columns
from geo.region_lookup import check_regions, optional_region_columns, rows_of, store_regions
from loaders.context import LoadContext
from loaders.errors import LoadError, Problem
from loaders.reading import CsvReader
from rules.area_levels import DISTRICT, NATION, NATION_NAME, country_of
from store.area_links import region_links, replace_links

_GSS = re.compile(r"^[EW]\d{8}$")
_COLUMN = re.compile(r"^(LAD|CSP|PFA)(\d{2})(CD|NM)$", re.IGNORECASE)
EXPECTED = "LADyyCD, LADyyNM, CSPyyCD, CSPyyNM, PFAyyCD, PFAyyNM (one year yy, e.g. LAD24CD)"
# The code each column must hold: districts E06-E09 and W06; partnerships E22 (Welsh codes as
# the lookup gives them); police force areas E23 and W15.
_PREFIXES = {
    "lad": tuple(p for p in LEVEL_PREFIXES[DISTRICT] if p[0] in "EW"),
    "csp": ("E22", "W"),
    "pfa": ("E23", "W15"),
}
_WHAT = {
    "lad": "a district (E06-E09, W06)",
    "csp": "a partnership (E22, or a Welsh code)",
    "pfa": "a police force area (E23, W15)",
}


@dataclass(frozen=True)
class LookupColumns:
    year: str
    names: dict[str, str]  # "lad", "lad_name", "csp", … → the file's column


def lookup_columns(file_name: str, columns: list[str]) -> LookupColumns:
    """The six columns of one year; a file without them names what it has and what was expected."""
    by_year: dict[str, dict[str, str]] = {}
    for column in columns:
        if match := _COLUMN.match(column.strip()):
            entity, year, part = match.group(1).lower(), match.group(2), match.group(3).upper()
            by_year.setdefault(year, {})[entity + ("" if part == "CD" else "_name")] = column
    complete = [year for year, found in sorted(by_year.items()) if len(found) == 6]
    if len(complete) != 1:
        found = ", ".join(columns) or "no columns"
        why = "more than one year's columns" if complete else "missing columns"
        raise LoadError(file_name, [Problem(1, None, found, f"{why}: expected {EXPECTED}")])
    return LookupColumns(complete[0], by_year[complete[0]])


def load_csp_lookup(ctx: LoadContext) -> None:
    reader = CsvReader.open(ctx.source, log=ctx.log)
    ctx.summary.encoding = reader.encoding
    cols = lookup_columns(ctx.source.name, reader.columns)
    # A lookup carrying each district's region (RGNyyCD, RGNyyNM) places it there as well.
    region_cols = optional_region_columns(reader.columns, cols.year)
    wanted = {**cols.names, **(region_cols or {})}
    frame = read_lookup_columns(ctx, reader, wanted)
    if frame is None:
        return
    _check(ctx, cols, frame)
    region_names = {"lad": cols.names["lad"], "lad_name": cols.names["lad_name"], **(region_cols or {})}
    if region_cols:
        check_regions(ctx.log, region_names, rows_of(frame), district_names=False)
    if ctx.log:
        return
    in_regions = {str(c) for c in frame.loc[frame["rgn"].str.startswith("E12"), "lad"]} if region_cols else set()
    _store(ctx, frame, in_regions)
    if region_cols:
        placed = store_regions(ctx, region_names, rows_of(frame))
        ctx.summary.notes.append(placed.words())


def _check(ctx: LoadContext, cols: LookupColumns, frame: pd.DataFrame) -> None:
    """Every code of the right kind and country, every name given, each district in one
    partnership, each partnership in one force, each code with one name."""
    log, names = ctx.log, cols.names
    first: dict[tuple[str, str], tuple[str, int]] = {}  # (what, code) → (what it maps to, row)
    keys = ["row", "lad", "lad_name", "csp", "csp_name", "pfa", "pfa_name"]
    for values in frame[keys].astype(str).values.tolist():
        rec: dict[str, str] = dict(zip(keys, map(str, values)))
        row = int(rec["row"])
        ok = True
        for key in ("lad", "csp", "pfa"):
            code = rec[key]
            if not _GSS.match(code) or not code.startswith(_PREFIXES[key]):
                log.add(row, names[key], code, f"not the code of {_WHAT[key]}")
                ok = False
            if not rec[f"{key}_name"]:
                log.add(row, names[f"{key}_name"], "", "no name given")
        if not ok:
            continue
        lad, csp, pfa = rec["lad"], rec["csp"], rec["pfa"]
        if len({lad[0], csp[0], pfa[0]}) > 1:
            log.add(row, names["csp"], csp, f"district {lad} and partnership {csp} (force {pfa}) are not in one country")
        for what, code, value, column in (
            ("district", lad, csp, "csp"),  # a district is in one partnership
            ("partnership", csp, pfa, "pfa"),  # a partnership is in one force
            ("name of", lad, rec["lad_name"], "lad_name"),
            ("name of", csp, rec["csp_name"], "csp_name"),
            ("name of", pfa, rec["pfa_name"], "pfa_name"),
        ):
            seen = first.setdefault((what, code), (value, row))
            if seen[0] == value:
                continue
            if what == "name of":
                log.add(row, names[column], value, f"{code} is named {seen[0]!r} in row {seen[1]}")
            elif what == "district":
                log.add(row, names[column], value, f"district {code} is in partnership {seen[0]} in row {seen[1]}")
            else:
                log.add(row, names[column], value, f"partnership {code} is in force {seen[0]} in row {seen[1]}")


def _store(ctx: LoadContext, frame: pd.DataFrame, in_regions: set[str]) -> None:
    """Learn the tree; ``in_regions``: districts this file places in a region, linked to it
    rather than to their country (``geo.region_lookup``)."""
    book = ctx.areas
    if NATION not in book:
        book.learn(NATION, NATION_NAME, "nation", None)
    for code, name in frame.drop_duplicates("pfa")[["pfa", "pfa_name"]].itertuples(index=False):
        book.learn(code, name, "force", NATION)
    for code, name, force in frame.drop_duplicates("csp")[["csp", "csp_name", "pfa"]].itertuples(index=False):
        book.learn(code, name, "csp", force)
    links: list[tuple[str, str]] = []
    # A district a region lookup placed reaches its country through its region: a link to the
    # country as well would count it twice in the country's total.
    in_regions = in_regions | set(region_links(ctx.session, sorted(frame["lad"].unique())))
    for code, name, csp in frame.drop_duplicates("lad")[["lad", "lad_name", "csp"]].itertuples(index=False):
        held = book.areas.get(code)
        if held is not None and held[1] == DISTRICT and held[2] and book.areas.get(held[2], ("", ""))[1] != "csp":
            links.append((code, csp))  # keeps its region (London); in its partnership as well
            continue
        book.learn(code, held[0] if held else name, DISTRICT, csp)
        country_code, country_name = country_of(code) or ("", "")
        if country_code and code not in in_regions:
            if country_code not in book:
                book.learn(country_code, country_name, "country", None)
            links.append((code, country_code))
    districts = sorted(frame["lad"].unique())
    # What an earlier lookup said about these districts' partnership and country is replaced.
    _, removed = replace_links(ctx.session, districts, links, ctx.upload_id)
    ctx.summary.stored = len(districts)
    ctx.summary.replaced = removed
    ctx.summary.areas = len(districts)
    ctx.summary.notes.append(
        f"{len(districts):,} districts in {frame['csp'].nunique():,} partnerships and {frame['pfa'].nunique():,} police force areas"
    )
