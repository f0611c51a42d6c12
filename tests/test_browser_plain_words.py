"""Reader pages use plain words (issue 12 item 7): no "Jenks", "quantiles", "on the rated
basis", "pp", "pts" or "SHA-256" in what a councillor reads; the technical term stays in a
tooltip where it helps. Real Chromium on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.conftest import serious_axe_violations

PERIOD = "period=2016-17-Q3&area=E09000016"
MAP = "measure=crime&period=2016-17-Q3&span=quarter"
JARGON = re.compile(r"Jenks|quantile|rated basis|\bpp\b|\bpts\b|SHA-256", re.I)


def test_browser_plain_words_on_reader_pages(web_live, web_browser) -> None:
    page = web_browser
    for path in (f"/?{PERIOD}", f"/map?{MAP}", f"/map?{MAP}&classes=jenks", f"/london?{MAP}", "/ward/E05000319"):
        page.goto(f"{web_live}{path}")
        page.wait_for_selector("main h1")
        page.wait_for_load_state("networkidle")
        visible = re.sub(r"\S+\?\S+", "", page.inner_text("main"))  # addresses shown as links keep their keys
        assert not JARGON.search(visible), f"{path}: {JARGON.search(visible).group(0)!r}"
    # The statistical names are kept as tooltips on the choice of colour classes.
    page.goto(f"{web_live}/map?{MAP}")
    page.wait_for_selector("#ward-map-classes")
    titles = page.evaluate("() => [...document.querySelectorAll('#ward-map-classes option')].map(o => [o.textContent, o.title])")
    assert titles == [
        ["Same number of areas in each colour", "Quantiles"],
        ["Grouped where the figures divide naturally", "Natural breaks (Jenks)"],
    ]
    assert serious_axe_violations(page) == []
