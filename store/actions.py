"""Corrective actions in the database (issue 20 part 4): read them as plain records
(``reporting.actions.ActionEntry``), add, edit and drop them with who and when, each edit in the
change log and the record of input changes (as a commentary edit, so the revisions report
attributes a changed corrective action to it), all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.actions import DROPPED, OPEN, ActionEntry, ActionError, check_status, check_text
from reporting.edits import StaleEdit
from reporting.headlines import as_utc
from rules.periods import Quarter
from store.audit import record_change
from store.data_version import bump_partnership_version
from store.input_changes import Cause, record_input_change
from store.models import CorrectiveAction
from store.partnerships import partnership_in_force, partnership_of

__all__ = [
    "ActionChange", "ActionError", "actions_by_indicator", "add_action", "drop_action", "entry", "list_actions",
    "overdue_actions", "partnerships_of", "update_action",
]  # fmt: skip


def _version(row: CorrectiveAction) -> str:
    at = as_utc(row.updated_at)
    return at.isoformat() if at else ""


def entry(row: CorrectiveAction) -> ActionEntry:
    return ActionEntry(
        row.id, row.indicator_code, row.area_code, row.period, row.text, row.owner or "", row.due_date, row.status, _version(row)
    )


def list_actions(
    session: Session,
    *,
    indicator: str | None = None,
    area: str | None = None,
    periods: Iterable[Quarter] | None = None,
    statuses: Iterable[str] | None = None,
    partnership: str | None = None,
) -> list[ActionEntry]:
    """Actions of ``partnership`` (None: the one reporting on ``area``, else the one in force)
    matching every filter given, by quarter, indicator and the order they were added."""
    partnership = partnership or (partnership_of(session, area) if area is not None else partnership_in_force(session))
    query = select(CorrectiveAction).where(CorrectiveAction.partnership_code == partnership)
    if indicator is not None:
        query = query.where(CorrectiveAction.indicator_code == indicator)
    if area is not None:
        query = query.where(CorrectiveAction.area_code == area)
    if periods is not None:
        query = query.where(CorrectiveAction.period.in_([p.key for p in periods]))
    if statuses is not None:
        query = query.where(CorrectiveAction.status.in_(list(statuses)))
    query = query.order_by(CorrectiveAction.period, CorrectiveAction.indicator_code, CorrectiveAction.id)
    return [entry(r) for r in session.scalars(query)]


def actions_by_indicator(session: Session, area: str, period: Quarter) -> dict[str, list[ActionEntry]]:
    """``{indicator code: its actions set for period}`` for one area."""
    found: dict[str, list[ActionEntry]] = {}
    for a in list_actions(session, area=area, periods=[period]):
        found.setdefault(a.indicator_code, []).append(a)
    return found


def overdue_actions(session: Session, today: date) -> list[ActionEntry]:
    """Every open action due before ``today``, in every partnership, by due date (what an overdue
    notice is sent about: ``partnerships_of`` says whose members it goes to)."""
    rows = session.scalars(
        select(CorrectiveAction)
        .where(CorrectiveAction.status == OPEN, CorrectiveAction.due_date.is_not(None), CorrectiveAction.due_date < today)
        .order_by(CorrectiveAction.due_date, CorrectiveAction.id)
    )
    return [entry(r) for r in rows]


def partnerships_of(session: Session, action_ids: Iterable[int]) -> dict[int, str]:
    """``{action id: the partnership it belongs to}``: whose members an overdue notice goes to."""
    wanted = list(set(action_ids))
    if not wanted:
        return {}
    rows = session.execute(select(CorrectiveAction.id, CorrectiveAction.partnership_code).where(CorrectiveAction.id.in_(wanted)))
    return {action_id: code for action_id, code in rows}


@dataclass(frozen=True)
class ActionChange:
    """What an edit sets: None leaves a field as it is."""

    text: str | None = None
    owner: str | None = None
    due_date: date | None = None
    clear_due_date: bool = False
    status: str | None = None


def _values(row: CorrectiveAction) -> dict[str, str | None]:
    return {
        "text": row.text, "owner": row.owner or "", "due_date": row.due_date.isoformat() if row.due_date else None,
        "status": row.status,
    }  # fmt: skip


def _log(session: Session, row: CorrectiveAction, verb: str, old: dict[str, str | None] | None, user: str, now: datetime) -> None:
    new = _values(row)
    key = f"{row.indicator_code} {row.area_code} {row.period}"
    record_change(session, user, verb, "corrective_action", f"{key} #{row.id}", {"old": old, "new": new}, at=now)
    # As a commentary edit: the revisions report finds what changed a row's corrective action there.
    record_input_change(
        session,
        Cause(now, user, f"corrective action {verb} on the web by {user}"),
        "commentary",
        row.indicator_code,
        key,
        None if old is None else {f"action {row.id} {k}": v for k, v in old.items()},
        {f"action {row.id} {k}": v for k, v in new.items()},
        partnership=row.partnership_code,
    )
    bump_partnership_version(session, row.partnership_code)


def add_action(
    session: Session,
    indicator: str,
    area: str,
    period: Quarter,
    text: str,
    user: str,
    now: datetime,
    *,
    owner: str = "",
    due_date: date | None = None,
    status: str = OPEN,
) -> ActionEntry:
    """Add one action set for ``period``; raises ``ActionError`` for no text or an unknown status."""
    row = CorrectiveAction(
        partnership_code=partnership_of(session, area), indicator_code=indicator, area_code=area, period=period.key, text=check_text(text), owner=(owner or "").strip(),
        due_date=due_date, status=check_status(status), created_by=user, created_at=now, updated_by=user, updated_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()  # its id, for the change log
    _log(session, row, "add", None, user, now)
    return entry(row)


def update_action(
    session: Session, action_id: int, change: ActionChange, user: str, now: datetime, expected_version: str | None = None
) -> ActionEntry | None:
    """Apply ``change`` to the action; None when nothing changed. Raises ``ActionError`` when
    there is no such action or a value is not allowed, and ``StaleEdit`` when
    ``expected_version`` (``ActionEntry.version`` as shown) is not the version held."""
    row = session.get(CorrectiveAction, action_id)
    if row is None:
        raise ActionError(f"there is no corrective action {action_id}")
    if expected_version is not None and _version(row) != expected_version:
        raise StaleEdit("corrective action", row.updated_by, row.updated_at)
    old = _values(row)
    if change.text is not None:
        row.text = check_text(change.text)
    if change.owner is not None:
        row.owner = change.owner.strip()
    if change.clear_due_date:
        row.due_date = None
    elif change.due_date is not None:
        row.due_date = change.due_date
    if change.status is not None:
        row.status = check_status(change.status)
    if _values(row) == old:
        return None
    row.updated_by, row.updated_at = user, now
    _log(session, row, "edit", old, user, now)
    return entry(row)


def drop_action(session: Session, action_id: int, user: str, now: datetime) -> ActionEntry | None:
    """Mark the action dropped (it stays listed, with its outcome)."""
    return update_action(session, action_id, ActionChange(status=DROPPED), user, now)
