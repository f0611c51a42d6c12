"""Groups of similar areas as stored (``comparison_group_member``): written by
``loaders.comparison_groups``, read when a comparator names ``group:<name>``."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.models import ComparisonGroupMember


def replace_groups(session: Session, members: dict[str, list[str]], upload_id: int | None) -> tuple[int, int]:
    """Store each named group's members, replacing what was held for those groups (others are
    kept); returns (stored, replaced)."""
    replaced = 0
    for name in members:
        result = session.execute(delete(ComparisonGroupMember).where(ComparisonGroupMember.group_name == name))
        replaced += int(getattr(result, "rowcount", 0) or 0)
    session.add_all(
        ComparisonGroupMember(group_name=name, area_code=code, upload_id=upload_id)
        for name, codes in members.items()
        for code in codes
    )
    session.flush()
    return sum(len(codes) for codes in members.values()), replaced


def group_names(session: Session) -> set[str]:
    return set(session.scalars(select(ComparisonGroupMember.group_name).distinct()))


def group_members(session: Session, name: str) -> list[str] | None:
    """The group's member codes, sorted; None when no group of that name is held."""
    codes = sorted(session.scalars(select(ComparisonGroupMember.area_code).where(ComparisonGroupMember.group_name == name)))
    return codes or None
