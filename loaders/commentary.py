"""Commentary and corrective action: ``indicator_code,area_code,period,commentary,corrective_action``.

A ``corrective_action`` cell becomes one open corrective action (no owner, no due date) set for
that quarter, unless the quarter already has an action with that text (so loading a file again
adds nothing); owners, due dates and statuses are edited on the Targets page."""

from __future__ import annotations

from datetime import UTC, datetime

from loaders.cells import log_duplicates, parse_quarters, require_text
from loaders.context import LoadContext
from loaders.keyed import check_known_areas, check_known_indicators, read_all
from store.commentary_writes import CommentaryRow, save_commentary_rows
from store.input_changes import upload_cause


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
    cause = upload_cause(ctx.upload_id, ctx.summary.kind, ctx.source.name, ctx.user, datetime.now(UTC))
    rows = (
        CommentaryRow(code, area, period, text, action or "")
        for code, area, period, text, action in frame[
            ["indicator_code", "area_code", "period", "commentary", "corrective_action"]
        ].itertuples(index=False)
    )
    ctx.summary.replaced += save_commentary_rows(ctx.session, ctx.partnership, rows, cause)
    ctx.summary.stored = len(frame)
    ctx.summary.periods = sorted(set(frame["period"]))
    ctx.summary.areas = frame["area_code"].nunique()
