"""Re-loading indicator definitions: what the file no longer contains, and what it changed.

A definitions file is the whole list. An indicator held but not in the file (renamed, dropped)
is named; the analyst chooses to retire it (``--retire-missing``, or the choice on the upload
page) or keep it (``--keep-missing``). A retired indicator is no longer scored or listed, but
its values, targets and published versions are kept, and loading it again restores it. Every
definition change is recorded against this upload (``store.input_changes``), so a revision since
publication is blamed on it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from geo.options import options_of
from loaders.context import LoadContext
from loaders.options import ASK, RETIRE, LoadOptions
from store import indicator_writes
from store.input_changes import Cause, upload_cause


def cause_of(ctx: LoadContext) -> Cause:
    return upload_cause(ctx.upload_id, ctx.summary.kind, ctx.source.name, ctx.user, datetime.now(UTC))


def held_definitions(ctx: LoadContext) -> dict[str, dict[str, object]]:
    """Each held indicator's definition before the load."""
    return indicator_writes.held_definitions(ctx.session, ctx.partnership)


MISSING_REASON = "is held but not in this file"  # the CLI adds how to choose beside problems saying it


def check_missing(ctx: LoadContext, held: dict[str, dict[str, object]], codes_in_file: set[str]) -> list[str]:
    """Held (not retired) indicators the file leaves out. With the ``ask`` option each is a
    problem, so nothing is stored until the analyst chooses."""  # the CLI and the page say how to choose
    missing = sorted(c for c, d in held.items() if c not in codes_in_file and not d["retired"])
    ctx.summary.missing_indicators = missing
    if missing and options_of(ctx.source, LoadOptions).missing_indicators == ASK:
        for code in missing:
            ctx.log.add(
                None, "code", code,
                f"indicator {code} ({held[code]['name']}) {MISSING_REASON}: retire it (its values, targets "
                "and published versions are kept) or keep it",
            )  # fmt: skip
    return missing


def finish_indicator_load(
    ctx: LoadContext, held: dict[str, dict[str, object]], codes_in_file: set[str], missing: list[str]
) -> None:
    """Retire or keep the missing indicators as chosen, restore re-loaded retired ones, record
    every definition change against this upload, and say all of it in the summary."""
    cause = cause_of(ctx)
    retire = options_of(ctx.source, LoadOptions).missing_indicators == RETIRE
    to_retire = set(missing) if retire else set()
    restored = indicator_writes.retire_or_restore(ctx.session, ctx.partnership, held, codes_in_file, to_retire, cause)
    if missing:
        what = "retired (values, targets and published versions kept)" if retire else "kept"
        ctx.summary.notes.append(f"held but not in this file, {what}: {', '.join(missing)}")
    if restored:
        ctx.summary.notes.append(f"retired before and in this file again, restored: {', '.join(restored)}")
