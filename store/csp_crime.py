"""Writing and reading the Home Office CSP tables' quarterly counts (``csp_crime_count``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session

from rules.area_levels import DISTRICT
from rules.csp_tables import OffenceSelection
from rules.periods import PeriodError, Quarter, normalise_month
from store.areas import AreaTree
from store.bulk import IN_LIMIT, bulk_insert
from store.kept import kept_per_shared_version
from store.kept_totals import csp_quarters_held, held_categories
from store.models import CspCrimeCount


def replace_quarters(
    session: Session, counts: dict[tuple[str, str, str, str, str], int], upload_id: int | None
) -> tuple[int, int]:
    """Store ``counts`` ({(area, quarter, group, subgroup, offence code): count}) in place of every count held
    for the quarters they cover. Returns (stored, replaced)."""
    quarters = sorted({key[1] for key in counts})
    replaced = 0
    for start in range(0, len(quarters), 200):
        part = quarters[start : start + 200]
        replaced += session.scalar(select(func.count()).select_from(CspCrimeCount).where(CspCrimeCount.quarter.in_(part))) or 0
        session.execute(delete(CspCrimeCount).where(CspCrimeCount.quarter.in_(part)))
    rows = (
        (area, quarter, group, subgroup, code, count, upload_id)
        for (area, quarter, group, subgroup, code), count in counts.items()  # not sorted: no copy of a million keys
    )
    columns = ["area_code", "quarter", "offence_group", "offence_subgroup", "offence_code", "count", "upload_id"]
    stored = bulk_insert(session, "csp_crime_count", columns, rows)
    return stored, replaced


def quarterly_totals(session: Session, areas: list[str]) -> dict[str, dict[str, int]]:
    """{area: {quarter: count}} of the areas' own rows (all offence groups)."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    stmt = (
        select(CspCrimeCount.area_code, CspCrimeCount.quarter, func.sum(CspCrimeCount.count))
        .where(CspCrimeCount.area_code.in_(areas))
        .group_by(CspCrimeCount.area_code, CspCrimeCount.quarter)
    )
    for area, quarter, total in session.execute(stmt):
        out[area][quarter] = int(total)
    return dict(out)


# Levels the tables' counts add up to: a partnership's own rows, a force's partnerships and its
# "Unassigned" part, England and Wales's forces. Districts, regions and countries are not
# counted by partnership in the tree, so their totals are not worked out from these tables.
COUNTED_LEVELS = ("csp", "force", "nation")
# Regions and countries have a figure when whole forces make them up (``counted_area``).
MADE_OF_FORCES = ("region", "country")
COUNTED_WORDS = (
    "the Home Office CSP tables count partnerships, police force areas and England and Wales, and regions and "
    "countries that whole police force areas make up"
)
CSP_CRIME = "csp-crime"  # the figure source (``sources.csp_tables``), as ``counts`` and measures name it
CSP_TABLES = "csp-tables"  # the older name ``counts`` gave them, still accepted
QUARTERLY = "the Home Office CSP tables count by quarter, not by month: total them by quarter or by year"


def csp_count_rows(
    session: Session,
    tree: AreaTree,
    areas: list[str],
    *,
    first: str | None,
    last: str | None,
    by: str,
    by_group: bool,
) -> tuple[list[str], list[dict[str, object]]]:
    """Recorded crime from the Home Office CSP tables for each of ``areas`` (partnerships,
    forces, England and Wales, regions and countries whole forces make up; one a force crosses
    has a row saying why it has no figure) by quarter or financial year, optionally by offence group and
    subgroup; ``first``/``last`` are months (YYYY-MM) that the quarters must overlap. Coverage
    says how many of the area's partnership-quarters the period needs are held."""
    if by == "month":
        raise ValueError(QUARTERLY)
    made, not_counted = _counted_areas(tree, areas)
    try:
        lo = Quarter.of_month(normalise_month(first)).key if first else None
        hi = Quarter.of_month(normalise_month(last)).key if last else None
    except PeriodError as exc:
        raise ValueError(str(exc)) from None
    within = {code: list(counted.rows) for code, counted in made.items()}
    codes = sorted({c for found in within.values() for c in found})
    columns = [CspCrimeCount.area_code, CspCrimeCount.quarter] + (
        [CspCrimeCount.offence_group, CspCrimeCount.offence_subgroup] if by_group else []
    )
    held: dict[tuple[str, ...], int] = {}
    uploads: dict[tuple[str, str], set[int]] = defaultdict(set)  # (area, quarter) -> loads
    for start in range(0, len(codes), IN_LIMIT):
        stmt = (
            select(*columns, func.sum(CspCrimeCount.count), func.min(CspCrimeCount.upload_id))
            .where(CspCrimeCount.area_code.in_(codes[start : start + IN_LIMIT]))
            .group_by(*columns)
        )
        for row in session.execute(stmt):
            key, total, upload = tuple(str(v) for v in row[: len(columns)]), int(row[-2]), row[-1]
            if (lo and key[1] < lo) or (hi and key[1] > hi):
                continue
            held[key] = total
            if upload is not None:
                uploads[(key[0], key[1])].add(int(upload))
    headers = ["area_code", "area_name", "period"] + (["offence_group", "offence_subgroup"] if by_group else [])
    headers += ["count", "coverage", "covered_by"]
    records: list[dict[str, object]] = []
    for code in areas:
        if code in not_counted:  # a region or country a force crosses: no figure, and why
            blank: dict[str, object] = {"area_code": code, "area_name": tree.name(code), "period": "", "count": ""}
            if by_group:
                blank["offence_group"] = blank["offence_subgroup"] = ""
            blank["coverage"] = f"not available: {not_counted[code]}"
            blank["covered_by"] = ""
            records.append(blank)
            continue
        members = set(within[code])
        partnerships = list(made[code].partnerships)
        totals: dict[tuple[str, ...], int] = defaultdict(int)
        quarters_of: dict[str, set[tuple[str, str]]] = defaultdict(set)  # period -> (partnership, quarter) held
        loads: dict[str, set[int]] = defaultdict(set)
        for key, total in held.items():
            if key[0] not in members:
                continue
            period = key[1] if by == "quarter" else Quarter.parse(key[1]).financial_year.key
            totals[(period, *key[2:])] += total
            loads[period] |= uploads.get((key[0], key[1]), set())
            if key[0] in partnerships:
                quarters_of[period].add((key[0], key[1]))
        needed = (1 if by == "quarter" else 4) * len(partnerships)
        for (period, *group), total in sorted(totals.items()):
            have = len(quarters_of[period])
            record: dict[str, object] = {"area_code": code, "area_name": tree.name(code), "period": period}
            if by_group:
                record["offence_group"], record["offence_subgroup"] = group
            record["count"] = total
            record["coverage"] = "complete" if have >= needed else f"partial: {have} of {needed} partnership-quarters held"
            record["covered_by"] = "; ".join(f"upload {n}" for n in sorted(loads[period]))
            records.append(record)
    return headers, records


def _counted_areas(tree: AreaTree, areas: list[str]) -> tuple[dict[str, CountedArea], dict[str, str]]:
    """What each area's figure is made of, and why a region or country has none (a force
    crossing its boundary). A district or ward is refused, as is an area alone with no figure."""
    made: dict[str, CountedArea] = {}
    not_counted: dict[str, str] = {}
    for code in areas:
        level = tree.by_code[code].level
        if level not in (*COUNTED_LEVELS, *MADE_OF_FORCES):
            word = "district" if level == DISTRICT else level  # stored as "borough", the older name
            raise ValueError(f"{tree.name(code)} ({code}) is a {word}: {COUNTED_WORDS}; choose one of those")
        try:
            made[code] = counted_area(tree, code)
        except NotCounted as exc:
            not_counted[code] = str(exc)
    if len(areas) == 1 and not_counted:
        raise ValueError(not_counted[areas[0]])
    return made, not_counted


# --- An indicator's figures from the tables (the ``csp-crime`` source) ------------------------


class NotCounted(ValueError):
    """An area the tables' counts do not add up to, and why (a ward; a district sharing its
    partnership with others; a region whose forces cross its boundary)."""


@dataclass(frozen=True)
class CountedArea:
    """What an area's figure from the tables is made of: the partnerships a complete quarter
    needs, and the areas whose rows are summed (those partnerships, and for a force or more a
    force's "Unassigned" part)."""

    partnerships: tuple[str, ...]
    rows: tuple[str, ...]


def counted_area(tree: AreaTree, area: str) -> CountedArea:
    """How ``area``'s figure is made from the tables; NotCounted saying why it has none."""
    info = tree.by_code.get(area)
    if info is None:
        raise NotCounted(f"no area {area!r} is held")
    if info.level in COUNTED_LEVELS:
        return _made_of(tree, [area])
    if info.level == DISTRICT:
        return _district(tree, area)
    if info.level in ("region", "country"):
        return _made_of(tree, _forces_making(tree, area))
    raise NotCounted(f"{tree.name(area)} ({area}) is a {info.level}: {COUNTED_WORDS}, not {info.level}s")


def _made_of(tree: AreaTree, tops: list[str]) -> CountedArea:
    rows = tree.with_descendants(tops)
    partnerships = tuple(c for c in rows if tree.by_code[c].level == "csp")
    return CountedArea(partnerships, tuple(rows))


def _district(tree: AreaTree, district: str) -> CountedArea:
    """A district that is a whole partnership takes its partnership's figure; one of several
    districts of a partnership has none (the tables do not split a partnership)."""
    partnerships = [p for p in tree.parents(district) if tree.by_code[p].level == "csp"]
    name = f"{tree.name(district)} ({district})"
    if not partnerships:
        raise NotCounted(f"{name} is in no partnership the district lookup holds, so the Home Office CSP tables do not count it")
    csp = partnerships[0]
    others = [c for c in tree.children.get(csp, []) if tree.by_code[c].level == DISTRICT and c != district]
    if others:
        raise NotCounted(
            f"{name} is one of {len(others) + 1} districts of the partnership {tree.name(csp)} ({csp}): the Home Office "
            "CSP tables count the partnership as a whole, not its districts"
        )
    return _made_of(tree, [csp])


def _forces_making(tree: AreaTree, area: str) -> list[str]:
    """The police force areas that together make up a region or country: the forces of its
    districts' partnerships, each of whose districts all lie within it; NotCounted when the
    lookup places none there or a force crosses its boundary."""
    districts = set(tree.at_level(DISTRICT, within=area))
    forces: set[str] = set()
    for district in districts:
        for csp in (p for p in tree.parents(district) if tree.by_code[p].level == "csp"):
            forces.update(p for p in tree.parents(csp) if tree.by_code[p].level == "force")
    name = f"{tree.name(area)} ({area})"
    if not forces:
        raise NotCounted(f"the district lookup places no partnership in {name}, so its forces are not known")
    for force in sorted(forces):
        outside = sorted(set(tree.at_level(DISTRICT, within=force)) - districts)
        if outside:
            raise NotCounted(
                f"{tree.name(force)} ({force}) also polices {tree.name(outside[0])} ({outside[0]}), outside {name}: the "
                f"Home Office CSP tables count by force, so the figure for {name} is not available"
            )
    return sorted(forces)


def offence_keys(session: Session, selection: OffenceSelection) -> list[tuple[str, str, str]]:
    """The (group, subgroup, code) held that ``selection`` counts; NotCounted naming a group,
    subgroup or code of the measure that nothing held matches (a misspelt measure would
    otherwise count nothing, and show as nought)."""
    keys = offence_keys_held(session)
    if not keys:
        return []
    for term in selection.terms():
        if not any(term.matches(*key) for key in keys):
            groups = sorted({g for g, _, _ in keys})
            raise NotCounted(
                f"the Home Office CSP tables held have no {term.words()}; their offence groups are {', '.join(groups)}"
            )
    return [key for key in keys if selection.matches(*key)]


@kept_per_shared_version
def offence_keys_held(session: Session) -> list[tuple[str, str, str]]:
    """Every (group, subgroup, code) the tables hold."""
    return held_categories(session, CSP_CRIME)  # as the loads kept them: no walk of the tables


def csp_quarter_figures(
    session: Session, selection: OffenceSelection, area: str, quarters: list[Quarter], tree: AreaTree
) -> tuple[dict[Quarter, int], dict[Quarter, str]]:
    """``area``'s count of the selected offences in each quarter every partnership it needs is
    held for, and why each other quarter with some figures (or every quarter, when the area
    has none from the tables at all) has no value."""
    try:
        made = counted_area(tree, area)
        keys = offence_keys(session, selection)
    except NotCounted as exc:
        return {}, {q: str(exc) for q in quarters}
    wanted = [q.key for q in quarters]
    held = _partnership_quarters(session, made.partnerships, wanted)
    totals = _selected_totals(session, made.rows, wanted, None if selection.everything else keys)
    figures: dict[Quarter, int] = {}
    gaps: dict[Quarter, str] = {}
    needed = len(made.partnerships)
    for q in quarters:
        have = len(held.get(q.key, ()))
        if needed and have == needed:
            figures[q] = totals.get(q.key, 0)
        elif have or q.key in totals:
            gaps[q] = f"only {have} of {needed} partnerships held in the Home Office CSP tables for {q.label}"
    return figures, gaps


def _partnership_quarters(session: Session, partnerships: tuple[str, ...], quarters: list[str]) -> dict[str, set[str]]:
    """{quarter: partnerships with any row in it}: a partnership-quarter is held when its file
    gave it any count (a group with no offences that quarter has no row, and counts nought)."""
    out: dict[str, set[str]] = defaultdict(set)
    codes = list(partnerships)
    for start in range(0, len(codes), IN_LIMIT):
        stmt = (
            select(CspCrimeCount.quarter, CspCrimeCount.area_code)
            .where(CspCrimeCount.area_code.in_(codes[start : start + IN_LIMIT]), CspCrimeCount.quarter.in_(quarters))
            .distinct()
        )
        for quarter, code in session.execute(stmt):
            out[str(quarter)].add(str(code))
    return out


def _selected_totals(
    session: Session, areas: tuple[str, ...], quarters: list[str], keys: list[tuple[str, str, str]] | None
) -> dict[str, int]:
    """{quarter: sum of the rows of ``areas``}, of the offence ``keys`` only when given."""
    out: dict[str, int] = defaultdict(int)
    if keys is not None and not keys:
        return out
    codes = list(areas)
    for start in range(0, len(codes), IN_LIMIT):
        stmt = (
            select(CspCrimeCount.quarter, func.sum(CspCrimeCount.count))
            .where(CspCrimeCount.area_code.in_(codes[start : start + IN_LIMIT]), CspCrimeCount.quarter.in_(quarters))
            .group_by(CspCrimeCount.quarter)
        )
        if keys is not None:
            offence = tuple_(CspCrimeCount.offence_group, CspCrimeCount.offence_subgroup, CspCrimeCount.offence_code)
            stmt = stmt.where(offence.in_(keys))
        for quarter, total in session.execute(stmt):
            out[str(quarter)] += int(total or 0)
    return out


@kept_per_shared_version
def quarters_held(session: Session) -> list[str]:
    """Every quarter the tables hold any count for, oldest first."""
    return csp_quarters_held(session)  # the totals the loads keep, keyed by quarter: no walk of the tables


def uploads_behind(session: Session, tree: AreaTree, area: str, quarters: list[str]) -> set[int | None]:
    """The loads whose rows make up ``area``'s figures in ``quarters`` (none where the tables
    give the area no figure): what a revision of those figures came from."""
    try:
        rows = list(counted_area(tree, area).rows)
    except NotCounted:
        return set()
    out: set[int | None] = set()
    for start in range(0, len(rows), IN_LIMIT):
        stmt = (
            select(CspCrimeCount.upload_id)
            .where(CspCrimeCount.area_code.in_(rows[start : start + IN_LIMIT]), CspCrimeCount.quarter.in_(quarters))
            .distinct()
        )
        out |= set(session.scalars(stmt))
    return out
