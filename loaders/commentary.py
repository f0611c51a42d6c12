"""Commentary and corrective action: ``indicator_code,area_code,period,commentary,corrective_action``."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from loaders.cells import log_duplicates, parse_quarters, require_text
from loaders.context import LoadContext
from loaders.keyed import check_known_areas, check_known_indicators, read_all
from store.input_changes import record_input_change, upload_cause
from store.models import Commentary


def load_commentary(ctx: LoadContext) -> None:
    frame, _ = read_all(ctx, ["indicator_code", "area_code", "period"], ["commentary", "corrective_action"])
    require_text(frame, "indicator_code", ctx.log)
    check_known_indicators(ctx, frame)
    check_known_areas(ctx, frame)
    frame["period"] = parse_quarters(frame, "period", ctx.log)
    log_duplicates(
        frame, ["indicator_code", "area_code", "period"], {}, ctx.log, "commentary for this indicator, area and quarter"
    )
    if ctx.log:
        return
    now = datetime.now(UTC)
    cause = upload_cause(ctx.upload_id, ctx.summary.kind, ctx.source.name, ctx.user, now)
    existing = {
        (c.indicator_code, c.area_code, c.period): c
        for c in ctx.session.scalars(select(Commentary).where(Commentary.period.in_(set(frame["period"]))))
    }
    for code, area, period, text, action in frame[
        ["indicator_code", "area_code", "period", "commentary", "corrective_action"]
    ].itertuples(index=False):
        item = existing.get((code, area, period))
        before = None if item is None else {"commentary": item.commentary, "corrective_action": item.corrective_action}
        if item is None:
            item = Commentary(indicator_code=code, area_code=area, period=period)
            ctx.session.add(item)
        else:
            ctx.summary.replaced += 1
        after = {"commentary": text, "corrective_action": action}
        if before == after:
            continue  # unchanged: a revision is not blamed on a file that repeats it
        item.commentary, item.corrective_action, item.updated_by, item.updated_at = text, action, ctx.user, now
        record_input_change(ctx.session, cause, "commentary", code, f"{code} {area} {period}", before, after)
    ctx.summary.stored = len(frame)
    ctx.summary.periods = sorted(set(frame["period"]))
    ctx.summary.areas = frame["area_code"].nunique()
