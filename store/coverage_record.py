"""The recorded coverage: per source, area and period, how the area's figure is covered.

Every load that changes figures rewrites the record for its sources in the load's own
transaction (``record_coverage``), so a failed or dry-run load leaves it as it was and a
re-load or a rolling window leaves it as a fresh computation would. The record holds every
area with a figure (complete or partial): its own figure, summed from its children (n of N
child areas reporting) or an uploaded value, and the latest upload behind it. ``cspdash
counts`` reads coverage from here.

Coverage of a month can change when another month is loaded (a ward that begins after a
boundary review stops the old wards being expected). A load of counts (a crime, ASB or
police.uk file) says which area-months it wrote, and the record works out again every period
that can have changed (``store.coverage_after_load``), for the areas it wrote and the areas
above them only: one force's police.uk file beside every area of England and Wales works out
its own wards, not the nation's. Any other load (areas, MARAC, values) has the source's whole
record worked out again. Either way only the rows that changed are written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session

from sources.declarations import COUNTS, PARTNERSHIP_QUARTERS, RETURNS, UPLOADED
from sources.registry import SOURCES as DECLARED_SOURCES
from sources.registry import by_key
from store.areas import AreaTree
from store.bulk import IN_LIMIT, WHOLE_TABLE_FRACTION, bulk_insert_frame
from store.category_record import record_category_figures
from store.counts import OWN_FIGURE, SOURCES, UPLOADED_VALUE, Coverage, Covered, Held, resolve_coverage, stored_figures
from store.coverage_after_load import Figures, figures_after, periods_to_work_out, spans_extended
from store.kept_totals import record_held_categories
from store.marac import marac_coverage_many, marac_quarters_held
from store.models import AreaMonthCoverage, IndicatorValue
from store.source_months import record_source_months

# Which recorded sources a load of each kind can change: each kind's ``changes_coverage``
# (``sources``).
VALUES_PREFIX = "values:"


class Recorded(NamedTuple):
    """One row of the record, less its key. (A tuple: a first import works out a hundred
    thousand of these, and a frozen dataclass is several times slower to make.)"""

    covered_by: str
    upload_id: int | None
    loaded: int
    expected: int
    what: str
    complete: bool
    total: int | None = None  # the figure, all categories (``Covered.value``); None: no figure

    @classmethod
    def of(cls, covered: Covered) -> Recorded:
        c = covered.coverage
        return cls(c.covered_by, covered.upload_id, c.loaded, c.expected, c.what, c.complete, covered.value)

    def row(self) -> tuple[str, int | None, int, int, str, bool, int | None]:
        """The fields in column order."""
        return (self.covered_by, self.upload_id, self.loaded, self.expected, self.what, self.complete, self.total)

    def text(self) -> str:
        """``complete`` or ``partial: 1 of 33 boroughs``, as ``Coverage.text``; or
        ``incomplete in source file`` (``store.incomplete_months``)."""
        if self.covered_by == "incomplete in source file":
            return self.covered_by
        return "complete" if self.complete else f"partial: {self.loaded} of {self.expected} {self.what}"


Key = tuple[str, str, str]  # (source, area, period)


@dataclass(frozen=True)
class Loaded:
    """What a load of counts tells the record about one source: the area-months it wrote,
    whole (every other area-month is as it was), and whether they now hold only upload
    ``upload_id``'s figures (not after a merge: unchanged figures keep their upload)."""

    upload_id: int | None
    area_months: set[tuple[str, str]]
    only_this_upload: bool = True
    # Each area-month's figure (all categories) as written, when the load wrote into an empty
    # table, where nothing else is held: the record need not read them back from the table.
    totals: dict[tuple[str, str], int] | None = None


def record_coverage(
    session: Session,
    sources: Iterable[str],
    meanwhile: Callable[[], None] | None = None,
    loaded: Mapping[str, Loaded] | None = None,
    incomplete: bool = True,
) -> None:
    """Bring the record for ``sources`` (``crime``, ``asb``, ``marac``, ``values``) in line
    with the stored figures, writing only what changed, in the caller's transaction.

    ``meanwhile`` is called once everything is read and before the record is worked out in
    Python: a load hands it the building of the key it set aside, so the server builds the
    key while this process works out the record (on two cores, the two overlap).

    ``loaded`` (per source: what a load of counts wrote) saves reading every stored figure
    again and working out every period: see ``store.coverage_after_load``.

    ``incomplete``: write the record's ``incomplete in source file`` rows too
    (``store.incomplete_months``), which the computation does not know of and so removes; a
    load does it itself once the count table's key is rebuilt."""
    sources = list(dict.fromkeys(sources))
    tree = AreaTree.load(session)
    loaded = loaded or {}
    plans = [_plan(session, source, tree, loaded.get(source)) for source in dict.fromkeys(sources)]
    if meanwhile is not None:
        meanwhile()
    for held, work_out in plans:
        wanted = work_out()
        stale = [k for k, v in held.items() if wanted.get(k) != v]
        fresh = [k for k, v in wanted.items() if held.get(k) != v]
        _delete_keys(session, stale)
        if fresh:
            # A first import records every area-month of years of history: COPY (PostgreSQL)
            # or executemany (SQLite), not the ORM's insert of one dict per row.
            frame = pd.DataFrame([(*k, *wanted[k].row()) for k in fresh], columns=list(_COLUMNS))
            frame["upload_id"] = frame["upload_id"].astype("Int64")
            frame["total"] = frame["total"].astype("Int64")
            bulk_insert_frame(session, AreaMonthCoverage.__tablename__, frame)
    # Each partnership's figures by category change with the record: kept beside it.
    record_category_figures(session, sources, tree, loaded)
    session.flush()
    if incomplete:
        from store.incomplete_months import record_incomplete  # it reads this module's record

        record_incomplete(session, sources)
        # Whatever changes counts outside a load of them (areas retired into their successors,
        # sources settled after a migration) keeps their months held in line too.
        record_source_months(session, sources)
        record_held_categories(session, sources)  # and the categories held: a walk of each table


Plan = tuple[dict[Key, Recorded], Callable[[], dict[Key, Recorded]]]  # (held, how to work it out)


def _plan(session: Session, source: str, tree: AreaTree, loaded: Loaded | None) -> Plan:
    """The part of the record to bring up to date, as held, and how to work out what it
    should be (Python only, no database: see ``record_coverage``)."""
    if loaded is not None and source in SOURCES:
        plan = _plan_after_load(session, source, tree, loaded)
        if plan is not None:
            return plan
    return recorded_coverage(session, source), _read(session, source, tree)


def _delete_keys(session: Session, keys: list[Key]) -> None:
    """Delete the record's rows with these keys. A window onto years of history can change
    tens of thousands (each area-month's latest upload): one join with a temporary table of
    the keys, keyed so each row of the record finds its match at once (SQLite would otherwise
    scan the keys once per row), where batches of ``(…) IN (…)`` lists read the whole record
    once per batch."""
    if not keys:
        return
    table = AreaMonthCoverage.__tablename__
    session.execute(
        text(
            f"CREATE TEMPORARY TABLE {_STALE} (source varchar(100), area_code varchar(32), period varchar(32), PRIMARY KEY (source, area_code, period))"
        )
    )
    bulk_insert_frame(session, _STALE, pd.DataFrame(keys, columns=["source", "area_code", "period"]))
    session.execute(
        text(
            f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {_STALE} s WHERE s.source = {table}.source "
            f"AND s.area_code = {table}.area_code AND s.period = {table}.period)"
        )
    )
    session.execute(text(f"DROP TABLE {_STALE}"))


_STALE = "cspdash_stale_coverage"
_COLUMNS = ("source", "area_code", "period", "covered_by", "upload_id", "loaded", "expected", "what", "complete", "total")


def _source_clause(source: str) -> ColumnElement[bool]:
    declared = DECLARED_SOURCES.get(source)
    if declared is not None and declared.coverage == UPLOADED:  # one record per indicator
        return AreaMonthCoverage.source.startswith(VALUES_PREFIX)
    return AreaMonthCoverage.source == source


def recorded_coverage(
    session: Session, source: str, periods: Iterable[str] | None = None, areas: Collection[str] | None = None
) -> dict[Key, Recorded]:
    """The record for ``source`` as stored (``values``: every indicator's uploaded values),
    in ``periods`` only and of ``areas`` only when given."""
    stmt = select(*(getattr(AreaMonthCoverage, c) for c in _COLUMNS)).where(_source_clause(source))
    if periods is not None:
        stmt = stmt.where(AreaMonthCoverage.period.in_(sorted(periods)))
    codes = sorted(areas) if areas is not None else None
    batches = (
        [stmt]
        if codes is None
        else [stmt.where(AreaMonthCoverage.area_code.in_(codes[i : i + IN_LIMIT])) for i in range(0, len(codes), IN_LIMIT)]
    )
    return {(r[0], r[1], r[2]): Recorded(*r[3:]) for batch in batches for r in session.execute(batch)}


def computed_coverage(session: Session, source: str, tree: AreaTree | None = None) -> dict[Key, Recorded]:
    """The record for ``source`` worked out afresh from the stored figures, with the
    ``incomplete in source file`` rows of the stub months marked (``store.incomplete_months``)."""
    from store.incomplete_months import INCOMPLETE, incomplete_rows

    tree = tree or AreaTree.load(session)
    out = _read(session, source, tree)()
    held = {(a, m) for (_, a, m) in out}
    for (area, month), upload in incomplete_rows(session, source, held, tree).items():
        out[(source, area, month)] = Recorded(INCOMPLETE, upload, 0, 1, "", False)
    return out


def _read(session: Session, source: str, tree: AreaTree) -> Callable[[], dict[Key, Recorded]]:
    """Read what ``source``'s whole record is worked out from; return the working out."""
    areas = sorted(tree.by_code)
    rule = by_key(source).coverage
    if rule == COUNTS:
        direct, spans = stored_figures(session, source, tree)
        months = sorted({m for per_month in direct.values() for m in per_month})

        def monthly() -> dict[Key, Recorded]:
            resolved = resolve_coverage(tree, areas, months, direct, spans) if months else {}
            return {(source, a, m): Recorded.of(c) for a, per_month in resolved.items() for m, c in per_month.items()}

        return monthly
    if rule == RETURNS:  # a few returns a quarter: read and worked out at once
        quarters = marac_quarters_held(session)
        figures = marac_coverage_many(session, areas, quarters, tree) if quarters else {}
        record = {(source, a, q): Recorded.of(f.cases) for a, per_quarter in figures.items() for q, f in per_quarter.items()}
        return lambda: record
    if rule == UPLOADED:
        rows = session.execute(
            select(IndicatorValue.indicator_code, IndicatorValue.area_code, IndicatorValue.period, IndicatorValue.upload_id)
        )
        record = {
            (VALUES_PREFIX + code, area, period): Recorded(UPLOADED_VALUE, upload, 1, 1, "", True)
            for code, area, period, upload in rows
        }
        return lambda: record
    if rule == PARTNERSHIP_QUARTERS:
        # The Home Office tables' coverage is worked out as they are read (every partnership of
        # the area held for the quarter: ``store.csp_crime``); nothing is recorded for it.
        return dict
    raise ValueError(f"no recorded coverage for source {source!r}")


def _plan_after_load(session: Session, source: str, tree: AreaTree, loaded: Loaded) -> Plan | None:
    """After a load of counts: only the periods it can have changed (``periods_to_work_out``)
    are read and worked out again, from the record's own figures and what the load wrote;
    ``None`` (work out the whole record) if the load left a loaded area-month empty."""
    own = OWN_FIGURE.covered_by
    table = AreaMonthCoverage
    before_spans: dict[str, tuple[str, str]] = {}
    held_area_months = 0
    for area, lo, hi, n in session.execute(
        select(table.area_code, func.min(table.period), func.max(table.period), func.count())
        .where(table.source == source, table.covered_by == own)
        .group_by(table.area_code)
    ):
        before_spans[area] = (lo, hi)
        held_area_months += n
    area_months = {(a, m) for a, m in loaded.area_months if a in tree.by_code}
    # What the loaded area-months now hold, read back: the record keeps each area's figure
    # (``total``), and an area-month can hold other parts than the load's (police.uk forces).
    if not area_months:  # a merge that changed nothing
        now: dict[tuple[str, str], Held] = {}
    elif loaded.totals is not None:  # a first import: what it wrote is all the table holds
        now = {k: Held(loaded.totals[k], loaded.upload_id) for k in area_months if k in loaded.totals}
    elif len(area_months) * WHOLE_TABLE_FRACTION >= held_area_months:  # much of the table: one pass over it
        stored = stored_figures(session, source, tree)[0]
        now = {(a, m): stored[a][m] for a, m in area_months if m in stored.get(a, {})}
    else:  # a window: its area-months alone, through the key
        now = _held_now(session, source, area_months)
    if loaded.only_this_upload and loaded.totals is None:  # (the totals' figures carry it already)
        now = {k: Held(v.value, loaded.upload_id) for k, v in now.items()}
    written = {k: v.upload_id for k, v in now.items()}
    if written.keys() != area_months:
        return None  # the spans below assume every loaded area-month holds figures
    after_spans = spans_extended(before_spans, area_months)
    periods = {p for (p,) in session.execute(select(table.period).where(table.source == source).distinct())}
    loaded_periods = {m for _, m in area_months}
    again = periods_to_work_out(before_spans, after_spans, loaded_periods, periods | loaded_periods)
    # Only the loaded areas and the areas above them can change: each of the others is summed
    # from areas the load did not touch. Their record is read beside the part to rewrite, so
    # an area above takes its untouched children's figures from it (``resolve_coverage``'s
    # ``settled``) instead of working out the whole nation below them again.
    touched = tree.with_ancestors(a for a, _ in area_months)
    beside = {c for a in touched for c in tree.children.get(a, ()) if c not in touched}
    if again >= periods:
        read = recorded_coverage(session, source, areas=touched | beside)
    elif len(again) <= IN_LIMIT:
        read = recorded_coverage(session, source, again, touched | beside)
    else:  # the rest of the record is not this plan's to rewrite
        read = {k: v for k, v in recorded_coverage(session, source, areas=touched | beside).items() if k[2] in again}
    held = {k: v for k, v in read.items() if k[1] in touched}
    settled = _settled(read, beside, again)
    if settled is None:
        return None  # a record from before it kept figures: work out the whole of it
    before: Figures = {}
    values: dict[tuple[str, str], int] = {k: v.value for k, v in now.items()}
    for (_, area, period), recorded in held.items():
        if recorded.covered_by == own:
            if recorded.total is None:
                return None  # a record from before it kept figures: work out the whole of it
            before.setdefault(area, {})[period] = recorded.upload_id
            values.setdefault((area, period), recorded.total)

    def monthly() -> dict[Key, Recorded]:
        # Worked out here, after the reads: a load's key is built meanwhile (``record_coverage``).
        after = figures_after(before, area_months, written)
        direct = {a: {p: Held(values[(a, p)], u) for p, u in per.items()} for a, per in after.items()}
        resolved = resolve_coverage(tree, sorted(touched), sorted(again), direct, after_spans, settled) if again else {}
        return {(source, a, m): Recorded.of(c) for a, per_month in resolved.items() for m, c in per_month.items()}

    return held, monthly


def _settled(read: dict[Key, Recorded], areas: set[str], periods: set[str]) -> dict[tuple[str, str], Covered | None] | None:
    """The figures of ``areas`` (which a load left as they were) in ``periods``, from the record:
    no row, or an ``incomplete in source file`` row (written only where there is no figure), is
    no figure. ``None`` if a row lacks its figure (a record from before it kept them)."""
    from store.incomplete_months import INCOMPLETE  # it reads this module's record

    out: dict[tuple[str, str], Covered | None] = {(a, p): None for a in areas for p in periods}
    for (_, area, period), row in read.items():
        if area not in areas or row.covered_by == INCOMPLETE:
            continue
        if row.total is None:
            return None
        out[(area, period)] = Covered(
            row.total, Coverage(row.loaded, row.expected, row.what, row.complete, row.covered_by), row.upload_id
        )
    return out


_LOADED = "cspdash_loaded_area_months"


def _held_now(session: Session, source: str, area_months: set[tuple[str, str]]) -> dict[tuple[str, str], Held]:
    """The figure (all categories) and latest upload of each of these area-months that holds
    figures (one join with a keyed temporary table of them, read through the count table's key)."""
    if not area_months:
        return {}
    table = SOURCES[source].__tablename__
    session.execute(
        text(f"CREATE TEMPORARY TABLE {_LOADED} (area_code varchar(32), month varchar(7), PRIMARY KEY (area_code, month))")
    )
    bulk_insert_frame(session, _LOADED, pd.DataFrame(sorted(area_months), columns=["area_code", "month"]))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {_LOADED}"))
    # CROSS JOIN: SQLite then walks the few loaded area-months, each through the key
    # (PostgreSQL plans it as any join).
    rows = session.execute(
        text(
            f"SELECT l.area_code, l.month, max(t.upload_id), sum(t.count) FROM {_LOADED} l CROSS JOIN {table} t "
            f"WHERE t.area_code = l.area_code AND t.month = l.month GROUP BY l.area_code, l.month"
        )
    )
    out = {(area, month): Held(int(total or 0), upload) for area, month, upload, total in rows}
    session.execute(text(f"DROP TABLE {_LOADED}"))
    return out
