"""Chart titles, subtitles, cell headings and source lines wrap to the figure instead of being
cut off (issue 12 item 8), and the schematic ward map says so on the image (item 10).

Every chart kind is written as SVG exactly as the downloads and the pack write it, at print
width (800 px) and at the embed's 600 px; real Chromium then measures every title,
subtitle and annotation text box (SVG getBBox) against the figure's edges."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from exports.downloads import chart_download, demand_download, london_download, map_download, summary_download, ward_download
from rules.periods import Quarter
from store.db import get_engine, session_scope
from store.queries import indicator_detail, indicators
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_or_fail
from views.print_style import SCHEMATIC_LABEL, fit_heading
from views.text_fit import fit, line_count, text_width
from views.wording import chart_names

HOME, WARD, PERIOD = "E09000016", "E05000306", Quarter.parse("2016-17-Q3")
MAP = {"measure": "crime", "period": PERIOD.key, "span": "quarter", "view": "count"}
WIDTHS = (800, 600)

# Every text box Plotly draws outside the plot: title, subtitle, annotations (source line,
# small-multiple headings, the schematic label). Returns [text, left, right] in px.
MEASURE = """() => {
  const svg = document.querySelector('svg');
  return [...svg.querySelectorAll('text.gtitle, text.gtitle-subtitle, g.annotation text, text.annotation-text')]
    .filter(t => t.textContent.trim())
    .map(t => { const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.right]; });
}"""


def _svgs(url: str, width: int) -> Iterator[tuple[str, bytes]]:
    engine = get_engine(url)
    with session_scope(engine) as session:
        wanted = []
        for info in indicators(session):
            if info.rated:
                wanted += [(info.code, kind) for kind in chart_names(indicator_detail(session, info.code, PERIOD, HOME))]
    for code, kind in wanted:
        yield f"{code} {kind}", chart_download(engine, code, PERIOD, HOME, kind, "svg", width).content
    yield "summary", summary_download(engine, PERIOD, HOME, "svg", width).content
    yield "demand", demand_download(engine, PERIOD, HOME, "svg", width=width).content
    for kind in ("trend", "categories", "locator"):
        yield f"ward {kind}", ward_download(url, HOME, WARD, MAP, "svg", kind, width).content
    yield "london tile", london_download(url, HOME, MAP, "svg", "tile", width).content
    yield "ward map", map_download(url, HOME, MAP, "svg", width).content


@pytest.fixture(scope="module")
def chromium_page():
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed, so text boxes cannot be measured")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1000, "height": 800})
        finally:
            browser.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_titles_stay_inside_every_chart(demo_database_url: str, chromium_page, width: int) -> None:
    overflows: list[str] = []
    drawn = 0
    for name, svg in _svgs(demo_database_url, width):
        assert float(ET.fromstring(svg).get("width")) == width, name
        chromium_page.set_content(f"<!doctype html><html><body style='margin:0'>{svg.decode()}</body></html>")
        for text, left, right in chromium_page.evaluate(MEASURE):
            drawn += 1
            if left < -0.5 or right > width + 0.5:
                overflows.append(f"{name}: {text!r} spans {left:.0f}–{right:.0f} px of {width}")
    assert drawn > 60, "the measurement found the titles"
    assert not overflows, "\n".join(overflows)


def test_chart_titles_wrap_to_the_width_by_font_metrics() -> None:
    title = "Total notifiable offences: 13,168 in the year to date, 743 above the target of 12,425, more than the 2.5% tolerance"
    for width in WIDTHS:
        wrapped = fit_heading(title, width, 17)
        assert wrapped.replace("<br>", " ") == title, "wrapping only adds line breaks"
        assert all(text_width(line, 17) <= width - 24 for line in wrapped.split("<br>"))
    assert line_count(fit_heading(title, 800, 17)) == 2 and line_count(fit_heading(title, 400, 17)) == 3
    # Bold headings stay bold on every line; existing breaks are kept.
    heading = fit("<b>Violence against the person, including harassment and common assault</b><br>102 offences", 200, 13)
    lines = heading.split("<br>")
    assert (
        len(lines) >= 4
        and lines[-1] == "102 offences"
        and all(line.startswith("<b>") and line.endswith("</b>") for line in lines[:-1])
    )
    assert text_width("Hello world", 17) == pytest.approx(84, abs=6), "Liberation Sans (Arial's metrics)"


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_chart_titles_schematic_map_says_so_on_the_image(demo_database_url: str, chromium_page, fmt: str) -> None:
    """The demo's wards are the schematic hexagons: the image itself carries the warning."""
    if fmt == "svg":
        svg = map_download(demo_database_url, HOME, MAP, "svg").content.decode()
        assert SCHEMATIC_LABEL in " ".join(ET.fromstring(svg).itertext())
        locator = ward_download(demo_database_url, HOME, WARD, MAP, "svg", "locator").content.decode()
        assert SCHEMATIC_LABEL in " ".join(ET.fromstring(locator).itertext())
        return
    # PNG: the label is drawn into the pixels; compare with the same map without it.
    import io

    from PIL import Image, ImageChops

    from exports.images import figure_to_image
    from views.figures import ward_map_chart

    chart = ward_map_chart(demo_database_url, HOME, MAP)
    labelled = figure_to_image(chart.figure, "png", chart.width, chart.height, 1)
    plain_figure = {**chart.figure, "layout": {**chart.figure["layout"]}}
    plain_figure["layout"]["annotations"] = [a for a in chart.figure["layout"]["annotations"] if SCHEMATIC_LABEL not in a["text"]]
    assert len(plain_figure["layout"]["annotations"]) == len(chart.figure["layout"]["annotations"]) - 1
    unlabelled = figure_to_image(plain_figure, "png", chart.width, chart.height, 1)
    with Image.open(io.BytesIO(labelled)) as a, Image.open(io.BytesIO(unlabelled)) as b:
        box = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox()
    assert box is not None, "the label changes the image"
    assert box[0] > chart.width / 2 and box[3] > chart.height / 2, "drawn at the bottom right of the map"


def test_chart_titles_ward_small_multiples_wrap_on_the_page() -> None:
    from views.ward_charts import SMALL_CELL, SMALL_HEIGHT, category_chart

    labels = ["Q1 16/17", "Q2 16/17", "Q3 16/17", "Q4 16/17"]
    fig = category_chart("Miscellaneous crimes against society", [9, 3, 2, 8], labels, "Q4 16/17")
    lines = fig.layout.title.text.split("<br>")
    assert len(lines) == 2 and all(text_width(line, 15) <= SMALL_CELL for line in lines)
    assert fig.layout.height > SMALL_HEIGHT and fig.layout.margin.t > 45, "room made for the second line"
