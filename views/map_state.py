"""The map pages' state, read from the URL (``?measure=…&period=…&span=…&view=…&classes=…
&area=…``), the cached figures behind them, and the pieces /map, /london and /ward share:
formatting, hover text, the finding in the title. The controls and the table of numbers
are Dash components, in ``web/parts/map_parts.py``.

Kept out of the page modules: Dash Pages executes a page module afresh for every app it
builds, which would drop these caches (and dataclasses cannot be defined there).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

from rules.ward_generations import current_generation, generation_label
from store.areas import AreaTree
from store.db import get_engine, reading
from store.map_queries import (
    SPANS,
    AreaFigure,
    AreaTrend,
    MapMeasure,
    MapPeriod,
    MapRequestError,
    UnknownMeasure,
    area_figures,
    area_trend,
    choose_vintage,
    measure_options,
    parse_measure,
    periods_held,
)
from store.reference import LONDON, LONDON_BOROUGHS
from views import maps
from views.data import shared_version, version
from views.wording import signed_percent

VIEWS = {"count": "Number", "rate": "Rate per 1,000 residents", "change": "Change on the same period last year"}
POPULATION_NOTE = "Rates per 1,000 residents need population figures, which have not been loaded for these areas."
LONDON_POPULATION_NOTE = (
    "Rates per 1,000 residents need population figures for every borough compared, which have not all been loaded."
)


@dataclass(frozen=True)
class MapState:
    """What the page shows, resolved from the URL (defaults filled in)."""

    measure: MapMeasure
    period: MapPeriod
    view: str
    scheme: str
    area: str
    measures: list[tuple[str, str]]
    periods: list[MapPeriod]
    areas: list[tuple[str, str]]

    def query(self, **changes: str) -> str:
        params = {"measure": self.measure.key, "period": self.period.key, "span": self.period.span, "view": self.view}
        if self.scheme != "quantiles":
            params["classes"] = self.scheme
        if self.areas and self.area != self.areas[0][0]:  # the first choice is the home borough
            params["area"] = self.area
        params.update(changes)
        return "?" + urlencode(params)


@dataclass(frozen=True)
class MapFigures:
    figures: list[AreaFigure]  # every area that could be shown, with or without a figure
    vintage: str | None
    outlined: frozenset[str]  # codes with an outline in ``vintage``
    generation: str | None = None  # which wards, where the area holds two generations ("current wards")


def _area_choices(tree: AreaTree, home: str) -> list[tuple[str, str]]:
    with_wards = [b for b in tree.at_level("borough") if tree.at_level("ward", within=b)]
    others = sorted((b for b in with_wards if b != home), key=tree.name)
    return [(home, f"{tree.name(home)} wards")] + [(b, f"{tree.name(b)} wards") for b in others] + [(LONDON, "All London wards")]


@lru_cache(maxsize=32)
def _choices(url: str, v: tuple, home: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    with reading(get_engine(url)) as session:
        return measure_options(session), _area_choices(AreaTree.load(session), home)


@lru_cache(maxsize=64)
def _periods(url: str, v: tuple, measure_key: str, span: str) -> tuple[MapMeasure, list[MapPeriod]]:
    with reading(get_engine(url)) as session:
        measure = parse_measure(session, measure_key)
        return measure, periods_held(session, measure, span)


def resolve(url: str, home: str, params: dict[str, str | None], level: str = "ward", default_view: str = "count") -> MapState:
    """Turn ``?measure=…&period=…&span=…&view=…&classes=…&area=…`` into a state; raise
    MapRequestError with a sentence the reader can act on."""
    v = version(url)
    measures, areas = _choices(url, v, home)
    if not measures:
        raise MapRequestError("No crime or ASB figures have been loaded yet. An analyst loads them on the Upload page.")
    key = params.get("measure") or measures[0][0]
    span = params.get("span") or "quarter"
    if span not in SPANS:
        raise MapRequestError(f"{span!r} is not a period length; choose month, quarter or ytd.")
    if key not in dict(measures):
        # Only measures from the list: the key goes into titles and download names.
        _periods(url, v, key, span)  # raises the more specific message where there is one
        raise UnknownMeasure(f"{key[:60]!r} is not a measure we can map. Choose one from the list.")
    measure, periods = _periods(url, v, key, span)
    if not periods:
        raise MapRequestError(f"No complete {SPANS[span].lower()} of figures is held for {measure.label.lower()}.")
    period = MapPeriod.parse(span, asked) if (asked := params.get("period")) else periods[-1]
    if period not in periods:
        raise MapRequestError(
            f"No figures are held for {period.label}. Figures are held from {periods[0].label} to {periods[-1].label}."
        )
    view = params.get("view") or default_view
    if view not in VIEWS:
        raise MapRequestError(f"{view!r} is not a way to show the figures; choose count, rate or change.")
    scheme = params.get("classes") or "quantiles"
    if scheme not in maps.SCHEMES:
        raise MapRequestError(f"{scheme!r} is not a classification; choose quantiles or jenks.")
    area = params.get("area") or home
    if level == "ward" and area not in dict(areas):
        raise MapRequestError(f"No wards are held for area {area!r}. Choose an area from the list.")
    return MapState(measure, period, view, scheme, area, measures, periods, areas)


@lru_cache(maxsize=64)
def _figures(url: str, v: tuple, measure: MapMeasure, period: MapPeriod, area: str) -> MapFigures:
    with reading(get_engine(url)) as session:
        tree = AreaTree.load(session)
        codes = [c for c in tree.at_level("ward", within=area) if tree.by_code[c].retired_into is None]
        figures = area_figures(session, measure, period, codes, tree)
        # One generation of wards per borough: the one reporting in the period.
        figures, generation = reporting_generation(tree, figures)
        codes = [f.code for f in figures]
        with_data = {f.code for f in figures if f.value is not None or f.last_year is not None}
        vintage = choose_vintage(session, "ward", with_data or set(codes))
        outlined = maps.layer(url, "ward", vintage, codes).features.keys() if vintage else set()
    return MapFigures(figures, vintage, frozenset(outlined), generation)


def reporting_generation(tree: AreaTree, figures: list[AreaFigure]) -> tuple[list[AreaFigure], str | None]:
    """Of each borough's wards, those of the generation reporting in the period (the one with
    the most figures; a ward of unknown generation is kept with any), and which generation
    that is, where any borough holds two: ``current wards``, ``wards before May 2022``."""
    by_borough: dict[str | None, list[AreaFigure]] = {}
    for f in figures:
        by_borough.setdefault(tree.by_code[f.code].parent_code, []).append(f)
    kept: list[AreaFigure] = []
    labels: set[str] = set()
    for borough_figures in by_borough.values():
        vintages = {f.code: tree.by_code[f.code].boundary_vintage for f in borough_figures}
        known = {v for v in vintages.values() if v}
        if len(known) < 2:
            kept += borough_figures
            continue
        reporting = {v: sum(1 for f in borough_figures if vintages[f.code] == v and f.value is not None) for v in known}
        chosen = max(known, key=lambda v: (reporting[v], v))
        kept += [f for f in borough_figures if vintages[f.code] in (chosen, None)]
        labels.add(generation_label(chosen, current_generation(known)))
    kept_codes = {f.code for f in kept}
    ordered = [f for f in figures if f.code in kept_codes]
    if not labels:
        return ordered, None
    return ordered, labels.pop() if len(labels) == 1 else "each borough's wards reporting in the period"


def generation_note(data: MapFigures) -> str:
    """`` (current wards)``: which generation a map shows, where two are held."""
    return f" ({data.generation})" if data.generation else ""


def ward_figures(url: str, state: MapState) -> MapFigures:
    return _figures(url, version(url), state.measure, state.period, state.area)


@lru_cache(maxsize=64)
def _borough_figures(url: str, v: tuple, measure: MapMeasure, period: MapPeriod) -> list[AreaFigure]:
    with reading(get_engine(url)) as session:
        return area_figures(session, measure, period, sorted(LONDON_BOROUGHS))


def borough_figures(url: str, state: MapState) -> list[AreaFigure]:
    """The 33 London boroughs (a borough's figure is its own, else the sum of its wards)."""
    return _borough_figures(url, version(url), state.measure, state.period)


@lru_cache(maxsize=16)
def _borough_vintage(url: str, v: tuple) -> str | None:
    with reading(get_engine(url)) as session:
        return choose_vintage(session, "borough", set(LONDON_BOROUGHS))


def borough_vintage(url: str) -> str | None:
    return _borough_vintage(url, shared_version(url))


@lru_cache(maxsize=64)
def _trend(url: str, v: tuple, code: str) -> tuple[AreaTrend, str, str | None]:
    with reading(get_engine(url)) as session:
        tree = AreaTree.load(session)
        if code not in tree.by_code or tree.by_code[code].level != "ward":
            raise MapRequestError(f"No ward with code {code!r} is held. Choose a ward on the map.")
        return area_trend(session, code), tree.name(code), tree.by_code[code].parent_code


def trend(url: str, code: str) -> tuple[AreaTrend, str, str | None]:
    """A ward's quarterly counts by category, its name and its borough's code."""
    return _trend(url, shared_version(url), code)


def shown_value(figure: AreaFigure, view: str) -> float | None:
    return {"count": figure.value, "rate": figure.rate, "change": figure.change}[view]


def fmt_for(view: str, measure: MapMeasure):
    if view == "rate":
        return lambda x: f"{x:,.1f}"
    if view == "change":
        return signed_percent
    return (lambda x: f"{x:,.0f}") if measure.unit == "count" else (lambda x: f"{x:,.1f}")


def classes_for(values: list[float | None], state: MapState) -> maps.Classification:
    if state.view == "change":
        return maps.classify_change(values)
    return maps.classify(values, state.scheme, fmt_for(state.view, state.measure))


def view_phrase(state: MapState) -> str:
    """What the figures are: ``all crime``, ``all crime per 1,000 residents``, ``change in …``."""
    what = state.measure.label if state.measure.label.isupper() else state.measure.label[:1].lower() + state.measure.label[1:]
    if state.view == "rate":
        return f"{what} per 1,000 residents"
    if state.view == "change":
        return f"change in {what} compared with {state.period.last_year().label}"
    return what


def hover_labels(state: MapState) -> list[str]:
    """What each hover line is; the figures themselves go in ``hover_values`` (the labels are
    sent once per map, not once per ward)."""
    labels = ["", f"{state.measure.noun}: "]
    if state.measure.unit == "count":
        labels.append("Rate per 1,000 residents: ")
    return labels + [f"Change on {state.period.last_year().label}: "]


def hover_values(f: AreaFigure, state: MapState) -> list[str]:
    """Name, figure, rate and change, matching ``hover_labels``."""
    fmt = fmt_for("count", state.measure)
    values = [f.name, maps.number(f.value) if f.value is None else fmt(f.value)]
    if state.measure.unit == "count":
        values.append(maps.number(f.rate, 1) if f.population else "no population figure")
    change = signed_percent(f.change) if f.change is not None else "no figure"
    return values + [change + (f" (from {fmt(f.last_year)})" if f.last_year is not None else "")]


def wrap(name: str, width: int = 10) -> str:
    """Break a long name onto lines of about ``width`` characters for a map label."""
    lines: list[str] = []
    for word in name.replace(" and ", " & ").split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def finding(rows: list[AreaFigure], values: list[float | None], state: MapState, noun: str = "wards", unmapped: int = 0) -> str:
    held = [(f, v) for f, v in zip(rows, values) if v is not None]
    if not held and unmapped:  # never "no figure" above a legend of figures held off the map
        return f"No {noun[:-1]} drawn has a figure for {state.period.label}: {unmapped} {noun} with figures have no outline held (see the table)"
    if not held:
        return f"No {noun[:-1]} has a figure for {state.period.label}"
    if len(held) == 1:
        only, value = held[0]
        return f"Only {only.name} has a figure: {fmt_for(state.view, state.measure)(value)}{' per 1,000' if state.view == 'rate' else ''}"
    if state.view == "change":
        fewer = sum(1 for _, v in held if v < 0)
        return f"{fewer} of {len(held)} {noun} had fewer {state.measure.noun.lower()} than in {state.period.last_year().label}"
    top, value = max(held, key=lambda fv: fv[1])
    return f"Highest: {top.name} ({fmt_for(state.view, state.measure)(value)}{' per 1,000' if state.view == 'rate' else ''})"


# The ward map's figure, shared by /map, /embed/map and /export/map.<png|svg>.
LABEL_LIMIT = 40  # ward names are drawn on the map when this many wards or fewer are shown


def split_figures(
    data: MapFigures, state: MapState
) -> tuple[list[AreaFigure], list[AreaFigure], list[float | None], maps.Classification]:
    """(wards drawn, then wards with figures but no outline; the values of both; their
    classes). Classed together, so the table and the map give a ward the same class."""
    shown = [f for f in data.figures if f.code in data.outlined]
    missing = [f for f in data.figures if f.code not in data.outlined and f.value is not None]
    values = [shown_value(f, state.view) for f in shown + missing]
    return shown, missing, values, classes_for(values, state)


def area_label(state: MapState) -> str:
    return "London" if state.area == LONDON else dict(state.areas).get(state.area, state.area).removesuffix(" wards")


def map_height(areas: int) -> int:
    return 620 if areas <= LABEL_LIMIT else 760


def map_figure(url: str, home: str, query: str) -> dict:
    """The choropleth for a page's resolved query (``?measure=…&period=…``): the map callback."""
    state = resolve(url, home, dict(parse_qsl(query.lstrip("?"))))
    data = ward_figures(url, state)
    shown, missing, values, classes = split_figures(data, state)
    unmapped = sum(1 for v in values[len(shown) :] if v is not None)
    values = values[: len(shown)]
    classes = replace(classes, index=classes.index[: len(shown)])  # the drawn wards come first
    layer = maps.layer(url, "ward", data.vintage, [f.code for f in shown]) if data.vintage else maps.Layer("none", {}, {}, {})
    labels = len(shown) <= LABEL_LIMIT
    areas = [maps.MapArea(f.code, wrap(f.name) if labels else "", hover_values(f, state)) for f in shown]
    what = {
        "count": state.measure.noun,
        "rate": f"{state.measure.noun} per 1,000 residents",
        "change": f"Change on {state.period.last_year().label}",
    }[state.view]
    legend = f"{what}<br>{classes.legend_note}"
    return maps.choropleth(
        layer,
        areas,
        classes,
        title=finding(shown, values, state, unmapped=unmapped) + generation_note(data),
        legend_title=legend,
        height=map_height(len(shown)),
        label_size=11,
        hover_labels=hover_labels(state),
    )
