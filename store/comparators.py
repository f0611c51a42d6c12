"""Comparators resolved and figured (issue 21 part 4).

An indicator's ``comparator_area`` names an area code, or a relation resolved against the area
scored through the area tree (``force``, ``region``, ``country``, ``nation``, ``group:<name>``;
``rules.comparators``). This module finds the area (or a group's members) and works out what the
scorecard, the indicator page, the pack and the API show: rates per 1,000 residents where
counts are compared, and for a group its weighted figure and the area's rank in it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from reporting.scoring import ScoreRow
from rules.area_levels import COUNTRIES, DISTRICT, NATION
from rules.comparators import (
    ComparatorSpec,
    MemberFigure,
    group_label,
    parse_comparator,
    rank_among,
    relation_label,
    weighted_rate,
)
from rules.met_home_office import home_office_measure
from rules.periods import Quarter
from store.areas import AreaTree
from store.comparison_groups import group_members
from store.measures import IndicatorDefinition, Series, series
from store.population import population_for, populations_for, rate_per_1000

WALES = COUNTRIES["W"][0]
_RELATION_WORDS = {
    "force": "police force area",
    "region": "region",
    "country": "country",
    "nation": "England and Wales",
}


@dataclass(frozen=True)
class ResolvedComparator:
    """What an indicator is compared with for one area: one area (``code``) or a group's
    members other than the area; ``why`` says why neither could be found."""

    spec: ComparatorSpec
    label: str
    code: str | None = None
    members: tuple[str, ...] = ()
    why: str = ""

    @property
    def is_group(self) -> bool:
        return self.spec.relation == "group"

    @property
    def available(self) -> bool:
        return not self.why


@dataclass(frozen=True)
class ComparatorMeasure:
    """The indicator read for its comparator: the same code, unit and basis, and the national
    tables' measure with the same meaning for a national comparator (where one is known)."""

    code: str
    unit: str
    basis: str
    measure: str
    # Whose uploaded values are read for it: the indicator's own partnership's.
    partnership_code: str | None = None


# Said after a national comparator whose figure comes from the Home Office tables while the
# indicator's own figures come from the Met's files: every figure names its source.
FROM_HOME_OFFICE = "Home Office tables"


def resolve_comparator(
    session: Session,
    tree: AreaTree,
    comparator_area: str | None,
    comparator_label: str | None,
    area: str,
    measure: str | None = None,
) -> ResolvedComparator | None:
    """The comparator an indicator (measured on ``measure``) names, for ``area``; None when it
    names none. Its label names the Home Office tables when its figure is read from them and
    the indicator's own is not."""
    resolved = _resolve(session, tree, comparator_area, comparator_label, area)
    if resolved is not None and measure and resolved.spec.is_national and home_office_measure(measure):
        return dataclasses.replace(resolved, label=f"{resolved.label} ({FROM_HOME_OFFICE})")
    return resolved


def _resolve(
    session: Session, tree: AreaTree, comparator_area: str | None, comparator_label: str | None, area: str
) -> ResolvedComparator | None:
    try:
        spec = parse_comparator(comparator_area)
    except ValueError as exc:
        return ResolvedComparator(ComparatorSpec("group", ""), comparator_label or "", why=str(exc))
    if spec is None:
        return None
    if spec.relation == "code":
        return ResolvedComparator(spec, comparator_label or tree.name(spec.value), code=spec.value)
    if spec.relation == "group":
        return _resolve_group(session, tree, spec, comparator_label, area)
    code = _related_area(tree, spec.relation, area)
    if code is None:
        words = _RELATION_WORDS[spec.relation]
        label = comparator_label or words
        return ResolvedComparator(spec, label, why=f"no {words} is held above {tree.name(area)} in the area tree")
    level = tree.by_code[code].level if code in tree.by_code else ""
    return ResolvedComparator(spec, comparator_label or relation_label(spec.relation, tree.name(code), level), code=code)


def _related_area(tree: AreaTree, relation: str, area: str) -> str | None:
    """The area above ``area`` a relation names: its force, its region (Wales for a Welsh
    area), its country, or England and Wales."""
    above = tree.ancestors(area)
    levels = {code: tree.by_code[code].level for code in above if code in tree.by_code}
    if relation == "nation":
        return NATION if NATION in levels else None
    if relation == "region":
        region = next((c for c in above if levels.get(c) == "region"), None) or _region_of_districts(tree, area)
        if region is None and _is_welsh(area, above):
            return next((c for c in above if levels.get(c) == "country"), None)
        return region
    return next((c for c in above if levels.get(c) == relation), None)


def _region_of_districts(tree: AreaTree, area: str) -> str | None:
    """A partnership's region: the one region all its districts are in (a partnership sits
    under its force, not its region); None when they are in none or in more than one."""
    info = tree.by_code.get(area)
    if info is None or info.level != "csp":
        return None
    regions = set()
    for district in (c for c in tree.descendants(area) if tree.by_code[c].level == DISTRICT):
        above = tree.ancestors(district)
        regions.add(next((c for c in above if tree.by_code.get(c) and tree.by_code[c].level == "region"), None))
    return regions.pop() if len(regions) == 1 else None


def _is_welsh(area: str, above: list[str]) -> bool:
    return WALES in above or area.upper().startswith("W")


def _resolve_group(
    session: Session, tree: AreaTree, spec: ComparatorSpec, comparator_label: str | None, area: str
) -> ResolvedComparator:
    held = group_members(session, spec.value)
    name = comparator_label or spec.value
    if held is None:
        return ResolvedComparator(spec, name, why=f"no group of similar areas named {spec.value!r} is loaded")
    # The area itself is left out: its own code, or the partnership or district that is it.
    itself = {area, *_same_place(tree, area)}
    members = tuple(code for code in held if code not in itself)
    return ResolvedComparator(spec, group_label(name, len(members)), members=members)


def _same_place(tree: AreaTree, area: str) -> set[str]:
    """The partnership a district makes up alone, or the districts of a partnership: the same place."""
    out = set(tree.descendants(area)) if tree.by_code.get(area) and tree.by_code[area].level == "csp" else set()
    for parent in tree.parents(area):
        if tree.by_code.get(parent) and tree.by_code[parent].level == "csp":
            out.add(parent)
    return out


def comparator_measure(indicator: IndicatorDefinition, resolved: ResolvedComparator) -> ComparatorMeasure:
    """The indicator as read for its comparator: a national comparator of a measure held in the
    national tables under another name reads that one (``rules.met_home_office``)."""
    measure = indicator.measure
    if resolved.spec.is_national:
        measure = home_office_measure(measure) or measure
    return ComparatorMeasure(
        indicator.code, indicator.unit, indicator.basis, measure, getattr(indicator, "partnership_code", None)
    )


@dataclass(frozen=True)
class Population:
    people: float | None
    missing: str = ""  # the area (or districts) without a population held


def population_of(session: Session, tree: AreaTree, area: str, year: int) -> Population:
    """Residents of ``area``: its own figure, else the sum of its districts' (all of them held)."""
    held = population_for(session, area, year)
    if held is not None:
        return Population(float(held[1]))
    districts = [c for c in tree.descendants(area) if tree.by_code[c].level == DISTRICT]
    if not districts:
        return Population(None, tree.name(area))
    held_by_district = populations_for(session, districts, year)  # one query, not one per district
    figures = {code: held_by_district.get(code) for code in districts}
    lacking = [tree.name(code) for code, figure in sorted(figures.items()) if figure is None]
    if len(lacking) > 3:
        return Population(None, f"{tree.name(area)} ({len(lacking)} of its {len(districts)} districts)")
    if lacking:
        return Population(None, f"{tree.name(area)} ({', '.join(lacking)})")
    return Population(float(sum(figure[1] for figure in figures.values() if figure is not None)))


@dataclass
class ComparatorFigures:
    """What a row shows of its comparator beyond the change on last year."""

    label: str
    home_rate: float | None = None
    comparator_rate: float | None = None
    rank: str = ""
    members: int | None = None
    note: str = ""  # why the comparator's figure is not available (naming the member missing)
    rate_note: str = ""  # why rates are not compared (naming the population missing)
    change: float | None = None  # a group's weighted figure against a year earlier, %
    member_codes: tuple[str, ...] = field(default=())


def comparator_figures(
    session: Session,
    tree: AreaTree,
    indicator: IndicatorDefinition,
    polarity: str,
    resolved: ResolvedComparator,
    area: str,
    period: Quarter,
    home: Series,
    quarters: list[Quarter],
    comparator: Series | None,
) -> ComparatorFigures:
    """Rates per 1,000 residents for a count (home and comparator), and for a group its
    weighted figure, change on a year earlier and the area's rank."""
    out = ComparatorFigures(resolved.label)
    if not resolved.available:
        out.note = f"not available ({resolved.why})"
        return out
    if resolved.is_group:
        return _group_figures(session, tree, indicator, polarity, resolved, area, period, home, quarters, out)
    if indicator.unit != "count" or comparator is None or resolved.code is None:
        return out
    home_people = population_of(session, tree, area, period.year)
    their_people = population_of(session, tree, resolved.code, period.year)
    if resolved.spec.relation == "code" and (home_people.people is None or their_people.people is None):
        return out  # a comparator named by code keeps working as before: rates only where both are held
    out.home_rate = rate_per_1000(home.basis(period), home_people.people)
    out.comparator_rate = rate_per_1000(comparator.basis(period), their_people.people)
    lacking = [p.missing for p in (home_people, their_people) if p.people is None]
    if lacking:
        out.rate_note = f"rates not compared: no population held for {' or '.join(lacking)}"
    return out


def _member_figure(
    session: Session, tree: AreaTree, indicator: IndicatorDefinition, s: Series, code: str, period: Quarter
) -> MemberFigure:
    """A member's count over its residents (a count), or its numerator over its denominator."""
    if indicator.unit == "count":
        people = population_of(session, tree, code, period.year).people
        return MemberFigure(code, tree.name(code), s.basis(period), people)
    value = s.basis_value(period)
    if value is None or value.numerator is None or value.denominator is None:
        return MemberFigure(code, tree.name(code), None, None)
    return MemberFigure(code, tree.name(code), value.numerator, value.denominator)


def _group_figures(
    session: Session,
    tree: AreaTree,
    indicator: IndicatorDefinition,
    polarity: str,
    resolved: ResolvedComparator,
    area: str,
    period: Quarter,
    home: Series,
    quarters: list[Quarter],
    out: ComparatorFigures,
) -> ComparatorFigures:
    measured = comparator_measure(indicator, resolved)
    scale = _scale(indicator.unit)
    last_year = period.same_quarter_last_year()
    member_series = {code: series(session, measured, code, quarters, tree) for code in resolved.members}
    now = [_member_figure(session, tree, indicator, s, code, period) for code, s in member_series.items()]
    before = [_member_figure(session, tree, indicator, s, code, last_year) for code, s in member_series.items()]
    figure, earlier = weighted_rate(now, scale), weighted_rate(before, scale)
    out.members, out.member_codes = len(resolved.members), resolved.members
    out.comparator_rate = figure.value
    if figure.value is None:
        out.note = f"not available ({figure.missing})"
        return out
    if earlier.value:
        out.change = 100.0 * (figure.value - earlier.value) / earlier.value
    mine = _member_figure(session, tree, indicator, home, area, period)
    if mine.count is None or not mine.population:
        out.rate_note = f"{tree.name(area)} not ranked: no {'figure' if mine.count is None else 'population'} held for it"
        return out
    out.home_rate = scale * mine.count / mine.population
    others = [scale * (m.count or 0.0) / (m.population or 1.0) for m in now]
    rank = rank_among(out.home_rate, others, polarity)
    out.rank = f"{tree.name(area)} {rank.text} ({rank.order_words})"
    return out


def group_series(
    session: Session, tree: AreaTree, indicator: IndicatorDefinition, resolved: ResolvedComparator, quarters: list[Quarter]
) -> tuple[dict[str, float], dict[str, str]]:
    """A group's weighted figure at each of ``quarters`` (a count's rate per 1,000 residents),
    and why it has none where a member lacks figures or population."""
    measured = comparator_measure(indicator, resolved)
    scale = _scale(indicator.unit)
    member_series = {code: series(session, measured, code, quarters, tree) for code in resolved.members}
    values, gaps = {}, {}
    for q in quarters:
        figure = weighted_rate([_member_figure(session, tree, indicator, s, code, q) for code, s in member_series.items()], scale)
        if figure.value is not None:
            values[q.key] = figure.value
        else:
            gaps[q.key] = figure.missing
    return values, gaps


def _scale(unit: str) -> float:
    """A group's figure: per 1,000 residents for a count, a percentage, or a rate as it is."""
    return 1000.0 if unit == "count" else 100.0 if unit == "percent" else 1.0


def attach_comparator(row: ScoreRow, figures: ComparatorFigures) -> None:
    """Put the comparator's words and figures on a scored row."""
    row.comparator_label = figures.label
    row.home_rate, row.comparator_rate = figures.home_rate, figures.comparator_rate
    row.comparator_rank, row.comparator_members = figures.rank, figures.members
    if figures.change is not None:
        row.comparator_change = figures.change
    if figures.note and not row.comparator_note:
        row.comparator_note = figures.note
    row.comparator_rate_note = figures.rate_note
