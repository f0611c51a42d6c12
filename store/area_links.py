"""An area's further parents (``area_link``, issue 21): what the district → partnership lookup
and the district → region lookup write beside ``Area.parent_code``."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.models import Area, AreaLink

REPLACED_LEVELS = ("csp", "country")  # the further parents a lookup says and a later one replaces
# A district reaches its country once: through its region (which sits in its country) or,
# where no region is held for it, straight to its country. Both at once would count it twice
# in the country's total, so a region lookup replaces either.
GEOGRAPHY_LEVELS = ("region", "country")


def replace_links(
    session: Session,
    areas: list[str],
    links: list[tuple[str, str]],
    upload_id: int | None,
    levels: tuple[str, ...] = REPLACED_LEVELS,
) -> tuple[int, int]:
    """Make ``links`` ((area, parent)) the further parents of ``areas`` at ``levels`` (by
    default partnership and country); other further parents stay. Returns (added, removed)."""
    session.flush()  # areas learnt by this load are written first
    held = [
        (a, p) for a, p in session.execute(select(AreaLink.area_code, AreaLink.parent_code).where(AreaLink.area_code.in_(areas)))
    ]
    parents = {p for _, p in held}
    level_of = {c: lv for c, lv in session.execute(select(Area.code, Area.level).where(Area.code.in_(parents)))}
    wanted = set(links)
    stale = [(a, p) for a, p in held if level_of.get(p) in levels and (a, p) not in wanted]
    for area, parent in stale:
        session.execute(delete(AreaLink).where(AreaLink.area_code == area, AreaLink.parent_code == parent))
    new = sorted(wanted - set(held))
    session.add_all(AreaLink(area_code=a, parent_code=p, upload_id=upload_id) for a, p in new)
    session.flush()
    return len(new), len(stale)


def region_links(session: Session, areas: list[str]) -> dict[str, str]:
    """{district: the region it is linked to} for those of ``areas`` a region lookup placed."""
    stmt = (
        select(AreaLink.area_code, AreaLink.parent_code)
        .join(Area, Area.code == AreaLink.parent_code)
        .where(AreaLink.area_code.in_(areas), Area.level == "region")
    )
    return {str(a): str(p) for a, p in session.execute(stmt)}
