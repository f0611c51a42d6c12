"""A new year on real data (issue 19 parts 2 and 4), in headless Chromium on SQLite and
PostgreSQL: the demo, then the Met's real 24-month ward file (2024-03 to 2026-03), read for
Q4 2025/26 as an analyst would.

* No chart draws a line across the seven empty years; long spans open on the latest run and
  say so; tick labels of every chart kind never overlap, on the page at 1366 and 390 px and
  in the exported images (the SVG measured in the browser).
* ASB (figures up to March 2017) says "No figures for 2025/26 yet (latest: Q4 2016/17)"
  instead of empty year-to-date and SPC charts, and gives no SPC verdict.
* The top menu keeps the quarter and area; the default scorecard says newer figures are held.
* /targets offers 2025/26 and the year after.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from store.db import get_engine
from tests.conftest import DEMO_MET_WARDS, _fresh_url, make_dashboard_app, serve_in_thread
from tests.test_browser_dashboard import browser, open_page, page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.db]  # its own database fixture (new_year_url)

Q4 = "period=2025-26-Q4&area=E09000016"
WIDTHS = (1366, 390)
INDICATOR_CHARTS = ("quarterly", "ytd", "comparator", "monthly", "spc")

# Every x tick label's box in every chart on the page: [chart id, [[left, top, right, bottom, text], …]].
TICK_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot')].map(g => [
    (g.closest('[id]') || g).id,
    [...g.querySelectorAll('.xtick text')].filter(t => t.textContent.trim())
        .map(t => { const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, t.textContent]; })])"""
TRACE = """(sel) => document.querySelector(sel + ' .js-plotly-plot').data.map(t => ({name: t.name, meta: t.meta, x: t.x, y: t.y, connectgaps: t.connectgaps}))"""
X_RANGE = """(sel) => document.querySelector(sel + ' .js-plotly-plot').layout.xaxis.range"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def new_year_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[str]:
    """The demo, then the real 24-month ward file, loaded once per backend for this module."""
    folder = tmp_path_factory.mktemp(f"new-year-{request.param}")
    yield from _fresh_url(request.param, folder, DEMO_MET_WARDS)  # the template other files clone too


@pytest.fixture(scope="module")
def live_server(new_year_url: str) -> Iterator[str]:
    app = make_dashboard_app(new_year_url)
    with serve_in_thread(app.server) as base_url:
        yield base_url


def overlaps(boxes: list[list]) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes intersect (a pixel of slack for anti-aliasing)."""
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1:
                out.append((a[4], b[4]))
    return out


def assert_no_overlapping_ticks(tab, where: str) -> int:
    charts = tab.evaluate(TICK_BOXES)
    assert charts, f"no chart on {where}"
    for chart, boxes in charts:
        assert overlaps(boxes) == [], f"overlapping tick labels in {chart} on {where}: {overlaps(boxes)}"
    return len(charts)


def test_browser_tick_labels_never_overlap_on_any_chart_at_any_width(page, live_server: str) -> None:
    pages = {
        f"/indicator/CSP1?{Q4}": "#indicator-spc-graph .main-svg",
        f"/indicator/DP1?{Q4}": "#indicator-spc-graph .main-svg",
        "/indicator/CSP2?period=2016-17-Q3&area=E09000016": "#indicator-spc-graph .main-svg",
        f"/demand?{Q4}": ".js-plotly-plot .main-svg",
        "/?period=2016-17-Q4&area=E09000016": ".js-plotly-plot .main-svg",
        "/ward/E05000306?period=2016-17-Q3": "#ward-profile-trend .main-svg",  # a pre-2022 ward: 12 quarters
        "/ward/E05013975?period=2025-26-Q4": "#ward-profile-trend .main-svg",
    }
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path, ready in pages.items():
            open_page(page, live_server + path, ready)
            page.wait_for_timeout(400)  # responsive charts re-lay out
            drawn = assert_no_overlapping_ticks(page, f"{path} at {width} px")
            if path.startswith("/indicator/CSP1"):
                ids = [c[0] for c in page.evaluate(TICK_BOXES)]
                assert all(any(kind in i for i in ids) for kind in INDICATOR_CHARTS), ids
                assert drawn >= len(INDICATOR_CHARTS)


def test_browser_exported_chart_images_have_no_overlapping_tick_labels(page, live_server: str) -> None:
    for code, kinds in (("CSP1", INDICATOR_CHARTS), ("DP1", ("quarterly", "monthly", "spc"))):
        for kind in kinds:
            export_kind = "trend" if kind == "quarterly" else kind
            svg = page.request.get(f"{live_server}/export/chart/{code}.svg?{Q4}&kind={export_kind}")
            assert svg.ok, svg.text()
            page.set_content(svg.text())
            boxes = page.evaluate(
                """() => [...document.querySelectorAll('.xtick text')].filter(t => t.textContent.trim())
                   .map(t => { const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, t.textContent]; })"""
            )
            assert boxes, f"{code} {kind}: no tick labels in the SVG"
            assert overlaps(boxes) == [], f"{code} {kind} image: {overlaps(boxes)}"


def test_browser_no_line_crosses_the_empty_years_and_long_spans_open_on_the_latest_run(page, live_server: str) -> None:
    open_page(page, f"{live_server}/indicator/CSP1?{Q4}", "#indicator-spc-graph .main-svg")
    spc = next(t for t in page.evaluate(TRACE, "#indicator-spc-graph") if t["meta"] == "values")
    assert spc["connectgaps"] is False
    x = spc["x"]
    # March 2024, the file's stub month, is incomplete in the source: no point, part of the gap.
    gap = spc["y"][x.index("2017-03-01") + 1 : x.index("2024-04-01")]
    assert gap and all(v is None for v in gap), "the SPC line must break across April 2017 – March 2024"
    monthly = next(t for t in page.evaluate(TRACE, "#indicator-monthly-graph") if t["name"] == "Monthly count")
    between = monthly["y"][monthly["x"].index("2017-03-01") + 1 : monthly["x"].index("2024-04-01")]
    assert between and all(v is None for v in between)
    actual = [t for t in page.evaluate(TRACE, "#indicator-quarterly-graph") if t["meta"] == "actual"]
    ys = {x: y for t in actual for x, y in zip(t["x"], t["y"])}
    assert ys["Q1 20/21"] is None and ys["Q4 16/17"] is not None and ys["Q4 25/26"] is not None
    # The monthly and SPC axes open on the latest run; the captions say which span is shown.
    assert page.evaluate(X_RANGE, "#indicator-spc-graph")[0] > "2024-01"
    assert page.evaluate(X_RANGE, "#indicator-monthly-graph")[0] > "2024-01"
    main = page.inner_text("main")
    # March 2024 is the file's stub month: no figure, so the gap runs to it.
    assert "no figures for 7 years (April 2017 to March 2024) before it, so the chart opens on the latest run" in main
    # The rating strip gives the seven empty years one cell, not 28 "No data" cells.
    strip = page.inner_text("#indicator-rating-strip")
    assert "Q1 2017/18 to Q4 2023/24" in strip and "Q2 2019/20" not in strip and strip.count("No data") == 1
    # The baseline restarts after the gap, and the page says so.
    gaps = page.inner_text("#indicator-spc-gaps")
    assert "The baseline restarts at April 2024: no figures for 7 years (April 2017 to March 2024)" in gaps


def test_browser_asb_says_no_figures_this_year_instead_of_empty_charts(page, live_server: str) -> None:
    open_page(page, f"{live_server}/indicator/CSP3?{Q4}", "#indicator-quarterly-graph .main-svg")
    notice = page.inner_text("#indicator-no-figures-this-year")
    assert "No figures for 2025/26 yet (latest: Q4 2016/17)" in notice
    assert page.locator("#indicator-ytd-graph").count() == 0 and page.locator("#indicator-spc-graph").count() == 0
    # The scorecard gives ASB no SPC verdict for a quarter its chart has no point for.
    open_page(page, f"{live_server}/?{Q4}", "#scorecard-table")
    row = page.inner_text("#scorecard-row-CSP3")
    assert "common cause" not in row and "special cause" not in row


def test_browser_menu_keeps_quarter_and_area_and_newer_figures_are_pointed_out(page, live_server: str) -> None:
    open_page(page, f"{live_server}/", "#scorecard-table")
    assert page.inner_text("h1") == "Performance scorecard: Havering, Q4 2016/17"  # every source's latest quarter
    assert "Newer figures are held: Q4 2025/26" in page.inner_text("#scorecard-newer-figures")
    page.click("#scorecard-newer-link")
    page.wait_for_function("() => document.querySelector('h1').innerText.includes('Q4 2025/26')")
    assert page.locator("#scorecard-newer-figures").count() == 0
    ward = "E05013975"  # a current ward
    open_page(page, f"{live_server}/?period=2025-26-Q3&area={ward}", "#scorecard-body")
    page.wait_for_function("() => document.querySelector('#nav-demand').getAttribute('href').includes('2025-26-Q3')")
    for link, heading in (("#nav-demand", "Q3 2025/26"), ("#nav-map", "Q3 2025/26"), ("#nav-london", "Q3 2025/26")):
        page.click(link)
        page.wait_for_function(
            f"() => document.querySelector('h1') && document.querySelector('h1').innerText.includes('{heading}')"
        )
        if link == "#nav-demand":
            assert page.locator("h1").inner_text().endswith(f", {heading}") and "Havering" not in page.locator("h1").inner_text()
    page.click("#nav-scorecard")
    page.wait_for_function("() => document.querySelector('h1').innerText.includes('Q3 2025/26')")
    # The menu marks the page it is on by its own callback, which can run after the heading is drawn.
    page.wait_for_function("() => document.querySelector('#nav-scorecard').getAttribute('aria-current') === 'page'")
    assert page.get_attribute("#nav-scorecard", "aria-current") == "page"


def test_targets_offer_every_year_with_figures_and_the_next(new_year_url: str) -> None:
    from rules.periods import Quarter
    from store.figure_years import missing_in
    from web.parts.targets_form import year_choices

    with Session(get_engine(new_year_url)) as session:
        years = [y.label for y in year_choices(session, None)]
        lacking = missing_in(session, Quarter(2025, 4))
    assert years[:3] == ["2026/27", "2025/26", "2024/25"] and "2016/17" in years and "2017/18" not in years
    assert lacking == ["MARAC (CSP2): no return after Q4 2016/17", "ASB (CSP3): no figures after March 2017"]
