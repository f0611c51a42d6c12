"""One source per borough-month: police.uk records and the recorded-crime files never summed.

Two sources count the same recorded crime: the recorded-crime files (the Met's ward and
borough files, long form: part "" of the count tables) and police.uk street-level records
(part ``police.uk:<force>``, one part per force). Summed, every offence would count twice
(Havering January 2018: 1,499 from the Met + 1,462 from police.uk). Where both hold figures
for a borough and month (the borough's own, or any of its wards'), the primary source is used
(``CSPDASH_PRIMARY_SOURCE``: ``met``, the default, or ``police.uk``); the other's rows move to
the count table's ``…_set_aside`` twin, kept (and listed by the upload check) but never
counted. Every query of the count tables then counts one source without knowing of this.

The choice is per borough-month, not per ward-month: police.uk records are placed in a ward
vintage of their own (2018 wards) where the Met keys its history to the 2022 wards, so ward
by ward each source would look alone and the borough would still sum both. A force's records
in another force's borough (the City of London Police's in Camden) follow that borough's
choice: where the Met's files cover Camden, they are set aside.

What is in which table is derived from the count tables alone, so ``settle`` can be run at
any time (after every load of counts, after a schema upgrade, after the setting changes) and
gives the same answer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd
from sqlalchemy import CursorResult, text
from sqlalchemy.orm import Session

from rules.periods import MONTH_NAMES
from sources.registry import by_key
from store.areas import AreaTree
from store.bulk import IN_LIMIT, bulk_insert_frame
from store.models import Upload
from store.reference import LONDON
from store.source_tables import count_categories, count_tables

FILES, POLICE_UK = "met", "police.uk"
# What each origin of the counts is called, per source (``sources``: its ``origins``).
SOURCE_NAMES = dict(by_key("crime").origins)
PART_PREFIX = "police.uk:"
NOTHING = ""  # no source counts: only another force's police.uk records are held
MET_FORCE = "Metropolitan Police Service"
HOME_FORCES = {"E09000001": "City of London Police"}  # every other London borough: the Met
UNNAMED_FORCE = "force not named"  # a police.uk file without a "Reported by" column
FORCE_NOT_RECORDED = "force not recorded"  # loaded before migration 0012
# Count table -> its set-aside twin, per source of the coverage record.
TABLES = count_tables()
_CATEGORIES = count_categories()
_KEYS = "cspdash_moved_parts"


class UnknownPrimarySource(ValueError):
    pass


def check_primary(value: str) -> str:
    """``value`` if it names a source (``met`` or ``police.uk``); an error naming it otherwise."""
    if value not in SOURCE_NAMES:
        raise UnknownPrimarySource(
            f"CSPDASH_PRIMARY_SOURCE={value!r}: choose 'met' (the Met's recorded-crime files) or 'police.uk'"
        )
    return value


def source_of_part(part: str) -> str:
    return POLICE_UK if part.startswith(PART_PREFIX) else FILES


def force_of_part(part: str) -> str:
    """``Metropolitan Police Service`` for ``police.uk:Metropolitan Police Service``; "" for the files."""
    return part[len(PART_PREFIX) :] if part.startswith(PART_PREFIX) else ""


@dataclass(frozen=True, order=True)
class SetAside:
    """Figures of one source kept but not counted for a borough-month, and what is used instead."""

    kind: str  # crime | asb
    borough: str
    month: str
    source: str  # the source set aside
    used: str  # the source used
    count: int
    forces: tuple[str, ...] = ()  # police.uk forces among what is set aside


@dataclass
class Settled:
    moved: int = 0  # rows moved between a count table and its set-aside twin
    set_aside: list[SetAside] = field(default_factory=list)


def borough_of(tree: AreaTree, code: str) -> str:
    """The borough an area belongs to (itself for a borough, or any area above or beside them)."""
    area = tree.by_code.get(code)
    seen = set()
    while area is not None and area.level != "borough" and area.parent_code and area.code not in seen:
        seen.add(area.code)
        area = tree.by_code.get(area.parent_code)
    return area.code if area is not None and area.level == "borough" else code


def police_uk_held(session: Session) -> bool:
    """Cheap test that there is anything to settle: a police.uk file was ever loaded, or rows
    are set aside (from an earlier setting)."""
    if session.execute(text(f"SELECT 1 FROM {Upload.__tablename__} WHERE kind = 'policeuk' LIMIT 1")).first():
        return True
    return any(session.execute(text(f"SELECT 1 FROM {aside} LIMIT 1")).first() for _, aside in TABLES.values())


def settle(session: Session, kind: str, primary: str, tree: AreaTree | None = None) -> Settled:
    """Put ``kind``'s (crime or ASB) rows where the one-source rule says: each borough-month
    counts its primary source when that holds any figure for it, else the other source; and
    police.uk records only with the borough's own force's among them (``_home_force_held``).
    Returns how many rows moved and what is set aside (for the upload check's words)."""
    check_primary(primary)
    main, aside = TABLES[kind]
    settled = Settled()
    if not police_uk_held(session):
        return settled
    tree = tree or AreaTree.load(session)
    # A count table's rows supersede the same part of an area-month set aside earlier: a load
    # always writes to the count table, so they are newer.
    session.execute(text(f"DELETE FROM {aside} WHERE EXISTS (SELECT 1 FROM {main} t WHERE {_same('t', aside)})"))
    groups: dict[tuple[str, str, str], tuple[str, int]] = {}  # (area, month, part) -> (table, total)
    for table, where in ((main, "part <> ''"), (aside, "1 = 1")):
        for area, month, part, total in session.execute(
            text(f"SELECT area_code, month, part, sum(count) FROM {table} WHERE {where} GROUP BY area_code, month, part")
        ):
            groups[(area, month, part)] = (table, int(total or 0))
    months = sorted({m for _, m, _ in groups})
    for start in range(0, len(months), IN_LIMIT):  # the files' part, only in months police.uk (or anything set aside) holds
        chunk = months[start : start + IN_LIMIT]
        marks = ", ".join(f":m{i}" for i in range(len(chunk)))
        for area, month, total in session.execute(
            text(
                f"SELECT area_code, month, sum(count) FROM {main} WHERE part = '' AND month IN ({marks}) GROUP BY area_code, month"
            ),
            {f"m{i}": m for i, m in enumerate(chunk)},
        ):
            groups.setdefault((area, month, ""), (main, int(total or 0)))
    present: dict[tuple[str, str], set[str]] = defaultdict(set)
    forces: dict[tuple[str, str], set[str]] = defaultdict(set)
    for area, month, part in groups:
        present[(borough_of(tree, area), month)].add(source_of_part(part))
        forces[(borough_of(tree, area), month)].add(force_of_part(part))
    other = POLICE_UK if primary == FILES else FILES
    most_records = majority_forces(((area, part, total) for (area, _, part), (_, total) in groups.items()), tree)
    used: dict[tuple[str, str], str] = {}  # (borough, month) -> the source counted
    for key, sources in present.items():
        # The primary source if it holds the borough-month, else the other; police.uk only
        # with the borough's own force's records (another force's few are a partial figure).
        usable = [
            s
            for s in (primary, other)
            if s in sources and (s != POLICE_UK or _home_force_held(tree, key[0], forces[key], most_records))
        ]
        used[key] = usable[0] if usable else NOTHING
    to_aside, to_main = [], []
    put_aside: dict[tuple[str, str, str], list[Any]] = defaultdict(lambda: [0, set()])
    for (area, month, part), (table, total) in groups.items():
        borough = borough_of(tree, area)
        source = source_of_part(part)
        if source != used[(borough, month)]:
            if table == main:
                to_aside.append((area, month, part))
            held = put_aside[(borough, month, source)]
            held[0] += total
            if force_of_part(part):
                held[1].add(force_of_part(part))
        elif table == aside:
            to_main.append((area, month, part))
    settled.moved = _move(session, kind, main, aside, to_aside) + _move(session, kind, aside, main, to_main)
    settled.set_aside = sorted(
        SetAside(kind, borough, month, source, used[(borough, month)], total, tuple(sorted(names)))
        for (borough, month, source), (total, names) in put_aside.items()
    )
    return settled


def home_force(tree: AreaTree, borough: str, most_records: Mapping[str, str] | None = None) -> str | None:
    """The force whose own area a district is (its police.uk records are the district's
    figure): for a London borough, the Met or the City of London Police; elsewhere the force
    with the most police.uk records held in the district (``most_records``: from
    ``majority_forces``), as a force's records stray only a little over its border. ``None``
    when not known."""
    area = tree.by_code.get(borough)
    if area is None or area.level != "borough":
        return None
    if area.parent_code == LONDON:
        return HOME_FORCES.get(borough, MET_FORCE)
    return (most_records or {}).get(borough)


def majority_forces(totals: Iterable[tuple[str, str, int]], tree: AreaTree) -> dict[str, str]:
    """District → the force with the most police.uk records held in it, from (area, part,
    records) totals over any months; ties go to the first force by name."""
    by_district: dict[str, Counter[str]] = defaultdict(Counter)
    for area, part, total in totals:
        force = force_of_part(part)
        if force and force not in (UNNAMED_FORCE, FORCE_NOT_RECORDED):
            by_district[borough_of(tree, area)][force] += total
    return {district: min(held, key=lambda f: (-held[f], f)) for district, held in by_district.items()}


def held_majority_forces(session: Session, tree: AreaTree) -> dict[str, str]:
    """``majority_forces`` over every police.uk record held, counted or set aside."""
    totals: Counter[tuple[str, str]] = Counter()
    for main, aside in TABLES.values():
        for table in (main, aside):
            rows = session.execute(
                text(f"SELECT area_code, part, sum(count) FROM {table} WHERE part LIKE :prefix GROUP BY area_code, part"),
                {"prefix": PART_PREFIX + "%"},
            )
            for area, part, total in rows:
                totals[(area, part)] += int(total or 0)
    return majority_forces(((a, p, n) for (a, p), n in totals.items()), tree)


def _home_force_held(tree: AreaTree, borough: str, forces: set[str], most_records: Mapping[str, str]) -> bool:
    """Do the police.uk parts of a borough-month include its own force's records (or records
    whose force is not known)? The City of London Police's few records in Camden wards are
    not Camden's figure; nor are Cleveland Police's few in a County Durham ward."""
    home = home_force(tree, borough, most_records)
    return home is None or bool(forces & {home, UNNAMED_FORCE, FORCE_NOT_RECORDED})


def _same(a: str, b: str) -> str:
    return " AND ".join(f"{a}.{c} = {b}.{c}" for c in ("area_code", "month", "part"))


def _move(session: Session, kind: str, source: str, target: str | None, keys: list[tuple[str, str, str]]) -> int:
    """Move every row of these parts of area-months from table ``source`` to ``target``
    (``None``: delete them)."""
    if not keys:
        return 0
    columns = ", ".join(("area_code", "month", "part", *_CATEGORIES[kind], "count", "upload_id"))
    session.execute(
        text(
            f"CREATE TEMPORARY TABLE {_KEYS} (area_code varchar(32), month varchar(7), part varchar(64), PRIMARY KEY (area_code, month, part))"
        )
    )
    bulk_insert_frame(session, _KEYS, pd.DataFrame(sorted(keys), columns=["area_code", "month", "part"]))
    inside = f"EXISTS (SELECT 1 FROM {_KEYS} k WHERE {_same('k', '{t}')})"
    if target is not None:
        session.execute(text(f"DELETE FROM {target} WHERE {inside.format(t=target)}"))  # nothing, unless left over
        session.execute(text(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source} WHERE {inside.format(t=source)}"))
    moved = cast(CursorResult[Any], session.execute(text(f"DELETE FROM {source} WHERE {inside.format(t=source)}"))).rowcount or 0
    session.execute(text(f"DROP TABLE {_KEYS}"))
    return int(moved)


def clear_earlier_placements(session: Session, sha256: str, upload_id: int | None, placing: set[tuple[str, str, str]]) -> int:
    """Delete what earlier loads of this same police.uk file (same content) placed for the
    parts and months it places now (``placing``: its (area, month, part) keys) but in areas it
    no longer places them in, from both tables: placed again in another ward vintage, the
    file is one load, not two. (Where it places them again, the load replaces them as any
    re-load does.) Returns the rows deleted."""
    parts, months = sorted({p for _, _, p in placing}), sorted({m for _, m, _ in placing})
    if not parts or not months:
        return 0
    params: dict[str, object] = {"sha": sha256, "me": upload_id if upload_id is not None else -1}
    params.update({f"p{i}": p for i, p in enumerate(parts)})
    params.update({f"m{i}": m for i, m in enumerate(months)})
    part_marks = ", ".join(f":p{i}" for i in range(len(parts)))
    month_marks = ", ".join(f":m{i}" for i in range(len(months)))
    deleted = 0
    for kind, (main, aside) in TABLES.items():
        for table in (main, aside):
            earlier = session.execute(
                text(
                    f"SELECT DISTINCT area_code, month, part FROM {table} WHERE part IN ({part_marks}) AND month IN ({month_marks}) "
                    f"AND upload_id IN (SELECT id FROM {Upload.__tablename__} WHERE kind = 'policeuk' AND sha256 = :sha AND id <> :me)"
                ),
                params,
            )
            elsewhere = [tuple(k) for k in earlier if tuple(k) not in placing]
            deleted += _delete(session, kind, table, elsewhere)
    return deleted


def _delete(session: Session, kind: str, table: str, keys: list[tuple[str, str, str]]) -> int:
    """Delete every row of these parts of area-months from ``table``."""
    return _move(session, kind, table, None, keys)


def set_aside_totals(session: Session, kind: str) -> dict[tuple[str, str, str], int]:
    """{(area, month, part): count} of everything set aside for ``kind``: shown, never counted."""
    _, aside = TABLES[kind]
    rows = session.execute(text(f"SELECT area_code, month, part, sum(count) FROM {aside} GROUP BY area_code, month, part"))
    return {(a, m, p): int(n or 0) for a, m, p, n in rows}


def _month_name(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def describe(set_aside: Iterable[SetAside], tree: AreaTree, primary: str, months: Iterable[str] | None = None) -> list[str]:
    """The upload check's sentences: per borough and source set aside, which months, how many
    offences, and which source is used instead (``months``: only these, when given)."""
    wanted = None if months is None else set(months)
    grouped: dict[tuple[str, str, str, str], list[SetAside]] = defaultdict(list)
    for item in set_aside:
        if wanted is None or item.month in wanted:
            grouped[(item.kind, item.borough, item.source, item.used)].append(item)
    lines = []
    for (kind, borough, source, used), items in sorted(grouped.items()):
        items.sort(key=lambda i: i.month)
        span = _month_name(items[0].month) + (
            "" if len(items) == 1 else f" – {_month_name(items[-1].month)} ({len(items)} months)"
        )
        forces = sorted({f for i in items for f in i.forces})
        declared = by_key(kind)
        names = dict(declared.origins)
        what = names[source] + (f" ({', '.join(forces)})" if forces else "")
        offences = declared.unit_plural
        total = f"{tree.name(borough)} {span}: {sum(i.count for i in items):,} {offences} from {what} kept but not counted"
        if used == NOTHING:
            lines.append(
                f"{total}: they are only part of the borough's figure, as {home_force(tree, borough) or 'its own force'}'s "
                "records for these months are not loaded"
            )
            continue
        reason = (
            "the primary source"
            if used == primary
            else f"as the primary, {names[primary]}, holds no figure for the borough there"
        )
        lines.append(f"{total}; {names[used]} are used, {reason} (CSPDASH_PRIMARY_SOURCE={primary})")
    return lines


def settle_all(session: Session, primary: str) -> list[str]:
    """``settle`` every count table; the sources (crime, asb) in which rows moved."""
    tree = AreaTree.load(session)
    return [kind for kind in TABLES if settle(session, kind, primary, tree).moved]
