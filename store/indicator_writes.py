"""Indicator definitions as a definitions upload writes them: the held definitions as plain
dicts, each file row upserted by its code, and the retiring or restoring the analyst chose, with
every definition change recorded against the upload (``store.input_changes``).

The loader (``loaders.indicators``, ``loaders.definitions``) checks the file and decides; this
module only reads and writes the rows it is told to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.input_changes import Cause, record_input_change
from store.models import Indicator

DEFINITION_FIELDS = (
    "name", "goal", "unit", "polarity", "basis", "measure", "rated", "description", "comparator_area",
    "comparator_label", "rag_comparison",
)  # fmt: skip


def definition(indicator: Indicator) -> dict[str, object]:
    data: dict[str, object] = {f: getattr(indicator, f) for f in DEFINITION_FIELDS}
    data["rated"] = bool(data["rated"])
    data["retired"] = indicator.retired_at is not None
    return data


def _held(session: Session, partnership: str) -> list[Indicator]:
    return list(session.scalars(select(Indicator).where(Indicator.partnership_code == partnership)))


def held_definitions(session: Session, partnership: str) -> dict[str, dict[str, object]]:
    """Each of the partnership's indicators' definition, by code (retired ones included)."""
    return {i.code: definition(i) for i in _held(session, partnership)}


def save_definitions(session: Session, partnership: str, rows: Iterable[Mapping[str, object]]) -> int:
    """Upsert each row (``code`` and the ``DEFINITION_FIELDS`` but ``retired``) by its code; new
    indicators go after the held ones, in file order. Returns how many were held already."""
    existing = {i.code: i for i in _held(session, partnership)}
    next_order = max((i.sort_order for i in existing.values()), default=0) + 1
    replaced = 0
    for position, row in enumerate(rows):
        indicator = existing.get(str(row["code"]))
        if indicator is None:
            indicator = Indicator(partnership_code=partnership, code=row["code"], sort_order=next_order + position)
            session.add(indicator)
        else:
            replaced += 1
        for field in DEFINITION_FIELDS:
            setattr(indicator, field, row[field])
    session.flush()
    return replaced


def retire_or_restore(
    session: Session,
    partnership: str,
    held: Mapping[str, dict[str, object] | None],
    codes_in_file: set[str],
    to_retire: set[str],
    cause: Cause,
) -> list[str]:
    """Retire ``to_retire``, restore the retired indicators the file holds again, and record
    each indicator's change since ``held`` (its definitions before the load) against ``cause``.
    Returns the codes restored, sorted."""
    restored = []
    for indicator in _held(session, partnership):
        if indicator.code in codes_in_file:
            if indicator.retired_at is not None:
                indicator.retired_at = None
                restored.append(indicator.code)
        elif indicator.code in to_retire:
            indicator.retired_at = cause.at
        record_input_change(
            session, cause, "indicator", indicator.code, indicator.code, held.get(indicator.code), definition(indicator),
            partnership=partnership,
        )  # fmt: skip
    return sorted(restored)
