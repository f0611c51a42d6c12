"""What each upload or edit changed in the inputs a rating reads besides the figures: indicator
definitions, targets and commentary (figures carry their upload's id on every stored row).

Every path that changes one of these writes an ``input_change`` row in the same transaction, and
only when a value really changed, so a revision since publication is blamed on the upload or
edit that caused it, never on a later file that happened to repeat the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import InputChange

# The key of ``InputChange.detail`` naming the partnership whose input changed: two partnerships
# may each have an indicator CSP1, and one's edit must not be blamed for the other's revision.
PARTNERSHIP = "partnership"
# Definition fields that change what is rated and how (not just its wording).
RATING_FIELDS = ("unit", "polarity", "basis", "measure", "rated", "rag_comparison", "comparator_area", "retired")


@dataclass(frozen=True)
class Cause:
    """Who and what made a change: an upload (``upload_id``) or an edit."""

    at: datetime
    by: str
    source: str  # "upload 12 (indicators): indicators.csv", "target edited on the web by priya"
    upload_id: int | None = None


def upload_cause(upload_id: int | None, kind: str, file_name: str, by: str, at: datetime) -> Cause:
    return Cause(at, by, f"upload {upload_id} ({kind}): {file_name}", upload_id)


def changed_fields(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """The fields of ``new`` that differ from ``old`` (all of them when there was no ``old``)."""
    if old is None:
        return list(new)
    return [k for k, v in new.items() if old.get(k) != v]


def record_input_change(
    session: Session,
    cause: Cause,
    entity: str,
    indicator_code: str,
    key: str,
    old: dict[str, Any] | None,
    new: dict[str, Any],
    *,
    partnership: str,
) -> list[str]:
    """Record the change from ``old`` to ``new`` to an input of ``partnership`` (nothing when
    they are equal); returns the fields that changed."""
    fields = changed_fields(old, new)
    if not fields:
        return []
    detail = {"old": None if old is None else {k: old.get(k) for k in fields}, "new": {k: new[k] for k in fields}}
    session.add(
        InputChange(
            at=cause.at, by=cause.by, upload_id=cause.upload_id, source=cause.source, entity=entity,
            indicator_code=indicator_code, key=key, fields=",".join(fields), detail={**detail, PARTNERSHIP: partnership},
        )
    )  # fmt: skip
    return fields


def input_changes(session: Session, indicator_code: str, entities: tuple[str, ...], partnership: str) -> list[InputChange]:
    """The recorded changes to one indicator's ``entities`` in ``partnership``, oldest first.
    Changes recorded before partnerships were (naming none) were the only partnership's: they
    are kept for every partnership, as they were read before."""
    rows = session.scalars(
        select(InputChange)
        .where(InputChange.indicator_code == indicator_code, InputChange.entity.in_(entities))
        .order_by(InputChange.at, InputChange.id)
    )
    return [row for row in rows if (row.detail or {}).get(PARTNERSHIP, partnership) == partnership]
