"""``cspdash ingest boundaries FILE`` / ``cspdash boundaries load FILE --level … --vintage …``:
ward or borough outlines from GeoJSON, GeoPackage or a zipped shapefile, one vintage at a time.

Every feature is checked (code shape, level, geometry) and all problems reported together;
nothing is stored from a file with problems. Re-loading a vintage replaces those areas' outlines.
"""

from __future__ import annotations

import re

import pandas as pd
import shapely

from geo.fields import Fields, choose_fields, level_of_code, year_in_name
from geo.geometry import TOLERANCE_M, Prepared, polygonal, prepare
from geo.options import BoundaryOptions, options_of
from geo.retire import retire_replaced
from geo.vector import read_vector, to_wgs84
from loaders.context import LoadContext
from rules.ward_generations import generation_of, is_generation
from sources.registry import counted
from store.boundary_queries import coverage_gaps, vintages_of
from store.coverage_record import record_coverage
from store.geography_writes import replace_outlines
from store.reference import LONDON, LONDON_BOROUGHS

SHOW_CODES = 10  # codes listed in a summary note before "… and N more"
_VINTAGE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# Reasons the CLI recognises to add the option that settles them (``cli/common._cli_hint``).
NO_VINTAGE = "cannot tell which year these ward boundaries are (wards are redrawn): the file names no vintage"
WRONG_CODE_FIELD = "is it the right field?"


def load_boundaries(ctx: LoadContext) -> None:
    options = options_of(ctx.source, BoundaryOptions)
    name = ctx.source.name
    frame, notes = read_vector(ctx.source)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    fields = choose_fields(columns, code=options.code_field, name=options.name_field, parent=options.parent_field, file_name=name)
    frame, crs_notes = to_wgs84(frame, options.crs, name)
    ctx.summary.rows = len(frame)
    ctx.summary.encoding = _format_label(name)
    table = _attributes(frame, fields)
    level = _check_codes(ctx, table, fields, options.level)
    vintage = _vintage(options, fields, frame, name, level)
    if vintage is None:
        ctx.log.add(None, None, None, NO_VINTAGE)
    elif not _VINTAGE.match(vintage):
        ctx.log.add(None, None, vintage, "a vintage is a year (2022) or a short label (schematic): letters, digits, - or _")
    geometries, repaired = _check_geometries(ctx, frame, table)
    if ctx.log or vintage is None:
        return  # the registry raises LoadError with every problem; nothing is stored
    table = table.assign(geometry=geometries)
    table, merged = _merge_duplicates(table)
    prepared = prepare(list(table["geometry"]), 0.0 if vintage == "schematic" else TOLERANCE_M[level])
    _learn_areas(ctx, table, level)
    replaced = _store(ctx, table, prepared, level, vintage)
    if level == "ward":
        _record_generations(ctx, list(table["code"]))
        if is_generation(vintage):  # a drawing (schematic) places nothing and replaces nothing
            retired = retire_replaced(ctx.session, level, vintage, list(table["code"]), list(table["geometry"]), ctx.upload_id)
            ctx.summary.notes += retired.notes(vintage, {c: a[0] for c, a in ctx.areas.areas.items()})
            if retired.into:
                record_coverage(ctx.session, tuple(counted()))  # their figures moved or went
    ctx.summary.stored = len(table)
    ctx.summary.replaced = replaced
    ctx.summary.areas = len(table)
    ctx.summary.notes += [
        *notes,
        *crs_notes,
        f"{level} outlines, vintage {vintage}; codes from {fields.code}"
        + (f", names from {fields.name}" if fields.name else " (no name field: codes used as names)")
        + (f", parents from {fields.parent}" if fields.parent else ""),
        f"web outlines {prepared.method}",
    ]
    if repaired:
        ctx.summary.notes.append(f"{repaired} invalid geometries repaired (make_valid)")
    if merged:
        ctx.summary.notes.append(f"{merged} codes appeared in more than one feature; their parts were merged")
    _report_coverage(ctx, level, vintage, set(table["code"]))


def _format_label(name: str) -> str:
    lowered = name.lower()
    for suffix, label in ((".zip", "zipped"), (".gpkg", "GeoPackage"), (".shp", "shapefile"), ("json", "GeoJSON")):
        if suffix in lowered:
            return label
    return "vector"


def _attributes(frame: pd.DataFrame, fields: Fields) -> pd.DataFrame:
    def text(column: str | None) -> pd.Series:
        if column is None:
            return pd.Series("", index=frame.index)
        return frame[column].map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip())

    table = pd.DataFrame(
        {
            "code": text(fields.code),
            "name": text(fields.name),
            "parent": text(fields.parent),
            "parent_name": text(fields.parent_name),
        }
    )
    table["__row__"] = range(1, len(frame) + 1)  # feature number, as GIS tools count them
    return table


def _check_codes(ctx: LoadContext, table: pd.DataFrame, fields: Fields, wanted: str | None) -> str:
    levels = table["code"].map(level_of_code)
    shaped = levels.notna()
    if not shaped.any():
        sample = ", ".join(table["code"].head(3))
        ctx.log.add(
            None,
            fields.code,
            sample,
            f"no value in {fields.code!r} is a ward or borough GSS code (like E05000306 or E09000016); {WRONG_CODE_FIELD}",
        )
    level = wanted or fields.level or (levels.dropna().mode().iloc[0] if shaped.any() else "ward")
    for row, code, found in zip(table["__row__"], table["code"], levels):
        if code == "":
            ctx.log.add(row, fields.code, code, "the area code is blank")
        elif found is None:
            ctx.log.add(row, fields.code, code, "not a ward or borough GSS code (like E05000306 or E09000016)")
        elif found != level:
            ctx.log.add(row, fields.code, code, f"a {found} code in a file of {level} outlines")
    return level


def _vintage(options: BoundaryOptions, fields: Fields, frame: pd.DataFrame, name: str, level: str) -> str | None:
    if options.vintage:
        return options.vintage.strip()
    if "schematic" in frame.columns and frame["schematic"].astype(str).str.lower().isin(["true", "1"]).all():
        return "schematic"
    found = fields.vintage or year_in_name(name)
    if found:
        return found
    if level == "borough":
        return "current"  # borough outlines rarely change; one unnamed set is the norm
    return None


def _check_geometries(ctx: LoadContext, frame: pd.DataFrame, table: pd.DataFrame) -> tuple[list, int]:
    """The area of each feature (repaired if needed) and how many needed repair."""
    out, repaired = [], 0
    for row, code, geometry in zip(table["__row__"], table["code"], frame.geometry):
        area, fixed = polygonal(geometry)
        repaired += fixed
        if area is None:
            kind = "no geometry" if geometry is None or geometry.is_empty else f"a {geometry.geom_type}, not an area"
            ctx.log.add(row, "geometry", code, f"this feature has {kind}")
        out.append(area)
    return out, repaired


def _merge_duplicates(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Some shapefiles store each part of a multi-part area as its own feature."""
    counts = table["code"].value_counts()
    repeated = counts[counts > 1].index
    if not len(repeated):
        return table.reset_index(drop=True), 0
    first = table.drop_duplicates("code").set_index("code")
    unions = table.groupby("code")["geometry"].agg(lambda parts: shapely.union_all(list(parts)))
    first["geometry"] = unions
    return first.reset_index(), len(repeated)


def _learn_areas(ctx: LoadContext, table: pd.DataFrame, level: str) -> None:
    """Add new areas; for known ones fill in the parent, keeping the name already held (names
    differ between publishers — "St. Andrew's" v "St Andrew's" — and the data files' win)."""
    parents_unknown = 0
    for code, name, parent, parent_name in table[["code", "name", "parent", "parent_name"]].itertuples(index=False):
        held = ctx.areas.areas.get(code)
        parent = parent if level_of_code(parent) == "borough" else None
        if level == "borough":
            parent = LONDON if code in LONDON_BOROUGHS else (held[2] if held else None)
        elif parent and parent not in ctx.areas:
            if parent_name:
                ctx.areas.learn(parent, parent_name, "borough", None)
            else:
                parents_unknown += 1
                parent = None
        parent = parent or (held[2] if held else None)
        ctx.areas.learn(code, held[0] if held else (name or code), level, parent)
    if parents_unknown:
        ctx.summary.notes.append(f"{parents_unknown} areas name a parent borough we do not hold; load it first to link them")


def _store(ctx: LoadContext, table: pd.DataFrame, prepared: Prepared, level: str, vintage: str) -> int:
    codes = list(table["code"])
    rows = [
        {
            "area_code": code,
            "vintage": vintage,
            "level": level,
            "name": name or code,
            "geometry_full": full,
            "geometry_web": web,
            "centroid_lon": lon,
            "centroid_lat": lat,
            "source_file": ctx.source.name[:500],
            "upload_id": ctx.upload_id,
        }
        for code, name, full, web, lon, lat in zip(
            codes, table["name"], prepared.full, prepared.web, prepared.centroid_lon, prepared.centroid_lat
        )
    ]
    return replace_outlines(ctx.session, vintage, rows)


def _record_generations(ctx: LoadContext, codes: list[str]) -> None:
    """Each ward's generation from the dated outlines now held for its code (the newest)."""
    held = vintages_of(ctx.session, codes)
    for code in codes:
        ctx.areas.set_generation(code, generation_of(held.get(code, [])))


def _report_coverage(ctx: LoadContext, level: str, vintage: str, loaded: set[str]) -> None:
    no_data, no_outline = coverage_gaps(ctx.session, level, vintage)
    no_data = [c for c in no_data if c in loaded]
    if no_data:
        ctx.summary.notes.append(f"{len(no_data)} of {len(loaded)} areas in the file have no data held yet: {_listing(no_data)}")
    if no_outline:
        ctx.summary.notes.append(f"{len(no_outline)} {level}s hold data but have no {vintage} outline: {_listing(no_outline)}")


def _listing(codes: list[str]) -> str:
    shown = ", ".join(codes[:SHOW_CODES])
    return shown + (f" … and {len(codes) - SHOW_CODES} more" if len(codes) > SHOW_CODES else "")
