"""Corrective actions followed up (issue 20 part 4) in real headless Chromium on SQLite and
PostgreSQL, at 1366 and 390 px, axe clean: on the Targets page for Q4 2016/17 an analyst sees
last quarter's action as overdue, records that it was done and adds this quarter's with an owner
and a due date; each edit goes in the change log; the indicator page then shows this quarter's
action and last quarter's with how it ended, in words, and nothing is cut off at phone width."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import quote

import pytest
from sqlalchemy import delete, select

from rules.periods import Quarter
from store.actions import add_action, list_actions
from store.db import session_scope
from store.models import ChangeLog, CorrectiveAction
from tests.conftest import WEB_PASSWORD, serious_axe_violations

Q3, Q4 = Quarter(2016, 3), Quarter(2016, 4)
HAVERING = "E09000016"
TARGETS = f"/targets?indicator=CSP1&year=2016-17&quarter=Q4&area={HAVERING}"
INDICATOR = f"/indicator/CSP1?period={Q4.key}&area={HAVERING}"
LAST = "Extra patrols in Romford town centre"
NEW = "Target the three wards with the most burglaries"


def _fits(page) -> bool:
    """Nothing on the page reaches past the window's right edge."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1366, 390])
def test_browser_analyst_follows_up_last_quarters_action_and_the_indicator_page_shows_both(
    web_live: str, web_browser, demo_engine, width: int
) -> None:
    with session_scope(demo_engine) as session:
        session.execute(delete(CorrectiveAction).where(CorrectiveAction.indicator_code == "CSP1"))
        add_action(
            session, "CSP1", HAVERING, Q3, LAST, "priya", datetime(2016, 10, 20, tzinfo=UTC),
            owner="Jo Bloggs", due_date=date(2016, 12, 31),
        )  # fmt: skip
    # web_live signs priya (analyst) up already.
    page = web_browser
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{web_live}/login?next={quote(TARGETS, safe='')}")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill(WEB_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Last quarter's action is listed for the analyst to say how it ended; open past its due date is overdue.
    section = page.wait_for_selector("#targets-actions-section")
    words = section.inner_text()
    assert "Last quarter's actions (Q3 2016/17)" in words and LAST in words
    assert "now: Overdue (due 31 December 2016)" in words
    assert "No action has been set for Q4 2016/17 yet." in words
    assert _fits(page) and serious_axe_violations(page) == []

    last_id = page.get_attribute("#targets-actions fieldset.action-edit", "id")
    page.locator(f"#{last_id} select").select_option("done")
    page.fill("#targets-action", NEW)
    page.fill("#targets-action-owner", "Inspector Ann Lee")
    page.fill("#targets-action-due", "30 June 2017")
    page.click("#targets-save")
    page.wait_for_selector("#targets-saved")
    with session_scope(demo_engine) as session:
        stored = [(a.period, a.text, a.owner, a.due_date, a.status) for a in list_actions(session, indicator="CSP1")]
        logged = [r.action for r in session.scalars(select(ChangeLog).where(ChangeLog.entity == "corrective_action"))]
    assert stored == [
        (Q3.key, LAST, "Jo Bloggs", date(2016, 12, 31), "done"),
        (Q4.key, NEW, "Inspector Ann Lee", date(2017, 6, 30), "open"),
    ]
    assert len(logged) == 3  # the action added above, its status changed, the new one added

    # The indicator page: this quarter's action, and last quarter's with how it ended.
    page.goto(f"{web_live}{INDICATOR}")
    panel = page.wait_for_selector("#indicator-actions")
    now, last = page.inner_text("#indicator-actions-now"), page.inner_text("#indicator-actions-last")
    assert NEW in now and "Owner: Inspector Ann Lee; due 30 June 2017; status: Overdue (due 30 June 2017)" in now
    assert LAST in last and "Owner: Jo Bloggs; due 31 December 2016; status: Done" in last
    assert "Set last quarter (Q3 2016/17) and how they ended" in panel.inner_text()
    assert _fits(page) and serious_axe_violations(page) == []
    assert page.console_errors == []
