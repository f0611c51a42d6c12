"""Small keyed tables (definitions, MARAC returns, values, commentary): read the whole file,
validate it, then replace rows that share a key. These files are hundreds of rows, not
hundreds of thousands, so the ORM is fine here."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from loaders.context import LoadContext
from loaders.errors import UNKNOWN_AREA, UNKNOWN_INDICATOR, LoadError, Problem
from loaders.reading import CsvReader, require_columns
from store.indicator_queries import indicator_codes

KEYED_MAX_ROWS = 200_000  # definitions, targets, values, MARAC, commentary: read whole, so bounded


def read_all(ctx: LoadContext, required: list[str], optional: Sequence[str] = ()) -> tuple[pd.DataFrame, list[str]]:
    """The whole file as strings with canonical column names, plus any extra column names."""
    reader = CsvReader.open(ctx.source, log=ctx.log)
    ctx.summary.encoding = reader.encoding
    cols = require_columns(reader, required, list(optional))
    chunks = []
    rows = 0
    for chunk in reader.chunks():
        rows += len(chunk)
        if rows > KEYED_MAX_ROWS:  # these files are small; a huge one is a mistake or an attack
            raise LoadError(
                ctx.source.name,
                [Problem(None, None, f"over {KEYED_MAX_ROWS:,} rows", "too many rows for this kind of file: split it")],
            )
        chunks.append(chunk)
    raw = pd.concat(chunks) if chunks else pd.DataFrame(columns=[*reader.columns, "__row__"])
    frame = pd.DataFrame({"__row__": raw["__row__"]})
    for name in [*required, *optional]:
        frame[name] = raw[cols[name]] if name in cols else ""
    known = {c for c in cols.values()}
    extras = [c for c in reader.columns if c not in known and c]
    for name in extras:
        frame[name] = raw[name]
    ctx.summary.rows = len(frame)
    return frame, extras


def check_known_areas(ctx: LoadContext, frame: pd.DataFrame, column: str = "area_code", blank_ok: bool = False) -> None:
    for row, code in zip(frame["__row__"], frame[column]):
        if code == "" and blank_ok:
            continue
        if code not in ctx.areas:
            ctx.log.add(int(row), column, code, UNKNOWN_AREA)


def check_known_indicators(ctx: LoadContext, frame: pd.DataFrame, column: str = "indicator_code") -> None:
    known = indicator_codes(ctx.session, ctx.partnership)
    for row, code in zip(frame["__row__"], frame[column]):
        if code and code not in known:
            ctx.log.add(int(row), column, code, UNKNOWN_INDICATOR)
