"""The scorecard read as a councillor would, in real headless Chromium on the demo (SQLite and
PostgreSQL): each rating says why, the arrows' columns say which one the rating uses, the SPC
columns and "a real change" words are there with their figures, a ward is not rated against
borough targets, and on a phone each indicator is a stacked card with nothing clipped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import make_dashboard_app, serious_axe_violations, serve_in_thread
from tests.test_browser_dashboard import browser, open_page, shoot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

Q3 = "period=2016-17-Q3&area=E09000016"
WARD_Q3 = "period=2016-17-Q3&area=E05000306"


@pytest.fixture(scope="module")
def live_server(demo_database_url: str) -> Iterator[str]:
    app = make_dashboard_app(demo_database_url)
    with serve_in_thread(app.server) as base_url:
        yield base_url


@pytest.fixture
def tab(browser, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is injected
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"browser errors in {request.node.name}: {errors}"


def summary_title_fits(tab) -> bool:
    """The summary chart's title lies wholly inside the chart, on every side."""
    return tab.evaluate(
        """() => { const svg = document.querySelector('#scorecard-summary-chart svg.main-svg').getBoundingClientRect();
                   const t = document.querySelector('#scorecard-summary-chart .gtitle').getBoundingClientRect();
                   return t.width > 0 && t.left >= svg.left - 0.5 && t.right <= svg.right + 0.5
                          && t.top >= svg.top - 0.5 && t.bottom <= svg.bottom + 0.5; }"""
    )


def test_rating_says_why_and_columns_say_what_the_rating_uses(tab, live_server, demo_database_url) -> None:
    open_page(tab, f"{live_server}/?{Q3}", "#scorecard-table")
    why = tab.inner_text("#scorecard-why-CSP1")
    assert (
        why == "743 above target, more than the 2.5% tolerance, and worse than the same period last year (12,573 in Q3 2015/16)"
    )
    head = tab.inner_text("#scorecard-table thead")
    assert "This quarter v last quarter" in head and "not used for the rating" in head
    assert "v same period last year" in head and "used for the rating" in head
    key = tab.inner_text("#key-rating-comparison")
    assert "Amber and Red are judged against the same period last year" in key
    # CSP1 is Red with a short-term "Better": the column says that arrow is not the rating's.
    assert "Better" in tab.inner_text("#scorecard-row-CSP1 td:nth-of-type(4)")
    # SPC beside the rating, in words with a shape, and the explanation in the tooltip
    for code in ("CSP1", "CSP3"):
        variation = tab.inner_text(f"#scorecard-variation-{code}")
        assert "cause" in variation, variation
        assert tab.get_attribute(f"#scorecard-variation-{code}", "title")
        assert "meet" in tab.inner_text(f"#scorecard-assurance-{code}")
    assert "provisional" in tab.inner_text("#scorecard-variation-CSP2")
    assert "13 points" in tab.get_attribute("#scorecard-variation-CSP2", "title")
    # "a real change" / "within normal variation" beside each arrow, figures in the tooltip
    sig = tab.inner_text("#scorecard-sig-long-CSP1")
    assert sig in ("a real change", "within normal variation")
    assert "p " in tab.get_attribute("#scorecard-sig-long-CSP1", "title")
    explainer = tab.inner_text("#scorecard-spc-explainer")
    assert "vary more than chance alone" in explainer and "SPC" in explainer
    tab.wait_for_selector("#scorecard-summary-chart .gtitle")
    assert summary_title_fits(tab)
    assert serious_axe_violations(tab) == []
    shoot(tab, "scorecard-clarity", demo_database_url, 1366)


def test_ward_without_ward_targets_is_not_rated_and_not_counted(tab, live_server, demo_database_url) -> None:
    open_page(tab, f"{live_server}/?{WARD_Q3}", "#scorecard-table")
    for code in ("CSP1", "CSP3"):
        assert "Not rated" in tab.inner_text(f"#scorecard-row-{code} td.rating")
        assert "no target for this ward" in tab.inner_text(f"#scorecard-why-{code}").lower()
        assert "none" in tab.inner_text(f"#scorecard-assurance-{code}")
    summary = tab.inner_text("#scorecard-summary")
    assert "Green" not in summary and "Red" not in summary, summary
    assert tab.locator("#scorecard-summary-chart").count() == 0
    assert serious_axe_violations(tab) == []


def test_phone_width_stacks_each_indicator_as_a_card(tab, live_server, demo_database_url) -> None:
    tab.set_viewport_size({"width": 390, "height": 900})
    open_page(tab, f"{live_server}/?{Q3}", "#scorecard-table")
    tab.wait_for_selector("#scorecard-summary-chart .gtitle")
    # No sideways scrolling: the page and the table fit the phone.
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    box = tab.locator("#scorecard-row-CSP1").bounding_box()
    assert box and box["width"] <= 390
    # Each figure cell is labelled with its column heading and stacked under the previous one.
    cells = tab.locator("#scorecard-row-CSP1 > td")
    tops = [cells.nth(i).bounding_box()["y"] for i in range(cells.count())]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), tops
    label = tab.evaluate("getComputedStyle(document.querySelector('#scorecard-row-CSP1 td.rating'), '::before').content")
    assert "Rating" in label
    for part in ("Red", "743 above target", "Better", "Worse", "cause", "12,400", "COMMENTARY"):
        assert part in tab.inner_text("#scorecard-row-CSP1") + tab.inner_text("#scorecard-notes-CSP1"), part
    assert summary_title_fits(tab)
    assert serious_axe_violations(tab) == []
    shoot(tab, "scorecard-clarity", demo_database_url, 390)


def test_demand_page_words_context_indicators_neutrally(tab, live_server, demo_database_url) -> None:
    open_page(tab, f"{live_server}/demand?{Q3}", "#demand-panel-DP1")
    body = tab.inner_text("#demand-body")
    assert "up 2.9%" in tab.inner_text("#demand-panel-DP1")
    for judged in ("Better", "Worse", "better", "worse"):
        assert judged not in body, judged
