"""Ward generations in the database: which generations a borough holds, the analyst's picks,
and what a load of ward figures does to them (rules in ``rules.ward_generations``).

A borough-month is covered by one generation of wards (``store.counts`` sums only its wards):
the one the most recent load of that borough-month used, unless the analyst picked another.
A load of ward figures records its generation for the borough-months it loads that hold
another generation too (``ward_generation_choice``; a re-load that changes no figure keeps the
figures' uploads, so uploads alone cannot tell which load came last), or, asked to keep the
generation held (``--keep-held-wards``), records that one as the analyst's pick.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from rules.ward_generations import UNKNOWN, chosen_generation, current_generation, generation_label, month_name
from sources.registry import counted
from store.areas import AreaTree
from store.bulk import IN_LIMIT
from store.counts import SOURCES
from store.kept import kept_per_shared_version
from store.models import WardGenerationChoice

BoroughMonth = tuple[str, str]
# A month's change of generation: (held vintage, wards held, the file's vintage, wards in the file).
Switch = tuple[str, int, str, int]
_Described = TypeVar("_Described")


def generation(tree: AreaTree, ward: str) -> str:
    return tree.by_code[ward].boundary_vintage or UNKNOWN


def wards_by_generation(tree: AreaTree, borough: str) -> dict[str, list[str]]:
    """{vintage: ward codes} of a borough's wards."""
    out: dict[str, list[str]] = defaultdict(list)
    for child in tree.children.get(borough, []):
        if tree.by_code[child].level == "ward":
            out[generation(tree, child)].append(child)
    return dict(out)


def known_generations(tree: AreaTree, borough: str) -> dict[str, list[str]]:
    """{vintage: ward codes} of a borough's wards whose generation is known (a ward of unknown
    generation counts with whichever generation covers a month: ``store.counts``)."""
    return {v: ws for v, ws in wards_by_generation(tree, borough).items() if v != UNKNOWN}


def mixed_boroughs(tree: AreaTree) -> list[str]:
    """Boroughs holding wards of more than one (known) generation."""
    return sorted(b for b in tree.at_level("borough") if len(known_generations(tree, b)) > 1)


@dataclass(frozen=True)
class WardSpan:
    """A ward's first and last month of figures in a source."""

    first: str
    last: str


def ward_spans(session: Session, source: str, wards: Iterable[str]) -> dict[str, WardSpan]:
    model = SOURCES[source]
    wards = sorted(set(wards))
    out: dict[str, WardSpan] = {}
    for start in range(0, len(wards), IN_LIMIT):
        stmt = (
            select(model.area_code, func.min(model.month), func.max(model.month))
            .where(model.area_code.in_(wards[start : start + IN_LIMIT]))
            .group_by(model.area_code)
        )
        out.update({code: WardSpan(lo, hi) for code, lo, hi in session.execute(stmt)})
    return out


def held_by_generation(
    session: Session, source: str, tree: AreaTree, boroughs: Iterable[str]
) -> dict[BoroughMonth, dict[str, tuple[int, int]]]:
    """{(borough, month): {vintage: (wards with figures, latest upload)}} for ``boroughs``."""
    model = SOURCES[source]
    borough_of = {w: b for b in boroughs for ws in known_generations(tree, b).values() for w in ws}
    wards = sorted(borough_of)
    found: dict[BoroughMonth, dict[str, list[int]]] = defaultdict(dict)
    for start in range(0, len(wards), IN_LIMIT):
        stmt = (
            select(model.area_code, model.month, func.max(model.upload_id))
            .where(model.area_code.in_(wards[start : start + IN_LIMIT]))
            .group_by(model.area_code, model.month)
        )
        for ward, month, upload in session.execute(stmt):
            key = (borough_of[ward], month)
            held = found[key].setdefault(generation(tree, ward), [0, -1])
            held[0] += 1
            held[1] = max(held[1], upload if upload is not None else -1)
    return {k: {v: (n, u) for v, (n, u) in per.items()} for k, per in found.items()}


@dataclass(frozen=True)
class Choice:
    vintage: str
    picked: bool  # by the analyst; False: the generation of the most recent load


def choices(session: Session, borough: str | None = None) -> dict[BoroughMonth, Choice]:
    t = WardGenerationChoice
    stmt = select(t.borough_code, t.month, t.boundary_vintage, t.picked)
    if borough is not None:
        stmt = stmt.where(t.borough_code == borough)
    return {(b, m): Choice(v, bool(p)) for b, m, v, p in session.execute(stmt)}


def set_choices(session: Session, picks: dict[BoroughMonth, Choice | None], user: str) -> None:
    """Record (or, for ``None``, remove) the generation covering each borough-month."""
    by_borough: dict[str, list[str]] = defaultdict(list)
    for borough, month in sorted(picks):
        by_borough[borough].append(month)
    for borough, months in by_borough.items():
        for start in range(0, len(months), IN_LIMIT):
            session.execute(
                delete(WardGenerationChoice).where(
                    WardGenerationChoice.borough_code == borough, WardGenerationChoice.month.in_(months[start : start + IN_LIMIT])
                )
            )
    now = datetime.now(UTC)
    rows = [
        {
            "borough_code": b,
            "month": m,
            "boundary_vintage": c.vintage,
            "picked": c.picked,
            "chosen_by": user[:100],
            "chosen_at": now,
        }
        for (b, m), c in picks.items()
        if c is not None
    ]
    if rows:
        session.execute(cast(Table, WardGenerationChoice.__table__).insert(), rows)
    session.flush()


def settle_after_load(
    session: Session, source: str, area_months: Iterable[tuple[str, str]], keep_held: bool, user: str
) -> list[str]:
    """After a load wrote ward figures for ``area_months``: where a borough-month also holds
    another generation's wards, the file's generation covers it from now on (any earlier pick
    is removed), or with ``keep_held`` the generation held before stays (recorded as picked).
    Returns the sentences for the load's summary, one per borough and span of months."""
    tree = AreaTree.load(session)
    mixed = set(mixed_boroughs(tree))
    loaded: dict[BoroughMonth, set[str]] = defaultdict(set)
    for area, month in area_months:
        info = tree.by_code.get(area)
        if info is not None and info.level == "ward" and info.parent_code in mixed and info.boundary_vintage:
            loaded[(info.parent_code, month)].add(area)
    if not loaded:
        return []
    held = held_by_generation(session, source, tree, {b for b, _ in loaded})
    picked = choices(session)
    picks: dict[BoroughMonth, Choice | None] = {}
    events: dict[str, list[tuple[str, Switch]]] = defaultdict(list)  # borough -> [(month, what)]
    for key, wards in sorted(loaded.items()):
        file_generations = {generation(tree, w) for w in wards}
        file_generation = sorted(file_generations)[-1]
        others = {v: h for v, h in held.get(key, {}).items() if v not in file_generations}
        if not others:
            if key in picked:
                picks[key] = None
            continue
        before = chosen_generation({v: u for v, (_, u) in others.items()}, _vintage(picked.get(key)))
        picks[key] = Choice(before, True) if keep_held else Choice(file_generation, False)
        events[key[0]].append((key[1], (before, others[before][0], file_generation, len(wards))))
    if picks:
        set_choices(session, picks, user)
    return [sentence for borough, found in events.items() for sentence in _sentences(tree, borough, found, keep_held)]


def _vintage(choice: Choice | None) -> str | None:
    return None if choice is None else choice.vintage


def _sentences(tree: AreaTree, borough: str, found: list[tuple[str, Switch]], keep_held: bool) -> list[str]:
    """``Havering April 2010 – February 2024: held for 18 pre-2022 wards; this file has them
    for the 20 current wards, which will be used from now on`` (one per run of months)."""
    current = current_generation(wards_by_generation(tree, borough))
    out = []
    for first, last, (held, n_held, new, n_new) in _runs(found):
        span = month_name(first) if first == last else f"{month_name(first)} – {month_name(last)}"
        held_words = _ward_words(held, n_held, current, new)
        new_words = _ward_words(new, n_new, current, held)
        tail = (
            f"the {held_words} are kept for these months, as asked (the analyst can switch generation at any time)"
            if keep_held
            else "which will be used from now on"
        )
        out.append(f"{tree.name(borough)} {span}: held for {held_words}; this file has them for the {new_words}, {tail}")
    return out


def _ward_words(vintage: str, n: int, current: str | None, other: str) -> str:
    noun = "ward" if n == 1 else "wards"
    if vintage and vintage == current:
        return f"{n} current {noun}"
    if vintage and other and other > vintage:
        return f"{n} pre-{other} {noun}"
    return f"{n} {generation_label(vintage, current).replace('wards', noun)}"


def _runs(found: list[tuple[str, _Described]]) -> list[tuple[str, str, _Described]]:
    """Consecutive months with the same description, as (first, last, description)."""
    runs: list[tuple[str, str, _Described]] = []
    for month, what in sorted(found):
        if runs and runs[-1][2] == what and _next_month(runs[-1][1]) == month:
            runs[-1] = (runs[-1][0], month, what)
        else:
            runs.append((month, month, what))
    return runs


def _next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + mon // 12}-{mon % 12 + 1:02d}"


@dataclass(frozen=True)
class GenerationHeld:
    """One generation of a borough's wards: how many, and the months they have figures for."""

    vintage: str
    label: str
    wards: int
    first_month: str | None
    last_month: str | None


@dataclass(frozen=True)
class MonthsCovered:
    """A run of months a borough holds in more than one generation, and which covers them."""

    first: str
    last: str
    generation: str
    picked: bool  # the analyst's pick, not the most recent load's generation
    also_held: tuple[str, ...]


@dataclass(frozen=True)
class BoroughGenerations:
    borough: str
    name: str
    generations: list[GenerationHeld]
    months: list[MonthsCovered]


def borough_generations(session: Session, source: str, borough: str, tree: AreaTree | None = None) -> BoroughGenerations:
    """A borough's ward generations and, where it holds two for the same months, which covers them."""
    tree = tree or AreaTree.load(session)
    by_generation = wards_by_generation(tree, borough)
    current = current_generation(by_generation)
    spans = ward_spans(session, source, [w for ws in by_generation.values() for w in ws])
    generations = []
    for vintage, wards in sorted(by_generation.items(), key=lambda kv: (kv[0] != current, kv[0]), reverse=False):
        held = [spans[w] for w in wards if w in spans]
        generations.append(
            GenerationHeld(
                vintage, generation_label(vintage, current), len(wards),
                min((s.first for s in held), default=None), max((s.last for s in held), default=None),
            )
        )  # fmt: skip
    months: list[tuple[str, tuple[str, bool, tuple[str, ...]]]] = []
    if len(known_generations(tree, borough)) > 1:
        picked = choices(session, borough)
        for (_, month), per in sorted(held_by_generation(session, source, tree, [borough]).items()):
            if len(per) < 2:
                continue
            choice = picked.get((borough, month))
            used = chosen_generation({v: u for v, (_, u) in per.items()}, _vintage(choice))
            is_pick = choice is not None and choice.picked and choice.vintage == used
            months.append((month, (used, is_pick, tuple(sorted(v for v in per if v != used)))))
    covered = [MonthsCovered(first, last, *what) for first, last, what in _runs(months)]
    return BoroughGenerations(borough, tree.name(borough), generations, covered)


class GenerationNotHeld(ValueError):
    """The borough holds no figures for that generation's wards in the months asked for."""


def use_generation(
    session: Session, source: str, borough: str, vintage: str, first: str | None, last: str | None, user: str
) -> int:
    """Cover the borough's months (``first`` to ``last``; default every month it holds in more
    than one generation) with ``vintage``'s wards, where they hold figures. Returns how many
    months changed hands."""
    tree = AreaTree.load(session)
    if borough not in tree.by_code:
        raise GenerationNotHeld(f"no area {borough}")
    held = held_by_generation(session, source, tree, [borough])
    picked = choices(session, borough)
    picks: dict[BoroughMonth, Choice | None] = {}
    changed = 0
    for key, per in held.items():
        month = key[1]
        if len(per) < 2 or (first and month < first) or (last and month > last) or vintage not in per:
            continue
        if chosen_generation({v: u for v, (_, u) in per.items()}, _vintage(picked.get(key))) != vintage:
            changed += 1
        picks[key] = Choice(vintage, True)
    if not any(vintage in per and len(per) > 1 for per in held.values()):
        label = generation_label(vintage, current_generation(wards_by_generation(tree, borough)))
        raise GenerationNotHeld(
            f"{tree.name(borough)} holds no months in both its {label} ({vintage or 'unknown'}) and another generation"
        )
    if picks:
        set_choices(session, picks, user)
    return changed


@kept_per_shared_version
def figure_spans(session: Session) -> dict[str, tuple[str, str]]:
    """Each area's first and last month with a crime or ASB figure (its own or its children's),
    from the recorded coverage: a ward's charts and lists stop at its last month."""
    from store.models import AreaMonthCoverage as t  # a short alias for the table

    stmt = (
        select(t.area_code, func.min(t.period), func.max(t.period))
        .where(t.source.in_(list(counted())), func.length(t.period) == 7)
        .group_by(t.area_code)
    )
    return {code: (lo, hi) for code, lo, hi in session.execute(stmt)}
