"""The targets page's overview of a financial year: every indicator's target and tolerance
for each quarter, the quarters with no target (so not rated), whether the target is for the
year to date, and the Red ratings with no corrective action; and the series breaks recorded
for an indicator. Plain functions reading the database; the page lays them out."""

from __future__ import annotations

from dataclasses import dataclass, field

from rules.periods import FinancialYear, Quarter
from rules.rating import Rating
from store.annotations import Annotation, annotations_for
from store.areas import AreaTree
from store.db import Session
from store.edits import commentary_row, effective_target
from store.indicator_queries import indicator_by_code, indicators_rated_first, targets_by_indicator
from store.models import Target
from store.scorecard import score_indicator


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


def target_text(row: Target | None, unit: str) -> str:
    if row is None:
        return ""
    aim = f"{_number(row.target_low)}–{_number(row.target_high)}" if row.target is None else _number(row.target)
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
    targets_of = targets_by_indicator(session, [i.code for i in in_use if i.rated])  # one query, not one per indicator
    for indicator in in_use:
        row = OverviewRow(indicator.code, indicator.name, indicator.basis == "ytd", bool(indicator.rated))
        targets = targets_of.get(indicator.code, [])
        for quarter in year.quarters():
            target = effective_target(session, indicator.code, quarter, area, indicator.basis) if indicator.rated else None
            red = False
            if target is not None and latest is not None and quarter <= latest:
                scored = score_indicator(session, indicator, quarter, area, targets, tree)
                note = commentary_row(session, indicator.code, area, quarter)
                red = scored.rag == Rating.RED and not (note and note.corrective_action.strip())
            row.cells.append(QuarterCell(quarter, target_text(target, indicator.unit) if indicator.rated else "not rated", red))
        out.append(row)
    return out


def indicator_breaks(session: Session, code: str, area: str) -> list[Annotation]:
    indicator = indicator_by_code(session, code)
    if indicator is None:
        return []
    return [a for a in annotations_for(session, indicator, area, AreaTree.load(session)) if a.kind == "break"]
