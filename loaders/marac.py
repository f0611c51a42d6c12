"""MARAC returns: ``area_code,quarter,cases_discussed,repeat_cases`` plus any further columns,
which are kept as given (e.g. referrals by agency)."""

from __future__ import annotations

from loaders.cells import log_duplicates, parse_counts, parse_quarters, require_text
from loaders.context import LoadContext
from loaders.keyed import check_known_areas, read_all
from store.figure_writes import MaracRow, replace_marac_returns


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
    rows = [
        MaracRow(
            area_code=area,
            quarter=quarter,
            cases_discussed=int(cases.iloc[i]),
            repeat_cases=int(repeats.iloc[i]),
            extra={name: frame[name].iloc[i] for name in extras},
        )
        for i, (area, quarter) in enumerate(keys)
    ]
    ctx.summary.replaced = replace_marac_returns(ctx.session, rows, ctx.upload_id)
    ctx.summary.stored = len(keys)
    ctx.summary.periods = sorted(set(frame["quarter"]))
    ctx.summary.areas = frame["area_code"].nunique()
    ctx.summary.total = int(cases.sum())
    if extras:
        ctx.summary.notes.append(f"further columns kept: {', '.join(extras)}")
