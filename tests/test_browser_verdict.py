"""One plain verdict per indicator, in real headless Chromium on the demo (SQLite and
PostgreSQL), at 1366 and 390 px: the scorecard's rows and the indicator page's top carry the
summary sentence, the indicator page says which question each verdict answers, says the
process changed in October 2015 and offers an analyst a new baseline there, which is recorded
(with who and why) only when the analyst asks. Axe clean."""

from __future__ import annotations

from sqlalchemy import select

from store.db import session_scope
from store.models import SeriesAnnotation
from tests.conftest import serious_axe_violations

QUERY = "period=2016-17-Q3&area=E09000016"
TNO = "Red: 743 above target; up 4.5% on last year, a real rise; monthly figures have run above the target line for"


def _fits(page, selector: str) -> bool:
    """Visible, and wholly within the viewport's width (nothing clipped on a phone)."""
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                      return r.width > 0 && r.height > 0 && r.left >= -0.5 && r.right <= window.innerWidth + 0.5; }""",
        selector,
    )


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/login?next=%2Findicator%2FCSP1%3F{QUERY.replace('=', '%3D').replace('&', '%26')}")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#indicator-verdict")


def test_verdict_on_scorecard_and_indicator_page_at_1366_and_390(web_live, web_browser) -> None:
    page = web_browser
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{web_live}/?{QUERY}")
        page.wait_for_selector("#scorecard-verdict-CSP1")
        assert page.inner_text("#scorecard-verdict-CSP1").startswith(TNO)
        assert page.inner_text("#scorecard-verdict-CSP3").startswith(
            "Red: 1,160 above target; up 26.2% on last year, a real rise"
        )
        assert _fits(page, "#scorecard-verdict-CSP1"), width
        assert serious_axe_violations(page) == []

        page.goto(f"{web_live}/indicator/CSP1?{QUERY}")
        page.wait_for_selector("#indicator-verdict")
        verdict = page.inner_text("#indicator-verdict")
        assert verdict.startswith(TNO) and "p =" not in verdict and "CI" not in verdict
        assert _fits(page, "#indicator-verdict"), width
        answers = page.inner_text("#indicator-answers")
        assert "What each verdict answers" in answers
        page.click("#indicator-answers summary")
        answers = page.inner_text("#indicator-answers")
        assert "by more than chance?" in answers and "unusual for this indicator's own history?" in answers
        baseline = page.inner_text("#indicator-baseline")
        assert "The process has changed since October 2015" in baseline and "15 months in a row above its average" in baseline
        # Not signed in: told who can rebase, and no form to do it.
        assert "An analyst can start a new baseline from October 2015" in baseline
        assert page.locator("#baseline-save").count() == 0
        assert _fits(page, "#indicator-baseline"), width
        assert serious_axe_violations(page) == []
    assert page.console_errors == []


def test_analyst_starts_a_new_baseline_from_the_page(web_live, web_browser, demo_engine) -> None:
    page = web_browser
    page.set_viewport_size({"width": 390, "height": 900})
    _sign_in(page, web_live)
    page.goto(f"{web_live}/indicator/CSP1?{QUERY}")
    page.wait_for_selector("#baseline-save")
    assert page.inner_text("#baseline-save") == "Start a new baseline from October 2015"
    assert serious_axe_violations(page) == []
    # No reason, nothing saved.
    page.click("#baseline-save")
    page.wait_for_selector("#baseline-message [role=alert]")
    with session_scope(demo_engine) as session:
        assert session.scalars(select(SeriesAnnotation).where(SeriesAnnotation.indicator_code == "CSP1")).all() == []
    page.get_by_label("Why the process changed").fill("New crime recording system from October 2015")
    page.click("#baseline-save")
    page.wait_for_selector("#baseline-saved")
    assert "recorded by priya" in page.inner_text("#baseline-saved")
    with session_scope(demo_engine) as session:
        stored = session.scalars(select(SeriesAnnotation).where(SeriesAnnotation.indicator_code == "CSP1")).all()
        assert [(a.date.isoformat(), a.reason, a.updated_by) for a in stored] == [
            ("2015-10-01", "New crime recording system from October 2015", "priya")
        ]
    # Reloaded: the chart is rebased there, so no shift is offered any more; the break is listed.
    page.goto(f"{web_live}/indicator/CSP1?{QUERY}")
    page.wait_for_selector("#indicator-verdict")
    assert page.locator("#baseline-save").count() == 0
    assert "New crime recording system" in page.inner_text("#indicator-spc-breaks")
    assert serious_axe_violations(page) == []
    assert page.console_errors == []
