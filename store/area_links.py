"""An area's further parents (``area_link``, issue 21): what the district → partnership lookup
writes beside ``Area.parent_code``."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.models import Area, AreaLink

REPLACED_LEVELS = ("csp", "country")  # the further parents a lookup says and a later one replaces


def replace_links(session: Session, areas: list[str], links: list[tuple[str, str]], upload_id: int | None) -> tuple[int, int]:
    """Make ``links`` ((area, parent)) the further partnership and country parents of ``areas``;
    other further parents stay. Returns (added, removed)."""
    session.flush()  # areas learnt by this load are written first
    held = [
        (a, p) for a, p in session.execute(select(AreaLink.area_code, AreaLink.parent_code).where(AreaLink.area_code.in_(areas)))
    ]
    parents = {p for _, p in held}
    levels = {c: lv for c, lv in session.execute(select(Area.code, Area.level).where(Area.code.in_(parents)))}
    wanted = set(links)
    stale = [(a, p) for a, p in held if levels.get(p) in REPLACED_LEVELS and (a, p) not in wanted]
    for area, parent in stale:
        session.execute(delete(AreaLink).where(AreaLink.area_code == area, AreaLink.parent_code == parent))
    new = sorted(wanted - set(held))
    session.add_all(AreaLink(area_code=a, parent_code=p, upload_id=upload_id) for a, p in new)
    session.flush()
    return len(new), len(stale)
