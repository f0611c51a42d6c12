"""Which financial years hold figures for the rated indicators, and what the newest quarter
lacks: the years /targets offers, and the upload confirmation's "still missing".

A year counts when some rated indicator's source holds a complete quarter of it (a stub or
part month does not make a year). Sources are published with different lags, so the year
list is the union over sources, not the years every source holds.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from rules.periods import MONTH_NAMES, FinancialYear, PeriodError, Quarter, is_month
from sources.declarations import UPLOADED
from sources.registry import SOURCES, by_key
from store.measures import Measure
from store.models import Indicator, IndicatorValue
from store.partnerships import partnership_in_force
from store.queries import _complete_quarters, quarters_by_source
from store.source_months import months_held


def _rated(partnership: str) -> Select[Indicator]:
    return select(Indicator).where(Indicator.partnership_code == partnership, Indicator.rated.is_(True))


def rated_quarters(session: Session, partnership: str | None = None) -> dict[str, set[Quarter]]:
    """{rated indicator code: quarters its source holds complete figures for}, for the
    indicators of the partnership given (None: the one in force). An uploaded (``values``)
    indicator counts its own values only."""
    partnership = partnership or partnership_in_force(session)
    by_source = quarters_by_source(session, partnership)
    out: dict[str, set[Quarter]] = {}
    for indicator in session.scalars(_rated(partnership)):
        source = Measure.parse(indicator.measure).source
        if by_key(source).coverage != UPLOADED:
            out[indicator.code] = set(by_source.get(source, set()))
            continue
        quarters: set[Quarter] = set()
        months: list[str] = []
        for (period,) in session.execute(
            select(IndicatorValue.period)
            .where(IndicatorValue.partnership_code == indicator.partnership_code, IndicatorValue.indicator_code == indicator.code)
            .distinct()
        ):
            if is_month(period):
                months.append(period)
                continue
            try:
                quarters.add(Quarter.parse(period))
            except PeriodError:
                continue  # a published year to date (2015-16-YTD-Q3) is not a quarter of its own
        out[indicator.code] = quarters | _complete_quarters(months)
    return out


def years_with_figures(session: Session) -> set[FinancialYear]:
    """Every financial year any rated indicator has a complete quarter of figures for."""
    return {q.financial_year for quarters in rated_quarters(session).values() for q in quarters}


def target_years(session: Session, extra: AbstractSet[FinancialYear] = frozenset()) -> list[FinancialYear]:
    """The years a target can be set for, newest first: every year with figures for a rated
    indicator, the year after the newest of them (next year's targets are set before its
    figures exist), and any year already holding targets (``extra``)."""
    years = years_with_figures(session) | set(extra)
    if years:
        years.add(FinancialYear(max(years_with_figures(session) or years).start + 1))
    return sorted(years, reverse=True)


def _last_held(session: Session, source: str, codes: list[str], held: dict[str, set[Quarter]]) -> str:
    """ "no figures after March 2017", "no return after Q4 2016/17", or "no figures loaded"."""
    declared = by_key(source)
    if declared.monthly and declared.counted:
        months = months_held(session, source)
        if not months:
            return "no figures loaded"
        year, mon = int(months[-1][:4]), int(months[-1][5:])
        return f"no figures after {MONTH_NAMES[mon - 1]} {year}"
    quarters = set().union(*(held.get(c, set()) for c in codes))
    none_loaded, none_after = declared.missing_words
    if not quarters:
        return none_loaded
    return f"{none_after} after {max(quarters).label}"


def missing_in(session: Session, quarter: Quarter) -> list[str]:
    """What ``quarter`` lacks, per source and the rated indicators it feeds:
    "ASB (CSP3): no figures after March 2017"."""
    lacking: dict[str, list[str]] = {}
    partnership = partnership_in_force(session)
    held = rated_quarters(session, partnership)
    for indicator in session.scalars(_rated(partnership).order_by(Indicator.code)):
        source = Measure.parse(indicator.measure).source
        if quarter not in held.get(indicator.code, set()):
            lacking.setdefault(source, []).append(indicator.code)
    return [
        f"{SOURCES[source].name if source in SOURCES else source} ({', '.join(codes)}): {_last_held(session, source, codes, held)}"
        for source, codes in lacking.items()
    ]


__all__ = ["missing_in", "rated_quarters", "target_years", "years_with_figures"]
