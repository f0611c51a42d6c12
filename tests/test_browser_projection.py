"""The projected year end as a reader sees it (#22 part 2), in real headless Chromium on the demo
(SQLite and PostgreSQL), at 1366 and 390 px: the scorecard says it in words with a mark, the
indicator page continues the year-to-date chart as a dashed projection with its range and
works the arithmetic under it, and the HTML committee pack carries it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import make_dashboard_app, serious_axe_violations, serve_in_thread
from tests.test_browser_dashboard import browser, open_page, shoot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

Q3 = "period=2016-17-Q3&area=E09000016"
CSP1_WORDS = "Projected year end 17,638 (17,552 to 17,724): × off track"


@pytest.fixture(scope="module")
def live_server(demo_database_url: str) -> Iterator[str]:
    app = make_dashboard_app(demo_database_url)
    with serve_in_thread(app.server) as base_url:
        yield base_url


@pytest.fixture(params=[1366, 390], ids=["1366px", "390px"])
def tab(browser, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": request.param, "height": 900}, bypass_csp=True)  # axe is injected
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.width = request.param  # type: ignore[attr-defined]
    yield page
    context.close()
    assert errors == [], f"browser errors in {request.node.name}: {errors}"


def fits(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth") <= tab.width


def test_scorecard_gives_each_rated_indicators_projection_in_words_with_a_mark(tab, live_server, demo_database_url) -> None:
    open_page(tab, f"{live_server}/?{Q3}", "#scorecard-table")
    csp1 = tab.locator("#scorecard-projection-CSP1")
    assert csp1.inner_text().startswith(CSP1_WORDS)
    assert csp1.is_visible() and csp1.bounding_box()["width"] <= tab.width
    assert "– not judged: a band indicator" in tab.inner_text("#scorecard-projection-CSP2")
    assert "× off track" in tab.inner_text("#scorecard-projection-CSP3")
    assert tab.locator("#scorecard-projection-DP1").count() == 0  # context indicators are not projected
    assert fits(tab)
    assert serious_axe_violations(tab) == []
    shoot(tab, "projection-scorecard", demo_database_url, tab.width)


def test_indicator_page_continues_the_year_to_date_dashed_with_its_range_and_the_arithmetic(
    tab, live_server, demo_database_url
) -> None:
    open_page(tab, f"{live_server}/indicator/CSP1?{Q3}", "#indicator-ytd-graph .main-svg")
    words = tab.inner_text("#indicator-projection")
    assert words.startswith(CSP1_WORDS)
    assert "13,143 × 16,873 ÷ 12,573" in words and "1.2816" in words
    assert "Dashed blue line to Q4 with a shaded wedge" in tab.inner_text("figure:has(#indicator-ytd-graph) figcaption")
    # The chart holds the dashed projection trace and its range: Plotly draws them as paths.
    traces = tab.evaluate(
        """() => document.getElementById('indicator-ytd-graph').querySelector('.js-plotly-plot')
                 .data.map(t => [t.meta || '', (t.line || {}).dash || '', t.x.slice(-1)[0]])"""
    )
    assert ["projection", "dash", "Q4 (Jan–Mar)"] in traces, traces
    assert any(meta == "projection-range" for meta, _, _ in traces)
    # Q4 is not held yet: the target (100%) and its tolerance reach Q4 from the year-end target.
    target_q4 = tab.evaluate(
        """() => document.getElementById('indicator-ytd-graph').querySelector('.js-plotly-plot')
                 .data.filter(t => t.meta === 'target' || t.meta === 'tolerance').map(t => t.y[3])"""
    )
    assert target_q4 == [102.5, 100], target_q4  # the tolerance's top (16,600 + 2.5%), the target
    assert "Projected year end" in tab.text_content("#indicator-ytd-graph .legend")
    assert fits(tab)
    assert serious_axe_violations(tab) == []
    shoot(tab, "projection-indicator", demo_database_url, tab.width)


def test_the_html_pack_carries_the_projection(tab, live_server) -> None:
    response = tab.request.get(f"{live_server}/export/pack.html?{Q3}")
    assert response.ok
    tab.set_content(response.text())
    assert tab.inner_text("#projection-CSP1").startswith(CSP1_WORDS)
    assert "not judged" in tab.inner_text("#projection-CSP2")
    # The pack is a print document (its Appendix 1 table is wider than a phone): the projection
    # itself wraps inside the width.
    box = tab.locator("#projection-CSP1").bounding_box()
    assert box and box["x"] + box["width"] <= tab.width
