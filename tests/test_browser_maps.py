"""The map pages in headless Chromium, on the demo in SQLite and PostgreSQL (reusing the
dashboard journeys' live server, browser and page fixtures): the schematic note, the map and
its table agreeing ward by ward, hover text, a click opening the ward profile, the London tile
map and rank, real 2018 boundaries replacing the schematic, nothing fetched from the
internet, no console errors, and no serious axe violations.

Screenshots go to tests/artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.conftest import make_dashboard_app, serious_axe_violations, serve_in_thread
from tests.test_browser_dashboard import backend, browser, live_server, page, shoot  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.browser

Q3 = "measure=crime&period=2016-17-Q3&span=quarter&view=count"
MAP_READY = """(id) => {
    const gd = document.querySelector('#' + id + ' .js-plotly-plot');
    return !!gd && !!gd.data && gd.data.some(t => t.type === 'choropleth')
        && document.querySelectorAll('#' + id + ' .choroplethlocation').length > 0;
}"""
FIGURE = """(id) => {
    const gd = document.querySelector('#' + id + ' .js-plotly-plot');
    return {
        title: gd.layout.title.text,
        legend: gd.layout.legend.title.text,
        entries: gd.data.filter(t => t.type === 'scattergeo' && t.showlegend).map(t => t.name),
        labels: gd.data.filter(t => t.type === 'scattergeo' && t.mode === 'text').flatMap(t => t.text),
        wards: gd.data.filter(t => t.meta === 'classes' || t.meta === 'no-figure')
                      .flatMap(t => t.locations.map((code, i) => ({code: code, cls: t.name, hover: t.customdata[i]}))),
    };
}"""
LEGEND_STARTS = """([id, start]) => {
    const gd = document.querySelector('#' + id + ' .js-plotly-plot');
    const legend = gd && gd.layout && gd.layout.legend;
    return !!(legend && legend.title && legend.title.text && legend.title.text.startsWith(start));
}"""
TABLE = """(id) => {
    const headers = Array.from(document.querySelectorAll('#' + id + ' thead th')).map(th => th.textContent.trim());
    return Array.from(document.querySelectorAll('#' + id + ' tbody tr')).map(tr => {
        const link = tr.querySelector('a');
        const cells = Array.from(tr.children).map(td => td.textContent.trim());
        return {href: link ? link.getAttribute('href') : '', cells: cells, by: Object.fromEntries(headers.map((h, i) => [h, cells[i]]))};
    });
}"""


@pytest.fixture(scope="module")
def live_server_2018(demo_2018_database_url: str) -> Iterator[str]:
    """The app on the demo with the real 2018 London ward boundaries loaded."""
    app = make_dashboard_app(demo_2018_database_url)
    with serve_in_thread(app.server) as base_url:
        yield base_url


def open_map(tab, url: str, graph: str = "ward-map-graph") -> dict:
    """Open a map page, recording any request that leaves this server; returns the figure."""
    base = re.match(r"https?://[^/]+", url).group(0)
    outside: list[str] = []
    tab.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) and not r.url.startswith("data:") else None)
    tab.goto(url)
    tab.wait_for_function(MAP_READY, arg=graph)
    tab.outside_requests = outside
    return tab.evaluate(FIGURE, graph)


def test_browser_map_shows_schematic_note_and_table_agrees(page, live_server: str, demo_database_url: str) -> None:
    figure = open_map(page, f"{live_server}/map?{Q3}")
    assert "Schematic layout: each hexagon is one ward placed roughly where it is, not its real outline." in page.inner_text(
        "main"
    )
    assert figure["legend"].endswith("5 classes, equal numbers of areas")
    assert len(figure["wards"]) == 18
    rows = page.evaluate(TABLE, "ward-map-table")
    assert len(rows) == 18
    table = {re.search(r"/ward/(E05\d+)", r["href"]).group(1): r["by"] for r in rows}
    assert "Rate per 1,000 residents" in rows[0]["by"], "the demo holds population: each ward's rate"
    for ward in figure["wards"]:
        cells = table[ward["code"]]
        name, offences, rate, change = ward["hover"][:4]
        assert cells["Ward"] == name
        assert offences == cells["Offences, Q3 2016/17"]
        assert rate == cells["Rate per 1,000 residents"] and re.fullmatch(r"\d+\.\d", rate), rate
        assert change == f"{cells['Change']} (from {cells['Offences, Q3 2015/16']})"
        assert cells["Map class"] == ward["cls"], "the table names the class the ward is coloured by"
    assert page.outside_requests == [], "the map must not fetch anything from the internet"
    shoot(page, "map-schematic", demo_database_url)
    shoot(page, "map-schematic", demo_database_url, width=768)


def test_browser_map_hover_shows_the_tables_figures(page, live_server: str) -> None:
    open_map(page, f"{live_server}/map?{Q3}")
    page.locator("#ward-map-graph").scroll_into_view_if_needed()
    box = page.evaluate(
        """() => { const el = Array.from(document.querySelectorAll('#ward-map-graph .choroplethlocation')).find(e => e.__data__.loc === 'E05000319');
                   const r = el.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height * 0.7}; }"""
    )
    page.mouse.move(box["x"], box["y"])
    page.wait_for_selector("#ward-map-graph .hoverlayer .hovertext")
    hover = page.evaluate(
        """() => Array.from(document.querySelectorAll('#ward-map-graph .hoverlayer .hovertext tspan.line')).map(t => t.textContent).join(' ')"""
    )
    row = next(r for r in page.evaluate(TABLE, "ward-map-table") if r["href"].startswith("/p/E09000016/ward/E05000319?"))
    assert hover.startswith("Romford Town Offences: " + row["by"]["Offences, Q3 2016/17"])
    assert f"Change on Q3 2015/16: {row['by']['Change']}" in hover


def test_browser_map_click_opens_the_ward_profile(page, live_server: str, demo_database_url: str) -> None:
    open_map(page, f"{live_server}/map?{Q3}")
    page.locator("#ward-map-graph").scroll_into_view_if_needed()
    box = page.evaluate(
        """() => { const el = Array.from(document.querySelectorAll('#ward-map-graph .choroplethlocation')).find(e => e.__data__.loc === 'E05000306');
                   const r = el.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height * 0.75}; }"""
    )
    page.mouse.click(box["x"], box["y"])
    page.wait_for_url(f"**/ward/E05000306?{Q3}")
    page.wait_for_selector("#ward-profile-trend .main-svg")
    assert page.inner_text("h1") == "Brooklands ward, Havering"
    assert re.fullmatch(
        r"Brooklands: (joint |the )?(\d+(st|nd|rd|th) )?highest of 18 wards in Havering for all crime in Q3 2016/17\.",
        page.inner_text("#ward-profile-rank"),
    )
    rows = page.evaluate(TABLE, "ward-profile-category-table")
    assert len(rows) >= 5 and all(len(r["cells"]) == 13 for r in rows), "every category, twelve quarters"
    shoot(page, "ward-profile", demo_database_url)
    page.click("#ward-profile-back")
    page.wait_for_url(f"**/map?{Q3}")
    page.wait_for_function(MAP_READY, arg="ward-map-graph")


def test_browser_map_controls_put_the_choice_in_the_url(page, live_server: str, demo_database_url: str) -> None:
    open_map(page, f"{live_server}/map?{Q3}")
    page.select_option("#ward-map-view", "change")
    page.wait_for_url("**/map?measure=crime&span=quarter&period=2016-17-Q3&view=change&classes=quantiles&area=E09000016")
    page.wait_for_function(LEGEND_STARTS, arg=["ward-map-graph", "Change on Q3 2015/16"])
    figure = page.evaluate(FIGURE, "ward-map-graph")
    assert figure["entries"][:5] == ["20%+ fewer", "5–20% fewer", "About the same (±5%)", "5–20% more", "20%+ more"]
    page.go_back()
    page.wait_for_function(LEGEND_STARTS, arg=["ward-map-graph", "Offences"])
    assert page.input_value("#ward-map-view") == "count"
    page.go_forward()
    page.wait_for_function(LEGEND_STARTS, arg=["ward-map-graph", "Change"])
    shoot(page, "map-change", demo_database_url)


def test_browser_london_tile_map_and_rank(page, live_server: str, demo_database_url: str) -> None:
    figure = open_map(page, f"{live_server}/london?measure=crime&period=2016-17-Q3&span=quarter", graph="london-tile-graph")
    rank = page.inner_text("#london-rank")
    assert rank.startswith("Havering: ") and "the largest fall of 32 boroughs in all crime compared with Q3 2015/16" in rank
    main = page.inner_text("main")
    assert "have no data yet" not in main
    assert "Borough outlines are not loaded" in main
    assert len(figure["wards"]) == 33
    assert {"Havering", "Enfield", "Bark &<br>Dag", "City"} <= set(figure["labels"])
    assert "Home borough (thick outline)" in figure["entries"]
    havering = next(w for w in figure["wards"] if w["code"] == "E09000016")
    assert havering["cls"] != "No figure" and havering["hover"][0] == "Havering"
    assert [w["code"] for w in figure["wards"] if w["cls"] == "No figure"] == ["E09000001"]  # only the City: not the Met's
    assert page.get_attribute("#nav-london", "aria-current") == "page"
    assert page.outside_requests == []
    shoot(page, "london-tiles", demo_database_url)
    shoot(page, "london-tiles", demo_database_url, width=768)


def test_browser_map_with_real_2018_boundaries(page, live_server_2018: str, demo_2018_database_url: str) -> None:
    figure = open_map(page, f"{live_server_2018}/map?{Q3}")
    assert "Schematic layout" not in page.inner_text("main")
    assert sorted(w["code"] for w in figure["wards"]) == [f"E050003{n:02d}" for n in range(6, 24)]
    assert page.evaluate("document.querySelectorAll('#ward-map-graph .choroplethlocation').length") == 18
    shoot(page, "map-2018-boundaries", demo_2018_database_url)


def test_browser_all_london_ward_map_is_under_1mb(page, live_server_2018: str, demo_2018_database_url: str) -> None:
    sizes: list[int] = []
    page.on(
        "response",
        lambda r: (
            sizes.append(len(r.body()))
            if "_dash-update-component" in r.url and r.request.post_data and "ward-map-graph" in r.request.post_data
            else None
        ),
    )
    figure = open_map(page, f"{live_server_2018}/map?{Q3}&area=E12000007")
    assert len(figure["wards"]) == 657
    assert sizes and max(sizes) < 1_000_000, f"map callback sent {max(sizes or [0]):,} bytes"
    shoot(page, "map-all-london", demo_2018_database_url)


@pytest.mark.parametrize(
    ("path", "graph"),
    [(f"/map?{Q3}", "ward-map-graph"), ("/london", "london-tile-graph"), (f"/ward/E05000306?{Q3}", "ward-profile-locator")],
)
def test_browser_map_pages_have_no_serious_accessibility_violations(page, live_server: str, path: str, graph: str) -> None:
    open_map(page, f"{live_server}{path}", graph=graph)
    assert serious_axe_violations(page) == []
