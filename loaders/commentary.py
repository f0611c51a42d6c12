"""Commentary and corrective action: ``indicator_code,area_code,period,commentary,corrective_action``.

A ``corrective_action`` cell becomes one open corrective action (no owner, no due date) set for
that quarter, unless the quarter already has an action with that text (so loading a file again
adds nothing); owners, due dates and statuses are edited on the Targets page."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from loaders.cells import log_duplicates, parse_quarters, require_text
from loaders.context import LoadContext
from loaders.keyed import check_known_areas, check_known_indicators, read_all
from store.input_changes import record_input_change, upload_cause
from store.models import Commentary, CorrectiveAction


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
        for c in ctx.session.scalars(
            select(Commentary).where(Commentary.partnership_code == ctx.partnership, Commentary.period.in_(set(frame["period"])))
        )
    }
    held_actions = {
        (a.indicator_code, a.area_code, a.period, a.text.strip())
        for a in ctx.session.scalars(
            select(CorrectiveAction).where(
                CorrectiveAction.partnership_code == ctx.partnership, CorrectiveAction.period.in_(set(frame["period"]))
            )
        )
    }
    for code, area, period, text, action in frame[
        ["indicator_code", "area_code", "period", "commentary", "corrective_action"]
    ].itertuples(index=False):
        key = f"{code} {area} {period}"
        action = (action or "").strip()
        if action and (code, area, period, action) not in held_actions:
            held_actions.add((code, area, period, action))
            ctx.session.add(
                CorrectiveAction(
                    partnership_code=ctx.partnership,
                    indicator_code=code,
                    area_code=area,
                    period=period,
                    text=action,
                    owner="",
                    due_date=None,
                    status="open",
                    created_by=ctx.user,
                    created_at=now,
                    updated_by=ctx.user,
                    updated_at=now,
                )
            )
            record_input_change(ctx.session, cause, "commentary", code, key, None, {"corrective_action": action})
        item = existing.get((code, area, period))
        before = None if item is None else {"commentary": item.commentary}
        if item is None:
            item = Commentary(
                partnership_code=ctx.partnership, indicator_code=code, area_code=area, period=period, corrective_action=""
            )
            ctx.session.add(item)
        else:
            ctx.summary.replaced += 1
        after = {"commentary": text}
        if before == after:
            continue  # unchanged: a revision is not blamed on a file that repeats it
        item.commentary, item.updated_by, item.updated_at = text, ctx.user, now
        record_input_change(ctx.session, cause, "commentary", code, key, before, after)
    ctx.summary.stored = len(frame)
    ctx.summary.periods = sorted(set(frame["period"]))
    ctx.summary.areas = frame["area_code"].nunique()
