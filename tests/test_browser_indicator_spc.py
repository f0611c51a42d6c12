"""The indicator page's statistical process control chart (issue 11), series breaks on every
chart of the series, the context indicator page without target furniture, the year to date
against target, and one Download menu per chart (issue 12), in headless Chromium on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_dashboard_app, serve_in_thread
from tests.test_browser_dashboard import Q3, browser, open_page, page, shoot  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

FIGURE = """sel => { const g = document.querySelector(sel + ' .js-plotly-plot');
  return {data: g.data.map(t => ({name: t.name, meta: t.meta, x: t.x, y: t.y, symbol: t.marker && t.marker.symbol,
          color: t.marker && t.marker.color, visible: t.visible})),
          title: g.layout.title.text, shapes: (g.layout.shapes || []).map(s => ({x: s.x0, name: s.name})),
          notes: (g.layout.annotations || []).map(a => a.text)}; }"""


@pytest.fixture(scope="module")
def live_server(demo_database_url: str) -> Iterator[str]:
    app = make_dashboard_app(demo_database_url)
    with serve_in_thread(app.server) as base_url:
        yield base_url


def figure(tab, selector: str) -> dict:
    tab.wait_for_selector(f"{selector} .main-svg")
    return tab.evaluate(FIGURE, selector)


def test_browser_spc_chart_flags_points_by_colour_shape_and_words(page, live_server: str, demo_database_url: str) -> None:
    open_page(page, f"{live_server}/indicator/CSP1?{Q3}", "#indicator-spc-graph")
    fig = figure(page, "#indicator-spc-graph")
    traces = {t["meta"]: t for t in fig["data"] if t["meta"]}
    values = traces["values"]
    assert len(values["y"]) == 33 and values["x"][0] == "2014-04-01" and values["x"][-1] == "2016-12-01"  # monthly, to Q3
    # Making Data Count: improvement blue, concern orange, each with its own shape.
    assert traces["special-improvement"]["color"] == "#00B0F0" and traces["special-improvement"]["symbol"] == "triangle-up"
    assert traces["special-concern"]["color"] == "#E46C0A" and traces["special-concern"]["symbol"] == "square"
    limits = [t for t in fig["data"] if t["name"] == "Process limits"]
    assert len(limits) == 2 and all(y is not None for y in limits[0]["y"][:-1])
    sigma = [t for t in fig["data"] if t["name"].startswith("2-sigma")]
    assert sigma and all(t["visible"] == "legendonly" for t in sigma)  # optional: shown when chosen
    # The same points named in words, in a table.
    flagged = set(traces["special-improvement"]["x"]) | set(traces["special-concern"]["x"])
    rows = page.evaluate(
        "() => Array.from(document.querySelectorAll('#indicator-spc-flagged tbody tr')).map(tr => tr.textContent)"
    )
    assert len(rows) == len(flagged) > 0
    assert any("(concern)" in r for r in rows) and any("(improvement)" in r for r in rows)
    icons = page.inner_text("#indicator-spc-icons")
    assert "Variation:" in icons and "Assurance:" in icons
    shoot(page, "indicator-spc-CSP1", demo_database_url)


def test_browser_spc_under_13_points_has_no_icons_and_says_why(page, live_server: str) -> None:
    open_page(page, f"{live_server}/indicator/DP2?{Q3}", "#indicator-spc-graph")
    section = page.inner_text("main") if page.query_selector("main") else page.inner_text("body")
    assert "Only 11 quarterly figures" in section and "at least 13" in section
    assert page.query_selector("#indicator-spc-icons") is None
    assert "Provisional limits" in figure(page, "#indicator-spc-graph")["title"]


def test_browser_context_indicator_has_no_target_furniture(page, live_server: str) -> None:
    open_page(page, f"{live_server}/indicator/DP2?{Q3}", "#indicator-quarterly-graph")
    headings = page.evaluate("() => Array.from(document.querySelectorAll('h2')).map(h => h.innerText)")
    assert "Against target" not in headings and "Rating each quarter" not in headings
    assert page.query_selector("#indicator-rating-strip") is None
    names = {t["name"] for t in figure(page, "#indicator-quarterly-graph")["data"]}
    assert not any(n and ("Target" in n or "tolerance" in n) for n in names), names
    # A rated indicator keeps them.
    open_page(page, f"{live_server}/indicator/CSP1?{Q3}", "#indicator-rating-strip")
    assert "Against target" in page.evaluate("() => Array.from(document.querySelectorAll('h2')).map(h => h.innerText)")


def test_browser_ytd_chart_shows_the_gap_to_target(page, live_server: str) -> None:
    open_page(page, f"{live_server}/indicator/CSP1?{Q3}", "#indicator-ytd-graph")
    fig = figure(page, "#indicator-ytd-graph")
    traces = {t["meta"]: t for t in fig["data"] if t["meta"]}
    assert traces["this-year"]["y"][2] == pytest.approx(106.0, abs=0.1)
    assert traces["tolerance"]["y"][2] == pytest.approx(102.5)
    # Drawn, the 6% overshoot sits clearly above the band: more than 20 px on screen.
    gap = page.evaluate(
        """() => { const g = document.querySelector('#indicator-ytd-graph .js-plotly-plot');
                   const y = g._fullLayout.yaxis; return y.l2p(106.0) - y.l2p(102.5); }"""
    )
    assert abs(gap) > 20
    assert "Year to date against target" in page.inner_text("body")


def test_browser_one_download_menu_per_chart(page, live_server: str) -> None:
    open_page(page, f"{live_server}/indicator/CSP1?{Q3}", "#indicator-spc-graph")
    menus = page.query_selector_all("details.download-menu")
    graphs = page.query_selector_all(".chart__graph")
    assert len(menus) == len(graphs) == 5
    assert page.query_selector_all("button:has-text('Download')") == []  # no more rows of buttons
    menu = "#indicator-spc-downloads"
    assert not page.is_visible(f"{menu} a")
    page.click(f"{menu} summary")
    links = page.evaluate(
        f"() => Array.from(document.querySelectorAll('{menu} a')).map(a => [a.innerText, a.getAttribute('href')])"
    )
    assert [text.split()[0] for text, _ in links] == ["PNG", "SVG", "CSV", "XLSX"]
    assert "kind=spc" in links[0][1] and "table=spc" in links[2][1]
    response = page.request.get(live_server + links[0][1])
    assert response.status == 200 and response.headers["content-type"] == "image/png" and response.body()[:4] == b"\x89PNG"
    csv = page.request.get(live_server + links[2][1]).text().splitlines()
    assert csv[0] == "Period,Value,Mean,Lower limit,Upper limit,Special cause" and len(csv) == 34


@pytest.fixture
def break_server(demo_engine) -> Iterator[str]:
    from store.annotations import save_annotation
    from store.db import session_scope

    with session_scope(demo_engine) as session:
        save_annotation(
            session, when=dt.date(2015, 10, 1), reason="New Met crime recording system", user="analyst", source="crime"
        )
    app = make_dashboard_app(str(demo_engine.url.render_as_string(hide_password=False)))
    with serve_in_thread(app.server) as base_url:
        yield base_url


def test_browser_series_breaks_on_every_chart_of_the_series(page, break_server: str) -> None:
    open_page(page, f"{break_server}/indicator/CSP1?{Q3}", "#indicator-spc-graph")
    for chart, x in (("quarterly", "Q3 15/16"), ("monthly", "2015-10-01"), ("spc", "2015-10-01")):
        fig = figure(page, f"#indicator-{chart}-graph")
        assert [s["x"] for s in fig["shapes"] if s["name"] == "series-break"] == [x], chart
        assert "Break Oct 2015" in fig["notes"]
        listed = page.inner_text(f"#indicator-{chart}-breaks")
        assert "1 October 2015: New Met crime recording system" in listed
    # The SPC limits step at the break: two baselines.
    limits = next(t for t in figure(page, "#indicator-spc-graph")["data"] if t["name"] == "Process limits")
    assert len({y for y in limits["y"] if y is not None}) == 2
    # The ASB indicator shares no break with crime.
    open_page(page, f"{break_server}/indicator/CSP3?{Q3}", "#indicator-spc-graph")
    assert page.query_selector("#indicator-spc-breaks") is None


def test_exported_spc_png_and_cli(tmp_path: Path, demo_database_url: str, export_chromium: Path) -> None:
    from click.testing import CliRunner

    from cli.main import cli

    out = tmp_path / "spc.png"
    args = ["export", "chart", "--indicator", "CSP1", "--period", "2016-17-Q3", "--kind", "spc", "--out", str(out)]
    result = CliRunner().invoke(cli, args, env={"DATABASE_URL": demo_database_url})
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG" and out.stat().st_size > 20_000


def test_browser_captions_and_subtitles_state_the_range_drawn(page, live_server: str, demo_database_url: str) -> None:
    open_page(page, f"{live_server}/indicator/CSP1?{Q3}", "#indicator-monthly-graph")
    captions = page.evaluate("() => Array.from(document.querySelectorAll('figcaption')).map(f => f.innerText)")
    assert captions[0].startswith("Q1 2014/15 to Q3 2016/17.")  # quarterly
    assert any(c.startswith("April 2014 to December 2016.") for c in captions)  # monthly
    assert any(
        c.startswith("Total notifiable offences, Havering, each month, April 2014 to December 2016 (33 points)") for c in captions
    )  # SPC
    from rules.periods import Quarter
    from store.db import get_engine, session_scope
    from views.figures import indicator_chart

    with session_scope(get_engine(demo_database_url)) as session:
        monthly = indicator_chart(session, "CSP1", Quarter.parse("2016-17-Q3"), "E09000016", "monthly")
        comparator = indicator_chart(session, "CSP1", Quarter.parse("2016-17-Q3"), "E09000016", "comparator")
    assert monthly.figure["layout"]["title"]["subtitle"]["text"].endswith("each month, April 2014 to December 2016")
    q, year = comparator.figure["data"][0]["x"][0].split()  # "Q1 15/16": the first quarter drawn
    assert comparator.figure["layout"]["title"]["subtitle"]["text"].endswith(f"{q} 20{year} to Q3 2016/17")
