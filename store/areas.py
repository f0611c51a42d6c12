"""The area hierarchy as one in-memory tree per query: ward → borough (district) → London →
England, and district → partnership (CSP) → police force area → England and Wales (issue 21).
A district has its parent and may have further ones (``area_link``); the trees meet only there.

With every ward, district, partnership and force of England and Wales held (7,707 areas),
building the tree takes 50-130 ms and a page asks for it up to a dozen times, so a web
request's tree is kept per shared data version (areas, links and ward generations change only with a load or command that bumps it):
built once after each change, not per call (``store.kept``). Trees are shared: never mutated."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.kept import kept_per_shared_version
from store.models import Area, AreaLink, WardGenerationChoice


@dataclass(frozen=True)
class AreaInfo:
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
        self.children: dict[str, list[str]] = defaultdict(list)
        for a in areas:
            if a.parent_code:
                self.children[a.parent_code].append(a.code)
        # (area, further parent): a district in its partnership as well as its region
        self.links: dict[str, list[str]] = defaultdict(list)
        for code, parent in links:
            if code in self.by_code and parent in self.by_code and code not in self.children[parent]:
                self.children[parent].append(code)
                self.links[code].append(parent)
        # Plain dicts from here: a look-up of a missing key must not add one to a shared tree.
        self.children = dict(self.children)
        self.links = dict(self.links)

    @classmethod
    def load(cls, session: Session) -> AreaTree:
        """The tree as ``session`` sees it; in a web request, the one kept for the shared data
        version (``store.kept``)."""
        return _kept_tree(session)

    @classmethod
    def read(cls, session: Session) -> AreaTree:
        """The tree built from the area tables, now."""
        rows = session.execute(
            select(Area.code, Area.name, Area.level, Area.parent_code, Area.boundary_vintage, Area.retired_into)
        ).all()
        choices = session.execute(
            select(WardGenerationChoice.borough_code, WardGenerationChoice.month, WardGenerationChoice.boundary_vintage)
        )
        # {(borough, month): vintage}: the generation a load used, or the analyst's pick
        links = [(a, p) for a, p in session.execute(select(AreaLink.area_code, AreaLink.parent_code))]
        return cls([AreaInfo(*row) for row in rows], {(b, m): v for b, m, v in choices}, links)

    def parents(self, code: str) -> list[str]:
        """Every parent of ``code``: its own, then the further ones (its partnership, its country)."""
        area = self.by_code.get(code)
        own = [area.parent_code] if area is not None and area.parent_code else []
        return own + [p for p in self.links.get(code, []) if p not in own]

    def ancestors(self, code: str) -> list[str]:
        """Every area above ``code`` on any path, nearest first."""
        out: list[str] = []
        queue = self.parents(code)
        while queue:
            parent = queue.pop(0)
            if parent not in out and parent != code:
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
        pool = self.descendants(within) if within else list(self.by_code)
        return sorted(c for c in pool if self.by_code[c].level == level)


_kept_tree = kept_per_shared_version(AreaTree.read)
