"""The targets page for analysts (issue 12 item 12; issue 11 parts 3 and 4): a grid of every
indicator's targets for the year with what needs attention, whether a target is for the
year to date, the error summary above the form, the drafted commentary offered (never saved
unless the analyst saves it), and series breaks recorded and listed. Real Chromium, SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from rules.periods import FinancialYear, Quarter
from store.db import session_scope
from store.models import Commentary, SeriesAnnotation
from tests.conftest import serious_axe_violations
from web.parts import targets_overview as overview

HOME = "E09000016"


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/login?next=/targets%3Findicator%3DCSP1%26period%3D2016-17-Q3")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#targets-save")


def test_targets_overview_grid_lists_missing_targets_and_reds_without_action(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        grid = overview.year_overview(session, FinancialYear(2016), HOME, Quarter(2016, 3))
    by_code = {r.code: r for r in grid}
    csp1 = by_code["CSP1"]
    assert [c.quarter.q for c in csp1.cells] == [1, 2, 3, 4]
    assert csp1.cells[2].target.startswith("12,400")
    assert csp1.reds_without_action == ["Q1"], "the demo gives CSP1 corrective action in Q2 and Q3, not Q1"
    assert all(not c.red_without_action for c in csp1.cells[3:]), "no figures yet for Q4"
    assert any(not r.rated for r in grid) and all(r.missing == [] for r in grid if not r.rated)


def test_targets_overview_in_browser(web_live, web_browser, demo_engine) -> None:
    page = web_browser
    _sign_in(page, web_live)
    grid = page.locator("#targets-overview")
    assert grid.is_visible()
    first = grid.locator("tbody tr").first.inner_text()
    assert first.startswith("CSP1")
    assert "Red, no corrective action" in first and "Red with no corrective action in Q1" in first
    assert "(target is for the year to date)" in first
    assert page.locator("#targets-basis").inner_text().startswith("This target is for the year to date")

    # The error summary sits above the form's fields.
    above = page.evaluate(
        "() => !!(document.getElementById('targets-errors').compareDocumentPosition(document.getElementById('targets-target')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    assert above
    page.get_by_label("Target", exact=True).fill("twelve")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#targets-errors [role=alert]")
    box = page.locator("#targets-errors").bounding_box()
    assert box is not None and box["y"] < page.locator("#targets-target").bounding_box()["y"]
    page.reload()
    page.wait_for_selector("#targets-save")

    # The drafted commentary: offered, copied into the box on request, stored only on Save.
    draft = page.locator("#targets-draft").inner_text()
    assert "Red" in draft and len(draft) > 40
    before = page.get_by_label("Commentary", exact=True).input_value()
    assert before != draft, "the box keeps the analyst's own words until they ask for the draft"
    page.get_by_role("button", name="Use the drafted text").click()
    page.wait_for_function("(d) => document.getElementById('targets-commentary').value === d", arg=draft)
    with session_scope(demo_engine) as session:
        stored = session.scalars(
            select(Commentary).where(Commentary.indicator_code == "CSP1", Commentary.period == "2016-17-Q3")
        ).first()
        assert stored is not None and stored.commentary == before, "the draft is never saved without the analyst saving it"

    # A series break: recorded from the page, listed, stored with who recorded it.
    page.get_by_label("Date of the break").fill("2014-04-01")
    page.get_by_label("Reason").fill("Home Office recording standards tightened")
    page.get_by_role("button", name="Record the break").click()
    page.wait_for_selector("#targets-break-saved")
    assert "1 April 2014: Home Office recording standards tightened" in page.locator("#targets-break-list").inner_text()
    with session_scope(demo_engine) as session:
        row = session.scalars(select(SeriesAnnotation).where(SeriesAnnotation.indicator_code == "CSP1")).one()
        assert (row.date, row.kind) == (date(2014, 4, 1), "break")
    # A break with no reason is refused, with nothing stored.
    page.get_by_label("Date of the break").fill("1 April 2015")
    page.get_by_label("Reason").fill("")
    page.get_by_role("button", name="Record the break").click()
    page.wait_for_selector("#targets-break-message [role=alert]")
    with session_scope(demo_engine) as session:
        assert len(list(session.scalars(select(SeriesAnnotation)))) == 1
    assert serious_axe_violations(page) == []
    assert page.console_errors == []
