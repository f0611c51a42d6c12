"""The area tree's answers (issue 23 part 3: built cheaply at national volume) are those of a
plain walk of the same areas and links, on a generated hierarchy with a partnership and a
country linked above districts, links repeated and links to areas not held; and the tree read
from each database answers as the one built from the same rows."""

from __future__ import annotations

import random

import pytest

from store.areas import AreaInfo, AreaTree
from store.db import session_scope
from store.models import Area, AreaLink


def hierarchy(seed: int) -> tuple[list[AreaInfo], list[tuple[str, str]]]:
    """Country → forces → partnerships, regions → districts → wards; each district linked to a
    partnership and to the country; some links repeated, some to or from areas not held, some
    repeating a district's own parent."""
    rng = random.Random(seed)
    areas = [AreaInfo("EW", "England and Wales", "country", None), AreaInfo("R1", "Region one", "region", None)]
    areas.append(AreaInfo("R2", "Region two", "region", "EW"))
    links: list[tuple[str, str]] = []
    partnerships = []
    for f in range(3):
        areas.append(AreaInfo(f"F{f}", f"Force {f}", "pfa", "EW"))
        for p in range(rng.randint(1, 3)):
            partnerships.append(f"F{f}P{p}")
            areas.append(AreaInfo(f"F{f}P{p}", f"Partnership {f}.{p}", "csp", f"F{f}"))
    for d in range(12):
        district = f"D{d:02}"
        areas.append(AreaInfo(district, f"District {d}", "borough", rng.choice(["R1", "R2"])))
        links += [(district, rng.choice(partnerships)), (district, "EW")]
        if rng.random() < 0.3:
            links.append(links[-2])  # the same link twice
        if rng.random() < 0.2:
            links.append((district, areas[-1].parent_code or ""))  # its own parent again
        for w in range(rng.randint(0, 4)):
            vintage = rng.choice([None, "2018", "2022"])
            retired = f"{district}W{w + 1}" if rng.random() < 0.1 else None
            areas.append(AreaInfo(f"{district}W{w}", f"Ward {d}.{w}", "ward", district, vintage, retired))
    links += [("D00", "NOT-HELD"), ("NOT-HELD", "EW"), ("D01W0", "D02")]  # the last: a ward also in another district
    rng.shuffle(areas)
    rng.shuffle(links)
    return areas, links


def walked(areas: list[AreaInfo], links: list[tuple[str, str]]) -> dict[str, object]:
    """Each answer by the plainest walk: parents from the rows, then the links held."""
    by_code = {a.code: a for a in areas}
    kept_links: list[tuple[str, str]] = []
    for code, parent in links:
        if code in by_code and parent in by_code and by_code[code].parent_code != parent and (code, parent) not in kept_links:
            kept_links.append((code, parent))

    def parents(code: str) -> list[str]:
        own = [by_code[code].parent_code] if code in by_code and by_code[code].parent_code else []
        return own + [p for c, p in kept_links if c == code and p not in own]

    def children(code: str) -> list[str]:
        return [a.code for a in areas if a.parent_code == code] + [c for c, p in kept_links if p == code]

    def ancestors(code: str) -> list[str]:
        out, frontier = [], parents(code)
        while frontier:
            nxt = []
            for p in frontier:
                if p != code and p not in out:
                    out.append(p)
                    nxt.append(p)
            frontier = [q for p in nxt for q in parents(p)]
        return out

    def descendants(code: str) -> set[str]:
        out: set[str] = set()
        todo = children(code)
        while todo:
            c = todo.pop()
            if c != code and c not in out:
                out.add(c)
                todo += children(c)
        return out

    codes = sorted(by_code) + ["NOT-HELD"]
    levels = sorted({a.level for a in areas}) + ["nation"]
    return {
        "parents": {c: parents(c) for c in codes},
        "children": {c: children(c) for c in codes if children(c)},
        "ancestors": {c: ancestors(c) for c in codes},
        "descendants": {c: descendants(c) for c in codes},
        "at_level": {lv: sorted(c for c in by_code if by_code[c].level == lv) for lv in levels},
        "at_level_within": {(lv, c): sorted(d for d in descendants(c) if by_code[d].level == lv) for lv in levels for c in codes},
        "name": {c: by_code[c].name if c in by_code else c for c in codes},
    }


def answers(tree: AreaTree, codes: list[str], levels: list[str]) -> dict[str, object]:
    return {
        "parents": {c: tree.parents(c) for c in codes},
        "children": dict(tree.children),
        "ancestors": {c: tree.ancestors(c) for c in codes},
        "descendants": {c: set(tree.descendants(c)) for c in codes},
        "at_level": {lv: tree.at_level(lv) for lv in levels},
        "at_level_within": {(lv, c): tree.at_level(lv, within=c) for lv in levels for c in codes},
        "name": {c: tree.name(c) for c in codes},
    }


@pytest.mark.parametrize("seed", range(20))
def test_the_trees_answers_are_a_plain_walks(seed):
    areas, links = hierarchy(seed)
    tree = AreaTree(areas, {}, links)
    expected = walked(areas, links)
    codes = sorted(tree.by_code) + ["NOT-HELD"]
    got = answers(tree, codes, sorted({a.level for a in areas}) + ["nation"])
    for key, value in expected.items():
        assert got[key] == value, key
    assert tree.with_ancestors(["D00W0", "D03"]) == {"D00W0", "D03"} | set(tree.ancestors("D00W0")) | set(tree.ancestors("D03"))
    # The tree is shared between requests: what it hands out may be changed by the caller.
    tree.at_level("ward").clear()
    assert tree.at_level("ward") == expected["at_level"]["ward"]  # type: ignore[index]


def test_the_tree_read_from_the_database_answers_as_the_rows_do(engine):
    areas, links = hierarchy(7)
    with session_scope(engine) as session:
        before = AreaTree.read(session)  # the areas a fresh database holds (London's boroughs)
        held_before = list(before.by_code.values())
        links_before = [(c, p) for c, parents in before.links.items() for p in parents]
        pending = {a.code: a for a in areas}
        while pending:  # parents first: the area table's parent is a foreign key
            ready = [a for a in pending.values() if a.parent_code is None or a.parent_code not in pending]
            for a in ready:
                session.add(Area(**a._asdict()))
                del pending[a.code]
            session.flush()
        held = {(c, p) for c, p in links if c != "NOT-HELD" and p != "NOT-HELD"}
        session.add_all(AreaLink(area_code=c, parent_code=p) for c, p in sorted(held))
        session.flush()
        tree = AreaTree.read(session)
        link_rows = sorted(held)
    built = AreaTree(held_before + areas, {}, links_before + link_rows)
    codes = sorted(built.by_code)
    levels = sorted({a.level for a in areas})
    assert tree.by_code == built.by_code
    assert tree.by_code["D00"] == AreaInfo("D00", "District 0", "borough", built.by_code["D00"].parent_code)
    assert answers(tree, codes, levels) | {"children": None} == answers(built, codes, levels) | {"children": None}
    assert {p: sorted(c) for p, c in tree.children.items()} == {p: sorted(c) for p, c in built.children.items()}
