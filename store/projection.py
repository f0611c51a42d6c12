"""The projected year end of a scored indicator, from the stored figures (``rules.projection``
does the arithmetic): the year to date, the complete earlier years' figures to the same
quarter and for the whole year, and the year-end target."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from reporting.scoring import TargetRecord
from rules.periods import Quarter, quarters_between
from rules.projection import YEARS_FOR_RANGE, EarlierYear, Projection, judge, project
from rules.rating import Polarity, Target, ToleranceType
from store.annual_targets import annual_target_for
from store.areas import AreaTree
from store.measures import IndicatorDefinition, Series, series


class ProjectedIndicator(IndicatorDefinition, Protocol):
    """What a projection reads of an indicator besides its series."""

    @property
    def rated(self) -> bool: ...
    @property
    def polarity(self) -> str: ...


# How far back to look for five complete years: a year with a gap (a source not yet loaded,
# partial coverage) is skipped, not counted, so look a little further than five.
YEARS_SEARCHED = 10


def earlier_years(s: Series, period: Quarter) -> list[EarlierYear]:
    """The complete earlier years held, newest first (at most five): each year's figure to
    the same quarter and its full year, both on the year-to-date basis."""
    out = []
    for start in range(period.year - 1, period.year - 1 - YEARS_SEARCHED, -1):
        to_point, full = s.ytd_value(Quarter(start, period.q)), s.ytd_value(Quarter(start, 4))
        if to_point is not None and full is not None:
            out.append(EarlierYear(Quarter(start, 4).financial_year.label, to_point, full))
        if len(out) == YEARS_FOR_RANGE:
            break
    return out


def quarters_read(period: Quarter) -> list[Quarter]:
    return quarters_between(Quarter(period.year - YEARS_SEARCHED, 1), period)


def year_end_target(
    find_target: Callable[..., Target | None],
    targets: Sequence[TargetRecord],
    code: str,
    basis: str,
    unit: str,
    polarity: str,
    period: Quarter,
    area: str,
    own_area_only: bool,
) -> tuple[Target | None, str]:
    """The target the year end is judged against, or None and why: a year-to-date indicator's
    Q4 target (its year-end target); for a quarterly count the four quarters' targets added; for
    a quarterly percentage or rate the target every quarter shares."""
    quarters = period.financial_year.quarters()
    if basis == "ytd":
        return find_target(
            targets, code, quarters[3], area, own_area_only=own_area_only, basis=basis
        ), "no year-end (Q4) target is set"
    found = [find_target(targets, code, q, area, own_area_only=own_area_only, basis=basis) for q in quarters]
    each = [t for t in found if t is not None and t.target is not None]
    if len(each) < len(found) or Polarity(polarity) is Polarity.BAND:
        return None, "a target for each quarter of the year is needed to judge the year end"
    if len({t.tolerance_type for t in each}) > 1:
        return None, "the quarters' tolerances are of different kinds"
    first = each[0]
    if unit == "count":
        tolerance = first.tolerance if first.tolerance_type is ToleranceType.PCT else sum(t.tolerance for t in each)
        if first.tolerance_type is ToleranceType.PCT and len({t.tolerance for t in each}) > 1:
            return None, "the quarters' percentage tolerances differ"
        return Target(
            sum(t.target for t in each if t.target is not None), tolerance=tolerance, tolerance_type=first.tolerance_type
        ), ""
    if len({(t.target, t.tolerance) for t in each}) > 1:
        return None, "the quarters' targets differ, so there is no one year-end target"
    return first, ""


def projection_for(
    session: Session,
    indicator: ProjectedIndicator,
    period: Quarter,
    area: str,
    targets: Sequence[TargetRecord],
    tree: AreaTree,
    find_target: Callable[..., Target | None],
    own_area_only: bool,
) -> Projection | None:
    """The projection for a rated indicator (None for a context one, which has no target)."""
    if not indicator.rated:
        return None
    s = series(session, indicator, area, quarters_read(period), tree)
    ytd = s.ytd_value(period)
    made = project(indicator.unit, period.q, 3 * period.q, ytd, earlier_years(s, period))
    if ytd is None and period.q < 4 and (short := s.gap(period, "ytd")):
        # Early in a year (April and May held, June not yet): say how short the year is.
        made = Projection(reason=f"no projection: the year to date is not complete ({short})")
    target, why = annual_year_end_target(session, indicator.code, period, area, own_area_only), ""
    if target is None:
        target, why = year_end_target(
            find_target, targets, indicator.code, indicator.basis, indicator.unit, indicator.polarity, period, area, own_area_only
        )
    return judge(made, indicator.polarity, target, why)


def annual_year_end_target(session: Session, code: str, period: Quarter, area: str, own_area_only: bool) -> Target | None:
    """The year's annual target, where one is held: the year end is judged against it and its
    tolerance whatever its profile, even where a quarter target typed by hand wins that
    quarter's rating or a seasonal profile short of years gives no quarter targets."""
    annual = annual_target_for(session, code, period.financial_year.key, area)
    if annual is None or (own_area_only and annual.area_code != area):
        return None
    return Target(annual.target, tolerance=annual.tolerance, tolerance_type=ToleranceType(annual.tolerance_type))
