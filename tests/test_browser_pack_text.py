"""Issue 20 part 3 in real headless Chromium on SQLite and PostgreSQL, at 1366 and 390 px, axe
clean: an analyst writes the committee pack's words for a quarter on the Targets page (contact
details, implications and risks, background papers), a bad email is refused and named; a lead
publishes with the committee date from the web publish form, and the published pack carries
that date and that text. Every page's footer says "Data up to …; last updated …; contact …"."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from rules.periods import Quarter
from store.db import session_scope
from store.pack_sections import pack_text
from store.publishing import published_file
from tests.conftest import WEB_PASSWORD, add_web_user, make_web_app, serious_axe_violations, serve_in_thread
from tests.helpers import ARTIFACTS, screenshot

Q3 = Quarter(2016, 3)
HAVERING = "E09000016"
QUERY = f"?period={Q3.key}&area={HAVERING}"
SHOTS = ARTIFACTS / "pack"
SETTINGS = {"CSPDASH_REPORT_AUTHOR": "Iain Agar", "CSPDASH_REPORT_AUTHOR_EMAIL": "iain.agar@havering.example"}


@pytest.fixture
def live(demo_engine, database_url):
    add_web_user(demo_engine, "priya", "analyst")
    add_web_user(demo_engine, "lee", "lead")
    with serve_in_thread(make_web_app(database_url, **SETTINGS).server) as base_url:
        yield base_url


def _sign_in(page, base: str, name: str, next_path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login?next={quote(next_path, safe='')}")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(WEB_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _shoot(page, name: str, backend: str, selector: str) -> None:
    """The part of the page under test, and the page's footer with its data line."""
    if backend == "sqlite":  # one set is enough to look at
        SHOTS.mkdir(parents=True, exist_ok=True)
        screenshot(page.locator(selector), SHOTS / name)
        screenshot(page.locator(".app-footer"), SHOTS / name.replace(".png", "-footer.png"))


def _no_overflow(page, selector: str = "html") -> bool:
    """``selector``'s box fits the window's width and nothing in it is cut off sideways."""
    return page.evaluate(
        """(selector) => { const e = document.querySelector(selector); const box = e.getBoundingClientRect();
            return box.right <= window.innerWidth + 1 && e.scrollWidth <= e.clientWidth + 1; }""",
        selector,
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_browser_analyst_writes_the_pack_text_for_a_quarter(
    live: str, web_browser, demo_engine, database_url: str, width: int
) -> None:
    page = web_browser
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, live, "priya", f"/targets{QUERY}")
    page.wait_for_selector("#targets-pack-section")
    assert page.inner_text("#targets-pack-section legend") == "Committee pack for Havering, Q3 2016/17"
    assert "Left empty, the pack gives the report author setting: Iain Agar." in page.inner_text("#targets-pack-section")
    assert "Left empty, the pack says: There are no specific human resources implications" in page.inner_text(
        "#targets-pack-section"
    )
    assert "Data up to March 2017; last updated" in page.inner_text("#data-line")
    assert "contact iain.agar@havering.example." in page.inner_text("#data-line")

    page.get_by_label("Author's email").fill("not an address")
    page.click("#targets-pack-save")
    page.wait_for_selector("#targets-pack-errors .notice")
    assert "Author's email 'not an address' is not an email address" in page.inner_text("#targets-pack-errors")
    with session_scope(demo_engine) as session:
        assert pack_text(session, Q3, HAVERING).empty  # nothing stored

    page.get_by_label("Author's email").fill("jo.bloggs@havering.example")
    page.get_by_label("Lead officer").fill("Sarah Homer (Interim Chief Operating Officer)")
    page.get_by_label("Equalities implications and risks").fill("Repeat MARAC referrals affect women most.")
    page.get_by_label("Background papers").fill("Corporate Plan 2016/17")
    page.click("#targets-pack-save")
    page.wait_for_selector("#targets-pack-saved")
    assert page.inner_text("#targets-pack-saved") == "Pack text for Q3 2016/17 saved."
    assert page.inner_text("#targets-pack-errors") == ""
    with session_scope(demo_engine) as session:
        stored = pack_text(session, Q3, HAVERING)
    assert (stored.author_email, stored.lead_officer, stored.background_papers) == (
        "jo.bloggs@havering.example", "Sarah Homer (Interim Chief Operating Officer)", "Corporate Plan 2016/17",
    )  # fmt: skip
    page.reload()
    page.wait_for_selector("#targets-pack-section")
    assert page.input_value("#targets-pack-equalities") == "Repeat MARAC referrals affect women most."
    assert _no_overflow(page)
    page.locator("#targets-pack-section").scroll_into_view_if_needed()
    _shoot(page, f"targets-pack-text-{width}.png", backend, "#targets-pack-section")
    assert serious_axe_violations(page) == []
    assert page.console_errors == []


def test_browser_lead_publishes_with_the_committee_date(
    live: str, web_browser, demo_engine, database_url: str, export_chromium: Path
) -> None:
    page = web_browser
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    _sign_in(page, live, "lee", f"/{QUERY}")
    page.wait_for_selector("#publish-date")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("#publishing-panel").scroll_into_view_if_needed()
        assert _no_overflow(page, "#publishing-panel") and _no_overflow(page, "#publish-date")
        _shoot(page, f"publish-form-committee-date-{width}.png", backend, "#publishing-panel")
        assert serious_axe_violations(page) == []

    page.get_by_label("Publish even though something is missing?").select_option("force")
    page.fill("#publish-reason", "Demo data")
    page.get_by_label("Date of the committee meeting (optional)").fill("the 17th")
    page.click("#publish-button")
    page.wait_for_selector("#publish-outcome .notice")
    assert "is 'the 17th': give a date like 17 January 2017" in page.inner_text("#publish-outcome")
    with session_scope(demo_engine) as session:
        assert published_file(session, Q3, HAVERING, "html") is None  # nothing published

    page.get_by_label("Date of the committee meeting (optional)").fill("17 January 2017")
    page.click("#publish-button")
    page.wait_for_selector("#publish-outcome p:has-text('Version 1, published on')", timeout=240_000)
    with session_scope(demo_engine) as session:
        stored = published_file(session, Q3, HAVERING, "html")
    assert stored is not None
    html = stored.content.decode()
    assert '<th scope="row">Date</th><td>17 January 2017</td>' in html
    assert "Iain Agar" in html and "Data up to December 2016; last updated" in html
    assert page.console_errors == []
