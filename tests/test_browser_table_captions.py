"""At 390 px the ward-map and London tables' captions are read whole (issue 20 part 7): a
table wider than the phone scrolls sideways inside its box, but its caption stays in view and
wraps to the box's width instead of running off its right edge. Real Chromium, SQLite and
PostgreSQL, at 390 and 1366 px."""

from __future__ import annotations

import pytest

from tests.helpers import ARTIFACTS, screenshot

PAGES = [
    ("/map?measure=crime&period=2016-17-Q3&span=quarter&view=count", "#ward-map-table"),
    ("/london?measure=crime&period=2016-17-Q3&span=ytd&view=count", "#london-table"),
]


@pytest.mark.parametrize("width", [390, 1366])
def test_browser_table_captions_fit_the_screen(web_live: str, web_browser, width: int) -> None:
    page = web_browser
    page.set_viewport_size({"width": width, "height": 900})
    for path, table in PAGES:
        page.goto(f"{web_live}{path}")
        caption = page.wait_for_selector(f"{table} caption")
        text = caption.inner_text()
        assert len(text) > 20, path
        box = page.evaluate(
            """([table]) => {
                const cap = document.querySelector(table + ' caption');
                const region = cap.closest('.table-scroll') || document.body;
                const range = document.createRange();
                range.selectNodeContents(cap);
                const words = range.getBoundingClientRect(), seen = region.getBoundingClientRect();
                return {left: words.left, right: words.right, seenLeft: seen.left, seenRight: seen.right,
                        vw: document.documentElement.clientWidth};
            }""",
            [table],
        )
        assert box["right"] <= min(box["seenRight"], box["vw"]) + 1, f"{path}: caption runs to {box['right']} px, {box}"
        assert box["left"] >= box["seenLeft"] - 1, f"{path}: {box}"
        # Scrolled sideways, the caption stays where it can be read.
        page.evaluate(
            "([table]) => { const r = document.querySelector(table).closest('.table-scroll'); r.scrollLeft = r.scrollWidth; }",
            [table],
        )
        after = page.evaluate(
            "([table]) => { const r = document.createRange(); r.selectNodeContents(document.querySelector(table + ' caption'));"
            " const b = r.getBoundingClientRect(); return [b.left, b.right, document.documentElement.clientWidth]; }",
            [table],
        )
        assert after[0] >= -1 and after[1] <= after[2] + 1, f"{path} scrolled: {after}"
        if width == 390:
            screenshot(page, ARTIFACTS / f"publish/caption-{table[1:]}-390.png", clip=_clip(page, table))


def _clip(page, table: str) -> dict:
    page.evaluate("([table]) => { document.querySelector(table).closest('.table-scroll').scrollLeft = 0; }", [table])
    page.locator(f"{table} caption").scroll_into_view_if_needed()
    box = page.locator(f"{table} caption").bounding_box()
    return {"x": 0, "y": max(box["y"] - 10, 0), "width": 390, "height": 300}
