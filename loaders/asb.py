"""ASB counts: ``area_code,month,category,count`` (category optional)."""

from __future__ import annotations

import pandas as pd

from loaders.cells import log_duplicates, parse_counts, parse_months, require_text
from loaders.context import LoadContext
from loaders.reading import CsvReader, require_columns
from loaders.seen_keys import SeenKeys


def load_asb(ctx: LoadContext) -> None:
    reader = CsvReader.open(ctx.source, log=ctx.log)
    ctx.summary.encoding = reader.encoding
    cols = require_columns(reader, ["area_code", "month", "count"], ["category"])
    writer = ctx.count_writer("asb")
    writer.expected = reader.lines
    seen = SeenKeys()  # every key of the file, compactly: millions of rows stay flat in memory
    for chunk in reader.chunks():
        ctx.summary.rows += len(chunk)
        frame = pd.DataFrame(
            {
                "__row__": chunk["__row__"],
                "area_code": chunk[cols["area_code"]],
                "month": chunk[cols["month"]],
                "category": chunk[cols["category"]] if "category" in cols else "",
                "count": chunk[cols["count"]],
            }
        )
        require_text(frame, "area_code", ctx.log)
        frame["month"] = parse_months(frame, "month", ctx.log)
        frame["count"] = parse_counts(frame, "count", ctx.log)
        dup = log_duplicates(frame, ["area_code", "month", "category"], seen, ctx.log, "row")
        writer.write(frame[~dup & frame["month"].notna() & frame["count"].notna()])
    ctx.finish_counts(writer)
