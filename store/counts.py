"""Monthly counts for any area, resolved up the hierarchy, each knowing its coverage.

An area's own figures are used for a month when it has them (a Met borough file includes
offences not placed in any ward); otherwise the month is the sum of its children's, so
wards add up to their borough and boroughs, with the Met's non-geographic units, to London.

A sum of children is a figure for the area only when every child that should report did:
London needs its 33 boroughs (the City of London excused when absent: it has its own police
force, so the Met's files never hold it), England its 9 regions, a borough every ward that
reports this source in that month (wards change with boundary reviews: a ward is expected
from its first month on, until wards that began after its last month replace it). Anything less is *partial*: kept, with its
coverage ("1 of 33 boroughs"), for ``cspdash counts`` to show as such, and never returned by
``monthly_counts`` as if it were the area's figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import ParamSpec

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from rules.ward_generations import chosen_generation
from store.areas import AreaTree
from store.bulk import IN_LIMIT
from store.category_figures import Row, category_key, kept_rows
from store.count_sources import PART_PREFIX
from store.crime_types import is_police_uk_type, lacking_reason, police_uk_types_for
from store.models import Area, AreaMonthCoverage, AsbCount, CrimeCount
from store.reference import ENGLAND, LONDON
from store.source_tables import count_models

P = ParamSpec("P")
# Count table of each source held as counts (``sources``: crime, ASB), resolved by name.
SOURCES = count_models()
# Areas whose children are a fixed, known set: (how many, what they are called).
EXPECTED_CHILDREN: dict[str, tuple[int, str]] = {LONDON: (33, "boroughs"), ENGLAND: (9, "regions")}
# Children that may be absent without making their parent partial: the City of London Police,
# not the Met, polices the City, so the Met's files never hold it.
EXCUSED_WHEN_ABSENT = frozenset({"E09000001"})
# Met units whose offences a borough's own figure (the Met's borough file) already holds:
# the airports unit (SO18), Heathrow being in Hillingdon.
UNITS_INSIDE_BOROUGHS = {"MPS-AIRPORTS": "E09000017"}
_PLURAL = {
    "ward": "wards", "borough": "boroughs", "region": "regions", "country": "countries",
    "csp": "partnerships", "force": "forces", "nation": "nations",
}  # fmt: skip  # each at most 16 characters: the coverage record's ``what`` column holds them


@dataclass(frozen=True)
class Coverage:
    """How much of an area a figure covers: its own figure, or n of N child areas."""

    loaded: int = 1
    expected: int = 1
    what: str = ""  # "boroughs", "wards"…; empty for the area's own figure
    complete: bool = True
    covered_by: str = "own figure"  # own figure | children | uploaded value (the recorded coverage's words)
    # Why the figure is not available whatever is loaded: the source held for it has no such
    # category (police.uk records and VIOLENCE AGAINST THE PERSON; see store.crime_types).
    lacking: str = ""

    def text(self) -> str:
        """``complete`` or ``partial: 1 of 33 boroughs`` (the ``counts`` coverage column)."""
        if self.lacking:
            return f"not available: {self.lacking}"
        return "complete" if self.complete else f"partial: {self.loaded} of {self.expected} {self.what}"

    def shortfall(self) -> str:
        """``only 1 of 33 boroughs loaded``: why a figure is not available."""
        return self.lacking or f"only {self.loaded} of {self.expected} {self.what} loaded"


OWN_FIGURE = Coverage()
CHILDREN = "children"
UPLOADED_VALUE = "uploaded value"


@dataclass(frozen=True)
class Covered:
    value: int
    coverage: Coverage
    upload_id: int | None = None  # the latest upload behind the figure


@dataclass(frozen=True)
class CountFilter:
    """Restrict a count to a category: crime major/minor, or an ASB category."""

    major: str | None = None
    minor: str | None = None


def _filter_clause(model: type, selection: CountFilter) -> ColumnElement[bool] | None:
    if model is CrimeCount:
        named = _crime_clause(selection)
        if named is None:
            return None
        # police.uk records name their own crime types: they count too where the stated
        # mapping relates their type to the category (none: the month is not available for
        # it, see ``_lacking``).
        types = police_uk_types_for(selection.major, selection.minor)
        return or_(named, and_(_POLICE_UK_PART, func.upper(CrimeCount.major_category).in_(types))) if types else named
    if selection.major is not None:
        return func.upper(AsbCount.category) == selection.major.upper()
    return None


def _crime_clause(selection: CountFilter) -> ColumnElement[bool] | None:
    """The selection on the categories as stored (the files', or police.uk's own names)."""
    clauses = []
    if selection.major is not None:
        clauses.append(func.upper(CrimeCount.major_category) == selection.major.upper())
    if selection.minor is not None:  # "" selects rows with no minor category (police.uk)
        clauses.append(func.upper(CrimeCount.minor_category) == selection.minor.upper())
    return and_(*clauses) if clauses else None


_POLICE_UK_PART = CrimeCount.part.startswith(PART_PREFIX)


def _lacking(model: type, selection: CountFilter) -> str:
    """Why an area-month held from police.uk records has no figure for ``selection`` ("" if
    it has one)."""
    if model is not CrimeCount or selection.major is None or is_police_uk_type(selection.major):
        return ""
    return "" if police_uk_types_for(selection.major, selection.minor) else lacking_reason(selection.major, selection.minor)


def monthly_counts(
    session: Session,
    source: str,
    area: str,
    months: list[str],
    selection: CountFilter = CountFilter(),
    tree: AreaTree | None = None,
) -> dict[str, int]:
    """{month: count} for the months that have data for ``area`` (directly or via children)."""
    return monthly_counts_many(session, source, [area], months, selection, tree)[area]


def monthly_coverage_many(
    session: Session,
    source: str,
    areas: list[str],
    months: list[str],
    selection: CountFilter = CountFilter(),
    tree: AreaTree | None = None,
) -> dict[str, dict[str, Covered]]:
    """{area: {month: Covered}} for every month with any data for each area, complete or not.

    With no category selected, each area's figures are read from the coverage record, which
    every load rewrites in its own transaction with each area's figure as it resolves it here
    (``store.coverage_record``): London's month is one row, not a sum of its 733 wards. An area
    whose record is not all there for these months (a row without its figure: ``incomplete in
    source file``, or a record from before it kept figures) is summed from the counts."""
    if selection == CountFilter():
        recorded = recorded_figures(session, source, areas, months)
        rest = [a for a in areas if a not in recorded]
        if not rest:
            return recorded
        return {**recorded, **summed_coverage(session, source, rest, months, selection, tree)}
    kept = kept_figures(session, source, areas, months, selection)
    rest = [a for a in areas if a not in kept]
    if not rest:
        return kept
    return {**kept, **summed_coverage(session, source, rest, months, selection, tree)}


def kept_figures(
    session: Session, source: str, areas: list[str], months: list[str], selection: CountFilter
) -> dict[str, dict[str, Covered]]:
    """{area: {month: Covered}} for the areas whose figures for ``selection`` are kept
    (``store.category_record``: a partnership's, for each category its indicators chart), as
    ``summed_coverage`` worked them out when the counts last changed."""
    key = category_key(selection.major, selection.minor)
    if key is None:
        return {}
    return {
        area: {
            month: Covered(value, Coverage(loaded, expected, what, complete, covered_by, lacking), upload)
            for month, (value, upload, loaded, expected, what, complete, covered_by, lacking) in per_month.items()
        }
        for area, per_month in kept_rows(session, source, areas, key, months).items()
    }


def covered_row(covered: Covered) -> Row:
    """``covered`` as ``store.category_figures`` keeps it."""
    c = covered.coverage
    return (covered.value, covered.upload_id, c.loaded, c.expected, c.what, c.complete, c.covered_by, c.lacking)


def recorded_figures(session: Session, source: str, areas: list[str], months: list[str]) -> dict[str, dict[str, Covered]]:
    """{area: {month: Covered}} from the coverage record, for the areas it holds every row of
    these months with its figure for (an area without a row in any of them is left out too:
    the caller sums it, which costs nothing where nothing is held)."""
    table = AreaMonthCoverage
    found: dict[str, dict[str, Covered]] = defaultdict(dict)
    lacking: set[str] = set()
    for start in range(0, len(areas), IN_LIMIT):
        stmt = select(
            table.area_code, table.period, table.covered_by, table.upload_id, table.loaded, table.expected, table.what,
            table.complete, table.total,
        ).where(table.source == source, table.area_code.in_(areas[start : start + IN_LIMIT]), table.period.in_(months))  # fmt: skip
        for area, month, covered_by, upload, loaded, expected, what, complete, total in session.execute(stmt):
            if total is None:
                lacking.add(area)
            else:
                coverage = Coverage(loaded, expected, what, bool(complete), covered_by)
                found[area][month] = Covered(int(total), coverage, upload)
    return {area: per_month for area, per_month in found.items() if area not in lacking}


def summed_coverage(
    session: Session,
    source: str,
    areas: list[str],
    months: list[str],
    selection: CountFilter,
    tree: AreaTree | None,
) -> dict[str, dict[str, Covered]]:
    """``monthly_coverage_many`` summed from the stored counts."""
    model = SOURCES[source]
    tree = tree or AreaTree.load(session)
    involved = tree.with_descendants(areas)
    clause = _filter_clause(model, selection)
    value = func.sum(case((clause, model.count), else_=literal(0))) if clause is not None else func.sum(model.count)
    lacking = _lacking(model, selection)
    from_police_uk = func.max(case((_POLICE_UK_PART, 1), else_=0)) if lacking else literal(0)
    stmt = (
        select(model.area_code, model.month, value, func.max(model.upload_id), from_police_uk)
        .where(model.area_code.in_(involved), model.month.in_(months))
        .group_by(model.area_code, model.month)
    )
    direct: dict[str, dict[str, Held]] = defaultdict(dict)
    for code, month, total, upload, police_uk in session.execute(stmt):
        direct[code][month] = Held(int(total or 0), upload, lacking if police_uk else "")
    # Each area's first and last month of this source (any category): the months it reports.
    return resolve_coverage(tree, areas, months, direct, month_spans(session, source, involved))


def month_spans(session: Session, source: str, areas: list[str]) -> dict[str, tuple[str, str]]:
    """Each of ``areas``' first and last month held for ``source`` (areas holding none are
    left out). Two probes of the table's key per area, whose leading columns are (area_code,
    month): the cost grows with the number of areas, not with the years each holds. (Grouping
    the area's rows read every month of a 14-year history for a page about one quarter.)"""
    model = SOURCES[source]
    held = aliased(model)
    first = select(func.min(held.month)).where(held.area_code == Area.code).scalar_subquery()
    last = select(func.max(held.month)).where(held.area_code == Area.code).scalar_subquery()
    rows = session.execute(select(Area.code, first, last).where(Area.code.in_(set(areas))))
    return {code: (lo, hi) for code, lo, hi in rows if lo is not None}


@dataclass(frozen=True)
class Held:
    """An area's own figure for a period, and the upload it came from."""

    value: int
    upload_id: int | None = None
    lacking: str = ""  # the source held has no such category: not available (see Coverage)


def resolve_coverage(
    tree: AreaTree,
    areas: list[str],
    periods: list[str],
    direct: dict[str, dict[str, Held]],
    spans: dict[str, tuple[str, str]],
    settled: Mapping[tuple[str, str], Covered | None] | None = None,
) -> dict[str, dict[str, Covered]]:
    """Each area's figure for each period: its own (``direct``), else the sum of its children
    with their coverage. ``spans`` gives the first and last period each area reports; periods
    are keys that sort in time order (months, or quarters such as ``2016-17-Q3``).
    ``settled``: (area, period) figures known already (None: no figure), taken as they are
    rather than worked out from below: the coverage record's, for areas a load left as they were."""
    known: dict[str, tuple[str, str] | None] = dict(spans)
    memo: dict[tuple[str, str], Covered | None] = dict(settled or {})
    # Only an area with a figure, a span or a settled figure of its own, or above one, can have
    # a figure or a span: every other has none, found without walking what lies below it (with
    # the nation held, a comparator such as England and Wales has 180,000 areas-periods below).
    feeding = tree.with_ancestors([*direct, *spans, *(code for (code, _), held in memo.items() if held is not None)])

    def span_of(code: str) -> tuple[str, str] | None:
        """The periods ``code`` or any area below it reports (memoised in ``known``)."""
        if code not in known:
            known[code] = None  # guards against cycles; an area feeding no figure has no span
            if code in feeding:
                parts = [s for child in tree.children.get(code, []) if (s := span_of(child))]
                known[code] = (min(p[0] for p in parts), max(p[1] for p in parts)) if parts else None
        return known[code]

    def resolve(code: str, period: str, depth: int = 0) -> Covered | None:
        key = (code, period)
        if key in memo:
            return memo[key]
        if code not in feeding:
            memo[key] = None
            return None
        own = direct.get(code, {}).get(period)
        result: Covered | None = None if own is None else Covered(own.value, _own(own), own.upload_id)
        if result is None and depth < 6:
            result = _from_children(code, period, depth)
        memo[key] = result
        return result

    def _from_children(code: str, period: str, depth: int) -> Covered | None:
        children = tree.children.get(code, [])
        parts = {child: resolve(child, period, depth + 1) for child in children}
        children = _one_generation(tree, code, period, children, parts)
        parts = {child: parts[child] for child in children}
        _drop_units_counted_by_their_borough(parts)
        present = [p for p in parts.values() if p is not None]
        if not present:
            return None
        geographic = [c for c in children if tree.by_code[c].level != "other"]
        starts = [span[0] for c, p in parts.items() if p is not None and (span := span_of(c))]
        loaded = sum(1 for c in geographic if (part := parts[c]) is not None and part.coverage.complete)
        if code in EXPECTED_CHILDREN:
            expected, what = EXPECTED_CHILDREN[code]
            needed = [c for c in geographic if not (c in EXCUSED_WHEN_ABSENT and parts[c] is None)]
            missing = expected - len(geographic)  # fixed children not even declared
            complete = missing <= 0 and loaded == len(needed)
        else:
            needed = [c for c in geographic if _expected(span_of(c), period, starts)] if geographic else []
            expected = len(needed)
            what = _PLURAL.get(tree.by_code[needed[0]].level, "areas") if needed else "areas"
            loaded = sum(1 for c in needed if (part := parts[c]) is not None and part.coverage.complete)
            complete = loaded == expected
        complete = complete and all(p.coverage.complete for p in present)
        uploads = [p.upload_id for p in present if p.upload_id is not None]
        lacking = next((p.coverage.lacking for p in present if p.coverage.lacking), "")
        coverage = Coverage(loaded, expected, what, complete and not lacking, CHILDREN, lacking)
        return Covered(sum(p.value for p in present), coverage, max(uploads, default=None))

    out: dict[str, dict[str, Covered]] = {}
    for area in areas:
        resolved = {p: resolve(area, p) for p in periods}
        out[area] = {p: v for p, v in resolved.items() if v is not None}
    return out


def _one_generation(tree: AreaTree, code: str, period: str, children: list[str], parts: dict[str, Covered | None]) -> list[str]:
    """The children that make up ``code``'s figure for ``period``: of its wards, those of one
    generation only (``rules.ward_generations``): two generations held for the same months are
    two complete sets of wards, and summing both counts every offence twice. A ward whose
    generation is not known cannot be told apart, and counts with whichever set is used."""
    generation = {c: v for c in children if tree.by_code[c].level == "ward" and (v := tree.by_code[c].boundary_vintage)}
    if len(set(generation.values())) < 2:
        return children
    latest: dict[str, int | None] = {}  # each generation's latest upload in this period
    for child, vintage in generation.items():
        part = parts[child]
        if part is not None:
            upload = part.upload_id if part.upload_id is not None else -1
            latest[vintage] = max(latest.get(vintage) or -1, upload)
    if not latest:
        return children
    chosen = chosen_generation(latest, tree.generation_choices.get((code, period)))
    # A ward of unknown generation (declared by an areas file without one) is in every set.
    return [c for c in children if generation.get(c, chosen) == chosen]


def _own(held: Held) -> Coverage:
    return OWN_FIGURE if not held.lacking else Coverage(complete=False, lacking=held.lacking)


def _drop_units_counted_by_their_borough(parts: dict[str, Covered | None]) -> None:
    """A Met unit's figure is left out beside a borough's own figure that already holds its
    offences: the borough file counts airport offences in Hillingdon's own figure, where the
    ward file keeps them apart as "Aviation Security (SO18)". Summed, London would count them
    twice (2024/25: 930,156 + 6,331). The unit is kept when the same upload gave both figures
    (a borough file's own airports row sits beside its Hillingdon row, each offence once)."""
    for unit, borough in UNITS_INSIDE_BOROUGHS.items():
        held, own = parts.get(unit), parts.get(borough)
        if (
            held is not None
            and own is not None
            and own.coverage.covered_by == OWN_FIGURE.covered_by
            and own.upload_id != held.upload_id
        ):
            parts[unit] = None


def _complete_only(resolver: Callable[P, dict[str, dict[str, Covered]]]) -> Callable[P, dict[str, dict[str, int]]]:
    """``resolver`` keeping only complete figures, as plain counts: what may be shown as a total."""

    @wraps(resolver)
    def complete(*args: P.args, **kwargs: P.kwargs) -> dict[str, dict[str, int]]:
        resolved = resolver(*args, **kwargs)
        return {area: {m: c.value for m, c in per_month.items() if c.coverage.complete} for area, per_month in resolved.items()}

    complete.__doc__ = "Like ``monthly_counts`` for several areas with one query: complete figures only."
    return complete


# Same arguments as monthly_coverage_many; partial figures are left out.
monthly_counts_many = _complete_only(monthly_coverage_many)


def _expected(span: tuple[str, str] | None, month: str, starts: list[str]) -> bool:
    """Should a child that reports over ``span`` report in ``month``? Yes within its span; not
    before it began; after its last month, yes unless a sibling reporting now began after that
    (new wards replaced it in a boundary review) - otherwise it is simply not loaded yet."""
    if span is None or month < span[0]:
        return False
    return month <= span[1] or not any(start > span[1] for start in starts)


def stored_figures(
    session: Session, source: str, tree: AreaTree
) -> tuple[dict[str, dict[str, Held]], dict[str, tuple[str, str]]]:
    """Every area's own figure for each month ``source`` holds (all categories), and each
    area's first and last month: what ``resolve_coverage`` needs for the whole source, read in
    one pass over the table. (``monthly_coverage_many`` filters by area and month, and reads
    the spans in a second pass: for a whole source of years of history that doubles the work.)"""
    model = SOURCES[source]
    direct: dict[str, dict[str, Held]] = defaultdict(dict)
    stmt = select(model.area_code, model.month, func.sum(model.count), func.max(model.upload_id)).group_by(
        model.area_code, model.month
    )
    for code, month, total, upload in session.execute(stmt):
        if code in tree.by_code:
            direct[code][month] = Held(int(total or 0), upload)
    spans = {code: (min(per_month), max(per_month)) for code, per_month in direct.items()}
    return direct, spans
