"""The pages work in a real browser under the Content-Security-Policy: no script is refused,
the charts draw, and the sign-in throttle's message reads plainly."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/?period=2016-17-Q3", "#scorecard-summary-chart .main-svg"),
        ("/indicator/CSP1?period=2016-17-Q3", ".js-plotly-plot .main-svg"),
        ("/map?period=2016-17-Q3", ".js-plotly-plot .main-svg"),
        ("/embed/indicator/CSP1?period=2016-17-Q3", ".js-plotly-plot .main-svg"),
        ("/upload", "#main"),
    ],
)
def test_browser_pages_run_under_the_content_security_policy(web_live, web_browser, path, ready):
    page = web_browser.context.browser.new_page(viewport={"width": 1280, "height": 900})  # CSP enforced
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: refused.append(str(e)))
    response = page.goto(web_live + path)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(ready, timeout=30000)
    assert refused == []
