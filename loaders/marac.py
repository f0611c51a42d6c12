"""MARAC returns: ``area_code,quarter,cases_discussed,repeat_cases`` plus any further columns,
which are kept as given (e.g. referrals by agency)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, delete, tuple_

from loaders.cells import log_duplicates, parse_counts, parse_quarters, require_text
from loaders.context import LoadContext
from loaders.keyed import check_known_areas, read_all
from store.models import MaracReturn


def load_marac(ctx: LoadContext) -> None:
    frame, extras = read_all(ctx, ["area_code", "quarter", "cases_discussed", "repeat_cases"])
    require_text(frame, "area_code", ctx.log)
    check_known_areas(ctx, frame)
    frame["quarter"] = parse_quarters(frame, "quarter", ctx.log)
    cases = parse_counts(frame, "cases_discussed", ctx.log)
    repeats = parse_counts(frame, "repeat_cases", ctx.log)
    over = cases.notna() & repeats.notna() & (repeats > cases)
    for row, value, total in zip(frame["__row__"][over], frame["repeat_cases"][over], cases[over]):
        ctx.log.add(int(row), "repeat_cases", value, f"more repeat cases than cases discussed ({total})")
    log_duplicates(frame, ["area_code", "quarter"], {}, ctx.log, "MARAC return for this area and quarter")
    if ctx.log:
        return
    keys = list(zip(frame["area_code"], frame["quarter"]))
    result = ctx.session.execute(delete(MaracReturn).where(tuple_(MaracReturn.area_code, MaracReturn.quarter).in_(keys)))
    ctx.summary.replaced = cast("CursorResult[Any]", result).rowcount or 0  # a DELETE's result is a cursor result
    for i, (area, quarter) in enumerate(keys):
        extra = {name: frame[name].iloc[i] for name in extras}
        ctx.session.add(
            MaracReturn(
                area_code=area,
                quarter=quarter,
                cases_discussed=int(cases.iloc[i]),
                repeat_cases=int(repeats.iloc[i]),
                extra=extra,
                upload_id=ctx.upload_id,
            )
        )
    ctx.summary.stored = len(keys)
    ctx.summary.periods = sorted(set(frame["quarter"]))
    ctx.summary.areas = frame["area_code"].nunique()
    ctx.summary.total = int(cases.sum())
    if extras:
        ctx.summary.notes.append(f"further columns kept: {', '.join(extras)}")
