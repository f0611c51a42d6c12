"""The set of area codes a load may use, and learning new ones from files that name them: the
loaders keep it in step with what they add (``loaders/context.py`` holds one per load)."""

from __future__ import annotations

from sqlalchemy import select

from store.db import Session
from store.models import Area


class AreaBook:
    """Known areas (code → (name, level, parent)), kept in step with what a load adds."""

    def __init__(self, session: Session) -> None:
        self.session = session
        held = list(session.scalars(select(Area)))
        self.areas = {a.code: (a.name, a.level, a.parent_code) for a in held}
        self.vintages = {a.code: a.boundary_vintage for a in held}
        self.added: list[str] = []
        self.updated: list[str] = []
        # Areas held before this load whose ward generation it changed: their borough's
        # coverage can change in any month, not only in the months the load wrote.
        self.generations_changed: list[str] = []

    def __contains__(self, code: str) -> bool:
        return code in self.areas

    def learn(self, code: str, name: str, level: str, parent: str | None, vintage: str | None = None) -> None:
        """Add or correct an area named by a file (e.g. the Met ward file gives each ward's
        borough); ``vintage``: a new ward's generation, as the file's layout tells it."""
        current = self.areas.get(code)
        if current == (name, level, parent):
            return
        if current is None:
            self.session.add(Area(code=code, name=name, level=level, parent_code=parent, boundary_vintage=vintage))
            self.vintages[code] = vintage
            self.added.append(code)
        else:
            area = self.session.get_one(Area, code)  # held, or added (and flushed) by this load
            area.name, area.level, area.parent_code = name, level, parent
            self.updated.append(code)
        self.areas[code] = (name, level, parent)

    def set_generation(self, code: str, vintage: str | None, only_if_unknown: bool = False) -> None:
        """Record a ward's boundary generation (``rules.ward_generations``); ``only_if_unknown``:
        keep one already known (outlines held for the code say better than a file's layout)."""
        if vintage is None or self.vintages.get(code) == vintage or (only_if_unknown and self.vintages.get(code)):
            return
        self.session.flush()  # an area learnt in this load is written first
        area = self.session.get(Area, code)
        if area is not None:
            if code not in self.added:
                self.generations_changed.append(code)
            area.boundary_vintage = vintage
            self.vintages[code] = vintage
