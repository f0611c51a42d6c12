"""Embeds that work first time (issue 20 part 6), in real headless Chromium on SQLite and
PostgreSQL: the indicator and ward-map pages give the embed's full address and ready-to-copy
``<iframe>`` code; that code, pasted into a page on another site (a second local server, listed
in CSPDASH_EMBED_ORIGINS), shows the whole view — chart, axis, source line and link — at 1366
and 390 px; the panel says which sites may frame it and what IT must add for another; and each
embed states its source and how recent its data are. The wording for an empty setting is
checked without a browser at the end."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import pytest

from tests.conftest import make_web_app, serious_axe_violations, serve_in_thread
from tests.helpers import ARTIFACTS, screenshot
from web.parts.embed_panel import INDICATOR_HEIGHT, MAP_HEIGHT, origins_note, setting_value, site_check

QUERY = "?period=2016-17-Q3&area=E09000016"


class _Host(http.server.BaseHTTPRequestHandler):
    """Another site: serves whatever page the test puts in ``page``."""

    page = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(type(self).page)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def other_site() -> Iterator[tuple[str, type[_Host]]]:
    handler = type("Host", (_Host,), {"page": b""})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def framed_app(demo_engine, database_url: str, other_site) -> Iterator[str]:
    origin, _ = other_site
    with serve_in_thread(make_web_app(database_url, CSPDASH_EMBED_ORIGINS=origin).server) as base_url:
        yield base_url


CASES = [
    (f"/indicator/CSP1{QUERY}", "indicator", INDICATOR_HEIGHT, "Source: Metropolitan Police Service recorded crime; data up to December 2016."),
    ("/map?measure=crime&period=2016-17-Q3&span=quarter&view=count", "ward-map", MAP_HEIGHT,
     "Source: Metropolitan Police Service recorded crime; data up to December 2016."),
]  # fmt: skip


@pytest.mark.parametrize("width", [1366, 390])
def test_browser_embed_code_shows_the_whole_view_on_another_site(framed_app: str, other_site, web_browser, width: int) -> None:
    origin, host = other_site
    page = web_browser
    for path, prefix, height, source in CASES:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{framed_app}{path}")
        panel = page.wait_for_selector(f"#{prefix}-embed")
        address = page.inner_text(f"#{prefix}-embed-address")
        assert address.startswith(f"{framed_app}/p/E09000016/embed/"), address  # under the page's partnership
        code = page.input_value(f"#{prefix}-embed-code")
        assert re.fullmatch(
            rf'<iframe src="{re.escape(address.replace("&", "&amp;"))}" title="[^"]+" width="100%" height="{height}" '
            r'style="border:0" loading="lazy"></iframe>',
            code,
        ), code
        assert f"Sites allowed to show these views: {origin}." in panel.inner_text()
        page.fill(f"#{prefix}-embed-site", "https://intranet.example/news/crime.html")
        page.press(f"#{prefix}-embed-site", "Enter")
        answer = page.wait_for_selector(f"#{prefix}-embed-site-answer:has-text('IT must')").inner_text()
        assert answer == (
            f'https://intranet.example is not allowed yet. IT must set CSPDASH_EMBED_ORIGINS="{origin} https://intranet.example" '
            "and restart the dashboard."
        )
        page.fill(f"#{prefix}-embed-site", origin)
        page.press(f"#{prefix}-embed-site", "Enter")
        page.wait_for_selector(f"#{prefix}-embed-site-answer:has-text('nothing for IT to do')")
        assert serious_axe_violations(page) == [], path
        screenshot(
            page,
            ARTIFACTS / f"publish/embed-panel-{prefix}-{width}.png",
            full_page=False,
            clip=_clip(page, f"#{prefix}-embed"),
        )

        # The code, pasted into the other site's page, shows the whole view: nothing cut off.
        host.page = f'<!DOCTYPE html><html lang="en"><head><title>Our news</title></head><body style="margin:8px">{code}</body></html>'.encode()
        page.goto(f"{origin}/")
        frame_element = page.wait_for_selector("iframe")
        frame = frame_element.content_frame()
        assert frame is not None
        frame.wait_for_selector("#embed-chart .main-svg")
        frame.wait_for_selector("#embed-source")
        assert frame.inner_text("#embed-source") == source
        box = frame_element.bounding_box()
        assert box is not None and round(box["height"]) == height
        needed = frame.evaluate("document.documentElement.scrollHeight")
        assert needed <= height, f"{path} at {width} px needs {needed} px, the code gives {height}"
        bottom = frame.evaluate(
            "Math.max(...[...document.querySelectorAll('#embed-chart .xaxislayer-above, #embed-chart svg, .more a, #embed-source')]"
            ".map(e => e.getBoundingClientRect().bottom))"
        )
        assert bottom <= height, f"{path}: something ends at {bottom} px in a {height} px frame"
        screenshot(page, ARTIFACTS / f"publish/embed-framed-{prefix}-{width}.png", full_page=True)
    assert [e for e in page.console_errors if "favicon" not in e] == []


def _clip(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    return {"x": 0, "y": max(box["y"], 0), "width": page.viewport_size["width"], "height": min(box["height"] + 10, 900)}


def test_with_no_origins_the_panel_says_what_it_must_set() -> None:
    from dash import html

    words = " ".join(
        str(c.children) if not isinstance(c.children, list) else " ".join(map(str, c.children)) for c in origins_note(())
    )
    assert "Framing is switched off on this site" in words
    assert setting_value(()) == "CSPDASH_EMBED_ORIGINS=https://www.havering.gov.uk"
    assert setting_value((), "https://intranet.example") == "CSPDASH_EMBED_ORIGINS=https://intranet.example"
    assert site_check((), "intranet.example/page") == (
        "https://intranet.example is not allowed yet. IT must set CSPDASH_EMBED_ORIGINS=https://intranet.example and restart the dashboard."
    )
    assert site_check(("https://a.example",), "https://a.example/x") == "https://a.example may show it: nothing for IT to do."
    assert site_check((), "not a site").startswith("“not a site” is not a web address")
    assert site_check((), "") == ""
    assert isinstance(origins_note(())[1], html.Pre)
