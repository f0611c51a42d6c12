"""The set of area codes a load may use, and learning new ones from files that name them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Area


class AreaBook:
    """Known areas (code → (name, level, parent)), kept in step with what a load adds."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.areas = {a.code: (a.name, a.level, a.parent_code) for a in session.scalars(select(Area))}
        self.added: list[str] = []
        self.updated: list[str] = []

    def __contains__(self, code: str) -> bool:
        return code in self.areas

    def learn(self, code: str, name: str, level: str, parent: str | None) -> None:
        """Add or correct an area named by a file (e.g. the Met ward file gives each ward's borough)."""
        current = self.areas.get(code)
        if current == (name, level, parent):
            return
        if current is None:
            self.session.add(Area(code=code, name=name, level=level, parent_code=parent))
            self.added.append(code)
        else:
            area = self.session.get(Area, code)
            area.name, area.level, area.parent_code = name, level, parent
            self.updated.append(code)
        self.areas[code] = (name, level, parent)
