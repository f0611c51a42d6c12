"""Commentary and corrective actions as a commentary upload writes them: each row's commentary
upserted by indicator, area and quarter, and its corrective action text added as one open action
unless the quarter already holds an action with that text, every change recorded against the
upload (``store.input_changes``).

The loader (``loaders.commentary``) checks the file; this module only writes what it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.input_changes import Cause, record_input_change
from store.models import Commentary, CorrectiveAction


@dataclass(frozen=True)
class CommentaryRow:
    """One checked row of a commentary file (``corrective_action``: blank for none)."""

    indicator_code: str
    area_code: str
    period: str
    commentary: str
    corrective_action: str


def save_commentary_rows(session: Session, partnership: str, rows: Iterable[CommentaryRow], cause: Cause) -> int:
    """Store each row against ``cause`` (who and when); returns how many commentaries were held already.
    A commentary that is unchanged keeps who last changed it and when, and records nothing, so a
    revision is not blamed on a file that repeats it."""
    rows = list(rows)
    periods = {r.period for r in rows}
    existing = {
        (c.indicator_code, c.area_code, c.period): c
        for c in session.scalars(
            select(Commentary).where(Commentary.partnership_code == partnership, Commentary.period.in_(periods))
        )
    }
    held_actions = {
        (a.indicator_code, a.area_code, a.period, a.text.strip())
        for a in session.scalars(
            select(CorrectiveAction).where(CorrectiveAction.partnership_code == partnership, CorrectiveAction.period.in_(periods))
        )
    }
    replaced = 0
    for row in rows:
        code, area, period = row.indicator_code, row.area_code, row.period
        key = f"{code} {area} {period}"
        action = row.corrective_action.strip()
        if action and (code, area, period, action) not in held_actions:
            held_actions.add((code, area, period, action))
            session.add(
                CorrectiveAction(
                    partnership_code=partnership, indicator_code=code, area_code=area, period=period, text=action,
                    owner="", due_date=None, status="open", created_by=cause.by, created_at=cause.at,
                    updated_by=cause.by, updated_at=cause.at,
                )
            )  # fmt: skip
            record_input_change(
                session, cause, "commentary", code, key, None, {"corrective_action": action}, partnership=partnership
            )
        item = existing.get((code, area, period))
        before = None if item is None else {"commentary": item.commentary}
        if item is None:
            item = Commentary(
                partnership_code=partnership, indicator_code=code, area_code=area, period=period, corrective_action=""
            )
            session.add(item)
        else:
            replaced += 1
        after = {"commentary": row.commentary}
        if before == after:
            continue
        item.commentary, item.updated_by, item.updated_at = row.commentary, cause.by, cause.at
        record_input_change(session, cause, "commentary", code, key, before, after, partnership=partnership)
    return replaced
