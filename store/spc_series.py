"""SPC on stored data: an indicator's whole monthly or quarterly history for an area, rebased
at its series breaks, read by ``rules.spc``.

Quarterly SPC always uses quarter values (never year to date, whose running totals are not
comparable from one quarter to the next). Only complete periods count. A gap of more than 12
months breaks the series (``rules.gaps``): each side gets its own baseline, as at a recorded
series break, so no moving range joins figures years apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from rules.breaks import SeriesBreak, period_span, rebase_indices
from rules.gaps import MAX_BASELINE_GAP_MONTHS, baseline_breaks, has_point_for, period_label
from rules.periods import Quarter, is_month, normalise_month, quarters_between
from rules.profiles import point_target
from rules.rating import Polarity, fmt_number
from rules.spc import Improvement, SpcResult, xmr
from sources.declarations import PARTNERSHIP_QUARTERS, RETURNS, UPLOADED
from sources.registry import by_key
from store.annotations import Annotation, annotations_for
from store.annual_targets import annual_target_for, month_shares, targets_for
from store.areas import AreaTree
from store.counts import SOURCES, month_spans, monthly_counts
from store.indicator_queries import indicator_by_code
from store.measures import Measure, quarter_values
from store.models import CspQuarterTotal, Indicator, IndicatorValue, MaracReturn
from store.partnerships import partnership_in_force, partnership_of
from store.scorecard import Scorecard, ScoreRow, find_target  # the one place targets are chosen

BY = ("month", "quarter")


class SpcUnavailable(ValueError):
    """The indicator has no series of that kind to chart (said in words for the user)."""


class NoMonthlyValues(SpcUnavailable):
    """The indicator is held by quarter only (the CLI adds which option charts quarters)."""


class SpcUnknownIndicator(SpcUnavailable):
    """No indicator with that code is held (the CLI adds which command loads them)."""


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

    def summary(self) -> dict[str, object]:
        """The verdicts without the points, for a score row."""
        seg = self.result.current
        return {
            "by": self.by,
            "first_period": self.periods[0],
            "last_period": self.periods[-1],
            "points": seg.size,
            "mean": None if seg.mean is None else round(seg.mean, 4),
            "lower_limit": None if seg.lower_limit is None else round(seg.lower_limit, 4),
            "upper_limit": None if seg.upper_limit is None else round(seg.upper_limit, 4),
            "provisional": seg.provisional,
            "variation": None if self.result.variation is None else self.result.variation.value,
            "assurance": None if self.result.assurance is None else self.result.assurance.value,
            "target": self.result.target,
            "notes": list(self.notes),
        }

    def as_dict(self) -> dict[str, object]:
        return {
            **self.result.as_dict(),
            "indicator": self.indicator.code,
            "area_code": self.area,
            "by": self.by,
            "annotations": [{"date": a.date.isoformat(), "kind": a.kind, "reason": a.reason} for a in self.annotations],
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


def _month_range(session: Session, indicator: Indicator, measure: Measure, areas: list[str]) -> tuple[str, str] | None:
    if measure.source in SOURCES:
        # Only the area and those within it, each by two probes of the table's key.
        spans = month_spans(session, measure.source, areas).values()
        return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None
    if by_key(measure.source).coverage == UPLOADED:
        months = [
            p
            for p in session.scalars(select(IndicatorValue.period).where(_own_values(session, indicator)).distinct())
            if is_month(p)
        ]
        return (min(months), max(months)) if months else None
    return None


def _own_values(session: Session, indicator: Indicator) -> ColumnElement[bool]:
    """The indicator's uploaded values: its own partnership's (the one in force, for a definition
    read from a published document, which does not name it)."""
    partnership = getattr(indicator, "partnership_code", None) or partnership_in_force(session)
    return and_(IndicatorValue.partnership_code == partnership, IndicatorValue.indicator_code == indicator.code)


def _quarter_range(session: Session, indicator: Indicator, measure: Measure, areas: list[str]) -> tuple[Quarter, Quarter] | None:
    quarters: list[Quarter] = []
    months = _month_range(session, indicator, measure, areas)
    if months:
        quarters += [Quarter.of_month(months[0]), Quarter.of_month(months[1])]
    if by_key(measure.source).coverage == RETURNS:
        keys = session.execute(select(func.min(MaracReturn.quarter), func.max(MaracReturn.quarter))).one()
        quarters += [Quarter.parse(k) for k in keys if k]
    if by_key(measure.source).coverage == PARTNERSHIP_QUARTERS:
        # the totals the loads keep, keyed by quarter first: two probes, not a walk of the tables
        keys = session.execute(select(func.min(CspQuarterTotal.quarter), func.max(CspQuarterTotal.quarter))).one()
        quarters += [Quarter.parse(k) for k in keys if k]
    uploaded = session.scalars(select(IndicatorValue.period).where(_own_values(session, indicator)).distinct())
    quarters += [Quarter.parse(p) if not is_month(p) else Quarter.of_month(p) for p in uploaded]
    return (min(quarters), max(quarters)) if quarters else None


def _monthly(session: Session, indicator: Indicator, area: str, tree: AreaTree, until: str | None = None) -> dict[str, float]:
    """Every month's value held (to the end of ``until`` when given: the caller leaves out
    later months, so they are not read; a scorecard for 2016-17 need not read years after it)."""
    measure = Measure.parse(indicator.measure)
    span = _month_range(session, indicator, measure, [area, *tree.descendants(area)])
    if span is None:
        if not by_key(measure.source).monthly:
            declared = by_key(measure.source)
            raise NoMonthlyValues(
                f"{indicator.code} comes from {declared.name} ({declared.figures}), which are quarterly: there are no monthly values"
            )
        return {}
    months = _months_between(*span)
    if until is not None:
        last = period_span(until)[1]
        months = [m for m in months if period_span(m)[1] <= last]
    out: dict[str, float] = {}
    if measure.source in SOURCES:
        out.update(
            {m: float(c) for m, c in monthly_counts(session, measure.source, area, months, measure.selection, tree).items()}
        )
    rows = session.execute(
        select(IndicatorValue.period, IndicatorValue.value).where(
            _own_values(session, indicator), IndicatorValue.area_code == area
        )
    ).all()
    out.update({normalise_month(p): float(v) for p, v in rows if is_month(p)})  # uploaded values take precedence
    return out


def _quarterly(session: Session, indicator: Indicator, area: str, tree: AreaTree) -> dict[str, float]:
    span = _quarter_range(session, indicator, Measure.parse(indicator.measure), [area, *tree.descendants(area)])
    if span is None:
        return {}
    values = quarter_values(session, indicator, area, quarters_between(*span), tree)
    return {q.key: v.value for q, v in sorted(values.items())}


def _gap_breaks(periods: list[str]) -> tuple[list[int], list[str]]:
    """Where a gap too long for one baseline breaks the series, and a note for each. Shorter
    gaps stay within the baseline (the chart draws them as gaps)."""
    out, notes = [], []
    for gap in baseline_breaks(periods):
        out.append(gap.index)
        notes.append(
            f"the baseline restarts at {period_label(gap.after)}: {gap.words()}, more than {MAX_BASELINE_GAP_MONTHS} months, so the series is broken there as at a series break"
        )
    return out, notes


def spc_target(
    session: Session, indicator: Indicator, area: str, quarter: Quarter, by: str, point: str | None = None
) -> tuple[float | None, str]:
    """The stored target for ``quarter`` on the scale of one point of the chart (``point``, a
    month or quarter key; the quarter's last month or the quarter when not given), and how it
    was derived. A count's target is a total for its basis (a quarter, or the year to date), so
    it is spread over that span's months (or quarters): by the monthly profile of the year's
    annual target where one applies (``rules.profiles``), else evenly. A percentage or rate
    target applies to every point as it is. Bands and unrated indicators have no assurance."""
    if not indicator.rated or indicator.polarity == Polarity.BAND:
        return None, ""
    # Typed quarter targets and those an annual target's profile gives (store.annual_targets).
    rows = [r for r in targets_for(session, area) if r.indicator_code == indicator.code]
    target = find_target(rows, indicator.code, quarter, area, basis=indicator.basis)
    if target is None or target.target is None:
        return None, ""
    if indicator.unit != "count":
        return target.target, f"assurance against the {quarter.label} target of {fmt_number(target.target)}"
    year_months = quarter.financial_year.months()
    span = [year_months.index(m) for m in (quarter.ytd_months() if indicator.basis == "ytd" else quarter.months())]
    if by == "month":
        chosen = point if point and is_month(point) else quarter.months()[-1]
        at = [year_months.index(normalise_month(chosen))] if normalise_month(chosen) in year_months else span[-1:]
    else:
        at = [year_months.index(m) for m in quarter.months()]
    span_words = "the year to date" if indicator.basis == "ytd" else "the quarter"
    shares = month_shares(session, indicator, quarter.financial_year, area)
    if shares is None:
        per_point = target.target * len(at) / len(span)
        how = f"spread evenly: {fmt_number(round(per_point, 1))} a {by}"
    else:
        per_point = point_target(target.target, shares, span, at)
        profile = annual_target_for(session, indicator.code, quarter.financial_year.key, area)
        name = profile.profile if profile is not None else "annual"
        how = f"spread by the annual target's {name} profile: {fmt_number(round(per_point, 1))} for this {by}"
    return per_point, f"assurance against the {quarter.label} target of {fmt_number(target.target)} for {span_words}, {how}"


def natural_by(indicator: Indicator) -> str:
    """Monthly where the measure has months (crime, ASB, uploaded values), else quarterly (MARAC)."""
    return "month" if by_key(Measure.parse(indicator.measure).source).monthly else "quarter"


def indicator_spc(
    session: Session,
    indicator: Indicator | str,
    area: str,
    by: str = "month",
    *,
    screen: bool = True,
    target: float | None = None,
    tree: AreaTree | None = None,
    until: str | None = None,
) -> StoredSpc:
    """The XmR chart of ``indicator`` in ``area`` by month or quarter, over everything stored,
    rebased at its series breaks. ``target`` overrides the stored one (see ``spc_target``);
    ``until`` (a month or quarter) leaves out later periods, so a scorecard for an earlier
    quarter reads the chart as it stood then. Raises SpcUnavailable (a message for the user) when there is nothing to chart."""
    if by not in BY:
        raise SpcUnavailable(f"a chart is by month or by quarter, not {by!r}")
    if isinstance(indicator, str):
        found = indicator_by_code(session, indicator)
        if found is None:
            raise SpcUnknownIndicator(f"unknown indicator {indicator!r}: load it first")
        indicator = found
    tree = tree or AreaTree.load(session)
    if area not in tree.by_code:
        raise SpcUnavailable(f"unknown area {area!r}")
    series = _monthly(session, indicator, area, tree, until) if by == "month" else _quarterly(session, indicator, area, tree)
    if until is not None:
        last = period_span(until)[1]
        series = {p: v for p, v in series.items() if period_span(p)[1] <= last}
    periods = sorted(series)
    gap_starts, notes = _gap_breaks(periods)
    if not periods:
        raise SpcUnavailable(f"no {by}ly values are held for {indicator.code} in {tree.name(area)} ({area})")
    values = [series[p] for p in periods]
    annotations = annotations_for(session, indicator, area, tree)
    breaks = [a.as_break() for a in annotations if a.kind == "break"]
    if target is None:
        quarter = Quarter.of_month(periods[-1]) if is_month(periods[-1]) else Quarter.parse(periods[-1])
        target, how = spc_target(session, indicator, area, quarter, by, periods[-1])
        if how:
            notes.append(how)
    result = xmr(
        values,
        periods,
        improvement=Improvement.from_polarity(indicator.polarity, indicator.rated),
        target=target,
        screen=screen,
        rebase_at=sorted({*rebase_indices(periods, breaks), *gap_starts}),
    )
    return StoredSpc(indicator, area, by, periods, values, result, breaks, annotations, notes)


__all__ = ["BY", "SpcUnavailable", "StoredSpc", "indicator_spc", "spc_target", "natural_by", "attach_spc", "attach_row_spc"]


def attach_spc(session: Session, card: Scorecard, tree: AreaTree | None = None) -> None:
    """Fill each score row's SPC verdicts (``spc``, ``spc_variation``, ``spc_assurance``) from its
    chart up to the scored quarter: monthly where the measure has months, else quarterly. Not
    part of ``build_scorecard`` because it reads every stored period; callers that show the
    variation and assurance columns call it."""
    tree = tree or AreaTree.load(session)
    own = select(Indicator).where(Indicator.partnership_code == partnership_of(session, card.area_code))
    indicators = {i.code: i for i in session.scalars(own)}  # two partnerships may each have a CSP1
    for row in card.rows:
        attach_row_spc(session, row, indicators[row.code], card.area_code, card.period, tree)


def attach_row_spc(session: Session, row: ScoreRow, indicator: Indicator, area: str, period: Quarter, tree: AreaTree) -> None:
    """One row's SPC chart and verdicts (see ``attach_spc``), and its summary sentence again
    with them (the indicator page's current row too, so it says what the scorecard says)."""
    chart = None
    for by in dict.fromkeys([natural_by(indicator), "quarter"]):
        try:
            chart = indicator_spc(session, indicator, area, by, tree=tree, until=period.key)
            break
        except SpcUnavailable:
            continue
    row.spc = chart
    # A verdict read off a point before the scored quarter is not a verdict on it.
    if chart is not None and not chart.result.provisional and has_point_for(chart.periods, period):
        row.spc_variation = None if chart.result.variation is None else chart.result.variation.value
        # Assurance is against the row's own target: none where the row has none (a ward
        # without a ward target is not assured against the borough's).
        assurance = chart.result.assurance
        row.spc_assurance = assurance.value if assurance is not None and row.target is not None else None
    row.fill_summary_sentence()
