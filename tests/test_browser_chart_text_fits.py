"""Chart text fits a phone (issue 20 part 7): at 390 px (and 1366 px) no chart title, legend
entry, axis title or tick label on the scorecard, indicator, demand, ward map or London page
is clipped by its chart or overlaps another, measured in real Chromium (each SVG text
element's box against its chart's box, its plot area and each other), on SQLite and
PostgreSQL; the pages stay axe clean. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.conftest import serious_axe_violations
from tests.helpers import ARTIFACTS, screenshot
from tests.test_browser_dashboard import backend, browser, live_server, open_page, page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.web]

Q3 = "period=2016-17-Q3&area=E09000016"
MAP = "measure=crime&period=2016-17-Q3&span=quarter"
PAGES = {
    "scorecard": (f"/?{Q3}", "#scorecard-summary-chart .main-svg"),
    "indicator": (f"/indicator/CSP1?{Q3}", "#indicator-spc-graph .main-svg"),
    "indicator-rate": (f"/indicator/CSP2?{Q3}", "#indicator-quarterly-graph .main-svg"),
    "demand": (f"/demand?{Q3}", ".js-plotly-plot .main-svg"),
    "ward-map": (f"/map?{MAP}", ".js-plotly-plot .main-svg"),
    "london": (f"/london?{MAP}", ".js-plotly-plot .main-svg"),
}

# Every text a reader must read in every Plotly chart: [chart, kind, left, top, right, bottom, text];
# with each chart's own box and its plot area.
TEXT_BOXES = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(g => g.offsetParent !== null).map(g => {
    const id = (g.closest('[id]') || g).id;
    const svg = g.querySelector('.main-svg').getBoundingClientRect();
    const drag = g.querySelector('.nsewdrag');
    const plot = drag ? drag.getBoundingClientRect() : null;
    const texts = [];
    const add = (sel, kind) => g.querySelectorAll(sel).forEach(t => {
        const words = t.textContent.trim();
        if (!words) return;
        const r = t.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) return;
        texts.push([kind, r.left, r.top, r.right, r.bottom, words]);
    });
    add('.gtitle', 'title');
    add('.legend .legendtext', 'legend');
    add('.legend .legendtitletext', 'legend');
    add('.g-xtitle text, .g-ytitle text, .xtitle, .ytitle', 'axis title');
    add('.xtick text, .ytick text', 'tick');
    add('.cbtitle text, .cbtitle', 'legend');
    add('.infolayer .annotation-text', 'note');
    return {id, svg: [svg.left, svg.top, svg.right, svg.bottom], plot: plot && [plot.left, plot.top, plot.right, plot.bottom], texts};
})"""


def _overlap(a: list, b: list, slack: float = 1.0) -> bool:
    return a[1] < b[3] - slack and b[1] < a[3] - slack and a[2] < b[4] - slack and b[2] < a[4] - slack


def problems(chart: dict, viewport: int) -> list[str]:
    left, top, right, bottom = chart["svg"]
    out = []
    for t in chart["texts"]:
        kind, lt, tp, r, b, words = t
        if lt < max(left, 0) - 1 or r > min(right, viewport) + 1 or tp < top - 1 or b > bottom + 1:
            out.append(f"{kind} {words!r} is cut off ({lt:.0f}–{r:.0f} px in a chart {left:.0f}–{right:.0f} px wide)")
    readable = [t for t in chart["texts"] if t[0] != "tick"]
    for i, a in enumerate(readable):
        for b in readable[i + 1 :]:
            if _overlap(a, b) and not (a[0] == b[0] == "note"):
                out.append(f"{a[0]} {a[5]!r} overlaps {b[0]} {b[5]!r}")
    ticks = [t for t in chart["texts"] if t[0] == "tick"]
    for a in readable:
        for b in ticks:
            if _overlap(a, b):
                out.append(f"{a[0]} {a[5]!r} overlaps tick label {b[5]!r}")
    if chart["plot"]:
        plot = ["plot", *chart["plot"], "plot area"]
        for a in readable:
            if a[0] in ("title", "legend", "axis title") and _overlap(a, plot, 2.0):
                out.append(f"{a[0]} {a[5]!r} lies over the plot area")
    return out


@pytest.mark.parametrize("width", [390, 1366])
def test_browser_chart_text_is_neither_clipped_nor_overlapping(
    page, live_server: str, demo_database_url: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    found: dict[str, list[str]] = {}
    for name, (path, ready) in PAGES.items():
        open_page(page, live_server + path, ready)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)  # responsive charts re-lay out to the width
        charts = page.evaluate(TEXT_BOXES)
        assert charts, f"no chart drawn on {path}"
        if name.startswith("indicator"):
            assert sum(t[0] == "title" for c in charts for t in c["texts"]) >= 3, f"chart titles not measured on {path}"
        for chart in charts:
            wrong = problems(chart, width)
            if wrong:
                found[f"{name} {chart['id']}"] = wrong
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        screenshot(page, ARTIFACTS / f"chart-text-{name}-{backend(demo_database_url)}-{width}.png", full_page=True)
        assert serious_axe_violations(page) == [], path
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


# Each label of the London tile map with the box of the tile under its middle.
TILE_LABELS = """() => {
    const tiles = [...document.querySelectorAll('.js-plotly-plot .choroplethlocation')].map(p => p.getBoundingClientRect());
    return [...document.querySelectorAll('.js-plotly-plot .scattergeo text')].filter(t => t.textContent.trim()).map(t => {
        const r = t.getBoundingClientRect();
        const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
        const tile = tiles.find(b => b.left <= x && x <= b.right && b.top <= y && y <= b.bottom);
        return [t.textContent.trim(), r.left, r.right, r.top, r.bottom, tile ? [tile.left, tile.right, tile.top, tile.bottom] : null,
                parseFloat(getComputedStyle(t).fontSize)];
    });
}"""


@pytest.mark.parametrize("width", [390, 1366])
def test_browser_london_tile_labels_fit_their_tiles(page, live_server: str, demo_database_url: str, width: int) -> None:
    """At 390 px a tile is about 36 px wide: long names split in two and the text shrinks (to
    no less than 70%) until every label lies inside its own tile; at 1366 px they are as drawn."""
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, f"{live_server}/london?{MAP}", ".js-plotly-plot .main-svg")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)  # the labels are fitted after the chart is drawn
    labels = page.evaluate(TILE_LABELS)
    assert len(labels) == 33, labels
    outside = [
        f"{words!r} {left:.0f}–{right:.0f} px in a tile {tile[0]:.0f}–{tile[1]:.0f} px"
        for words, left, right, top, bottom, tile, _ in labels
        if tile is None or left < tile[0] - 1 or right > tile[1] + 1 or top < tile[2] - 1 or bottom > tile[3] + 1
    ]
    assert outside == [], "\n".join(outside)
    sizes = {size for *_, size in labels}
    assert min(sizes) >= 11 * 0.7 - 0.1, sizes
    if width == 1366:
        assert sizes == {11.0} and any(words == "Havering" for words, *_ in labels)
    else:
        assert any(words.replace(" ", "") in ("Haver-ing",) for words, *_ in labels), [w for w, *_ in labels]


# Each drawn chart's width as Plotly laid it out, and the width of the box it sits in.
CHART_WIDTHS = """() => [...document.querySelectorAll('.js-plotly-plot')].filter(g => g.offsetParent !== null).map(g => [
    (g.closest('[id]') || g).id, g._fullLayout.width, g.getBoundingClientRect().width])"""


def test_browser_charts_follow_the_window_when_it_is_widened_or_narrowed(page, live_server: str) -> None:
    """A reader who opens the indicator page on a narrow window and widens it (or turns a tablet)
    sees each chart redrawn across the page, not left at the narrow width: the charts whose
    titles were wrapped to fit kept the width they had when fitted, 358 px in a 1,318 px box.
    Narrowed again, each chart fits its box and its text is neither clipped nor overlapping."""
    path, ready = PAGES["indicator"]
    page.set_viewport_size({"width": 390, "height": 900})
    open_page(page, live_server + path, ready)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # the titles are fitted after the charts are drawn
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(1500)  # dcc.Graph re-lays out on resize, then the titles are fitted again
        charts = page.evaluate(CHART_WIDTHS)
        assert len(charts) >= 5, charts
        wrong = [
            f"{chart} drawn {drawn:.0f} px wide in a box {box:.0f} px wide"
            for chart, drawn, box in charts
            if abs(drawn - box) > 2
        ]
        assert wrong == [], f"at {width} px: " + "; ".join(wrong)
        assert all(box > 1000 if width == 1366 else box < 390 for _, _, box in charts), charts
        found = {chart["id"]: problems(chart, width) for chart in page.evaluate(TEXT_BOXES)}
        assert {k: v for k, v in found.items() if v} == {}, f"at {width} px"
