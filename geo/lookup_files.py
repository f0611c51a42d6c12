"""Reading an ONS lookup (districts to partnerships and forces, districts to regions): the
columns a loader asks for, every row as stripped text with its row number in the file."""

from __future__ import annotations

import pandas as pd

from loaders.context import LoadContext
from loaders.reading import CsvReader


def read_lookup_columns(ctx: LoadContext, reader: CsvReader, wanted: dict[str, str]) -> pd.DataFrame | None:
    """``wanted`` maps a loader's key ("lad", "rgn_name", …) to the file's column; a frame with
    a ``row`` column and one column per key, or None for a file with no rows."""
    frames = []
    for chunk in reader.chunks():
        ctx.summary.rows += len(chunk)
        frame = pd.DataFrame({"row": chunk["__row__"]})
        for key, column in wanted.items():
            frame[key] = chunk[column].fillna("").astype(str).str.strip()
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else None
