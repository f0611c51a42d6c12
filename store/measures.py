"""Indicator values by quarter for an area, whatever the measure's source.

Quarter values need all three months; year to date needs every quarter so far. Ratios
with numerator and denominator are re-computed as ratios of sums, never averaged.
Values uploaded for an indicator, area and quarter take precedence over the measure
(that is how London or England comparators for a crime measure are supplied).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rag.periods import Quarter
from store.areas import AreaTree
from store.counts import CountFilter, monthly_counts
from store.models import Indicator, IndicatorValue, MaracReturn


@dataclass(frozen=True)
class Measure:
    source: str  # crime | asb | marac | values
    field: str | None = None  # marac field
    selection: CountFilter = CountFilter()

    @classmethod
    def parse(cls, text: str) -> Measure:
        head, _, rest = text.partition(":")
        if head in ("crime", "asb"):
            major, _, minor = rest.partition("/")
            return cls(head, selection=CountFilter(major or None, minor or None))
        if head == "marac":
            return cls("marac", field=rest)
        return cls("values")


@dataclass(frozen=True)
class PeriodValue:
    value: float
    numerator: float | None = None
    denominator: float | None = None


def _count_values(session: Session, measure: Measure, area: str, quarters: list[Quarter], tree: AreaTree) -> dict[Quarter, PeriodValue]:
    months = [m for q in quarters for m in q.months()]
    counts = monthly_counts(session, measure.source, area, months, measure.selection, tree)
    out = {}
    for q in quarters:
        if all(m in counts for m in q.months()):
            out[q] = PeriodValue(float(sum(counts[m] for m in q.months())))
    return out


def _marac_values(session: Session, measure: Measure, area: str, quarters: list[Quarter], tree: AreaTree) -> dict[Quarter, PeriodValue]:
    keys = {q.key: q for q in quarters}
    candidates = [area, *tree.children.get(area, [])]
    rows = session.execute(
        select(MaracReturn.area_code, MaracReturn.quarter, MaracReturn.cases_discussed, MaracReturn.repeat_cases).where(
            MaracReturn.quarter.in_(list(keys)), MaracReturn.area_code.in_(candidates)
        )
    ).all()
    direct = {(r.quarter): (r.cases_discussed, r.repeat_cases) for r in rows if r.area_code == area}
    children: dict[str, list[tuple[int, int]]] = {}
    for r in rows:
        if r.area_code != area:
            children.setdefault(r.quarter, []).append((r.cases_discussed, r.repeat_cases))
    out = {}
    for key, q in keys.items():
        pair = direct.get(key)
        if pair is None and key in children:
            pair = (sum(c for c, _ in children[key]), sum(r for _, r in children[key]))
        if pair is None:
            continue
        cases, repeats = pair
        if measure.field == "cases":
            out[q] = PeriodValue(float(cases))
        elif measure.field == "repeat_cases":
            out[q] = PeriodValue(float(repeats))
        elif cases:
            out[q] = PeriodValue(100.0 * repeats / cases, float(repeats), float(cases))
    return out


def _uploaded_values(session: Session, indicator: Indicator, area: str, quarters: list[Quarter]) -> tuple[dict[Quarter, PeriodValue], dict[Quarter, PeriodValue]]:
    """(quarter-level values, quarter values built from monthly values)."""
    wanted = {q.key: q for q in quarters}
    month_to_quarter = {m: q for q in quarters for m in q.months()}
    rows = session.execute(
        select(IndicatorValue.period, IndicatorValue.value, IndicatorValue.numerator, IndicatorValue.denominator).where(
            IndicatorValue.indicator_code == indicator.code,
            IndicatorValue.area_code == area,
            IndicatorValue.period.in_([*wanted, *month_to_quarter]),
        )
    ).all()
    quarterly = {wanted[r.period]: PeriodValue(r.value, r.numerator, r.denominator) for r in rows if r.period in wanted}
    by_quarter: dict[Quarter, list[PeriodValue]] = {}
    for r in rows:
        if r.period in month_to_quarter:
            by_quarter.setdefault(month_to_quarter[r.period], []).append(PeriodValue(r.value, r.numerator, r.denominator))
    monthly = {q: combine(parts, indicator.unit) for q, parts in by_quarter.items() if len(parts) == 3}
    return quarterly, monthly


def combine(parts: list[PeriodValue], unit: str) -> PeriodValue:
    """Several periods' values as one: counts add; ratios are ratios of sums; otherwise a mean."""
    if all(p.numerator is not None and p.denominator for p in parts):
        first = parts[0]
        scale = first.value / (first.numerator / first.denominator) if first.numerator else (100.0 if unit == "percent" else 1.0)
        numerator = sum(p.numerator for p in parts)  # type: ignore[misc]
        denominator = sum(p.denominator for p in parts)  # type: ignore[misc]
        return PeriodValue(scale * numerator / denominator, numerator, denominator)
    if unit == "count":
        return PeriodValue(sum(p.value for p in parts))
    return PeriodValue(sum(p.value for p in parts) / len(parts))


def quarter_values(
    session: Session, indicator: Indicator, area: str, quarters: list[Quarter], tree: AreaTree | None = None
) -> dict[Quarter, PeriodValue]:
    """The indicator's value for each quarter that has complete data."""
    tree = tree or AreaTree.load(session)
    measure = Measure.parse(indicator.measure)
    uploaded, from_months = _uploaded_values(session, indicator, area, quarters)
    if measure.source in ("crime", "asb"):
        derived = _count_values(session, measure, area, quarters, tree)
    elif measure.source == "marac":
        derived = _marac_values(session, measure, area, quarters, tree)
    else:
        derived = {}
    return {**derived, **from_months, **uploaded}


@dataclass(frozen=True)
class Series:
    """Quarter values with year-to-date and basis views on them."""

    indicator: Indicator
    values: dict[Quarter, PeriodValue]

    def quarter(self, q: Quarter) -> float | None:
        v = self.values.get(q)
        return None if v is None else v.value

    def ytd(self, q: Quarter) -> float | None:
        parts = [self.values.get(x) for x in q.ytd_quarters()]
        if any(p is None for p in parts):
            return None
        return combine(parts, self.indicator.unit).value  # type: ignore[arg-type]

    def basis(self, q: Quarter) -> float | None:
        return self.ytd(q) if self.indicator.basis == "ytd" else self.quarter(q)

    def quarter_value(self, q: Quarter) -> PeriodValue | None:
        """The quarter's value with its numerator and denominator (for significance tests)."""
        return self.values.get(q)

    def basis_value(self, q: Quarter) -> PeriodValue | None:
        """``basis`` with its numerator and denominator: year to date combines the quarters."""
        if self.indicator.basis != "ytd":
            return self.values.get(q)
        parts = [self.values.get(x) for x in q.ytd_quarters()]
        if any(p is None for p in parts):
            return None
        return combine(parts, self.indicator.unit)  # type: ignore[arg-type]


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


def series(session: Session, indicator: Indicator, area: str, quarters: list[Quarter], tree: AreaTree | None = None) -> Series:
    return Series(indicator, quarter_values(session, indicator, area, quarters, tree))
