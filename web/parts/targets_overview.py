"""The targets page's overview of a financial year: every indicator's target and tolerance
for each quarter, the quarters with no target (so not rated), whether the target is for the
year to date, and the Red ratings with no corrective action; and the series breaks recorded
for an indicator. Plain functions reading the database; the page lays them out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from reporting.actions import has_action
from rules.periods import FinancialYear, Quarter
from rules.rating import Rating
from store.actions import list_actions
from store.annotations import Annotation, annotations_for
from store.annual_targets import annual_targets_of_year, derived_target, targets_for
from store.areas import AreaTree
from store.db import Session
from store.edits import effective_target
from store.indicator_queries import indicator_by_code, indicators_rated_first
from store.scorecard import score_indicator_code


class TargetFigures(Protocol):
    """What ``target_text`` reads from a target: a quarter's, a year's, or one derived from the
    year's (an annual target has no band, so ``target_low``/``target_high`` are read if there)."""

    @property
    def target(self) -> float | None: ...
    @property
    def tolerance(self) -> float | None: ...
    @property
    def tolerance_type(self) -> str: ...


@dataclass
class QuarterCell:
    quarter: Quarter
    target: str  # "12,400 (2.5%)" or "" when none is set
    red_without_action: bool = False


@dataclass
class OverviewRow:
    code: str
    name: str
    ytd: bool
    rated: bool
    cells: list[QuarterCell] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [f"Q{c.quarter.q}" for c in self.cells if not c.target]

    @property
    def reds_without_action(self) -> list[str]:
        return [f"Q{c.quarter.q}" for c in self.cells if c.red_without_action]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def target_text(row: TargetFigures | None, unit: str) -> str:
    if row is None:
        return ""
    low, high = getattr(row, "target_low", None), getattr(row, "target_high", None)  # an annual target has no band
    aim = f"{_number(low)}–{_number(high)}" if row.target is None else _number(row.target)
    if unit == "percent":
        aim += "%"
    if not row.tolerance:
        return f"{aim}, no tolerance"
    tolerance = f"{_number(row.tolerance)}%" if row.tolerance_type == "pct" else _number(row.tolerance)
    if row.tolerance_type != "pct" and unit == "percent":
        tolerance += " points"
    return f"{aim}, tolerance {tolerance}"


def year_overview(session: Session, year: FinancialYear, area: str, latest: Quarter | None) -> list[OverviewRow]:
    """One row per indicator (rated first) for ``year`` in ``area``. Red ratings are looked for
    only in quarters up to ``latest`` (the last with figures)."""
    tree = AreaTree.load(session)
    out: list[OverviewRow] = []
    in_use = indicators_rated_first(session)
    targets_of: dict[str, list] = {}  # typed and derived from annual targets, read once, not once per indicator
    for t in targets_for(session, area, tree):
        targets_of.setdefault(t.indicator_code, []).append(t)
    for indicator in in_use:
        row = OverviewRow(indicator.code, indicator.name, indicator.basis == "ytd", bool(indicator.rated))
        targets = targets_of.get(indicator.code, [])
        for quarter in year.quarters():
            target: TargetFigures | None = (
                effective_target(session, indicator.code, quarter, area, indicator.basis) if indicator.rated else None
            )
            from_year = target is None and indicator.rated
            if from_year:  # no quarter target typed: the one the year's annual target gives, if any
                target = derived_target(session, indicator.code, year.key, quarter.q, area)
            red = False
            if target is not None and latest is not None and quarter <= latest:
                scored = score_indicator_code(session, indicator.code, quarter, area, tree, targets)
                acted = has_action(list_actions(session, indicator=indicator.code, area=area, periods=[quarter]), quarter.key)
                red = scored.rag == Rating.RED and not acted
            text = target_text(target, indicator.unit) if indicator.rated else "not rated"
            row.cells.append(
                QuarterCell(quarter, f"{text} (from the annual target)" if from_year and target is not None else text, red)
            )
        out.append(row)
    return out


@dataclass(frozen=True)
class AnnualRow:
    """An annual target set for the year, as the overview lists it."""

    code: str
    area: str  # "every area" or the area's name
    target: str  # "16,000, tolerance 2.5%"
    profile: str  # even | seasonal | custom
    problem: str  # why it gives no quarter targets ("" when it does)


def annual_overview(session: Session, year: FinancialYear, area: str) -> list[AnnualRow]:
    """Every annual target for ``year`` that applies to ``area``, with its profile and, where
    its profile cannot spread it (a seasonal one short of years), why."""
    tree = AreaTree.load(session)
    units = {i.code: i.unit for i in indicators_rated_first(session)}
    return [
        AnnualRow(
            a.indicator_code,
            tree.name(a.area_code) if a.area_code else "every area",
            target_text(a, units.get(a.indicator_code, "count")),
            a.profile,
            problem,
        )
        for a, problem in annual_targets_of_year(session, year.key, area)
    ]


def indicator_breaks(session: Session, code: str, area: str) -> list[Annotation]:
    indicator = indicator_by_code(session, code)
    if indicator is None:
        return []
    return [a for a in annotations_for(session, indicator, area, AreaTree.load(session)) if a.kind == "break"]
