"""The area hierarchy as one in-memory tree per query: ward → borough (district) → London →
England, and district → partnership (CSP) → police force area → England and Wales (issue 21).
A district has its parent and may have further ones (``area_link``); the trees meet only there.

With every ward, district, partnership and force of England and Wales held (7,707 areas),
reading and building the tree takes 16-60 ms and a page asks for it up to a dozen times, so a web
request's tree is kept per area tree version, which every write to the areas, their links and
the ward generations raises (``store.area_changes``): built once after each such change, not
per call nor after each load of figures (``store.kept``). Trees are shared: never mutated."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.kept import kept_per_areas_version
from store.models import Area, AreaLink, WardGenerationChoice


class AreaInfo(NamedTuple):
    """One area. A named tuple, not a frozen dataclass: built 7,707 times per tree at national
    volume, where a frozen dataclass's ``__init__`` cost a third of the tree's build."""

    code: str
    name: str
    level: str
    parent_code: str | None
    boundary_vintage: str | None = None  # a ward's generation ("2018", "2022"); None: not known
    retired_into: str | None = None  # set when a later boundary load replaced the area (geo/retire.py)


class AreaTree:
    def __init__(
        self,
        areas: list[AreaInfo],
        generation_choices: dict[tuple[str, str], str] | None = None,
        links: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.by_code = {a.code: a for a in areas}
        # {(borough, month): vintage} covering it: the most recent load's, or the analyst's pick.
        self.generation_choices = generation_choices or {}
        children: dict[str, list[str]] = {}
        for a in areas:
            if a.parent_code:
                if (siblings := children.get(a.parent_code)) is None:
                    children[a.parent_code] = [a.code]
                else:
                    siblings.append(a.code)
        by_level: dict[str, list[str]] = {}
        for a in self.by_code.values():
            if (same := by_level.get(a.level)) is None:
                by_level[a.level] = [a.code]
            else:
                same.append(a.code)
        # (area, further parent): a district in its partnership as well as its region
        further: dict[str, list[str]] = {}
        held: dict[str, set[str]] = {}  # a linked parent's children, as a set: a link repeats none
        for code, parent in links:
            if code in self.by_code and parent in self.by_code:
                if (below := held.get(parent)) is None:
                    below = held[parent] = set(children.get(parent, ()))
                if code not in below:
                    below.add(code)
                    children.setdefault(parent, []).append(code)
                    further.setdefault(code, []).append(parent)
        # Plain dicts: a look-up of a missing key must not add one to a shared tree.
        self.children: dict[str, list[str]] = children
        self.links: dict[str, list[str]] = further
        self._by_level = {level: sorted(codes) for level, codes in by_level.items()}

    @classmethod
    def load(cls, session: Session) -> AreaTree:
        """The tree as ``session`` sees it; in a web request, the one kept for the shared data
        version (``store.kept``)."""
        return _kept_tree(session)

    @classmethod
    def read(cls, session: Session) -> AreaTree:
        """The tree built from the area tables, now."""
        areas = list(
            map(
                AreaInfo._make,
                session.execute(
                    select(Area.code, Area.name, Area.level, Area.parent_code, Area.boundary_vintage, Area.retired_into)
                ),
            )
        )
        choices = session.execute(
            select(WardGenerationChoice.borough_code, WardGenerationChoice.month, WardGenerationChoice.boundary_vintage)
        )
        # {(borough, month): vintage}: the generation a load used, or the analyst's pick
        links = [(a, p) for a, p in session.execute(select(AreaLink.area_code, AreaLink.parent_code))]
        return cls(areas, {(b, m): v for b, m, v in choices}, links)

    def parents(self, code: str) -> list[str]:
        """Every parent of ``code``: its own, then the further ones (its partnership, its country)."""
        area = self.by_code.get(code)
        own = [area.parent_code] if area is not None and area.parent_code else []
        return own + [p for p in self.links.get(code, []) if p not in own]

    def ancestors(self, code: str) -> list[str]:
        """Every area above ``code`` on any path, nearest first."""
        out: list[str] = []
        seen = {code}
        queue = deque(self.parents(code))
        while queue:
            parent = queue.popleft()
            if parent not in seen:
                seen.add(parent)
                out.append(parent)
                queue.extend(self.parents(parent))
        return out

    def name(self, code: str) -> str:
        area = self.by_code.get(code)
        return area.name if area else code

    def descendants(self, code: str) -> list[str]:
        out: list[str] = []
        stack = list(self.children.get(code, []))
        seen = {code}
        while stack:
            child = stack.pop()
            if child in seen:
                continue
            seen.add(child)
            out.append(child)
            stack.extend(self.children.get(child, []))
        return out

    def with_ancestors(self, codes: Iterable[str]) -> set[str]:
        """``codes`` and every area above any of them: the areas whose figures theirs feed."""
        out = set(codes)
        for code in list(out):
            out.update(self.ancestors(code))
        return out

    def with_descendants(self, codes: Iterable[str]) -> list[str]:
        """``codes`` and every area below any of them, sorted: the areas whose rows feed their figures."""
        out = set(codes)
        for code in list(out):
            out.update(self.descendants(code))
        return sorted(out)

    def at_level(self, level: str, within: str | None = None) -> list[str]:
        if not within:
            return list(self._by_level.get(level, ()))  # a copy: the tree is shared
        return sorted(c for c in self.descendants(within) if self.by_code[c].level == level)


_kept_tree = kept_per_areas_version(AreaTree.read)
