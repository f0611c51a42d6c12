"""Quarter targets as a targets upload writes them: the partnership's indicators' polarity and
basis (what the file's rows are checked against), the stored rows of the other form removed,
each file row upserted by its key, and every change recorded against the upload
(``store.input_changes``).

The loader (``loaders.targets``, ``loaders.definitions``) checks the file and decides; this
module only reads and writes the rows it is told to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reporting.edits import TargetKey as TargetCell
from store.input_changes import Cause, record_input_change
from store.models import Indicator, Target

TargetKey = tuple[str, str, int | None, str | None]  # indicator code, year, quarter (None: every quarter), area


@dataclass(frozen=True)
class TargetedIndicator:
    """What a target row is checked against: how the indicator is judged and rated."""

    polarity: str
    basis: str


def targeted_indicators(session: Session, partnership: str) -> dict[str, TargetedIndicator]:
    """The partnership's indicators (retired ones included), by code."""
    own = select(Indicator).where(Indicator.partnership_code == partnership)
    return {i.code: TargetedIndicator(i.polarity, i.basis) for i in session.scalars(own)}


def target_values(
    target: float | None, low: float | None, high: float | None, tolerance: float, tolerance_type: str
) -> dict[str, Any]:
    return {
        "target": target,
        "target_low": low,
        "target_high": high,
        "tolerance": float(tolerance),
        "tolerance_type": tolerance_type,
    }


def _label(key: TargetKey) -> str:
    """The change log's label of a target row (``CSP1 2016-17 Q3 every area``), as the web's edits write it."""
    return TargetCell(*key).label()


def _stored_values(t: Target) -> dict[str, Any]:
    return target_values(t.target, t.target_low, t.target_high, t.tolerance, t.tolerance_type)


def remove_other_form(session: Session, partnership: str, keys: set[TargetKey], cause: Cause) -> list[str]:
    """Delete the stored rows of the other form (every quarter, or single quarters) for each
    indicator, year and area ``keys`` set, recording each removal against ``cause``. Returns
    the removed rows' labels, sorted."""
    blank = {(c, y, a) for c, y, q, a in keys if q is None}
    by_quarter = {(c, y, a) for c, y, q, a in keys if q is not None}
    gone: list[str] = []
    own = select(Target).where(Target.partnership_code == partnership, Target.indicator_code.in_({k[0] for k in keys}))
    for t in session.scalars(own):
        key = (t.indicator_code, t.year, t.area_code)
        if (t.quarter is None and key in by_quarter) or (t.quarter is not None and key in blank):
            label = _label((t.indicator_code, t.year, t.quarter, t.area_code))
            gone.append(label)
            record_input_change(
                session, cause, "target", t.indicator_code, label, _stored_values(t), {"removed": True}, partnership=partnership
            )
            session.execute(delete(Target).where(Target.id == t.id))
    return sorted(gone)


def save_quarter_targets(
    session: Session, partnership: str, rows: Iterable[tuple[TargetKey, dict[str, Any]]], cause: Cause
) -> int:
    """Upsert each ``(key, target_values(...))``; a changed row is stamped with ``cause`` and
    its change recorded, an unchanged one keeps who last changed it and when (so a revision is
    not blamed on a file that repeats it). Returns how many rows were held already."""
    existing = {
        (t.indicator_code, t.year, t.quarter, t.area_code): t
        for t in session.scalars(select(Target).where(Target.partnership_code == partnership))
    }
    replaced = 0
    for key, values in rows:
        item = existing.get(key)
        before = None if item is None else _stored_values(item)
        if item is None:
            item = Target(partnership_code=partnership, indicator_code=key[0], year=key[1], quarter=key[2], area_code=key[3])
            session.add(item)
        else:
            replaced += 1
        if before == values:
            continue
        item.target, item.target_low, item.target_high = values["target"], values["target_low"], values["target_high"]
        item.tolerance, item.tolerance_type = values["tolerance"], values["tolerance_type"]
        item.updated_by, item.updated_at = cause.by, cause.at
        record_input_change(session, cause, "target", key[0], _label(key), before, values, partnership=partnership)
    return replaced
