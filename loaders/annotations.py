"""Series breaks and notes: ``date,reason`` with ``indicator_code`` or ``source``
(+ ``area_code,kind``). A row with the same indicator or source, area, date and kind as one
already held replaces its reason."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from loaders.cells import log_duplicates, require_text
from loaders.context import LoadContext
from loaders.keyed import check_known_areas, check_known_indicators, read_all
from rules.periods import PeriodError, parse_month
from store.annotations import KINDS, SOURCES, save_annotations


def parse_date(text: str) -> date:
    """``2014-04-01`` (or ``01/04/2014`` as Excel writes it), or a month ``2014-04`` meaning its first day."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    year, month = parse_month(text)  # raises PeriodError
    return date(year, month, 1)


def _dates(ctx: LoadContext, frame: pd.DataFrame) -> list[date | None]:
    out: list[date | None] = []
    for row, text in zip(frame["__row__"], frame["date"]):
        try:
            out.append(parse_date(text))
        except (PeriodError, ValueError):
            out.append(None)
            ctx.log.add(int(row), "date", text, "not a date; write it like 2014-04-01 (or a month, 2014-04)")
    return out


def load_annotations(ctx: LoadContext) -> None:
    frame, _ = read_all(ctx, ["date", "reason"], ["indicator_code", "source", "area_code", "kind"])
    require_text(frame, "reason", ctx.log)
    check_known_indicators(ctx, frame)
    check_known_areas(ctx, frame, blank_ok=True)
    frame["source"] = frame["source"].str.lower()
    frame["kind"] = frame["kind"].str.lower().replace("", "break")
    for row, code, source, kind in frame[["__row__", "indicator_code", "source", "kind"]].itertuples(index=False):
        if not code and not source:
            ctx.log.add(
                int(row),
                "indicator_code",
                "",
                "give the indicator (indicator_code) or the source (crime, asb, marac, values) the note is about",
            )
        elif code and source:
            ctx.log.add(int(row), "source", source, "give an indicator or a source, not both")
        elif source and source not in SOURCES:
            ctx.log.add(int(row), "source", source, f"must be one of: {', '.join(SOURCES)}")
        if kind not in KINDS:
            ctx.log.add(int(row), "kind", kind, f"must be one of: {', '.join(KINDS)}")
    frame["date"] = _dates(ctx, frame)
    log_duplicates(
        frame,
        ["indicator_code", "source", "area_code", "date", "kind"],
        {},
        ctx.log,
        "annotation for this series, area, date and kind",
    )
    if ctx.log:
        return
    columns = ["indicator_code", "source", "area_code", "date", "kind", "reason"]
    rows = list(frame[columns].itertuples(index=False, name=None))
    ctx.summary.replaced += save_annotations(ctx.session, rows, ctx.upload_id, ctx.user, datetime.now(UTC), ctx.partnership)
    ctx.summary.stored = len(frame)
    ctx.summary.periods = sorted({d.isoformat() for d in frame["date"]})
    ctx.summary.areas = frame.loc[frame["area_code"] != "", "area_code"].nunique()
