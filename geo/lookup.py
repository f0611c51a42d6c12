"""``cspdash ingest lsoa-lookup FILE``: an ONS best-fit LSOA → ward lookup (LSOA21CD, WD25CD,
WD25NM, LAD25CD as in the ONS file). Used to place police.uk records that carry an LSOA code
but cannot be placed by their point. Wards it names are learned, with their borough."""

from __future__ import annotations

import re

import pandas as pd

from geo.fields import level_of_code
from loaders.cells import log_duplicates
from loaders.context import LoadContext
from loaders.errors import LoadError, Problem
from loaders.reading import CsvReader
from store.geography_writes import replace_lsoa_wards

_LSOA = re.compile(r"^LSOA\d{2}CD$", re.IGNORECASE)
_WARD = re.compile(r"^WD(\d{2})CD$", re.IGNORECASE)


def load_lsoa_lookup(ctx: LoadContext) -> None:
    reader = CsvReader.open(ctx.source, log=ctx.log)
    ctx.summary.encoding = reader.encoding
    cols = _columns(ctx.source.name, reader.columns)
    seen: dict[tuple, int] = {}
    frames = []
    for chunk in reader.chunks():
        ctx.summary.rows += len(chunk)
        frame = pd.DataFrame(
            {
                "__row__": chunk["__row__"],
                "lsoa": chunk[cols["lsoa"]],
                "ward": chunk[cols["ward"]],
                "ward_name": chunk[cols["ward_name"]] if cols["ward_name"] else chunk[cols["ward"]],
                "parent": chunk[cols["parent"]] if cols["parent"] else "",
                "parent_name": chunk[cols["parent_name"]] if cols["parent_name"] else "",
            }
        )
        for column, level in (("lsoa", None), ("ward", "ward")):
            bad = ~frame[column].str.match(r"^[ENSW]\d{8}$")
            if level:
                bad |= frame[column].map(level_of_code) != level
            for row, value in zip(frame.loc[bad, "__row__"], frame.loc[bad, column]):
                ctx.log.add(int(row), cols[column], value, f"not a GSS {column.replace('lsoa', 'LSOA')} code")
        dup = log_duplicates(frame, ["lsoa"], seen, ctx.log, "LSOA (a best-fit lookup gives each LSOA one ward)")
        frames.append(frame[~dup])
    if ctx.log or not frames:
        return
    frame = pd.concat(frames, ignore_index=True)
    _learn_wards(ctx, frame)
    _store(ctx, frame)


def _columns(name: str, columns: list[str]) -> dict[str, str | None]:
    lsoa = next((c for c in columns if _LSOA.match(c)), None)
    ward_match = next((m for c in columns if (m := _WARD.match(c))), None)
    if not lsoa or not ward_match:
        raise LoadError(
            name,
            [Problem(1, None, ", ".join(columns), "expected an LSOA code column (LSOA21CD) and a ward code column (WD25CD)")],
        )
    ward, nn = ward_match.string, ward_match.group(1)
    by_key = {c.lower(): c for c in columns}
    return {
        "lsoa": lsoa,
        "ward": ward,
        "ward_name": by_key.get(f"wd{nn}nm"),
        "parent": by_key.get(f"lad{nn}cd"),
        "parent_name": by_key.get(f"lad{nn}nm"),
    }


def _learn_wards(ctx: LoadContext, frame: pd.DataFrame) -> None:
    wards = frame.drop_duplicates("ward")
    for code, name, parent, parent_name in wards[["ward", "ward_name", "parent", "parent_name"]].itertuples(index=False):
        held = ctx.areas.areas.get(code)
        if level_of_code(parent) != "borough":
            parent = None
        elif parent not in ctx.areas and parent_name:
            ctx.areas.learn(parent, parent_name, "borough", None)
        ctx.areas.learn(code, held[0] if held else name or code, "ward", parent or (held[2] if held else None))


def _store(ctx: LoadContext, frame: pd.DataFrame) -> None:
    lsoas = list(frame["lsoa"].unique())
    wards = list(frame["ward"].unique())
    # Replace what this lookup's wards said about these LSOAs; other vintages' rows stay.
    pairs = list(frame[["lsoa", "ward"]].itertuples(index=False, name=None))
    ctx.summary.stored, ctx.summary.replaced = replace_lsoa_wards(ctx.session, pairs, ctx.upload_id)
    ctx.summary.areas = len(wards)
    ctx.summary.notes.append(f"{len(lsoas):,} LSOAs mapped to {len(wards):,} wards")
