"""Population denominators: ``cspdash ingest population FILE`` (``area_code,year,population``),
stored for ``store.population`` (the nearest year held, rates per 1,000 residents).

Other layouts (Census bulk tables, ward profiles) are converted to this one first: a
denominator must be unambiguous, and those files hold many candidate columns.
"""

from __future__ import annotations

from typing import cast

import pandas as pd

from loaders.cells import log_duplicates, parse_counts, require_text
from loaders.context import LoadContext
from loaders.errors import UNKNOWN_AREA
from loaders.reading import CsvReader, require_columns
from store.geography_writes import replace_population

COLUMNS = ["area_code", "year", "population"]


def load_population(ctx: LoadContext) -> None:
    reader = CsvReader.open(ctx.source, log=ctx.log)
    ctx.summary.encoding = reader.encoding
    cols = require_columns(reader, COLUMNS)
    seen: dict[tuple, int] = {}
    frames = []
    for chunk in reader.chunks():
        ctx.summary.rows += len(chunk)
        frame = pd.DataFrame({"__row__": chunk["__row__"], **{name: chunk[cols[name]] for name in COLUMNS}})
        require_text(frame, "area_code", ctx.log)
        years = parse_counts(frame, "year", ctx.log)
        bad_year = years.notna() & ((years < 1800) | (years > 2200))
        for row, value in zip(frame.loc[bad_year, "__row__"], frame.loc[bad_year, "year"]):
            ctx.log.add(int(row), "year", value, "not a year; write it like 2021")
        frame["year"] = years.where(~bad_year)
        frame["population"] = parse_counts(frame, "population", ctx.log)
        unknown = (frame["area_code"] != "") & ~frame["area_code"].isin(list(ctx.areas.areas))
        for row, code in zip(frame.loc[unknown, "__row__"], frame.loc[unknown, "area_code"]):
            ctx.log.add(int(row), "area_code", code, f"{UNKNOWN_AREA} (or load its boundaries)")
        dup = log_duplicates(frame, ["area_code", "year"], seen, ctx.log, "row (same area and year)")
        frames.append(frame[~dup & ~unknown & frame["year"].notna() & frame["population"].notna()])
    if ctx.log or not frames:
        return
    _store(ctx, pd.concat(frames, ignore_index=True))


def _store(ctx: LoadContext, frame: pd.DataFrame) -> None:
    # the year column holds whole years (parse_counts)
    rows = [(str(code), int(cast(int, year)), int(people)) for code, year, people in frame[COLUMNS].itertuples(index=False)]
    ctx.summary.stored, ctx.summary.replaced = replace_population(ctx.session, rows, ctx.upload_id)
    ctx.summary.areas = frame["area_code"].nunique()
    ctx.summary.periods = sorted(str(int(y)) for y in frame["year"].unique())
    ctx.summary.total = int(frame["population"].sum())
    ctx.summary.notes.append("population figures, one per area and year; re-loading a year replaces it")
