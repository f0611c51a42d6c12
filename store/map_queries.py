"""Figures for the map pages: one value per area for a measure and period, the same period a
year earlier, the population and the rate per 1,000 residents; and the outlines to draw them.

A measure is what the URL names (``crime``, ``crime:BURGLARY``, ``crime:BURGLARY/BURGLARY -
RESIDENTIAL``, ``asb``, ``indicator:CSP1``); a period is a month, a quarter or a financial year
to date. Counts come from ``store.counts`` (so wards add up to boroughs exactly as on the
scorecard); values uploaded for an indicator come from ``indicator_value``. A figure is only
given for a period when every month of it is held: a part-quarter would look like a fall.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rules.periods import MONTH_NAMES, PeriodError, Quarter, normalise_month
from rules.ratios import PeriodValue, combine
from sources.declarations import UPLOADED
from sources.registry import SOURCES, by_key, counted
from store.areas import AreaTree
from store.counts import CountFilter, monthly_counts_many
from store.indicator_queries import indicator_by_code
from store.kept import kept_per_shared_version
from store.kept_totals import held_categories
from store.measures import Measure
from store.met_categories import plain_category
from store.models import (
    Area,
    AreaBoundary,
    AsbCount,
    CrimeCount,
    Indicator,
    IndicatorValue,
)
from store.partnerships import partnership_in_force
from store.population import populations_for, rate_per_1000
from store.source_months import months_held
from store.source_tables import count_models

SPANS = {"month": "Month", "quarter": "Quarter", "ytd": "Financial year to date"}


class MapRequestError(ValueError):
    """A measure or period in the URL that we cannot show; the message says what to pick."""


class UnknownMeasure(MapRequestError):
    """A ``measure`` in the URL that is none of the measures offered: a bad request (400)."""


def category_label(text: str, level: str | None = None) -> str:
    """The Met writes categories in capitals and abbreviations; people read plain words
    (``store/met_categories.csv``)."""
    return plain_category(text, level)


@dataclass(frozen=True)
class MapMeasure:
    key: str  # as in the URL
    label: str  # "All crime", "Burglary", "Anti-social behaviour", an indicator's name
    source: str  # crime | asb | values
    selection: CountFilter = field(default_factory=CountFilter)
    indicator: str | None = None
    unit: str = "count"

    @property
    def noun(self) -> str:
        """What one unit is, for table headings: offences, incidents or the indicator's unit."""
        declared = SOURCES.get(self.source)
        return declared.unit_heading if declared is not None else "Value"


def parse_measure(session: Session, key: str) -> MapMeasure:
    head, _, rest = key.partition(":")
    declared = counted().get(head)
    if declared is not None:
        major, _, minor = rest.partition("/")
        if not major or not declared.map_categories:
            return MapMeasure(head, declared.map_label, head)
        label = category_label(minor, "minor") if minor else category_label(major, "major")
        return MapMeasure(key, label, head, CountFilter(major, minor or None))
    if head == "indicator":
        row = indicator_by_code(session, rest)
        if row is None:
            raise UnknownMeasure(f"No indicator with code {rest!r} is defined. Choose a measure from the list.")
        inner = Measure.parse(row.measure)
        declared = by_key(inner.source)
        if declared.counted:
            return MapMeasure(key, row.name, inner.source, inner.selection, row.code, row.unit)
        if declared.coverage == UPLOADED:
            return MapMeasure(key, row.name, inner.source, CountFilter(), row.code, row.unit)
        raise MapRequestError(f"{row.name} has no figures for wards, so it cannot be mapped.")
    raise UnknownMeasure(f"{key!r} is not a measure we can map. Choose one from the list.")


def measure_options(session: Session) -> list[tuple[str, str]]:
    """(key, label) for every measure that has figures: all crime, each major and minor
    category held, ASB, and indicators with figures below borough level."""
    out: list[tuple[str, str]] = []
    held: dict[str, bool] = {}
    models = count_models()
    for key, declared in counted().items():
        model = models[key]
        if declared.map_categories:
            pairs = categories_held(session)[key]
            held[key] = bool(pairs)
        else:
            pairs = []
            held[key] = session.scalar(select(model.area_code).limit(1)) is not None
        if held[key]:
            out.append((key, declared.map_label))
        for major in sorted({m for m, _ in pairs}):
            out.append((f"{key}:{major}", category_label(major, "major")))
            for minor in sorted({n for m, n in pairs if m == major and n and n.upper() != major.upper()}):
                out.append((f"{key}:{major}/{minor}", f"{category_label(major, 'major')}: {category_label(minor, 'minor')}"))
    partnership = partnership_in_force(session)  # its indicators only
    ward_valued = set(
        session.scalars(
            select(IndicatorValue.indicator_code)
            .join(Area, Area.code == IndicatorValue.area_code)
            .where(IndicatorValue.partnership_code == partnership, Area.level == "ward")
            .distinct()
        )
    )
    in_use = select(Indicator).where(Indicator.partnership_code == partnership, Indicator.retired_at.is_(None))
    for row in session.scalars(in_use.order_by(Indicator.sort_order, Indicator.code)):
        source = Measure.parse(row.measure).source
        if held.get(source) or (by_key(source).coverage == UPLOADED and row.code in ward_valued):
            out.append((f"indicator:{row.code}", f"Indicator {row.code}: {row.name}"))
    return out


@kept_per_shared_version
def categories_held(session: Session) -> dict[str, list[tuple[str, str | None]]]:
    """{source: every (major, minor) category its counts hold} for each source mapped by category,
    as the loads kept them (``store.kept_totals``): no walk of the count tables."""
    out: dict[str, list[tuple[str, str | None]]] = {}
    for key, declared in counted().items():
        if declared.map_categories:
            out[key] = [(major, minor) for major, minor, _code in held_categories(session, key)]
    return out


@dataclass(frozen=True, order=True)
class MapPeriod:
    """A month (``2016-12``), a quarter (``2016-17-Q3``) or the financial year to the end of
    a quarter (span ``ytd``, same key as the quarter)."""

    span: str
    key: str

    @classmethod
    def parse(cls, span: str, key: str) -> MapPeriod:
        if span not in SPANS:
            raise MapRequestError(f"{span!r} is not a period length; choose month, quarter or ytd.")
        try:
            if span == "month":
                return cls(span, normalise_month(key))
            return cls(span, Quarter.parse(key).key)
        except PeriodError:
            pass
        try:  # a month asked for as a quarter (or the reverse) after the span was changed
            if span == "month":
                return cls(span, Quarter.parse(key).months()[-1])
            return cls(span, Quarter.of_month(normalise_month(key)).key)
        except PeriodError as exc:
            raise MapRequestError(f"{exc}.") from exc

    @property
    def quarter(self) -> Quarter:
        return Quarter.of_month(self.key) if self.span == "month" else Quarter.parse(self.key)

    def months(self) -> list[str]:
        if self.span == "month":
            return [self.key]
        return self.quarter.ytd_months() if self.span == "ytd" else self.quarter.months()

    def last_year(self) -> MapPeriod:
        if self.span == "month":
            year, mon = self.key.split("-")
            return MapPeriod("month", f"{int(year) - 1}-{mon}")
        return MapPeriod(self.span, self.quarter.same_quarter_last_year().key)

    @property
    def label(self) -> str:
        if self.span == "month":
            year, mon = self.key.split("-")
            return f"{MONTH_NAMES[int(mon) - 1]} {year}"
        if self.span == "ytd":
            return f"{self.quarter.financial_year.label} to the end of Q{self.quarter.q}"
        return self.quarter.label

    @property
    def population_year(self) -> int:
        """The calendar year most of the period falls in (mid-year estimates are for June)."""
        months = self.months()
        return int(months[len(months) // 2][:4])


def periods_held(session: Session, measure: MapMeasure, span: str) -> list[MapPeriod]:
    """Periods of ``span`` with every month held (for anything), oldest first."""
    if by_key(measure.source).coverage == UPLOADED:
        keys = list(
            session.scalars(
                select(IndicatorValue.period)
                .where(
                    IndicatorValue.partnership_code == partnership_in_force(session),
                    IndicatorValue.indicator_code == measure.indicator,
                )
                .distinct()
            )
        )
        months = {k for k in keys if len(k) == 7}
        quarters = {Quarter.parse(k) for k in keys if len(k) > 7}
        quarters |= {q for q in {Quarter.of_month(m) for m in months} if all(m in months for m in q.months())}
        if span == "month":
            return [MapPeriod("month", m) for m in sorted(months)]
        pool = {q for q in quarters if span == "quarter" or all(x in quarters for x in q.ytd_quarters())}
        return [MapPeriod(span, q.key) for q in sorted(pool)]
    months = set(months_held(session, measure.source))  # as kept by the loads: no walk of the counts
    if span == "month":
        return [MapPeriod("month", m) for m in sorted(months)]
    held_quarters = sorted({Quarter.of_month(m) for m in months})
    complete = [q for q in held_quarters if all(m in months for m in (q.ytd_months() if span == "ytd" else q.months()))]
    return [MapPeriod(span, q.key) for q in complete]


@dataclass(frozen=True)
class AreaFigure:
    code: str
    name: str
    value: float | None
    last_year: float | None
    population: int | None
    population_year: int | None

    @property
    def rate(self) -> float | None:
        return rate_per_1000(self.value, self.population)

    @property
    def change(self) -> float | None:
        """Per cent change on the same period a year earlier (None when that was zero)."""
        if self.value is None or not self.last_year:
            return None
        return 100.0 * (self.value - self.last_year) / self.last_year


def _counts(
    session: Session, measure: MapMeasure, areas: list[str], months: list[str], tree: AreaTree
) -> dict[str, dict[str, int]]:
    return monthly_counts_many(session, measure.source, areas, months, measure.selection, tree)


def _complete(counts: dict[str, int], months: list[str]) -> float | None:
    return float(sum(counts[m] for m in months)) if all(m in counts for m in months) else None


def _indicator_values(session: Session, measure: MapMeasure, areas: list[str], period: MapPeriod) -> dict[str, float]:
    """An uploaded indicator's value per area: the period's own row, else built from months
    (or quarters, for year to date) the way the scorecard builds them."""
    quarters = period.quarter.ytd_quarters() if period.span == "ytd" else [period.quarter]
    wanted = period.months() + [q.key for q in quarters]
    rows = session.execute(
        select(
            IndicatorValue.area_code,
            IndicatorValue.period,
            IndicatorValue.value,
            IndicatorValue.numerator,
            IndicatorValue.denominator,
        ).where(
            IndicatorValue.partnership_code == partnership_in_force(session),
            IndicatorValue.indicator_code == measure.indicator,
            IndicatorValue.area_code.in_(areas),
            IndicatorValue.period.in_(wanted),
        )
    ).all()
    held: dict[str, dict[str, PeriodValue]] = {}
    for code, key, value, num, den in rows:
        held.setdefault(code, {})[key] = PeriodValue(value, num, den)
    out: dict[str, float] = {}
    for code, values in held.items():
        if period.span == "month":
            if period.key in values:
                out[code] = values[period.key].value
            continue
        parts = []
        for q in quarters:
            if q.key in values:
                parts.append(values[q.key])
            elif all(m in values for m in q.months()):
                made = combine([values[m] for m in q.months()], measure.unit).value
                if made is not None:  # a ratio's months without their parts make no quarter
                    parts.append(made)
        if len(parts) == len(quarters) and (whole := combine(parts, measure.unit).value) is not None:
            out[code] = whole.value
    return out


def area_figures(
    session: Session, measure: MapMeasure, period: MapPeriod, areas: list[str], tree: AreaTree | None = None
) -> list[AreaFigure]:
    """One row per area (in the order given): this period, a year earlier, population."""
    tree = tree or AreaTree.load(session)
    before = period.last_year()
    if by_key(measure.source).coverage == UPLOADED:
        now_values = _indicator_values(session, measure, areas, period)
        then_values = _indicator_values(session, measure, areas, before)
    else:
        now_months, then_months = period.months(), before.months()
        counts = _counts(session, measure, areas, now_months + then_months, tree)
        now_values = {a: v for a in areas if (v := _complete(counts[a], now_months)) is not None}
        then_values = {a: v for a in areas if (v := _complete(counts[a], then_months)) is not None}
    people = populations_for(session, areas, period.population_year) if measure.unit == "count" else {}
    return [
        AreaFigure(
            code, tree.name(code), now_values.get(code), then_values.get(code),
            people[code][1] if code in people else None, people[code][0] if code in people else None,
        )
        for code in areas
    ]  # fmt: skip


@dataclass(frozen=True)
class Outline:
    code: str
    name: str  # as the boundary file names it
    geometry: str  # simplified GeoJSON geometry, as stored at load
    lon: float
    lat: float


def outlines(session: Session, level: str, vintage: str, codes: list[str] | None = None) -> list[Outline]:
    query = select(
        AreaBoundary.area_code, AreaBoundary.name, AreaBoundary.geometry_web, AreaBoundary.centroid_lon, AreaBoundary.centroid_lat
    ).where(AreaBoundary.level == level, AreaBoundary.vintage == vintage)
    rows = session.execute(query.order_by(AreaBoundary.area_code)).all()
    wanted = None if codes is None else set(codes)
    return [Outline(*row) for row in rows if wanted is None or row[0] in wanted]


def choose_vintage(session: Session, level: str, codes: set[str]) -> str | None:
    """The boundary set to draw ``codes`` with: among sets outlining at least half of them,
    the newest real year, then an unnamed set, and a schematic layout last (so real
    boundaries replace the schematic once loaded). Ward codes change when wards are redrawn,
    so a newer year that does not match the data's codes is passed over."""
    if not codes:
        return None
    rows = session.execute(
        select(AreaBoundary.vintage, func.count())
        .where(AreaBoundary.level == level, AreaBoundary.area_code.in_(sorted(codes)))
        .group_by(AreaBoundary.vintage)
    ).all()
    if not rows:
        return None

    def preference(row: tuple[str, int]) -> tuple[Any, ...]:
        vintage, matched = row
        real = vintage.isdigit()
        return (2 * matched >= len(codes), real, vintage != "schematic", int(vintage) if real else 0, matched, vintage)

    return max(rows, key=preference)[0]


@dataclass(frozen=True)
class AreaTrend:
    """Quarterly counts for one area: all crime, ASB and each major crime category."""

    quarters: list[Quarter]
    all_crime: list[float | None]
    asb: list[float | None]
    categories: dict[str, list[float | None]]  # sentence-case major category -> per quarter


def _by_quarter(monthly: dict[str, float], quarters: list[Quarter], complete: set[str]) -> list[float | None]:
    """Quarter sums; a quarter counts only when every month of it is held for the source
    (a category with no row in a held month had no offences: zero, not missing)."""
    return [
        float(sum(monthly.get(m, 0) for m in q.months())) if all(m in complete for m in q.months()) else None for q in quarters
    ]


def area_trend(session: Session, code: str) -> AreaTrend:
    crime = session.execute(
        select(CrimeCount.major_category, CrimeCount.month, func.sum(CrimeCount.count))
        .where(CrimeCount.area_code == code)
        .group_by(CrimeCount.major_category, CrimeCount.month)
    ).all()
    asb = dict(
        session.execute(
            select(AsbCount.month, func.sum(AsbCount.count)).where(AsbCount.area_code == code).group_by(AsbCount.month)
        ).all()
    )
    crime_months = {m for _, m, _ in crime}
    months = crime_months | set(asb)
    quarters = sorted({q for q in {Quarter.of_month(m) for m in months} if all(x in months for x in q.months())})
    totals: dict[str, float] = {}
    by_major: dict[str, dict[str, float]] = {}
    for major, month, count in crime:
        totals[month] = totals.get(month, 0) + float(count or 0)
        label = category_label(major, "major")
        by_major.setdefault(label, {})[month] = by_major.get(label, {}).get(month, 0) + float(count or 0)
    return AreaTrend(
        quarters,
        _by_quarter(totals, quarters, crime_months),
        _by_quarter({m: float(v or 0) for m, v in asb.items()}, quarters, set(asb)),
        {label: _by_quarter(series, quarters, crime_months) for label, series in sorted(by_major.items())},
    )
