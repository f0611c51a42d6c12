"""Whole journeys through the read-only pages in headless Chromium, on the demo in SQLite
and PostgreSQL: what the page says, that charts agree with their tables, that the URL
carries the state (Back restores it), no console errors, and no serious axe violations.

Screenshots go to tests/artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, make_dashboard_app, serve_in_thread, skip_or_fail
from tests.helpers import ARTIFACTS, screenshot

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
Q3 = "period=2016-17-Q3&area=E09000016"


@pytest.fixture(scope="module")
def live_server(demo_database_url: str) -> Iterator[str]:
    """The real app on the demo database, served by werkzeug on a free local port."""
    app = make_dashboard_app(demo_database_url)
    with serve_in_thread(app.server) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser(chromium):
    """The test process's one Chromium (conftest's ``chromium``); each test opens its own context."""
    return chromium


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A fresh page whose console errors fail the test."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, bypass_csp=True
    )  # probes use eval
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    yield tab
    context.close()
    assert errors == [], f"browser console errors in {request.node.name}: {errors}"


def backend(url: str) -> str:
    return "postgresql" if url.startswith("postgres") else "sqlite"


def shoot(tab, name: str, demo_database_url: str, width: int = 1280) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.set_viewport_size({"width": width, "height": 900})
    tab.wait_for_timeout(300)  # let responsive charts re-lay out
    screenshot(tab, ARTIFACTS / f"{name}-{backend(demo_database_url)}-{width}.png", full_page=True)


def open_page(tab, url: str, ready: str) -> None:
    tab.goto(url)
    tab.wait_for_selector(ready)


def row_text(tab, code: str) -> str:
    return tab.inner_text(f"#scorecard-row-{code}")


def test_browser_scorecard_shows_ratings_and_directions(page, live_server: str, demo_database_url: str) -> None:
    open_page(page, f"{live_server}/?{Q3}", "#scorecard-table")
    assert page.inner_text("h1") == "Performance scorecard: Havering, Q3 2016/17"
    assert page.inner_text("#scorecard-summary") == "Of the 3 indicators, 2 (66.7%) are Red and 1 (33.3%) is Green."
    expected = {
        "Total notifiable offences": ("CSP1", "Red", "Better", "Worse"),
        "Anti-social behaviour incidents": ("CSP3", "Red", "Better", "Worse"),
        "Repeat domestic violence cases going to MARAC": ("CSP2", "Green", "Better", "Better"),
    }
    for name, (code, rating, short, long) in expected.items():
        text = " ".join(row_text(page, code).split())
        assert name in text
        assert re.search(rf"[■▲●] {rating}\b", text), text
        assert re.findall(r"[↑↓→–] (Better|Worse|Same|n/a)", text) == [short, long], text
    # Tooltips say what each arrow compares.
    short_title = page.get_attribute("#scorecard-row-CSP1 td:nth-of-type(4) .dot", "title")
    long_title = page.get_attribute("#scorecard-row-CSP1 td:nth-of-type(5) .dot", "title")
    assert short_title.startswith("Better: Q3 2016/17 against Q2 2016/17")
    assert long_title.startswith("Worse: Q3 2016/17 against Q3 2015/16")
    # The table scrolls sideways in a labelled region keyboard users can reach.
    region = page.locator(".table-scroll").first
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label").startswith("Rated indicators")
    shoot(page, "scorecard", demo_database_url)
    shoot(page, "scorecard", demo_database_url, width=768)


def test_browser_indicator_chart_agrees_with_table(page, live_server: str, demo_database_url: str) -> None:
    open_page(page, f"{live_server}/?{Q3}", "#scorecard-table")
    page.click("text=Total notifiable offences")  # the scorecard links to the indicator page
    page.wait_for_url(f"**/indicator/CSP1?{Q3}")
    page.wait_for_selector("#indicator-quarterly-graph .js-plotly-plot .main-svg")
    figure = page.evaluate(
        """() => {
            const gd = document.querySelector('#indicator-quarterly-graph .js-plotly-plot');
            return {title: gd.layout.title.text,
                    points: gd.data.filter(t => t.meta === 'actual').flatMap(t => t.x.map((x, i) => [x, t.y[i]]))};
        }"""
    )
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll('#indicator-quarterly-table tbody tr'))
                 .map(tr => Array.from(tr.children).map(td => td.textContent.trim()))"""
    )
    assert figure["title"].startswith("13,143 year to date in Q3 2016/17: above the 12,400 target")
    assert len(figure["points"]) == len(rows) == 11
    for (label, y), row in zip(figure["points"], rows):
        q, year = label.split()
        assert row[0] == f"{q} 20{year}"
        assert float(row[1].replace(",", "")) == pytest.approx(round(y, 1))
    strip = page.inner_text("#indicator-rating-strip")
    assert "Q3 2016/17" in strip and "Red" in strip
    shoot(page, "indicator-CSP1", demo_database_url)
    shoot(page, "indicator-CSP1", demo_database_url, width=768)


def test_browser_indicator_csv_download(page, live_server: str) -> None:
    open_page(page, f"{live_server}/indicator/CSP2?{Q3}", "#indicator-quarterly-graph")
    page.click("#indicator-trend-downloads summary")  # the chart's one Download menu
    with page.expect_download() as download:
        page.click("#indicator-trend-downloads a:has-text('CSV')")
    path = download.value.path()
    lines = Path(path).read_text().splitlines()
    assert download.value.suggested_filename == "CSP2-quarterly-E09000016-2016-17-Q3.csv"
    assert lines[0].startswith("Quarter,Havering: quarter,Target")
    assert lines[-1].startswith("Q3 2016/17,28.8%,28–40%")


def test_browser_controls_update_url_and_back_restores(page, live_server: str) -> None:
    open_page(page, f"{live_server}/?{Q3}", "#scorecard-table")
    page.focus("#scorecard-quarter")
    page.select_option("#scorecard-quarter", "Q2")
    page.wait_for_url("**/?period=2016-17-Q2&area=E09000016")
    page.wait_for_function("document.querySelector('h1').innerText.includes('Q2 2016/17')")
    assert page.input_value("#scorecard-quarter") == "Q2"
    # The page is re-rendered from the URL; keyboard focus goes back to the same control.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'scorecard-quarter'")
    page.select_option("#scorecard-year", "2015-16")
    page.wait_for_url("**/?period=2015-16-Q2&area=E09000016")
    page.wait_for_function("document.querySelector('h1').innerText.includes('Q2 2015/16')")
    page.go_back()
    page.wait_for_url("**/?period=2016-17-Q2&area=E09000016")
    page.wait_for_function("document.querySelector('h1').innerText.includes('Q2 2016/17')")
    assert page.input_value("#scorecard-year") == "2016-17"
    page.go_back()
    page.wait_for_url(f"**/?{Q3}")
    page.wait_for_function("document.querySelector('h1').innerText.includes('Q3 2016/17')")
    assert page.input_value("#scorecard-quarter") == "Q3"
    assert "Of the 3 indicators, 2 (66.7%) are Red" in page.inner_text("#scorecard-summary")
    page.go_forward()
    page.wait_for_function("document.querySelector('h1').innerText.includes('Q2 2016/17')")
    assert page.input_value("#scorecard-quarter") == "Q2"


def test_browser_first_view_needs_no_routing_callback(page, live_server: str) -> None:
    """The page comes with the first layout (web/parts/first_view.py): no callback renders the
    page on load, the tab has the page's title, and a link still renders its page by callback."""
    routed: list[str] = []
    page.on(
        "request",
        lambda r: routed.append(r.url) if "_dash-update-component" in r.url and "_pages_content" in (r.post_data or "") else None,
    )
    open_page(page, f"{live_server}/?{Q3}", "#scorecard-table")
    page.wait_for_load_state("networkidle")
    assert routed == []
    assert page.title() == "Scorecard – Community Safety Partnership performance"
    page.click("#nav-demand")
    page.wait_for_selector("#demand-summary")
    assert len(routed) == 1
    page.go_back()
    page.wait_for_selector("#scorecard-table")
    assert len(routed) == 2


def test_browser_demand_page(page, live_server: str, demo_database_url: str) -> None:
    open_page(page, f"{live_server}/demand?{Q3}", "#demand-panel-DP2 .js-plotly-plot")
    assert "1,161 in Q3 2016/17, up 8.2% on Q3 2015/16" in page.inner_text("#demand-panel-DP2")
    assert page.get_attribute("#nav-demand", "aria-current") == "page"
    shoot(page, "demand", demo_database_url)
    shoot(page, "demand", demo_database_url, width=768)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/?period=nonsense", "'nonsense' is not a quarter; write it like 2016-17-Q3."),
        ("/?period=2016-17-Q3&area=XYZ", "No area with code 'XYZ' is held."),
        (f"/indicator/NOPE?{Q3}", "No indicator with code 'NOPE' is defined."),
    ],
)
def test_browser_bad_url_shows_a_message(page, live_server: str, path: str, message: str) -> None:
    open_page(page, f"{live_server}{path}", ".notice")
    assert message in page.inner_text(".notice")
    assert "Traceback" not in page.inner_text("body")


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        (f"/?{Q3}", "#scorecard-table"),
        (f"/indicator/CSP1?{Q3}", "#indicator-monthly-graph .main-svg"),
        (f"/indicator/CSP2?{Q3}", "#indicator-quarterly-graph .main-svg"),
        (f"/indicator/CSP3?{Q3}", "#indicator-spc-graph .main-svg"),
        (f"/indicator/DP2?{Q3}", "#indicator-spc-graph .main-svg"),
        (f"/demand?{Q3}", "#demand-panel-DP5 .main-svg"),
        ("/?period=nonsense", ".notice"),
    ],
)
def test_browser_pages_have_no_serious_accessibility_violations(page, live_server: str, path: str, ready: str) -> None:
    if not AXE.exists():
        skip_or_fail(f"{AXE} is missing: run `npm install --no-save axe-core`")
    open_page(page, f"{live_server}{path}", ready)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join('; ')}`)"""
    )
    assert violations == []


def test_browser_print_layout_hides_controls(page, live_server: str, demo_database_url: str) -> None:
    open_page(page, f"{live_server}/?{Q3}", "#scorecard-table")
    page.emulate_media(media="print")
    assert not page.is_visible("#scorecard-controls")
    assert not page.is_visible("nav")
    assert page.is_visible("#scorecard-table")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(
        path=str(ARTIFACTS / f"scorecard-print-{backend(demo_database_url)}.pdf"),
        landscape=True,
        format="A4",
        print_background=True,
    )
