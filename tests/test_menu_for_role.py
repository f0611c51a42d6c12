"""Issue 20 part 7: Upload and Targets & commentary are in the menu only for those who may use
them (analysts, leads, admins); everyone else gets a "Sign in" link instead. Email alerts is
there for anyone signed in. Real Chromium at
1366 and 390 px on SQLite and PostgreSQL, axe clean."""

from __future__ import annotations

import pytest

from tests.conftest import WEB_PASSWORD, add_web_user, make_web_app, serious_axe_violations, serve_in_thread

VIEWPORTS = [(1366, 900), (390, 844)]


def _visible_menu(page) -> list[str]:
    return [t.strip() for t in page.locator(".app-nav__link:visible").all_inner_texts()]


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_menu_offers_upload_and_targets_only_to_analysts(
    demo_engine, database_url: str, web_browser, width: int, height: int
) -> None:
    add_web_user(demo_engine, "vera", "viewer")
    add_web_user(demo_engine, "priya", "analyst")
    page = web_browser
    page.set_viewport_size({"width": width, "height": height})
    with serve_in_thread(make_web_app(database_url).server) as base:
        page.goto(f"{base}/demand")
        page.wait_for_selector("#nav-sign-in")
        assert _visible_menu(page) == ["Scorecard", "Demand pressures", "Ward map", "London comparison", "Sign in"]
        assert serious_axe_violations(page) == []

        for name, expected in (
            # Email alerts (#22 part 3) is for anyone signed in.
            ("vera", ["Scorecard", "Demand pressures", "Ward map", "London comparison", "Email alerts", "Sign out"]),
            (
                "priya",
                [
                    "Scorecard",
                    "Demand pressures",
                    "Upload",
                    "Targets & commentary",
                    "Ward map",
                    "London comparison",
                    "Email alerts",
                    "Sign out",
                ],
            ),
        ):
            page.goto(f"{base}/login")
            page.fill("input[name=name]", name)
            page.fill("input[name=password]", WEB_PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{base}/demand")
            page.wait_for_selector("#nav-scorecard")
            page.wait_for_function("document.querySelector('#nav-demand').href.includes('period=')")  # the menu's callback ran
            assert _visible_menu(page) == expected, name
            assert serious_axe_violations(page) == []
            page.context.clear_cookies()
    assert page.console_errors == []
