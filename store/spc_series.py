"""SPC on stored data: an indicator's whole monthly or quarterly history for an area, rebased
at its series breaks, read by ``rag.spc``.

Quarterly SPC always uses quarter values (never year to date, whose running totals are not
comparable from one quarter to the next). Only complete periods count, and a gap would join
unlike periods with a moving range, so the latest unbroken run of periods is charted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rag.breaks import SeriesBreak, rebase_indices
from rag.periods import Quarter, is_month, normalise_month, quarters_between
from rag.rating import Polarity
from rag.spc import Improvement, SpcResult, xmr
from store.annotations import Annotation, annotations_for
from store.areas import AreaTree
from store.counts import SOURCES, monthly_counts
from store.measures import Measure, quarter_values
from store.models import Indicator, IndicatorValue, MaracReturn
from store.models import Target as TargetRow
from store.scorecard import find_target  # the one place targets are chosen

BY = ("month", "quarter")


class SpcUnavailable(ValueError):
    """The indicator has no series of that kind to chart (said in words for the user)."""


@dataclass(frozen=True)
class StoredSpc:
    indicator: Indicator
    area: str
    by: str
    periods: list[str]
    values: list[float]
    result: SpcResult
    breaks: list[SeriesBreak]
    annotations: list[Annotation]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            **self.result.as_dict(),
            "indicator": self.indicator.code,
            "area_code": self.area,
            "by": self.by,
            "annotations": [
                {"date": a.date.isoformat(), "kind": a.kind, "reason": a.reason} for a in self.annotations
            ],
            "notes": list(self.notes),
        }


def _next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:])
    return f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"


def _months_between(first: str, last: str) -> list[str]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = _next_month(m)
    return out


def _month_range(session: Session, indicator: Indicator, measure: Measure) -> tuple[str, str] | None:
    if measure.source in SOURCES:
        model = SOURCES[measure.source]
        low, high = session.execute(select(func.min(model.month), func.max(model.month))).one()
        return None if low is None else (low, high)
    if measure.source == "values":
        months = [p for p in session.scalars(select(IndicatorValue.period).where(IndicatorValue.indicator_code == indicator.code).distinct()) if is_month(p)]
        return (min(months), max(months)) if months else None
    return None


def _quarter_range(session: Session, indicator: Indicator, measure: Measure) -> tuple[Quarter, Quarter] | None:
    quarters: list[Quarter] = []
    months = _month_range(session, indicator, measure)
    if months:
        quarters += [Quarter.of_month(months[0]), Quarter.of_month(months[1])]
    if measure.source == "marac":
        keys = session.execute(select(func.min(MaracReturn.quarter), func.max(MaracReturn.quarter))).one()
        quarters += [Quarter.parse(k) for k in keys if k]
    uploaded = session.scalars(select(IndicatorValue.period).where(IndicatorValue.indicator_code == indicator.code).distinct())
    quarters += [Quarter.parse(p) if not is_month(p) else Quarter.of_month(p) for p in uploaded]
    return (min(quarters), max(quarters)) if quarters else None


def _monthly(session: Session, indicator: Indicator, area: str, tree: AreaTree) -> dict[str, float]:
    measure = Measure.parse(indicator.measure)
    span = _month_range(session, indicator, measure)
    if span is None:
        if measure.source == "marac":
            raise SpcUnavailable(f"{indicator.code} comes from quarterly MARAC returns: there are no monthly values; use --by quarter")
        return {}
    months = _months_between(*span)
    out: dict[str, float] = {}
    if measure.source in SOURCES:
        out.update({m: float(c) for m, c in monthly_counts(session, measure.source, area, months, measure.selection, tree).items()})
    rows = session.execute(
        select(IndicatorValue.period, IndicatorValue.value).where(
            IndicatorValue.indicator_code == indicator.code, IndicatorValue.area_code == area
        )
    ).all()
    out.update({normalise_month(p): float(v) for p, v in rows if is_month(p)})  # uploaded values take precedence
    return out


def _quarterly(session: Session, indicator: Indicator, area: str, tree: AreaTree) -> dict[str, float]:
    span = _quarter_range(session, indicator, Measure.parse(indicator.measure))
    if span is None:
        return {}
    values = quarter_values(session, indicator, area, quarters_between(*span), tree)
    return {q.key: v.value for q, v in sorted(values.items())}


def _latest_unbroken(periods: list[str], by: str) -> tuple[list[str], list[str]]:
    """The latest run of consecutive periods, and a note if earlier ones were left out."""
    if not periods:
        return [], []
    step = _next_month if by == "month" else (lambda p: Quarter.parse(p).next().key)
    start = len(periods) - 1
    while start > 0 and step(periods[start - 1]) == periods[start]:
        start -= 1
    if start == 0:
        return periods, []
    return periods[start:], [f"periods up to {periods[start - 1]} are left out: the series has a gap before {periods[start]}"]


def latest_target(session: Session, indicator: Indicator, area: str, period: str) -> float | None:
    """The target to judge assurance by, where it means the same as a point: only for a
    quarter-basis indicator charted by quarter (year-to-date targets are running totals and
    quarterly targets are not monthly ones), and not for bands."""
    if indicator.basis != "quarter" or indicator.polarity == Polarity.BAND or is_month(period):
        return None
    target = find_target(list(session.scalars(select(TargetRow).where(TargetRow.indicator_code == indicator.code))), indicator.code, Quarter.parse(period), area)
    return None if target is None else target.target


def indicator_spc(
    session: Session,
    indicator: Indicator | str,
    area: str,
    by: str = "month",
    *,
    screen: bool = True,
    target: float | None = None,
    tree: AreaTree | None = None,
) -> StoredSpc:
    """The XmR chart of ``indicator`` in ``area`` by month or quarter, over everything stored,
    rebased at its series breaks. ``target`` overrides the stored one (see ``latest_target``).
    Raises SpcUnavailable (a message for the user) when there is nothing to chart."""
    if by not in BY:
        raise SpcUnavailable(f"--by must be month or quarter, not {by!r}")
    if isinstance(indicator, str):
        found = session.get(Indicator, indicator)
        if found is None:
            raise SpcUnavailable(f"unknown indicator {indicator!r}: load it first with `cspdash ingest indicators`")
        indicator = found
    tree = tree or AreaTree.load(session)
    if area not in tree.by_code:
        raise SpcUnavailable(f"unknown area {area!r}")
    series = _monthly(session, indicator, area, tree) if by == "month" else _quarterly(session, indicator, area, tree)
    periods, notes = _latest_unbroken(sorted(series), by)
    if not periods:
        raise SpcUnavailable(f"no {by}ly values are held for {indicator.code} in {tree.name(area)} ({area})")
    values = [series[p] for p in periods]
    annotations = annotations_for(session, indicator, area, tree)
    breaks = [a.as_break() for a in annotations if a.kind == "break"]
    if target is None:
        target = latest_target(session, indicator, area, periods[-1])
    result = xmr(
        values,
        periods,
        improvement=Improvement.from_polarity(indicator.polarity, indicator.rated),
        target=target,
        screen=screen,
        rebase_at=rebase_indices(periods, breaks),
    )
    return StoredSpc(indicator, area, by, periods, values, result, breaks, annotations, notes)


__all__ = ["BY", "SpcUnavailable", "StoredSpc", "indicator_spc", "latest_target"]
