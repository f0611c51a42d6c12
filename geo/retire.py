"""Re-loading boundaries retires what they replace.

Loading a vintage's outlines again from another file (the London Datastore's City-merged 2018
wards after the full 2018 set) replaces some areas by others: the 25 City wards by one City
outline. Left in place, the 24 old wards keep the figures placed in them and sit beside the
enlarged ward, so the City is counted once in them and again in it. An area held in the
vintage, absent from the new file and lying (mostly) inside the new file's outlines is
retired: its outline leaves the vintage, and its placed figures move into the new area that
holds most of it (each count keeps its month and category) or, when no one area does, are
cleared. The area itself is kept, marked retired, so uploads and the change log still name it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import shapely

from store.area_retirement import retire_areas
from store.boundary_queries import outline_rows
from store.db import Session

# An old area is replaced when at least this share of it lies inside the new file's outlines;
# its figures go into one new area when that much lies inside that area.
REPLACED_SHARE = 0.5


@dataclass
class Retired:
    into: dict[str, str] = field(default_factory=dict)  # old code -> new code ("" when cleared)
    moved: int = 0  # count values moved into the new areas
    cleared: int = 0  # count values cleared (no one new area holds the old one)

    def notes(self, vintage: str, names: dict[str, str]) -> list[str]:
        if not self.into:
            return []
        by_new: dict[str, list[str]] = defaultdict(list)
        for old, new in sorted(self.into.items()):
            by_new[new].append(old)
        parts = [
            (f"{len(olds)} into {names.get(new, new)} ({new})" if new else f"{len(olds)} with no one successor")
            for new, olds in sorted(by_new.items())
        ]
        text = f"{len(self.into)} areas of vintage {vintage} retired, replaced by this file's outlines: {'; '.join(parts)}"
        return [text + f"; {self.moved:,} values moved into their successors, {self.cleared:,} cleared"]


def retire_replaced(
    session: Session, level: str, vintage: str, codes: list[str], geometries: list, upload_id: int | None
) -> Retired:
    """Retire the areas of ``vintage`` at ``level`` that this file's outlines (``codes``,
    ``geometries``, WGS84) replace; move or clear their figures. Call after the new outlines
    are stored, in the load's transaction."""
    new_codes = set(codes)
    held = [(code, shapely.from_wkb(wkb)) for code, wkb in outline_rows(session, level, vintage) if code not in new_codes]
    retired = Retired()
    if not held or not geometries:
        return retired
    tree = shapely.STRtree(geometries)
    for code, old in held:
        area = old.area
        if area <= 0:
            continue
        overlaps = {codes[i]: old.intersection(geometries[i]).area / area for i in tree.query(old)}
        if sum(overlaps.values()) < REPLACED_SHARE:
            continue  # outside this file: a partial file does not replace what it does not cover
        best = max(overlaps, key=overlaps.__getitem__)
        retired.into[code] = best if overlaps[best] >= REPLACED_SHARE else ""
    if not retired.into:
        return retired
    retired.moved, retired.cleared = retire_areas(session, vintage, retired.into, upload_id)
    return retired
