"""The map pages' logic, called as plain functions on SQLite and PostgreSQL: classing values
into the number of classes the legend states, change against the same period a year
earlier, rates from the population held, rank wording, which boundaries are drawn, and what
the /map, /london and /ward pages say."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest
from dash.development.base_component import Component
from sqlalchemy import Engine, delete, func, select

from demo.load import load_demo
from store.db import session_scope
from store.map_queries import (
    MapPeriod,
    MapRequestError,
    area_figures,
    choose_vintage,
    measure_options,
    parse_measure,
    periods_held,
)
from store.models import CrimeCount, Population
from tests.conftest import WARDS_2022, make_dashboard_app
from tests.helpers import load, rows_of, text, walk, write
from views import maps

HOME = "E09000016"
HAVERING_WARDS = [f"E050003{n:02d}" for n in range(6, 24)]
Q3 = {"measure": "crime", "period": "2016-17-Q3", "span": "quarter", "view": "count"}


# -- helpers --------------------------------------------------------------------------------


def by_id(node: object, wanted: str) -> Component:
    return next(c for c in walk(node) if getattr(c, "id", None) == wanted)


def page_module(url: str, name: str):
    """A page module as Dash Pages loaded it for a fresh app on ``url``, and the app."""
    app = make_dashboard_app(url)
    return app, importlib.import_module(f"dashboards.{name}")


def render(url: str, name: str, *args: object) -> tuple[Component, object]:
    app, module = page_module(url, name)
    with app.server.test_request_context("/"):
        return module.page(url, HOME, *args), module


def class_traces(figure: dict) -> list[dict]:
    return [t for t in figure["data"] if t["type"] == "choropleth" and t.get("meta") in ("classes", "no-figure")]


def crime_sum(engine: Engine, code: str, months: list[str]) -> int:
    with session_scope(engine) as session:
        return int(
            session.scalar(select(func.sum(CrimeCount.count)).where(CrimeCount.area_code == code, CrimeCount.month.in_(months)))
            or 0
        )


# -- classification -------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["quantiles", "jenks"])
@pytest.mark.parametrize("k", [3, 4, 5, 6])
def test_maps_classification_gives_the_stated_number_of_classes(scheme: str, k: int) -> None:
    values = [12.0, 15, 15, 19, 22, 23, 30, 31, 35, 44, 47, 51, 58, 60, 75, 80, 120, 131]
    classes = maps.classify(values, scheme, lambda x: f"{x:,.0f}", k=k)
    assert classes.k == k
    assert sorted(set(classes.index)) == list(range(k)), "every class stated in the legend holds areas"
    assert classes.legend_note == f"{k} classes, {maps.SCHEMES[scheme]}"
    assert len(classes.colours) == len(classes.labels) == k
    ordered = [c for _, c in sorted(zip(values, classes.index))]
    assert ordered == sorted(ordered), "a higher figure is never in a lower class"
    assert classes.index[1] == classes.index[2], "equal figures share a class"


def test_maps_quantiles_hold_about_equal_numbers() -> None:
    classes = maps.classify([float(v) for v in range(1, 19)], "quantiles", str, k=5)
    sizes = [classes.index.count(c) for c in range(5)]
    assert max(sizes) - min(sizes) <= 1
    assert classes.labels[0] == "1.0 to 4.0"


def test_maps_jenks_finds_natural_groups() -> None:
    values = [1.0, 2, 3, 40, 41, 42, 90, 91, 92]
    classes = maps.classify(values, "jenks", lambda x: f"{x:.0f}", k=3)
    assert classes.index == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert classes.labels == ["1 to 3", "40 to 42", "90 to 92"]


def test_maps_fewer_distinct_figures_than_classes_says_so() -> None:
    classes = maps.classify([5.0, 5.0, 9.0, 9.0, 12.0, None], "quantiles", lambda x: f"{x:.0f}", k=5)
    assert classes.k == 3 and classes.legend_note == "3 classes, equal numbers of areas"
    assert classes.index[-1] is None and classes.label_of(5) == "No figure"


def test_maps_change_classes_are_centred_on_zero_and_say_fewer_or_more() -> None:
    classes = maps.classify_change([-25.0, -10.0, 0.0, 4.9, 12.0, 20.0, None])
    assert classes.k == 5 and classes.legend_note == "5 classes, steps either side of no change"
    assert classes.index == [0, 1, 2, 2, 3, 4, None]
    assert classes.labels[0].endswith("fewer") and classes.labels[-1].endswith("more")
    assert classes.labels[2] == "About the same (±5%)"
    assert classes.colours[2] == "#f7f7f7", "zero sits on the white middle of the diverging scale"


def test_maps_text_on_fills_has_contrast() -> None:
    assert maps.text_colour("#08519c") == "#ffffff"
    assert maps.text_colour("#eff3ff") == maps.INK


# -- wording --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (112, "112th"),
    ],
)
def test_maps_ordinal(n: int, word: str) -> None:
    assert maps.ordinal(n) == word


def test_maps_rank_wording() -> None:
    values = {"a": 10.0, "b": 30.0, "c": 20.0, "d": 20.0, "e": None}
    assert maps.rank_of(values, "b") == (1, 4, False)
    assert maps.rank_of(values, "c") == (2, 4, True)
    assert maps.rank_of(values, "a") == (4, 4, False)
    assert maps.rank_of(values, "e") is None
    assert maps.ranks(values) == {"a": (4, 4, False), "b": (1, 4, False), "c": (2, 4, True), "d": (2, 4, True)}
    assert (
        maps.rank_phrase((3, 18, False), "ward", "for all crime in Q3 2016/17")
        == "3rd highest of 18 wards for all crime in Q3 2016/17"
    )
    assert maps.rank_phrase((2, 4, True), "borough", "for burglary") == "joint 2nd highest of 4 boroughs for burglary"
    assert maps.rank_phrase((1, 18, False), "ward", "for burglary") == "the highest of 18 wards for burglary"
    assert maps.rank_phrase((1, 32, True), "borough", "for burglary") == "joint highest of 32 boroughs for burglary"


# -- periods and change on last year -----------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "key", "months", "last_year", "label"),
    [
        ("month", "2016-12", ["2016-12"], "2015-12", "December 2016"),
        ("quarter", "2016-17-Q3", ["2016-10", "2016-11", "2016-12"], "2015-16-Q3", "Q3 2016/17"),
        ("ytd", "2016-17-Q3", [f"2016-{m:02d}" for m in range(4, 13)], "2015-16-Q3", "2016/17 to the end of Q3"),
        ("month", "2016-17-Q3", ["2016-12"], "2015-12", "December 2016"),  # span changed to month: the quarter's last month
        ("quarter", "2017-02", ["2017-01", "2017-02", "2017-03"], "2015-16-Q4", "Q4 2016/17"),
    ],
)
def test_maps_periods_and_the_same_period_last_year(span: str, key: str, months: list[str], last_year: str, label: str) -> None:
    period = MapPeriod.parse(span, key)
    assert period.months() == months
    assert period.last_year().key == last_year
    assert period.label == label


def test_maps_bad_period_is_explained() -> None:
    with pytest.raises(MapRequestError, match="is not a quarter|is not a month"):
        MapPeriod.parse("quarter", "autumn")


@pytest.mark.parametrize("span", ["month", "quarter", "ytd"])
def test_maps_change_is_against_the_same_period_last_year(demo_database_url: str, span: str) -> None:
    from store.db import get_engine

    engine = get_engine(demo_database_url)
    period = MapPeriod.parse(span, "2016-12" if span == "month" else "2016-17-Q3")
    with session_scope(engine) as session:
        figures = area_figures(session, parse_measure(session, "crime"), period, HAVERING_WARDS)
    assert len(figures) == 18
    for f in figures[:4]:
        now = crime_sum(engine, f.code, period.months())
        before = crime_sum(engine, f.code, period.last_year().months())
        assert (f.value, f.last_year) == (now, before)
        assert f.change == pytest.approx(100.0 * (now - before) / before)


def test_maps_category_measures_and_options(demo_database_url: str) -> None:
    from store.db import get_engine

    with session_scope(get_engine(demo_database_url)) as session:
        options = dict(measure_options(session))
        burglary = parse_measure(session, "crime:BURGLARY")
        periods = periods_held(session, burglary, "quarter")
    assert options["crime"] == "All crime" and options["asb"] == "Anti-social behaviour"
    assert options["crime:BURGLARY"] == "Burglary"
    assert options["crime:BURGLARY/BURGLARY - RESIDENTIAL"] == (
        "Burglary: Residential burglary (older category, before the split into homes and unconnected buildings)"
    )
    assert options["crime:VEHICLE OFFENCES/THEFT OR UNAUTH TAKING OF A MOTOR VEH"] == (
        "Vehicle offences: Theft or unauthorised taking of a motor vehicle"
    )
    assert options["indicator:CSP1"] == "Indicator CSP1: Total notifiable offences"
    assert "indicator:CSP2" not in options, "MARAC has no ward figures"
    assert (periods[0].key, periods[-1].key, len(periods)) == ("2014-15-Q1", "2016-17-Q4", 12)


# -- rates ----------------------------------------------------------------------------------


def _without_population(engine: Engine) -> None:
    """The demo as a deployment that has loaded no population figures (the demo loads some)."""
    with session_scope(engine) as session:
        session.execute(delete(Population))


def test_maps_rate_uses_the_nearest_population_held(demo_engine: Engine, tmp_path: Path) -> None:
    _without_population(demo_engine)
    rows = "\n".join(
        f"{code},{year},{10_000 + i * 100 + (year - 2015) * 7}" for i, code in enumerate(HAVERING_WARDS) for year in (2015, 2017)
    )
    load(demo_engine, "population", write(tmp_path / "population.csv", "area_code,year,population\n" + rows + "\n"))
    period = MapPeriod.parse("quarter", "2016-17-Q3")  # mostly 2016: 2015 and 2017 are as near; the earlier wins
    with session_scope(demo_engine) as session:
        figures = area_figures(session, parse_measure(session, "crime"), period, HAVERING_WARDS)
    for i, f in enumerate(figures):
        assert (f.population_year, f.population) == (2015, 10_000 + i * 100)
        assert f.rate == pytest.approx(f.value * 1000 / f.population)


def test_maps_rate_option_needs_population(demo_engine: Engine, database_url: str, tmp_path: Path) -> None:
    _without_population(demo_engine)
    page, _ = render(database_url, "ward_map", {**Q3, "view": "rate"})
    option = next(c for c in walk(page) if getattr(c, "value", None) == "rate")
    assert option.disabled is True
    assert "Showing numbers, not rates" in text(page)
    note = text(by_id(page, "ward-map-rate-note"))
    assert note == "Rates per 1,000 residents need population figures, which have not been loaded for these areas."
    assert "cspdash" not in text(page)
    rows = "\n".join(f"{code},2016,{12_000 + i}" for i, code in enumerate(HAVERING_WARDS))
    load(demo_engine, "population", write(tmp_path / "population.csv", "area_code,year,population\n" + rows + "\n"))
    page, _ = render(database_url, "ward_map", {**Q3, "view": "rate"})
    assert next(c for c in walk(page) if getattr(c, "value", None) == "rate").disabled is False
    assert "Showing numbers, not rates" not in text(page)
    assert text(by_id(page, "ward-map-table")).startswith("All crime per 1,000 residents by ward, Havering, Q3 2016/17")


# -- which boundaries -----------------------------------------------------------------------------


def test_maps_demo_draws_the_schematic_layout(demo_database_url: str) -> None:
    page, module = render(demo_database_url, "ward_map", Q3)
    assert "Schematic layout: each hexagon is one ward placed roughly where it is, not its real outline." in text(page)
    figure = module.map_figure(demo_database_url, HOME, by_id(page, "ward-map-query").data)
    drawn = [code for t in class_traces(figure) for code in t["locations"]]
    assert sorted(drawn) == HAVERING_WARDS


def test_maps_real_boundaries_replace_the_schematic(wards_2018_engine: Engine, database_url: str, shared_data: Path) -> None:
    load_demo(wards_2018_engine)
    load(wards_2018_engine, "boundaries", shared_data / WARDS_2022)  # newer, but its codes do not match the data
    with session_scope(wards_2018_engine) as session:
        assert choose_vintage(session, "ward", set(HAVERING_WARDS)) == "2018"
    page, module = render(database_url, "ward_map", Q3)
    assert "Schematic layout" not in text(page)
    figure = module.map_figure(database_url, HOME, by_id(page, "ward-map-query").data)
    assert sorted(code for t in class_traces(figure) for code in t["locations"]) == HAVERING_WARDS


def test_maps_geometry_is_rounded_and_sent_once(demo_database_url: str) -> None:
    page, module = render(demo_database_url, "ward_map", Q3)
    figure = module.map_figure(demo_database_url, HOME, by_id(page, "ward-map-query").data)
    features = [f for t in class_traces(figure) for f in t["geojson"]["features"]]
    assert len(features) == 18 == len({f["id"] for f in features}), "each outline is sent once"
    numbers = re.findall(r"-?\d+\.\d+", json.dumps([f["geometry"] for f in features]))
    assert numbers and all(len(n.split(".")[1]) <= maps.DECIMALS for n in numbers)
    assert all(set(f) == {"type", "id", "geometry"} for f in features), "no properties: only what the map needs"


# -- the pages --------------------------------------------------------------------------------


def test_maps_table_holds_the_maps_numbers_and_classes(demo_database_url: str) -> None:
    page, module = render(demo_database_url, "ward_map", Q3)
    figure = module.map_figure(demo_database_url, HOME, by_id(page, "ward-map-query").data)
    on_map = {code: (t["name"], data[1]) for t in class_traces(figure) for code, data in zip(t["locations"], t["customdata"])}
    on_map_rate = {code: data[2] for t in class_traces(figure) for code, data in zip(t["locations"], t["customdata"])}
    table = by_id(page, "ward-map-table")
    body = next(c for c in walk(table) if type(c).__name__ == "Tbody")
    headers = [text(th) for th in next(c for c in walk(table) if type(c).__name__ == "Thead").children.children]
    assert headers == [
        "Ward", "Offences, Q3 2016/17", "Rate per 1,000 residents", "Offences, Q3 2015/16", "Change", "Map class", "Rank",
    ], "the demo holds population: each ward's rate beside its count"  # fmt: skip
    assert len(body.children) == 18
    for row in body.children:
        cells = dict(zip(headers, [text(c) for c in row.children]))
        code = next(c.href for c in walk(row) if getattr(c, "href", None)).split("/")[2].split("?")[0]
        label, hover_value = on_map[code]
        assert hover_value == cells["Offences, Q3 2016/17"]
        assert cells["Rate per 1,000 residents"] == on_map_rate[code], "the table's rate is the map's"
        assert cells["Map class"] == label, "the class in the table is the legend entry the ward is coloured by"
    assert figure["layout"]["legend"]["title"]["text"].endswith("5 classes, equal numbers of areas")
    template = class_traces(figure)[0]["hovertemplate"]
    assert (
        template
        == "<b>%{customdata[0]}</b><br>Offences: %{customdata[1]}<br>Rate per 1,000 residents: %{customdata[2]}<br>Change on Q3 2015/16: %{customdata[3]}<extra></extra>"
    )


def test_maps_ward_profile_states_its_rank(demo_database_url: str) -> None:
    page, module = render(demo_database_url, "ward_map", Q3)
    figure = module.map_figure(demo_database_url, HOME, by_id(page, "ward-map-query").data)
    values = {
        code: float(data[1].replace(",", "")) for t in class_traces(figure) for code, data in zip(t["locations"], t["customdata"])
    }
    third = sorted(values, key=values.get, reverse=True)[2]
    app, profile = page_module(demo_database_url, "ward_profile")
    with app.server.test_request_context("/"):
        out = profile.page(demo_database_url, HOME, third, Q3)
    rank = text(by_id(out, "ward-profile-rank"))
    assert rank.endswith(": 3rd highest of 18 wards in Havering for all crime in Q3 2016/17.")
    assert by_id(out, "ward-profile-back").href == "/map?measure=crime&period=2016-17-Q3&span=quarter&view=count"
    assert "Crime by category" in text(out)


def test_maps_ward_profile_unknown_ward(demo_database_url: str) -> None:
    app, profile = page_module(demo_database_url, "ward_profile")
    with app.server.test_request_context("/"):
        out = profile.page(demo_database_url, HOME, "E05999999", Q3)
    assert "No ward with code 'E05999999' is held. Choose a ward on the map." in text(out)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"measure": "nonsense"}, "'nonsense' is not a measure we can map."),
        (
            {"measure": "crime", "period": "2030-31-Q1"},
            "No figures are held for Q1 2030/31. Figures are held from Q1 2014/15 to Q4 2016/17.",
        ),
        ({"measure": "crime", "view": "sideways"}, "'sideways' is not a way to show the figures"),
        ({"measure": "indicator:NOPE"}, "No indicator with code 'NOPE' is defined."),
    ],
)
def test_maps_bad_url_gives_a_readable_message(demo_database_url: str, query: dict[str, str], message: str) -> None:
    page, _ = render(demo_database_url, "ward_map", query)
    assert message in text(page)


@pytest.fixture
def havering_only_url(engine: Engine, database_url: str) -> str:
    """The demo without the other boroughs' crime: Havering alone cannot be ranked."""
    from demo.load import DEMO_FILES
    from loaders.reading import Source
    from loaders.registry import run_load
    from settings import DEMO_DIR

    for kind, name in DEMO_FILES:
        if name != "crime_boroughs_met_format.csv":
            run_load(engine, kind, Source.from_path(DEMO_DIR / name), user="demo")
    return database_url


def test_maps_london_with_only_havering_says_it_cannot_be_ranked_and_shows_no_rank(havering_only_url: str) -> None:
    page, _ = render(havering_only_url, "london", {"measure": "crime", "period": "2016-17-Q3", "span": "quarter"})
    assert (
        text(by_id(page, "london-rank"))
        == "Havering is the only borough with figures for Q3 2016/17, so it cannot be ranked against other boroughs yet."
    )
    assert "31 boroughs have no data yet" in text(page)
    table = by_id(page, "london-table")
    havering_row = next(r for r in rows_of(table) if r[0].startswith("Havering"))
    assert havering_row[-1] == "–", havering_row  # no "Rank 1" beside "cannot be ranked"


def test_maps_london_compares_every_met_borough_on_the_demo(demo_database_url: str) -> None:
    page, _ = render(demo_database_url, "london", {"measure": "crime", "period": "2016-17-Q3", "span": "quarter"})
    assert text(by_id(page, "london-rank")).startswith("Havering: ")
    assert "the largest fall of 32 boroughs in all crime compared with Q3 2015/16" in text(by_id(page, "london-rank"))
    assert "have no data yet" not in text(page)
    assert "Borough outlines are not loaded" in text(page)
    ranked = [r for r in rows_of(by_id(page, "london-table")) if r[-1] != "–"]
    assert len(ranked) == 32
    tiles = by_id(page, "london-tile-graph").figure
    assert sorted(code for t in class_traces(tiles) for code in t["locations"]) == sorted(maps.tile_layer().features)
    labels = next(t for t in tiles["data"] if t["type"] == "scattergeo" and t.get("mode") == "text")["text"]
    assert "Havering" in labels and len(labels) == 33


def test_maps_london_ranks_the_home_borough_by_rate(demo_engine: Engine, database_url: str, tmp_path: Path) -> None:
    from store.reference import LONDON_BOROUGHS

    others = [c for c in sorted(LONDON_BOROUGHS) if c not in (HOME, "E09000001")]
    havering = sum(crime_sum(demo_engine, w, ["2016-10", "2016-11", "2016-12"]) for w in HAVERING_WARDS)
    people = 250_000
    rate = havering * 1000 / people
    # Eight boroughs above Havering's rate, twenty-three below.
    counts = {code: round((rate + (i + 1 if i < 8 else -(i - 7) * 0.05)) * people / 1000) for i, code in enumerate(others)}
    lines = [
        f"{code},{m},THEFT,OTHER THEFT,{counts[code] // 3 + (counts[code] % 3 if m.endswith('10') else 0)}"
        for code in others
        for m in ("2016-10", "2016-11", "2016-12")
    ]
    # These made-up totals replace the demo's (one category each): far lower, so confirmed.
    load(
        demo_engine,
        "crime",
        write(tmp_path / "boroughs.csv", "area_code,month,major_category,minor_category,count\n" + "\n".join(lines) + "\n"),
        accept_drops=True,
    )
    load(
        demo_engine,
        "population",
        write(
            tmp_path / "pop.csv", "area_code,year,population\n" + "\n".join(f"{c},2016,{people}" for c in [HOME, *others]) + "\n"
        ),
    )
    page, _ = render(database_url, "london", {"measure": "crime", "period": "2016-17-Q3", "span": "quarter"})
    assert (
        text(by_id(page, "london-rank"))
        == "Havering: 9th highest of 32 boroughs for all crime per 1,000 residents in Q3 2016/17."
    )
    table = text(by_id(page, "london-table"))
    assert "Havering (home borough)" in table


def test_maps_london_geographic_map_once_borough_outlines_are_loaded(
    demo_engine: Engine, database_url: str, shared_data: Path, export_chromium: Path
) -> None:
    load(demo_engine, "boundaries", shared_data / "boundaries" / "london_boroughs_wgs84_simplified20m.geojson")
    page, _ = render(database_url, "london", {"measure": "crime", "period": "2016-17-Q3", "span": "quarter"})
    assert "Borough outlines are not loaded" not in text(page)
    geo = by_id(page, "london-geo-graph").figure
    assert sorted(code for t in class_traces(geo) for code in t["locations"]) == sorted(maps.tile_layer().features)
    outline = next(t for t in geo["data"] if t["type"] == "choropleth" and t["name"] == "Home borough (thick outline)")
    assert outline["locations"] == [HOME] and outline["marker"]["line"]["width"] >= 3
    assert by_id(page, "london-tile-graph").figure["data"], "the tile map is always shown too"
    # The borough map downloads too, drawn from the page's figure, titled with the rank statement.
    from exports.downloads import london_download

    links = [c.href for c in walk(by_id(page, "london-geo-downloads")) if getattr(c, "href", None)]
    assert links[0].startswith("/export/london.png?measure=crime&period=2016-17-Q3&span=quarter&view=change") and links[
        0
    ].endswith("&kind=geo")
    svg = london_download(
        database_url, HOME, {"measure": "crime", "period": "2016-17-Q3", "span": "quarter"}, "svg", "geo"
    ).content
    assert b"choroplethlocation" in svg  # the outlines are drawn
    assert b"the largest fall of 32 boroughs in all crime" in svg  # titled with the rank statement


def test_maps_indicator_with_ward_values(demo_engine: Engine, database_url: str, tmp_path: Path) -> None:
    load(
        demo_engine,
        "indicators",
        write(
            tmp_path / "ind.csv",
            "code,name,goal,unit,polarity,basis,measure,rated\nWV1,Hate crime reports,Safe,count,lower,quarter,values,false\n",
        ),
    )
    months = ["2015-10", "2015-11", "2015-12", "2016-10", "2016-11", "2016-12"]
    rows = [f"WV1,{code},{m},{i + 1 + (m.startswith('2016') and 2)}" for i, code in enumerate(HAVERING_WARDS[:2]) for m in months]
    rows.append(f"WV1,{HAVERING_WARDS[2]},2016-17-Q3,7")  # a quarter's figure uploaded as one value
    load(
        demo_engine, "values", write(tmp_path / "values.csv", "indicator_code,area_code,period,value\n" + "\n".join(rows) + "\n")
    )
    with session_scope(demo_engine) as session:
        assert dict(measure_options(session))["indicator:WV1"] == "Indicator WV1: Hate crime reports"
        measure = parse_measure(session, "indicator:WV1")
        assert [p.key for p in periods_held(session, measure, "quarter")] == ["2015-16-Q3", "2016-17-Q3"]
        figures = area_figures(session, measure, MapPeriod.parse("quarter", "2016-17-Q3"), HAVERING_WARDS[:4])
    assert [(f.value, f.last_year) for f in figures] == [(9.0, 3.0), (12.0, 6.0), (7.0, None), (None, None)]
    assert figures[0].change == pytest.approx(200.0)
