"""The funnel plot (issue 21 part 4): every Community Safety Partnership's recorded crime per
1,000 residents against its population, for one financial year of the Home Office CSP tables,
with exact Poisson 95% and 99.8% limits around the England and Wales rate (``rules.funnel``).
The home area's partnership is marked with a star and its name, the members of its group of
similar areas (when given) with diamonds: shape and words, never colour alone.

One ``funnel_view`` (one session) feeds the indicator page, the chart and CSV downloads and the
committee pack. A partnership without a population or without all four quarters of the year
is left out and counted in a note; the centre line is the England and Wales rate only when
every partnership in the tables is drawn, otherwise the rate of the partnerships drawn, and
the chart says which.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rules.area_levels import DISTRICT, NATION_NAME
from rules.comparators import parse_comparator
from rules.csp_tables import name_key, parse_offence_selection
from rules.funnel import PER, LimitCurve, Position, limit_curves, position_counts, position_of
from rules.met_home_office import home_office_measure
from rules.periods import FinancialYear, Quarter
from store.areas import AreaTree
from store.comparison_groups import group_members
from store.csp_crime import CSP_CRIME, quarters_held
from store.db import Session, get_engine, reading
from store.funnel_counts import counts_by_area, offence_groups_held
from store.population import populations_for
from views.charts import INK, PLUM, TEAL, _layout, _scatter

CSP = "csp"
ALL_OFFENCES = "all recorded crime"
HOME, GROUP = "home", "group"
MARK_WORDS = {HOME: "home area", GROUP: "similar partnership"}
LIMIT_GREY = "#505a5f"
OTHER_GREY = "#6f777b"
FUNNEL_HEIGHT = 520


# --- Which indicators have a funnel ---------------------------------------------------------


@dataclass(frozen=True)
class FunnelMeasure:
    """What an indicator's funnel counts: all recorded crime, or one Home Office offence group."""

    group: str | None = None

    @property
    def words(self) -> str:
        return self.group or ALL_OFFENCES


def funnel_measure(measure: str, unit: str = "count") -> FunnelMeasure | str:
    """The funnel an indicator's ``measure`` can have, or why it has none (a sentence): all
    recorded crime or one Home Office offence group, read as the ``csp-crime`` source reads its
    measures; a Met measure through the shipped mapping to the Home Office groups."""
    if unit == "percent":
        return "it is a percentage, and the funnel plot compares counts of crime per 1,000 residents."
    text = measure.strip()
    source = text.partition(":")[0].strip().lower()
    if source == "crime":
        mapped = home_office_measure(text)
        if mapped is None:
            return (
                "it counts a police.uk or Met crime category with no Home Office offence group to match, and the "
                "Home Office tables that give every partnership's figure count Home Office offence groups."
            )
        text, source = mapped, CSP_CRIME
    if source not in (CSP_CRIME, "csp-tables"):
        return "it is not a count of recorded crime, and the funnel plot compares recorded crime."
    try:
        selection = parse_offence_selection(text.partition(":")[2], text)
    except ValueError as exc:
        return f"{exc}."
    if selection.everything:
        return FunnelMeasure()
    only = selection.include[0] if len(selection.include) == 1 and not selection.exclude else None
    if only is None or only.group is None or only.subgroup is not None:
        return "it counts part of the offences, and the funnel plot is drawn for all recorded crime or one offence group."
    return FunnelMeasure(only.text.strip())


# --- The view -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelPoint:
    code: str
    name: str
    count: int
    population: int
    rate: float  # per 1,000 residents
    position: Position
    mark: str = ""  # HOME, GROUP or "" (any other partnership)


@dataclass(frozen=True)
class FunnelView:
    """The funnel plot of a year, or why there is none (``unavailable``)."""

    measure: FunnelMeasure
    points: list[FunnelPoint] = field(default_factory=list)
    curves: list[LimitCurve] = field(default_factory=list)
    national_rate: float | None = None
    centre_name: str = NATION_NAME  # what the centre line is the rate of
    year: FinancialYear | None = None
    population_years: tuple[int, ...] = ()
    home_name: str = ""
    notes: list[str] = field(default_factory=list)  # who is left out and why, in words
    unavailable: str = ""

    @property
    def home(self) -> FunnelPoint | None:
        return next((p for p in self.points if p.mark == HOME), None)

    @property
    def group(self) -> list[FunnelPoint]:
        return [p for p in self.points if p.mark == GROUP]


def funnel_view(
    session: Session,
    measure: FunnelMeasure,
    period: Quarter,
    area: str,
    group_members: Iterable[str] = (),
    comparator: str | None = None,
) -> FunnelView:
    """The funnel for the latest financial year ending by ``period`` in which the tables hold
    all four quarters for at least one partnership; ``area`` (a partnership or a district in
    one) is marked, and so are ``group_members`` (partnership or district codes) or, when none
    are given, the members of the group the indicator's ``comparator`` names (``group:<name>``)."""
    if not group_members:
        group_members = _comparator_group(session, comparator)
    tree = AreaTree.load(session)
    # Whole years ended by the quarter shown: a Q3 report never shows Q4's figures.
    held = [q for q in quarters_held(session) if Quarter(Quarter.parse(q).financial_year.start, 4).key <= period.key]
    if not held:
        return FunnelView(measure, unavailable="the Home Office CSP tables are not loaded for any year ended by " + period.label)
    if measure.group and not _group_held(session, measure.group):
        return FunnelView(
            measure,
            unavailable=f"the Home Office CSP tables hold no offence group called {measure.group!r} "
            f"(they hold {', '.join(offence_groups_held(session))})",
        )
    partnerships = tree.at_level(CSP)
    found = _latest_complete_year(session, held, partnerships)
    if found is None:
        return FunnelView(measure, unavailable="no financial year has all four quarters in the Home Office CSP tables")
    year, every_offence = found
    # All offences: the year's counts already read (the whole nation's, so not read twice).
    counts = (
        every_offence
        if measure.group is None
        else counts_by_area(session, [Quarter(year.start, q).key for q in (1, 2, 3, 4)], measure.group)
    )
    districts = {code: [d for d in tree.children.get(code, []) if tree.by_code[d].level == DISTRICT] for code in partnerships}
    people = populations_for(session, sorted({d for found in districts.values() for d in found}), year.start)
    home = _partnership_of(tree, area)
    group = {p for p in (_partnership_of(tree, c) for c in group_members) if p and p != home}
    rows: list[tuple[str, int, int]] = []
    missing_year, missing_people = [], []
    for code in partnerships:
        held_quarters = counts.get(code, {})
        if len(held_quarters) < 4:
            missing_year.append(code)
        elif (
            not districts[code] or any(d not in people for d in districts[code]) or not sum(people[d][1] for d in districts[code])
        ):
            missing_people.append(code)
        else:
            rows.append((code, sum(held_quarters.values()), sum(people[d][1] for d in districts[code])))
    if not rows:
        return FunnelView(
            measure, year=year, unavailable="no partnership has both a population and all four quarters of " + year.label
        )
    complete = not missing_year and not missing_people
    # England and Wales: every count the tables hold for the year (each force's "Unassigned"
    # part too) over every partnership's residents, when all are drawn; else only those drawn.
    total = sum(sum(h.values()) for h in counts.values()) if complete else sum(c for _, c, _ in rows)
    residents = sum(p for _, _, p in rows)
    national = total * PER / residents
    points = [
        FunnelPoint(code, tree.name(code), count, pop, count * PER / pop, position_of(count * PER / pop, national, pop),
                    HOME if code == home else GROUP if code in group else "")
        for code, count, pop in rows
    ]  # fmt: skip
    notes = _left_out_notes(tree, missing_year, missing_people, year, home)
    if home is None:
        notes.append(f"{tree.name(area)} is not a partnership or a district in one, so no point is marked as the home area.")
    return FunnelView(
        measure, sorted(points, key=lambda p: (-p.rate, p.name)),
        limit_curves(national, min(p.population for p in points) * 0.9, max(p.population for p in points) * 1.1),
        national, NATION_NAME if complete else "the partnerships drawn", year,
        tuple(sorted({people[d][0] for code, _, _ in rows for d in districts[code]})),
        tree.name(home) if home else tree.name(area), notes,
    )  # fmt: skip


def _group_held(session: Session, group: str) -> bool:
    return any(name_key(g) == name_key(group) for g in offence_groups_held(session))


def _latest_complete_year(
    session: Session, held: list[str], partnerships: list[str]
) -> tuple[FinancialYear, dict[str, dict[str, int]]] | None:
    """The latest financial year with all four quarters held for at least one partnership, and
    every area's counts of all offences in it."""
    years = sorted({Quarter.parse(q).financial_year.start for q in held}, reverse=True)
    wanted = set(partnerships)
    for start in years:
        quarters = [Quarter(start, q).key for q in (1, 2, 3, 4)]
        counts = counts_by_area(session, quarters)
        if any(len(found) == 4 for code, found in counts.items() if code in wanted):
            return FinancialYear(start), counts
    return None


def _partnership_of(tree: AreaTree, code: str) -> str | None:
    """The partnership ``code`` is, or the one the district ``code`` is in; None otherwise."""
    area = tree.by_code.get(code)
    if area is None:
        return None
    if area.level == CSP:
        return code
    if area.level == DISTRICT:
        return next((p for p in tree.parents(code) if tree.by_code[p].level == CSP), None)
    return None


def _left_out_notes(tree: AreaTree, no_year: list[str], no_people: list[str], year: FinancialYear, home: str | None) -> list[str]:
    """ "3 partnerships left out: no population (…)", one sentence per reason, the home area named."""
    notes = []
    for codes, why in ((no_year, f"not all four quarters of {year.label} held"), (no_people, "no population")):
        if not codes:
            continue
        names = sorted(tree.name(c) for c in codes)
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        noun = "partnership" if len(codes) == 1 else "partnerships"
        notes.append(f"{len(codes)} {noun} left out: {why} ({shown}).")
        if home in codes:
            notes.append(f"{tree.name(home)}, the home area, is one of them, so it is not on the chart.")
    return notes


def _comparator_group(session: Session, comparator: str | None) -> list[str]:
    """The members of the group an indicator's comparator names; none for another comparator."""
    try:
        spec = parse_comparator(comparator)
    except ValueError:
        return []
    if spec is None or spec.relation != "group":
        return []
    return group_members(session, spec.value) or []


@lru_cache(maxsize=32)
def _cached(url: str, version: tuple, measure: FunnelMeasure, period: Quarter, area: str, comparator: str | None) -> FunnelView:
    with reading(get_engine(url)) as session:
        return funnel_view(session, measure, period, area, comparator=comparator)


def cached_funnel_view(url: str, measure: FunnelMeasure, period: Quarter, area: str, comparator: str | None = None) -> FunnelView:
    from views.data import version

    return _cached(url, version(url), measure, period, area, comparator)


# --- Words ----------------------------------------------------------------------------------


def _rate(value: float) -> str:
    return f"{value:,.1f}"


def centre_label(view: FunnelView) -> str:
    """The centre line's name in a legend or a list: "England and Wales" or "Partnerships drawn"."""
    return NATION_NAME if view.centre_name == NATION_NAME else "Partnerships drawn"


def centre_phrase(view: FunnelView) -> str:
    """ "the England and Wales rate", or the rate of those drawn and why it is not England and Wales's."""
    if view.centre_name == NATION_NAME:
        return f"the {NATION_NAME} rate"
    return f"the rate of {view.centre_name} (not England and Wales's: some partnerships are left out)"


def funnel_title(view: FunnelView) -> str:
    """The finding: where the home area sits, else how many partnerships are outside."""
    home = view.home
    if home is not None:
        return f"{home.name}: {_rate(home.rate)} per 1,000, {home.position.value}"
    outside = sum(1 for p in view.points if p.position.outside)
    return f"{outside} of {len(view.points)} partnerships outside the 95% limits"


def funnel_subtitle(view: FunnelView) -> str:
    assert view.year is not None and view.national_rate is not None
    return (
        f"{view.measure.words.capitalize()} per 1,000 residents, {view.year.label}, {len(view.points)} partnerships; "
        f"{centre_label(view)}: {_rate(view.national_rate)} per 1,000"
    )


def funnel_method(view: FunnelView) -> str:
    """How the limits are drawn, for the caption and the pack."""
    years = ", ".join(f"mid-{y}" for y in view.population_years) or "none"
    return (
        f"Each point is a partnership's recorded crime in {view.year.label if view.year else 'the year'} (its four quarters "
        f"in the Home Office CSP tables) per 1,000 residents (ONS estimates, {years}, summed over its districts). "
        f"The lines are exact Poisson 95% (dotted) and 99.8% (dashed) limits around {centre_phrase(view)} "
        "(solid), with the population as exposure; no overdispersion adjustment is made."
    )


def funnel_summary(view: FunnelView) -> str:
    """How many points sit in each position, in words."""
    counts = position_counts([p.position for p in view.points])
    parts = [f"{n} {position.value}" for position, n in counts.items() if n]
    return f"Of {len(view.points)} partnerships: " + "; ".join(parts) + "."


def funnel_alt(view: FunnelView) -> str:
    home = view.home
    where = f" {home.name} ({MARK_WORDS[HOME]}, star) is {home.position.value}." if home else ""
    group = "; ".join(f"{p.name} {p.position.value}" for p in view.group)
    marked = f" Similar partnerships (diamonds): {group}." if group else ""
    return f"Funnel plot: {funnel_subtitle(view)}. {funnel_title(view)}.{where}{marked} {funnel_summary(view)}"


def funnel_table(view: FunnelView) -> tuple[list[str], list[list[str]]]:
    """Every point with its position in words: the page's table and the CSV download."""
    headers = ["Partnership", "Code", "Recorded crime", "Residents", "Per 1,000 residents", "Against the limits", "Marked as"]
    rows = [
        [p.name, p.code, f"{p.count:,}", f"{p.population:,}", _rate(p.rate), p.position.value, MARK_WORDS.get(p.mark, "")]
        for p in view.points
    ]
    return headers, rows


# --- The figure -----------------------------------------------------------------------------

_MARK_STYLE: dict[str, tuple[str, str, int, str]] = {  # mark -> (legend, colour, size, symbol)
    "": ("Other partnerships", OTHER_GREY, 7, "circle-open"),
    GROUP: ("Similar partnerships", TEAL, 11, "diamond"),
    HOME: ("Home area", PLUM, 17, "star"),
}


def funnel_figure(view: FunnelView, title: str) -> dict[str, Any]:
    """Limits as lines (dashed 99.8%, dotted 95%), the centre line solid, the partnerships as
    open circles, similar ones as diamonds and the home area as a labelled star."""
    assert view.national_rate is not None
    data: list[dict] = []
    for curve in sorted(view.curves, key=lambda c: -c.level):
        dash, width = ("dash", 2.0) if curve.level > 0.95 else ("dot", 1.5)
        for side in ("upper", "lower"):
            data.append(
                _scatter(
                    x=curve.populations, y=getattr(curve, side), mode="lines", name=f"{curve.words} limits",
                    legendgroup=curve.words, showlegend=side == "upper", line={"color": LIMIT_GREY, "dash": dash, "width": width},
                    hoverinfo="skip", meta=f"limit-{curve.words}-{side}",
                )
            )  # fmt: skip
    xs = view.curves[0].populations if view.curves else []
    data.append(
        _scatter(
            x=[xs[0], xs[-1]] if xs else [], y=[view.national_rate] * (2 if xs else 0), mode="lines",
            name=f"{centre_label(view)}: {_rate(view.national_rate)}", line={"color": INK, "width": 1.5}, hoverinfo="skip",
        )
    )  # fmt: skip
    for mark in ("", GROUP, HOME):
        points = [p for p in view.points if p.mark == mark]
        if not points:
            continue
        name, colour, size, symbol = _MARK_STYLE[mark]
        data.append(
            _scatter(
                x=[p.population for p in points], y=[p.rate for p in points],
                mode="markers+text" if mark == HOME else "markers", name=name, meta=f"points-{mark or 'other'}",
                text=[p.name for p in points], textposition="top center", textfont={"size": 13, "color": INK},
                customdata=[p.position.value for p in points],
                marker={"symbol": symbol, "size": size, "color": colour, "line": {"color": INK if mark else colour, "width": 1}},
                hovertemplate="%{text}: %{y:,.1f} per 1,000, %{x:,} residents<br>%{customdata}<extra></extra>",
            )
        )  # fmt: skip
    layout = _layout(title, "Residents, thousands (log scale)", "Recorded crime per 1,000 residents", height=FUNNEL_HEIGHT)
    values = population_ticks(xs[0], xs[-1]) if xs else []
    layout["xaxis"].update(
        {
            "type": "log",
            "tickvals": values,
            "ticktext": [f"{v / 1000:,.0f}" for v in values],
            "showgrid": True,
            "gridcolor": "#eeeeee",
        }
    )
    # The rates' own range: from zero the funnel would be a flat line (the caption gives the centre).
    layout["yaxis"]["rangemode"] = "normal"
    return {"data": data, "layout": layout}


def population_ticks(smallest: float, largest: float) -> list[float]:
    """1-2-5 steps (10,000, 20,000, 50,000, 100,000 …) within the populations drawn: few enough
    that their labels never overlap on a phone."""
    ticks = []
    power = 10 ** math.floor(math.log10(smallest))
    while power <= largest:
        ticks += [power * m for m in (1, 2, 5) if smallest <= power * m <= largest]
        power *= 10
    return ticks


__all__ = [
    "FunnelMeasure",
    "FunnelPoint",
    "FunnelView",
    "cached_funnel_view",
    "funnel_alt",
    "funnel_figure",
    "funnel_measure",
    "funnel_method",
    "funnel_subtitle",
    "funnel_summary",
    "funnel_table",
    "funnel_title",
    "funnel_view",
]
