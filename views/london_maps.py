"""The London comparison's state and maps: the boroughs' figures for the chosen measure and
period (rates by default, change where no population is held), the rank statement, and the
tile map and borough map figures. Shared by /london and its downloads
(``views/page_figures.py``); kept out of the page module, which Dash Pages runs afresh
for every app and exports must not import.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from store.map_queries import AreaFigure
from store.reference import LONDON_BOROUGHS
from views import maps
from views.map_state import (
    MapState,
    borough_figures,
    classes_for,
    finding,
    hover_labels,
    hover_values,
    resolve,
    shown_value,
    view_phrase,
)

CITY = "E09000001"
MAP_HEIGHT = 560
# Labels for the tile map: a tile is about 90 pixels wide.
SHORT_NAMES = {
    "E09000001": "City", "E09000002": "Bark &<br>Dag", "E09000003": "Barnet", "E09000004": "Bexley", "E09000005": "Brent",
    "E09000006": "Bromley", "E09000007": "Camden", "E09000008": "Croydon", "E09000009": "Ealing", "E09000010": "Enfield",
    "E09000011": "Green-<br>wich", "E09000012": "Hackney", "E09000013": "Ham &<br>Ful", "E09000014": "Haringey", "E09000015": "Harrow",
    "E09000016": "Havering", "E09000017": "Hilling-<br>don", "E09000018": "Hounslow", "E09000019": "Islington", "E09000020": "Ken &<br>Chel",
    "E09000021": "Kingston", "E09000022": "Lambeth", "E09000023": "Lewisham", "E09000024": "Merton", "E09000025": "Newham",
    "E09000026": "Redbridge", "E09000027": "Richmond", "E09000028": "Southwark", "E09000029": "Sutton", "E09000030": "Tower<br>Hamlets",
    "E09000031": "Waltham<br>Forest", "E09000032": "Wands-<br>worth", "E09000033": "West-<br>minster",
}  # fmt: skip
# The same on a phone, where a tile is about 36 pixels wide: names of seven letters or more split in two.
NARROW_NAMES = {
    **SHORT_NAMES,
    "E09000006": "Brom-<br>ley", "E09000008": "Croy-<br>don", "E09000010": "En-<br>field", "E09000012": "Hack-<br>ney",
    "E09000014": "Harin-<br>gey", "E09000016": "Haver-<br>ing", "E09000018": "Houns-<br>low", "E09000019": "Isling-<br>ton",
    "E09000021": "King-<br>ston", "E09000022": "Lam-<br>beth", "E09000023": "Lewi-<br>sham", "E09000026": "Red-<br>bridge",
    "E09000027": "Rich-<br>mond", "E09000028": "South-<br>wark",
}  # fmt: skip


@dataclass(frozen=True)
class LondonView:
    """The boroughs as /london shows them for a query."""

    state: MapState
    figures: list[AreaFigure]  # the 33 boroughs
    values: list[float | None]  # the figure shown for each, in ``figures`` order
    classes: maps.Classification
    rate_ok: bool  # population figures are held for every borough with a figure, so rates can be shown
    rate_refused: bool  # rates were asked for but cannot be shown: change is shown instead


def london_view(url: str, home: str, params: dict[str, str | None]) -> LondonView:
    """Raises MapRequestError for a query the page would refuse."""
    state = resolve(url, home, {**params, "area": None}, level="borough")
    figures = borough_figures(url, state)
    # Rates rank boroughs against each other: every borough with a figure needs its population,
    # or the ranking is among the few that have one (Havering alone ranks "1st of 1").
    counted = [f for f in figures if f.value is not None]
    rate_ok = state.measure.unit == "count" and bool(counted) and all(f.population for f in counted)
    refused = False
    if not params.get("view"):
        state = replace(state, view="rate" if rate_ok else "change")
    elif state.view == "rate" and not rate_ok:
        state, refused = replace(state, view="change"), True
    values = [shown_value(f, state.view) for f in figures]
    return LondonView(state, figures, values, classes_for(values, state), rate_ok, refused)


def rank_statement(figures: list[AreaFigure], values: list[float | None], state: MapState, home: str) -> str:
    """``Havering: 9th highest of 32 boroughs for all crime per 1,000 residents in Q3 2016/17.``;
    from the nearer end (``2nd lowest``), and for changes by the size of the rise or fall."""
    name = LONDON_BOROUGHS.get(home, home)
    rank = maps.rank_of({f.code: v for f, v in zip(figures, values)}, home)
    when = "" if state.view == "change" else f" in {state.period.label}"
    if rank is None:
        return f"{name} has no figure for {view_phrase(state)}{when}."
    if rank[1] == 1:
        return f"{name} is the only borough with figures for {state.period.label}, so it cannot be ranked against other boroughs yet."
    spoken = maps.spoken_rank(
        {f.code: v for f, v in zip(figures, values)}, home, "borough", _rank_what(state, when), change=state.view == "change"
    )
    return f"{name}: {spoken}."


def _rank_what(state: MapState, when: str) -> str:
    """``for all crime in Q3 2016/17``; a change's rank says rise or fall itself: ``in all crime
    compared with Q3 2015/16``."""
    phrase = view_phrase(state)
    return f"{phrase.removeprefix('change ')}{when}" if state.view == "change" else f"for {phrase}{when}"


def map_title(view: LondonView) -> str:
    """The maps' own title: the highest borough, or how many had fewer than last year."""
    return finding(view.figures, view.values, view.state, noun="boroughs")


def legend_title(view: LondonView) -> str:
    state = view.state
    what = {
        "count": state.measure.noun,
        "rate": f"{state.measure.noun} per 1,000 residents",
        "change": f"Change on {state.period.last_year().label}",
    }[state.view]
    return f"{what}<br>{view.classes.legend_note}"


def tile_figure(view: LondonView, home: str) -> dict:
    """One equal square per borough, placed roughly where it is, named on the square."""
    tiles = [
        maps.MapArea(f.code, SHORT_NAMES.get(f.code, f.name), hover_values(f, view.state), NARROW_NAMES.get(f.code, ""))
        for f in view.figures
    ]
    return maps.choropleth(
        maps.tile_layer(), tiles, view.classes, title=map_title(view), legend_title=legend_title(view), height=MAP_HEIGHT,
        label_size=11, highlight=home, hover_labels=hover_labels(view.state),
    )  # fmt: skip


def geo_figure(url: str, view: LondonView, home: str, vintage: str) -> dict:
    """The boroughs' real outlines (``vintage``), the home borough outlined."""
    areas = [maps.MapArea(f.code, "", hover_values(f, view.state)) for f in view.figures]
    layer = maps.layer(url, "borough", vintage, [f.code for f in view.figures])
    return maps.choropleth(
        layer, areas, view.classes, title=map_title(view), legend_title=legend_title(view), height=MAP_HEIGHT,
        highlight=home, hover_labels=hover_labels(view.state),
    )  # fmt: skip
