"""Targets and commentary edited on the web: read the row a form edits, save it with who and
when, and log old and new values in the change log, all in the caller's transaction.

Each row carries a version (its ``updated_at``): the form remembers the version it showed,
and saving refuses when someone else has saved since, rather than silently overwriting them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.edits import StaleEdit, TargetKey, TargetValues
from reporting.headlines import as_utc
from rules.periods import Quarter
from store.audit import record_change
from store.data_version import bump_partnership_version
from store.input_changes import Cause, record_input_change
from store.models import Commentary, Target
from store.partnerships import partnership_in_force, partnership_of

__all__ = [
    "StaleEdit", "TargetKey", "TargetValues", "commentary_row", "effective_target", "save_commentary", "save_target",
    "target_row", "version",
]  # fmt: skip


def version(row: Target | Commentary | None) -> str:
    """An opaque token that changes whenever the row is saved ('' when there is no row)."""
    if row is None or row.updated_at is None:
        return ""
    # SQLite hands back naive datetimes (stored as UTC), PostgreSQL aware ones: compare instants.
    return as_utc(row.updated_at).isoformat()


def effective_target(session: Session, indicator: str, period: Quarter, area: str, basis: str | None = None) -> Target | None:
    """The row that rates ``indicator`` for ``period`` and ``area``: this area before every
    area, this quarter before the whole year (the order reporting.scoring.find_target uses;
    ``basis`` ``ytd`` leaves out rows with a blank quarter, as it does)."""
    rows = {
        (t.area_code, t.quarter): t
        for t in session.scalars(
            select(Target).where(
                Target.partnership_code == partnership_of(session, area),
                Target.indicator_code == indicator,
                Target.year == period.financial_year.key,
            )
        )
    }
    for key in ((area, period.q), (area, None), (None, period.q), (None, None)):
        if key[1] is None and basis == "ytd":  # see rules.targets: never compared with a year to date
            continue
        if key in rows:
            return rows[key]
    return None


def target_row(session: Session, key: TargetKey, partnership: str | None = None) -> Target | None:
    """The target held at ``key`` by the partnership given (by default the one in force)."""
    query = select(Target).where(
        Target.partnership_code == (partnership or partnership_in_force(session)),
        Target.indicator_code == key.indicator,
        Target.year == key.year,
        Target.quarter.is_(None) if key.quarter is None else Target.quarter == key.quarter,
        Target.area_code.is_(None) if key.area_code is None else Target.area_code == key.area_code,
    )
    return session.scalars(query).first()


def save_target(
    session: Session,
    key: TargetKey,
    values: TargetValues,
    user: str,
    now: datetime,
    expected_version: str | None = None,
    partnership: str | None = None,
) -> bool:
    """Create or update the partnership's target at ``key`` (by default the partnership in force);
    False if nothing changed. ``expected_version`` (from ``version``) guards against overwriting
    someone else's save; None skips the check."""
    partnership = partnership or partnership_in_force(session)
    row = target_row(session, key, partnership)
    if expected_version is not None and version(row) != expected_version:
        raise StaleEdit("target", row.updated_by if row else "someone", row.updated_at if row else None)
    old = TargetValues.of(row) if row else None
    if old == values:
        return False
    if row is None:
        row = Target(
            partnership_code=partnership,
            indicator_code=key.indicator,
            year=key.year,
            quarter=key.quarter,
            area_code=key.area_code,
        )
        session.add(row)
    row.target, row.target_low, row.target_high = values.target, values.low, values.high
    row.tolerance, row.tolerance_type = values.tolerance, values.tolerance_type
    row.updated_by, row.updated_at = user, now
    old_values, new_values = (old.as_dict() if old else None), values.as_dict()
    detail = {"old": old_values, "new": new_values}
    record_change(session, user, "edit", "target", key.label(), detail, at=now)
    record_input_change(
        session,
        Cause(now, user, f"target edited on the web by {user}"),
        "target",
        key.indicator,
        key.label(),
        old_values,
        new_values,
        partnership=partnership,
    )
    bump_partnership_version(session, partnership)
    return True


def commentary_row(session: Session, indicator: str, area: str, period: Quarter) -> Commentary | None:
    return session.scalars(
        select(Commentary).where(
            Commentary.partnership_code == partnership_of(session, area),
            Commentary.indicator_code == indicator,
            Commentary.area_code == area,
            Commentary.period == period.key,
        )
    ).first()


def save_commentary(
    session: Session,
    indicator: str,
    area: str,
    period: Quarter,
    commentary: str,
    corrective_action: str,
    user: str,
    now: datetime,
    expected_version: str | None = None,
) -> bool:
    """Create or update the commentary for one indicator, area and quarter; False if unchanged."""
    row = commentary_row(session, indicator, area, period)
    if expected_version is not None and version(row) != expected_version:
        raise StaleEdit("commentary", row.updated_by if row else "someone", row.updated_at if row else None)
    old = {"commentary": row.commentary, "corrective_action": row.corrective_action} if row else None
    new = {"commentary": commentary, "corrective_action": corrective_action}
    if old == new or (old is None and not commentary and not corrective_action):
        return False
    if row is None:
        row = Commentary(
            partnership_code=partnership_of(session, area), indicator_code=indicator, area_code=area, period=period.key
        )
        session.add(row)
    row.commentary, row.corrective_action = commentary, corrective_action
    row.updated_by, row.updated_at = user, now
    record_change(session, user, "edit", "commentary", f"{indicator} {area} {period.key}", {"old": old, "new": new}, at=now)
    record_input_change(
        session,
        Cause(now, user, f"commentary edited on the web by {user}"),
        "commentary",
        indicator,
        f"{indicator} {area} {period.key}",
        old,
        new,
        partnership=row.partnership_code,
    )
    bump_partnership_version(session, row.partnership_code)
    return True
