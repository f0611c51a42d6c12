"""What requests read about the nation's count tables, kept as the counts change (issue 23 part 3).

Two reads every partnership's pages make grow with the nation held: the funnel plot sums every
partnership's Home Office CSP tables counts for a year's quarters (a GROUP BY over a tenth of
``csp_crime_count``), and the map and the tables' measures ask which categories each count
table holds (a DISTINCT over every row: millions with the nation held). Kept per process, they
were still paid by the first request after each load or in a fresh server. So whatever changes
those tables keeps the answers here, in its own transaction (a failed or dry-run load leaves
them as they were), as ``store.source_months`` keeps the months held:

* ``csp_quarter_total``: per (quarter, area, offence group) the sum of the tables' counts,
  written by the load of the tables for the quarters it wrote (``record_csp_totals``);
* ``held_category``: per source and part, the categories its count table holds
  (``record_held_categories``), from what a load wrote; the table is walked only when a
  category may have gone (a re-load of rows that no longer hold one kept), or when rows
  changed outside a load of them (areas retired, rows set aside).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from collections.abc import Set as AbstractSet

from sqlalchemy import case, delete, func, insert, select, text, tuple_
from sqlalchemy.orm import Session

from store.bulk import IN_LIMIT, bulk_insert
from store.models import CspQuarterTotal, HeldCategory
from store.source_tables import count_categories, count_tables

CSP_CRIME = "csp-crime"  # the Home Office tables' figure source (``sources.csp_tables``, ``store.csp_crime``)

Category = tuple[str, str, str]  # (major, minor, code): blank where the table has fewer columns
Held = tuple[str, str, str, str]  # (part, major, minor, code)


def _tables() -> dict[str, tuple[str, tuple[str, ...], bool]]:
    """source -> (count table, its category columns, whether it has parts)."""
    out = {source: (main, count_categories()[source], True) for source, (main, _aside) in count_tables().items()}
    out[CSP_CRIME] = ("csp_crime_count", ("offence_group", "offence_subgroup", "offence_code"), False)
    return out


TABLES = _tables()


def padded(category: Iterable[object]) -> Category:
    """A count table's category columns as (major, minor, code), blanks for the columns it has not."""
    values = [str(v) if v is not None else "" for v in category]
    values += [""] * (3 - len(values))
    return values[0], values[1], values[2]


# --- Reads ------------------------------------------------------------------------------------


def held_categories(session: Session, source: str) -> list[Category]:
    """Every category ``source``'s count table holds (over all its parts), sorted."""
    stmt = select(HeldCategory.major, HeldCategory.minor, HeldCategory.code).where(HeldCategory.source == source).distinct()
    return sorted((str(a), str(b), str(c)) for a, b, c in session.execute(stmt))


def csp_totals(session: Session, quarters: list[str], groups: Collection[str] | None = None) -> list[tuple[str, str, int]]:
    """(area, quarter, count) of the Home Office tables in ``quarters``: all offences, or those of
    the offence groups whose stored spelling is one of ``groups``. Summed in the database: the nation's
    areas hold a dozen groups each, so the rows read are a twelfth of the totals. An area's
    quarter held with none of ``groups`` is 0, so a quarter missing stays missing."""
    t = CspQuarterTotal
    counted = t.count if groups is None else case((t.offence_group.in_(list(groups)), t.count), else_=0)
    stmt = select(t.area_code, t.quarter, func.sum(counted)).where(t.quarter.in_(quarters)).group_by(t.area_code, t.quarter)
    return [(str(a), str(q), int(n or 0)) for a, q, n in session.execute(stmt)]


def csp_quarters_held(session: Session) -> list[str]:
    """Every quarter the Home Office tables hold any count for, oldest first: the totals' key
    starts with the quarter, so each quarter is one probe of the key from the last (40 for ten
    years), not a read of every total (a DISTINCT reads ~130,000 with the nation held)."""
    table = CspQuarterTotal.__tablename__
    found = session.execute(
        text(
            f"WITH RECURSIVE held_quarter(quarter) AS (SELECT min(quarter) FROM {table} UNION ALL "
            f"SELECT (SELECT min(quarter) FROM {table} t WHERE t.quarter > h.quarter) FROM held_quarter h "
            "WHERE h.quarter IS NOT NULL) SELECT quarter FROM held_quarter WHERE quarter IS NOT NULL"
        )
    )
    return sorted(str(q) for (q,) in found)


# --- Writes -----------------------------------------------------------------------------------


def record_csp_totals(session: Session, counts: Mapping[tuple[str, str, str, str, str], int], replaced: int) -> None:
    """Keep the totals of the quarters a load of the Home Office tables wrote (``counts``:
    {(area, quarter, group, subgroup, code): count}, every count now held for those quarters) and
    the offences the tables hold, in the load's transaction. ``replaced``: how many rows of those
    quarters the load deleted first (none: no offence held before can have gone)."""
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    offences: set[Category] = set()
    for (area, quarter, group, subgroup, code), count in counts.items():
        totals[(quarter, area, group)] += count
        offences.add((group, subgroup, code))
    quarters = sorted({quarter for quarter, _, _ in totals})
    for start in range(0, len(quarters), IN_LIMIT):
        session.execute(
            delete(CspQuarterTotal)
            .where(CspQuarterTotal.quarter.in_(quarters[start : start + IN_LIMIT]))
            .execution_options(synchronize_session=False)
        )
    rows = ((quarter, area, group, count) for (quarter, area, group), count in totals.items())
    bulk_insert(session, CspQuarterTotal.__tablename__, ["quarter", "area_code", "offence_group", "count"], rows)
    record_held_categories(session, [CSP_CRIME], {CSP_CRIME: {"": offences}}, may_have_gone={CSP_CRIME: replaced > 0})


def record_held_categories(
    session: Session,
    sources: Iterable[str],
    written: Mapping[str, Mapping[str, AbstractSet[Category]]] | None = None,
    may_have_gone: Mapping[str, bool] | None = None,
) -> None:
    """Keep the categories each of ``sources``' count tables holds in line with it, in the
    caller's transaction, writing only what changed.

    ``written``: per source, per part, the categories of the rows a load wrote, whole (every
    area-month-part it wrote holds those rows and no other; every other is as it was). Those are
    held; a category kept for a part the load wrote that it did not write may have gone (the
    load replaced its rows), and only then is the table walked, unless ``may_have_gone`` says
    the load deleted nothing. A source not in ``written`` is walked."""
    written = written or {}
    may_have_gone = may_have_gone or {}
    for source in dict.fromkeys(sources):
        if source not in TABLES:
            continue
        kept = _kept(session, source)
        fresh = written.get(source)
        if fresh is None:
            held = _walk(session, source)
        else:
            new = {(part, *category) for part, categories in fresh.items() for category in categories}
            doubtful = {k for k in kept if k[0] in fresh} - new
            held = _walk(session, source) if doubtful and may_have_gone.get(source, True) else kept | new
        if gone := sorted(kept - held):
            for start in range(0, len(gone), IN_LIMIT):
                key = tuple_(HeldCategory.part, HeldCategory.major, HeldCategory.minor, HeldCategory.code)
                session.execute(
                    delete(HeldCategory)
                    .where(HeldCategory.source == source, key.in_(gone[start : start + IN_LIMIT]))
                    .execution_options(synchronize_session=False)
                )
        if added := sorted(held - kept):
            # A few hundred rows at most, through bound parameters: a category is any text the
            # file gave (a CSV COPY would read a category written "\\N" as no value).
            names = ("part", "major", "minor", "code")
            session.execute(insert(HeldCategory), [{"source": source, **dict(zip(names, k))} for k in added])
    session.flush()


def _kept(session: Session, source: str) -> set[Held]:
    stmt = select(HeldCategory.part, HeldCategory.major, HeldCategory.minor, HeldCategory.code).where(
        HeldCategory.source == source
    )
    return {(str(p), str(a), str(b), str(c)) for p, a, b, c in session.execute(stmt)}


def _walk(session: Session, source: str) -> set[Held]:
    """Every (part, category) ``source``'s count table holds: a read of every row."""
    table, columns, parts = TABLES[source]
    part = "part" if parts else "''"
    found = session.execute(text(f"SELECT DISTINCT {part}, {', '.join(columns)} FROM {table}"))
    return {(str(row[0]), *padded(row[1:])) for row in found}
