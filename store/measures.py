"""Indicator values by quarter for an area, whatever the measure's source.

Quarter values need all three months; year to date needs every quarter so far. A percentage
or rate is combined only as the sum of numerators over the sum of denominators (``rules.ratios``):
a part without them makes the combined figure not available, and ``Series.gap`` says which.
Values uploaded for an indicator, area and quarter take precedence over the measure
(that is how London or England comparators for a crime measure are supplied), and a
published year-to-date value (period ``2015-16-YTD-Q3``) takes precedence over the sum of
the quarters. A quarter whose counts are partial (not every borough or ward loaded) has no
value, and the series says why (``Series.gap``); so has a MARAC quarter summed from only some
children's returns, or missing its return in a year with others (``store.marac``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.csp_tables import OffenceSelection, parse_offence_selection
from rules.periods import Quarter
from rules.ratios import Combined, PeriodValue, combine
from sources.declarations import CATEGORIES, COUNTS, FIELD, OFFENCES, PARTNERSHIP_QUARTERS, RETURNS, WHOLE
from sources.registry import SOURCES, by_key, uploaded
from store.areas import AreaTree
from store.counts import CountFilter, monthly_coverage_many
from store.csp_crime import csp_quarter_figures
from store.marac import marac_coverage_many
from store.models import IndicatorValue
from store.partnerships import partnership_in_force


class IndicatorDefinition(Protocol):
    """What a series reads of an indicator: ``store.models.Indicator``, or the same detached
    from the session (``store.queries.IndicatorInfo``). Read only, so a frozen record fits."""

    @property
    def code(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def basis(self) -> str: ...
    @property
    def measure(self) -> str: ...


@dataclass(frozen=True)
class Measure:
    source: str  # a declared source's key (``sources``): crime | asb | marac | values
    field: str | None = None  # marac field
    selection: CountFilter = CountFilter()
    offences: OffenceSelection = OffenceSelection()  # the Home Office offences a ``csp-crime`` measure counts

    @classmethod
    def parse(cls, text: str) -> Measure:
        """The measure ``text`` names; a ValueError naming it when a ``csp-crime`` measure's
        offences are not worded as ``rules.csp_tables`` says."""
        head, _, rest = text.partition(":")
        declared = SOURCES.get(head.strip())
        form = declared.measure_form if declared is not None else WHOLE
        if form == OFFENCES:
            return cls(head.strip(), offences=parse_offence_selection(rest, text))
        if form == CATEGORIES:
            major, _, minor = rest.partition("/")
            return cls(head, selection=CountFilter(major or None, minor or None))
        if form == FIELD:
            return cls(head, field=rest)
        return cls(uploaded())


def ytd_period_key(q: Quarter) -> str:
    """The ``values`` period of a published year-to-date figure: ``2015-16-YTD-Q3``."""
    return f"{q.financial_year.key}-YTD-Q{q.q}"


def _count_values(
    session: Session, measure: Measure, area: str, quarters: list[Quarter], tree: AreaTree
) -> tuple[dict[Quarter, PeriodValue], dict[Quarter, str]]:
    """Quarter values with all three months complete, and why the others with some data have none."""
    months = [m for q in quarters for m in q.months()]
    counts = monthly_coverage_many(session, measure.source, [area], months, measure.selection, tree)[area]
    out, gaps = {}, {}
    for q in quarters:
        held = [counts.get(m) for m in q.months()]
        complete = [c for c in held if c is not None and c.coverage.complete]
        if len(complete) == len(held):
            out[q] = PeriodValue(float(sum(c.value for c in complete)))
            continue
        partial = [c.coverage for c in held if c is not None and not c.coverage.complete]
        if partial:
            gaps[q] = min(partial, key=lambda c: c.loaded).shortfall()
        elif any(c is not None for c in held):
            gaps[q] = f"only {sum(c is not None for c in held)} of the quarter's 3 months loaded"
    return out, gaps


def _marac_values(
    session: Session, measure: Measure, area: str, quarters: list[Quarter], tree: AreaTree
) -> tuple[dict[Quarter, PeriodValue], dict[Quarter, str]]:
    """Quarter values from complete returns, and why the others have none: a sum of only some
    children's returns is partial, and a quarter with no return, in a year whose other
    quarters have one, is a missing return (so a year to date is never summed without it)."""
    keys = {q.key: q for q in quarters}
    figures = marac_coverage_many(session, [area], list(keys), tree)[area]
    out, gaps = {}, {}
    for key, q in keys.items():
        figure = figures.get(key)
        if figure is None:
            if any(x.key in figures for x in quarters if x.financial_year == q.financial_year):
                gaps[q] = f"the {q.label} MARAC return is not loaded"
            continue
        if not figure.cases.coverage.complete:
            gaps[q] = figure.cases.coverage.shortfall()
            continue
        cases, repeats = figure.cases.value, figure.repeat_cases
        if measure.field == "cases":
            out[q] = PeriodValue(float(cases))
        elif measure.field == "repeat_cases":
            out[q] = PeriodValue(float(repeats))
        elif cases:
            out[q] = PeriodValue(100.0 * repeats / cases, float(repeats), float(cases))
    return out, gaps


def _partnership_values(
    session: Session, measure: Measure, area: str, quarters: list[Quarter], tree: AreaTree
) -> tuple[dict[Quarter, PeriodValue], dict[Quarter, str]]:
    """Quarter values from the Home Office CSP tables where every partnership the area needs
    is held, and why the others have none (``store.csp_crime``)."""
    figures, gaps = csp_quarter_figures(session, measure.offences, area, quarters, tree)
    return {q: PeriodValue(float(n)) for q, n in figures.items()}, gaps


def _uploaded_values(
    session: Session, indicator: IndicatorDefinition, area: str, quarters: list[Quarter]
) -> tuple[dict[Quarter, PeriodValue], dict[Quarter, PeriodValue], dict[Quarter, PeriodValue], dict[Quarter, str]]:
    """(quarter-level values, quarter values built from monthly values, published year-to-date
    values, and why a quarter with all three monthly values could not be built from them)."""
    wanted = {q.key: q for q in quarters}
    ytd_wanted = {ytd_period_key(q): q for q in quarters}
    month_to_quarter = {m: q for q in quarters for m in q.months()}
    held = select(IndicatorValue.period, IndicatorValue.value, IndicatorValue.numerator, IndicatorValue.denominator).where(
        IndicatorValue.indicator_code == indicator.code,
        IndicatorValue.area_code == area,
        IndicatorValue.period.in_([*wanted, *month_to_quarter, *ytd_wanted]),
    )
    # The values of the indicator's own partnership (the one in force for a definition read from
    # a published document, which does not name it): two may each upload values for one area.
    partnership = getattr(indicator, "partnership_code", None) or partnership_in_force(session)
    held = held.where(IndicatorValue.partnership_code == partnership)
    rows = session.execute(held).all()
    quarterly = {wanted[r.period]: PeriodValue(r.value, r.numerator, r.denominator) for r in rows if r.period in wanted}
    published = {ytd_wanted[r.period]: PeriodValue(r.value, r.numerator, r.denominator) for r in rows if r.period in ytd_wanted}
    by_quarter: dict[Quarter, list[PeriodValue]] = {}
    for r in rows:
        if r.period in month_to_quarter:
            by_quarter.setdefault(month_to_quarter[r.period], []).append(PeriodValue(r.value, r.numerator, r.denominator))
    monthly, unmade = {}, {}
    for q, parts in by_quarter.items():
        if len(parts) == 3:
            made = combine(parts, indicator.unit, [f"a month of {q.label}"] * 3)
            if made.value is not None:
                monthly[q] = made.value
            else:
                unmade[q] = made.missing
    return quarterly, monthly, published, unmade


def quarter_values(
    session: Session, indicator: IndicatorDefinition, area: str, quarters: list[Quarter], tree: AreaTree | None = None
) -> dict[Quarter, PeriodValue]:
    """The indicator's value for each quarter that has complete data."""
    return series(session, indicator, area, quarters, tree).values


@dataclass(frozen=True)
class Override:
    """An uploaded quarter value that takes precedence over a different figure for the same
    quarter worked out from ``other_source`` (``counts``, ``MARAC returns``, ``monthly values``)."""

    uploaded: float
    other: float
    other_source: str


@dataclass(frozen=True)
class Series:
    """Quarter values with year-to-date and basis views on them; ``gaps`` says why a quarter
    with some data has no value (partial coverage), ``published_ytd`` holds year-to-date
    figures published as such, which take precedence over the sum of the quarters."""

    indicator: IndicatorDefinition
    values: dict[Quarter, PeriodValue]
    gaps: dict[Quarter, str] = field(default_factory=dict)
    published_ytd: dict[Quarter, PeriodValue] = field(default_factory=dict)
    # Quarters whose uploaded value differs from the figure the measure itself gives.
    overrides: dict[Quarter, Override] = field(default_factory=dict)

    def quarter(self, q: Quarter) -> float | None:
        v = self.values.get(q)
        return None if v is None else v.value

    def ytd(self, q: Quarter) -> float | None:
        v = self.ytd_value(q)
        return None if v is None else v.value

    def ytd_value(self, q: Quarter) -> PeriodValue | None:
        """The year to date with its numerator and denominator: the published figure, else the
        quarters so far combined (a ratio of sums for a ratio); None when not available."""
        if q in self.published_ytd:
            return self.published_ytd[q]
        return self._combined_ytd(q).value

    def _combined_ytd(self, q: Quarter) -> Combined:
        quarters = q.ytd_quarters()
        parts = [v for x in quarters if (v := self.values.get(x)) is not None]
        if len(parts) < len(quarters):
            return Combined(None)
        return combine(parts, self.indicator.unit, [x.label for x in quarters])

    def basis(self, q: Quarter) -> float | None:
        return self.ytd(q) if self.indicator.basis == "ytd" else self.quarter(q)

    def quarter_value(self, q: Quarter) -> PeriodValue | None:
        """The quarter's value with its numerator and denominator (for significance tests)."""
        return self.values.get(q)

    def basis_value(self, q: Quarter) -> PeriodValue | None:
        """``basis`` with its numerator and denominator: year to date combines the quarters."""
        if self.indicator.basis != "ytd":
            return self.values.get(q)
        return self.ytd_value(q)  # a published year to date wins over the sum of quarters

    def gap(self, q: Quarter, basis: str | None = None) -> str:
        """Why the value on ``basis`` (the indicator's by default) at ``q`` is missing, if
        the reason is partial data: e.g. ``only 1 of 33 boroughs loaded``; else ""."""
        if (basis or self.indicator.basis) == "ytd":
            if q in self.published_ytd:
                return ""
            partial = next((self.gaps[x] for x in q.ytd_quarters() if x not in self.values and x in self.gaps), "")
            return partial or self._combined_ytd(q).missing
        return "" if q in self.values else self.gaps.get(q, "")

    def is_published_ytd(self, q: Quarter) -> bool:
        return q in self.published_ytd


def quarters_needed(period: Quarter, history: int = 0) -> list[Quarter]:
    """Quarters a score at ``period`` reads: this year and last year to date, the previous
    quarter, and ``history`` further quarters back for trends."""
    needed = set(period.ytd_quarters()) | set(period.same_quarter_last_year().ytd_quarters()) | {period.previous()}
    q = period
    for _ in range(history):
        q = q.previous()
        needed.add(q)
        needed.update(q.ytd_quarters())
    return sorted(needed)


def series(
    session: Session, indicator: IndicatorDefinition, area: str, quarters: list[Quarter], tree: AreaTree | None = None
) -> Series:
    tree = tree or AreaTree.load(session)
    measure = Measure.parse(indicator.measure)
    uploaded, from_months, published, unmade = _uploaded_values(session, indicator, area, quarters)
    gaps: dict[Quarter, str] = {}
    derived: dict[Quarter, PeriodValue] = {}
    worked_out = _DERIVED.get(by_key(measure.source).coverage)
    if worked_out is not None:  # an uploaded value is the figure itself: nothing derived
        derived, gaps = worked_out(session, measure, area, quarters, tree)
    values = {**derived, **from_months, **uploaded}
    gaps = {**unmade, **gaps}
    overrides = _overrides(uploaded, derived, from_months, measure.source)
    return Series(indicator, values, {q: g for q, g in gaps.items() if q not in values}, published, overrides)


# How each coverage rule's quarter values are worked out from the stored figures.
_DERIVED = {COUNTS: _count_values, RETURNS: _marac_values, PARTNERSHIP_QUARTERS: _partnership_values}


def _overrides(
    uploaded: dict[Quarter, PeriodValue],
    derived: dict[Quarter, PeriodValue],
    from_months: dict[Quarter, PeriodValue],
    source: str,
) -> dict[Quarter, Override]:
    """Where an uploaded quarter value wins over a different figure for the same quarter: the
    measure's own (counts, MARAC returns) or the indicator's uploaded monthly values."""
    out = {}
    for q, value in uploaded.items():
        if q in derived:
            other, what = derived[q], by_key(source).figures
        elif q in from_months:
            other, what = from_months[q], "the monthly values"
        else:
            continue
        if not math.isclose(other.value, value.value, rel_tol=1e-9, abs_tol=1e-9):
            out[q] = Override(value.value, other.value, what)
    return out
