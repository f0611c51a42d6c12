"""Read-only queries the dashboard pages need beyond the scorecard itself.

Every function takes a session (the caller owns the transaction) and returns plain
dataclasses, never ORM objects, so results can be cached and shared between requests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reporting.actions import ActionEntry, action_summary
from rules.area_levels import level_word
from rules.periods import PeriodError, Quarter, is_month, quarters_between
from rules.projection import Projection
from rules.ward_generations import current_generation, generation_label
from sources.registry import monthly as monthly_sources
from store.actions import list_actions
from store.annual_targets import targets_for
from store.areas import AreaTree
from store.comparators import attach_comparator, comparator_figures, comparator_measure, group_series, resolve_comparator
from store.counts import monthly_counts
from store.csp_crime import CSP_CRIME
from store.csp_crime import quarters_held as csp_quarters_held
from store.data_version import versions
from store.indicator_queries import indicator_by_code
from store.measures import Measure, quarters_needed, series
from store.models import (
    Commentary,
    Indicator,
    IndicatorValue,
    MaracReturn,
    SourceMonth,
    Upload,
)
from store.partnerships import partnership_in_force, partnership_of
from store.projection import projection_for
from store.scorecard import ScoreRow, find_target, indicators, override_text, score_indicator
from store.source_months import months_held

MONTHLY_SOURCES = monthly_sources()  # crime, ASB: counts by month (``sources``)


class UnknownArea(LookupError):
    """An area code the database does not hold."""

    def __init__(self, code: str) -> None:
        super().__init__(f"No area with code {code!r} is held. Choose an area from the list.")
        self.code = code


class UnknownIndicator(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"No indicator with code {code!r} is defined.")
        self.code = code


@dataclass(frozen=True)
class IndicatorInfo:
    """An indicator's definition, detached from the session (duck-types ``Indicator``)."""

    code: str
    name: str
    goal: str
    unit: str
    polarity: str
    basis: str
    measure: str
    rated: bool
    description: str
    comparator_area: str | None
    comparator_label: str | None
    rag_comparison: str
    sort_order: int
    # Whose indicator it is (its values are that partnership's); not in a published document,
    # which names its area, the partnership's own, so None when read back from one.
    partnership_code: str | None = None

    @classmethod
    def of(cls, row: Indicator) -> IndicatorInfo:
        return cls(**{f.name: getattr(row, f.name) for f in dataclasses.fields(cls)})

    @property
    def source(self) -> str:
        return Measure.parse(self.measure).source


@dataclass(frozen=True)
class AreaChoice:
    code: str
    name: str
    level: str
    generation: str = ""  # an older ward generation's label ("wards before May 2022"); blank: current

    @property
    def label(self) -> str:
        if self.level != "ward":
            return f"{self.name} ({level_word(self.level, self.code)})"
        return f"{self.name} ward" + (f" ({self.generation})" if self.generation else "")


@dataclass(frozen=True)
class CommentaryEntry:
    period: Quarter
    commentary: str
    corrective_action: str  # the quarter's open and done actions as one text (or, before actions, the text typed)
    actions: tuple[ActionEntry, ...] = ()  # every action set for the quarter, dropped ones too


@dataclass(frozen=True)
class IndicatorDetail:
    indicator: IndicatorInfo
    period: Quarter
    area_code: str
    area_name: str
    history: list[ScoreRow]  # one row per quarter, oldest first, ending at ``period``
    comparator: dict[str, float]  # quarter key -> comparator area's value on the rated basis
    monthly: list[tuple[str, int]]  # (YYYY-MM, count) for crime/ASB measures, else empty
    commentary: list[CommentaryEntry]  # newest first
    # quarter key -> why the comparator has no value there when it is partial ("only 1 of 33
    # boroughs loaded"), for the quarters drawn and the year before them
    comparator_gaps: dict[str, str] = dataclasses.field(default_factory=dict)
    # Quarters where an uploaded value takes precedence over the counts (or returns, or monthly
    # values), and so which figure each chart shows: "Q3 2016/17: …; charts by month show the counts".
    value_notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def current(self) -> ScoreRow:
        return self.history[-1]


@dataclass(frozen=True)
class DemandPanel:
    indicator: IndicatorInfo
    period: Quarter
    points: list[tuple[Quarter, float | None]]  # oldest first, ending at ``period``
    last_year: float | None  # the same quarter a year earlier

    @property
    def current(self) -> float | None:
        return self.points[-1][1] if self.points else None


def data_version(session: Session, partnership: str | None = None) -> tuple[str, ...]:
    """Changes whenever anything the pages of the partnership given (None: the one in force)
    show changes: shared data loaded, or one of its own rows written (``store.data_version``).
    Used to key caches, so one cheap query per request; it starts with the partnership, so what
    is cached for one partnership is never served for another, and another's edit leaves it."""
    partnership = partnership or partnership_in_force(session)
    return (partnership, *(str(v) for v in versions(session, partnership)))


def _complete_quarters(months: list[str]) -> set[Quarter]:
    held = set(months)
    return {q for q in {Quarter.of_month(m) for m in held} if all(m in held for m in q.months())}


def quarters_by_source(session: Session, partnership: str | None = None) -> dict[str, set[Quarter]]:
    """Quarters each source holds complete data for (any area): shared counts and returns, and
    the uploaded values and Home Office indicators of the partnership given (None: the one in force)."""
    partnership = partnership or partnership_in_force(session)
    out = {source: _complete_quarters(months_held(session, source)) for source in MONTHLY_SOURCES}
    out["marac"] = {Quarter.parse(k) for (k,) in session.execute(select(MaracReturn.quarter).distinct())}
    values: set[Quarter] = set()
    value_months: list[str] = []
    own_values = select(IndicatorValue.period).where(IndicatorValue.partnership_code == partnership).distinct()
    for (period,) in session.execute(own_values):
        if is_month(period):
            value_months.append(period)
        else:
            try:
                values.add(Quarter.parse(period))
            except PeriodError:
                continue
    out["values"] = values | _complete_quarters(value_months)
    if _indicator_on(session, CSP_CRIME, partnership):
        out[CSP_CRIME] = {Quarter.parse(k) for k in csp_quarters_held(session)}
    return out


def _indicator_on(session: Session, source: str, partnership: str) -> bool:
    """Whether some indicator of ``partnership`` has a measure reading ``source``. The Home
    Office tables are national and often run a year or more past (or short of) a partnership's
    own files: they set the default quarter only once an indicator is defined on them."""
    measures = session.scalars(
        select(Indicator.measure).where(Indicator.partnership_code == partnership, Indicator.measure.startswith(source))
    )
    return any(Measure.parse(m).source == source for m in measures)


def quarters_available(session: Session, partnership: str | None = None) -> list[Quarter]:
    """Every quarter some source holds complete data for, oldest first (the values of the
    partnership given, None: of the one in force)."""
    return sorted(set().union(*quarters_by_source(session, partnership).values()))


def data_dates(session: Session) -> tuple[str | None, datetime | None]:
    """The last month any source holds figures for (``2017-03``; a MARAC quarter counts as its
    last month) and when a file was last loaded; None where there is none."""
    # Every page's footer asks: read the months the loads keep (``store.source_months``), one
    # probe of their key. A max() of a count table's month reads the whole table (its key
    # starts with the area): 140 ms a page with the nation's police.uk records held.
    latest = select(func.max(SourceMonth.month)).where(SourceMonth.source.in_(MONTHLY_SOURCES))
    held = [m] if (m := session.scalar(latest)) else []
    if marac := session.scalar(select(func.max(MaracReturn.quarter))):  # "2016-17-Q4" keys sort in time order
        held.append(Quarter.parse(marac).months()[-1])
    loaded = session.scalar(select(func.max(Upload.loaded_at)))
    return (max(held) if held else None), loaded


def months_loaded(session: Session, quarter: Quarter) -> list[str]:
    """The months of ``quarter`` that some monthly source (crime, ASB) holds."""
    held = set().union(*(months_held(session, source) for source in MONTHLY_SOURCES))
    return sorted(held & set(quarter.months()))


def latest_quarter(session: Session, partnership: str | None = None) -> Quarter | None:
    """The default period: the latest quarter that every source holding data has complete.

    Sources are published with different lags; defaulting to a quarter where crime is in
    but MARAC is not would show a misleading "No data". Falls back to the latest quarter
    any source holds when the sources never overlap.
    """
    held = [qs for qs in quarters_by_source(session, partnership).values() if qs]
    if not held:
        return None
    common = set.intersection(*held)
    return max(common) if common else max(set().union(*held))


def area_choices(session: Session, home: str) -> list[AreaChoice]:
    """The home area first, then its wards by name: the current generation first, then any
    older generation's, grouped and labelled ("Cranham ward (wards before May 2022)"). Wards a
    boundary load retired are left out."""
    tree = AreaTree.load(session)
    if home not in tree.by_code:
        return []
    wards = [c for c in tree.at_level("ward", within=home) if tree.by_code[c].retired_into is None]
    vintages = {c: tree.by_code[c].boundary_vintage for c in wards}
    current = current_generation(vintages.values())

    def group(code: str) -> tuple[int, str]:  # current (or unknown) first, then newest older first
        vintage = vintages[code]
        return (0, "") if not vintage or vintage == current else (1, "".join(chr(255 - ord(ch)) for ch in vintage))

    def label(code: str) -> str:
        vintage = vintages[code]
        return "" if not vintage or vintage == current else generation_label(vintage, current)

    wards = sorted(wards, key=lambda c: (group(c), tree.name(c)))
    return [AreaChoice(home, tree.name(home), tree.by_code[home].level)] + [
        AreaChoice(c, tree.name(c), "ward", label(c)) for c in wards
    ]


def area_name(session: Session, code: str) -> str:
    tree = AreaTree.load(session)
    if code not in tree.by_code:
        raise UnknownArea(code)
    return tree.name(code)


def indicator_info(session: Session, code: str, partnership: str | None = None) -> IndicatorInfo:
    """The indicator ``code`` of the partnership given, or of the one in force."""
    partnership = partnership or partnership_in_force(session)
    row = indicator_by_code(session, code, partnership)
    if row is None:
        # Codes are short upper-case strings, but URLs get typed in lower case.
        typed = select(Indicator).where(Indicator.partnership_code == partnership, func.upper(Indicator.code) == code.upper())
        row = session.scalars(typed).first()
    if row is None:
        raise UnknownIndicator(code)
    return IndicatorInfo.of(row)


def rating_history(session: Session, indicator: IndicatorInfo, area: str, quarters: list[Quarter]) -> list[ScoreRow]:
    """The indicator scored at each of ``quarters`` (ascending), from one series query.

    The comparator area is left out here (``comparator_area=None``): scoring each quarter
    separately would query it once per quarter; ``comparator_values`` fetches it once.
    """
    if not quarters:
        return []
    tree = AreaTree.load(session)
    targets = targets_for(session, area, tree)
    span = quarters_between(Quarter(quarters[0].year - 1, 1), quarters[-1])
    bare = dataclasses.replace(indicator, comparator_area=None)
    history = series(session, bare, area, span, tree)
    rows = [score_indicator(session, bare, q, area, targets, tree, history=history) for q in quarters]  # type: ignore[arg-type]
    resolved = resolve_comparator(session, tree, indicator.comparator_area, indicator.comparator_label, area, indicator.measure)
    label = resolved.label if resolved is not None else indicator.comparator_label
    for row in rows:  # the ScoreRow should still name the real comparator
        row.comparator_area, row.comparator_label = indicator.comparator_area, label
    return rows


def comparator_values(session: Session, indicator: IndicatorInfo, area: str, quarters: list[Quarter]) -> dict[str, float]:
    """The comparator area's value on the rated basis for each quarter it has one."""
    return comparator_series(session, indicator, area, quarters)[0]


def comparator_series(
    session: Session, indicator: IndicatorInfo, area: str, quarters: list[Quarter]
) -> tuple[dict[str, float], dict[str, str]]:
    """``comparator_values``, and why the comparator has none where its figure is partial,
    for ``quarters`` and the year before them (a change on a year earlier needs both). A
    relation (``force``, ``group:…``) is resolved for ``area`` first; a group's figure is its
    weighted one (a count's rate per 1,000 residents), and one that cannot be resolved has
    no figure, with why, at every quarter."""
    if not indicator.comparator_area or indicator.comparator_area == area or not quarters:
        return {}, {}
    tree = AreaTree.load(session)
    span = quarters_between(Quarter(quarters[0].year - 1, 1), quarters[-1])
    resolved = resolve_comparator(session, tree, indicator.comparator_area, indicator.comparator_label, area, indicator.measure)
    if resolved is None or resolved.code == area:
        return {}, {}
    if not resolved.available:
        return {}, {q.key: resolved.why for q in span}
    if resolved.is_group:
        values, gaps = group_series(session, tree, indicator, resolved, span)
        return {k: v for k, v in values.items() if k in {q.key for q in quarters}}, gaps
    assert resolved.code is not None  # an available comparator that is not a group names its area
    s = series(session, comparator_measure(indicator, resolved), resolved.code, span, tree)
    return {q.key: v for q in quarters if (v := s.basis(q)) is not None}, {q.key: gap for q in span if (gap := s.gap(q))}


def current_comparator(session: Session, indicator: IndicatorInfo, row: ScoreRow, area: str) -> None:
    """Put the comparator's words, rates, weighted figure and rank on the quarter's row, as the
    scorecard shows them (the history rows are scored without their comparator)."""
    tree = AreaTree.load(session)
    resolved = resolve_comparator(session, tree, indicator.comparator_area, indicator.comparator_label, area, indicator.measure)
    if resolved is None or resolved.code == area:
        return
    period = Quarter.parse(row.period)
    quarters = quarters_needed(period)
    home = series(session, indicator, area, quarters, tree)
    theirs = series(session, comparator_measure(indicator, resolved), resolved.code, quarters, tree) if resolved.code else None
    figures = comparator_figures(session, tree, indicator, indicator.polarity, resolved, area, period, home, quarters, theirs)
    attach_comparator(row, figures)


def comparator_levels(session: Session, period: Quarter, area: str) -> dict[str, float]:
    """For percentage and rate indicators, the comparator's own value at ``period`` (a
    national average repeat rate means more to a reader than its change on last year)."""
    out = {}
    for row in indicators(session, partnership_of(session, area)):
        info = IndicatorInfo.of(row)
        if info.rated and info.unit in ("percent", "rate"):
            value = comparator_values(session, info, area, [period]).get(period.key)
            if value is not None:
                out[info.code] = value
    return out


def commentary_history(session: Session, code: str, area: str, up_to: Quarter | None = None) -> list[CommentaryEntry]:
    """Commentary and corrective actions for one indicator and area, newest first."""
    rows = session.execute(
        select(Commentary.period, Commentary.commentary, Commentary.corrective_action).where(
            Commentary.partnership_code == partnership_of(session, area),
            Commentary.indicator_code == code,
            Commentary.area_code == area,
        )
    ).all()
    by_period: dict[str, list[ActionEntry]] = {}
    for a in list_actions(session, indicator=code, area=area):
        by_period.setdefault(a.period, []).append(a)
    texts = {period: (text or "", action or "") for period, text, action in rows}
    out = []
    for period in set(texts) | set(by_period):
        try:
            q = Quarter.parse(period)
        except PeriodError:
            continue
        text, action = texts.get(period, ("", ""))
        actions = tuple(by_period.get(period, []))
        if actions:
            action = action_summary(actions, period)
        if (up_to is None or q <= up_to) and (text or action or actions):
            out.append(CommentaryEntry(q, text, action, actions))
    return sorted(out, key=lambda e: e.period, reverse=True)


def indicator_detail(session: Session, code: str, period: Quarter, area: str) -> IndicatorDetail:
    """Everything the indicator page draws: history, comparator, months and commentary."""
    partnership = partnership_of(session, area)
    info = indicator_info(session, code, partnership)
    name = area_name(session, area)
    available = quarters_available(session, partnership)
    first = min([q for q in available if q <= period], default=period)
    quarters = quarters_between(first, period)
    history = rating_history(session, info, area, quarters)
    if history:
        history[-1].projection = detail_projection(session, info, period, area)
        # The page's one plain verdict, as the scorecard words it (with the SPC chart).
        from store.spc_series import attach_row_spc  # store.spc_series reads store.scorecard, as this module does

        indicator = indicator_by_code(session, info.code, partnership)
        if indicator is not None:
            attach_row_spc(session, history[-1], indicator, area, period, AreaTree.load(session))
    comparator, comparator_gaps = comparator_series(session, info, area, quarters)
    for row in history:
        before = comparator.get(Quarter.parse(row.period).same_quarter_last_year().key)
        now = comparator.get(row.period)
        row.comparator_change = 100.0 * (now - before) / before if now is not None and before else None
    if history:
        current_comparator(session, info, history[-1], area)
    monthly: list[tuple[str, int]] = []
    if info.source in MONTHLY_SOURCES:
        months = [m for q in quarters for m in q.months()]
        counts = monthly_counts(session, info.source, area, months, Measure.parse(info.measure).selection)
        monthly = [(m, counts[m]) for m in months if m in counts]
    notes = commentary_history(session, info.code, area, up_to=period)
    return IndicatorDetail(
        info, period, area, name, history, comparator, monthly, notes, comparator_gaps, value_notes(session, info, area, quarters)
    )


def detail_projection(session: Session, info: IndicatorInfo, period: Quarter, area: str) -> Projection | None:
    """The projected year end at ``period``, as the scorecard gives it."""
    tree = AreaTree.load(session)
    targets = targets_for(session, area, tree)
    own = tree.by_code[area].level == "ward" if area in tree.by_code else False
    return projection_for(session, info, period, area, targets, tree, find_target, own)


def value_notes(session: Session, info: IndicatorInfo, area: str, quarters: list[Quarter]) -> list[str]:
    """For the indicator page's charts: each quarter whose uploaded value wins over the figure
    the counts give, and which figure which chart shows."""
    s = series(session, info, area, quarters)
    return [
        f"{q.label}: the figures by quarter (and year to date) use the {override_text(s, q)}; "
        f"the charts by month show the {s.overrides[q].other_source}"
        for q in quarters
        if q in s.overrides
    ]


def demand_panels(session: Session, period: Quarter, area: str, quarters: int = 8) -> list[DemandPanel]:
    """Not-rated context indicators: the last ``quarters`` quarters and the same quarter last year."""
    tree = AreaTree.load(session)
    if area not in tree.by_code:
        raise UnknownArea(area)
    wanted = [period]
    while len(wanted) < max(quarters, 5):  # at least five, so last year's quarter is in view
        wanted.insert(0, wanted[0].previous())
    panels = []
    for row in indicators(session, partnership_of(session, area)):
        if row.rated:
            continue
        info = IndicatorInfo.of(row)
        s = series(session, info, area, wanted, tree)
        points = [(q, s.quarter(q)) for q in wanted]
        panels.append(DemandPanel(info, period, points, s.quarter(period.same_quarter_last_year())))
    return panels
