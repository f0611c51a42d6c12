"""The email alerts page (/alerts, #22 part 3) in real Chromium on SQLite and PostgreSQL: only
for people signed in (and in their menu only), the events chosen and saved, what the page says
without mail settings or an address, at 1366 and 390 px, axe clean."""

from __future__ import annotations

import pytest

from reporting.notifications import Event
from store.db import session_scope
from store.notifications import subscriptions
from store.users import add_user
from tests.conftest import WEB_PASSWORD, make_web_app, serious_axe_violations, serve_in_thread
from tests.helpers import ARTIFACTS, screenshot

SHOTS = ARTIFACTS / "notify"


def _sign_in(page, base: str, name: str = "priya") -> None:
    page.goto(f"{base}/login?next=/alerts")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(WEB_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#alerts-save")


def _fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(100)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, f"scrolls sideways at {width} px"
    assert page.locator("#alerts-save").is_visible()
    assert serious_axe_violations(page) == [], width


def _shoot(page, name: str) -> None:
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        screenshot(page, SHOTS / name, full_page=True)


def test_browser_alerts_without_mail_settings_records_and_says_email_is_not_set_up(web_live, web_browser, demo_engine) -> None:
    page = web_browser
    page.goto(f"{web_live}/alerts")
    page.wait_for_selector("h1:has-text('Email alerts')")
    assert page.get_by_role("link", name="Sign in to choose your email alerts").is_visible()
    assert page.locator("#nav-alerts").count() == 0, "not in the menu of someone not signed in"

    _sign_in(page, web_live)
    assert page.locator("#nav-alerts").is_visible()
    notices = page.locator("#alerts-notices").inner_text()
    assert "Email is not set up on this site" in notices and "No email address is held for you" in notices
    assert page.locator("#alerts-status").inner_text().startswith("Recorded: you will be told when nothing.")
    page.get_by_label("When a quarter is published").select_option("yes")
    page.get_by_label("When an indicator's rating changes").select_option("yes")
    page.get_by_role("button", name="Save my email alerts").click()
    page.wait_for_selector("#alerts-status:has-text('Saved.')")
    status = page.locator("#alerts-status").inner_text()
    assert status == (
        "Saved. Recorded: you will be told when a quarter is published; an indicator's rating changes. "
        "Email is not set up on this site yet, so nothing is sent until it is."
    )
    with session_scope(demo_engine) as session:
        assert subscriptions(session, "priya") == [Event.PUBLISHED, Event.RATING_CHANGED]

    page.reload()
    page.wait_for_selector("#alerts-save")
    assert page.get_by_label("When a quarter is published").input_value() == "yes"
    assert page.get_by_label("When a corrective action is overdue").input_value() == "no"
    page.get_by_label("When a quarter is published").select_option("no")
    page.get_by_role("button", name="Save my email alerts").click()
    page.wait_for_selector("#alerts-status:has-text('Saved.')")
    with session_scope(demo_engine) as session:
        assert subscriptions(session, "priya") == [Event.RATING_CHANGED]
    for width in (1366, 390):
        _fits(page, width)
        _shoot(page, f"alerts-no-mail-{width}.png")
    assert page.console_errors == []


def test_browser_alerts_with_mail_set_up_says_where_emails_go(demo_engine, database_url, web_browser) -> None:
    with session_scope(demo_engine) as session:
        add_user(session, "sam", WEB_PASSWORD, "viewer", email="sam@council.example.gov.uk")
    app = make_web_app(
        database_url,
        CSPDASH_SMTP_URL="smtp://127.0.0.1:2525",
        CSPDASH_MAIL_FROM="csp@example.org",
        CSPDASH_BASE_URL="https://csp.example.org",
    )
    page = web_browser
    with serve_in_thread(app.server) as base:
        _sign_in(page, base, "sam")
        assert page.locator("#alerts-notices").inner_text() == ""
        assert "Emails go to sam@council.example.gov.uk." in page.locator("main").inner_text()
        page.get_by_label("When a corrective action is overdue").select_option("yes")
        page.get_by_role("button", name="Save my email alerts").click()
        page.wait_for_selector("#alerts-status:has-text('Saved.')")
        assert page.locator("#alerts-status").inner_text() == (
            "Saved. You will be emailed when a corrective action is overdue (at most one summary an hour; overdue actions at once)."
        )
        for width in (1366, 390):
            _fits(page, width)
            _shoot(page, f"alerts-{width}.png")
    with session_scope(demo_engine) as session:
        assert subscriptions(session, "sam") == [Event.ACTION_OVERDUE]
    assert page.console_errors == []


pytestmark = [pytest.mark.db, pytest.mark.browser, pytest.mark.web]
