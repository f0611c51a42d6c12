"""Publishing from the web is clear (issue 20 part 5), in real headless Chromium at 1366 and
390 px on SQLite and PostgreSQL: submitting warns which rated indicators have no figure and asks
to confirm; the analyst's note shows on the lead's sign-off panel; publishing (the real pack,
~20 s) shows its steps with a progress bar while its forms are disabled, then the published
state replaces the form; the publish-anyway reason shows on the published page and in the pack;
and no message names a command-line flag or an area's GSS code."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import delete

from rules.periods import Quarter
from store.coverage_record import record_coverage
from store.data_version import bump_data_version
from store.db import session_scope
from store.models import AsbCount, MaracReturn
from store.publishing import quarter_state
from tests.conftest import WEB_PASSWORD, add_web_user, serious_axe_violations
from tests.helpers import ARTIFACTS, screenshot

Q4 = Quarter(2016, 4)
HAVERING = "E09000016"
QUERY = f"?period={Q4.key}&area={HAVERING}"
REASON = "ASB and MARAC figures for March follow at the next meeting"


def _late_returns(engine) -> None:
    """March 2017's ASB and Q4's MARAC return never arrived, as in the committee's real Q4."""
    with session_scope(engine) as session:
        session.execute(delete(AsbCount).where(AsbCount.month == "2017-03"))
        session.execute(delete(MaracReturn).where(MaracReturn.quarter == Q4.key))
        record_coverage(session, ["asb", "marac"])  # as every load does: the record (and its totals) follow the counts
        bump_data_version(session)


def _sign_in(page, base: str, name: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login?next={quote('/' + QUERY, safe='')}")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(WEB_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#scorecard-publication-banner")


def _no_cli_words_or_codes(text: str) -> None:
    assert "--" not in text and "cspdash " not in text, text
    assert not re.search(r"\b[EW]0\d{7}\b", text), text  # no GSS codes: area names


@pytest.mark.parametrize("width", [1366, 390])
def test_browser_submit_warns_lead_sees_note_publish_shows_progress_and_reason(
    web_live: str, web_browser, demo_engine, export_chromium: Path, width: int
) -> None:
    page = web_browser
    page.set_viewport_size({"width": width, "height": 900})
    add_web_user(demo_engine, "lee", "lead")
    _late_returns(demo_engine)

    # The analyst submits: first told which rated indicators have no figure, and asked to confirm.
    _sign_in(page, web_live, "priya")
    page.fill("#submit-note", "Two returns are late; see the notes")
    page.click("#submit-button")
    warning = page.wait_for_selector("#submit-missing")
    words = warning.inner_text()
    assert words == (
        "2 rated indicators have no figure for Q4 2016/17: Repeat domestic violence cases going to MARAC, "
        "Anti-social behaviour incidents."
    ), words
    assert page.locator("#submit-confirm").is_visible()
    with session_scope(demo_engine) as session:
        assert quarter_state(session, Q4, HAVERING).state == "draft"  # nothing sent yet
    assert serious_axe_violations(page) == []
    screenshot(page, ARTIFACTS / f"publish/submit-warning-{width}.png", full_page=True)
    page.click("#submit-cancel-button")  # "Not yet": the warning goes, nothing is sent
    page.wait_for_selector("#submit-confirm", state="hidden")
    with session_scope(demo_engine) as session:
        assert quarter_state(session, Q4, HAVERING).state == "draft"
    page.click("#submit-button")
    page.click("#submit-confirm-button")
    page.wait_for_selector("#submit-outcome p:has-text('Submitted for sign-off')")
    with session_scope(demo_engine) as session:
        assert quarter_state(session, Q4, HAVERING).state == "submitted"

    # The lead sees the analyst's note on the panel.
    _sign_in(page, web_live, "lee")
    assert page.inner_text("#publishing-submit-note") == "Note from priya: Two returns are late; see the notes"

    # Publishing without saying "anyway": refused in the form's words, with the area's name.
    page.click("#publish-button")
    refusal = page.wait_for_selector("#publish-outcome .notice")
    text = refusal.inner_text()
    assert "Q4 2016/17 for Havering cannot be published yet" in text and "Publish even though something is missing?" in text
    _no_cli_words_or_codes(text)
    assert page.locator("#publish-lock").is_visible() and page.locator("#publish-button").is_enabled()

    # Publishing anyway: the steps show as it works, the forms locked; then the published state.
    page.get_by_label("Publish even though something is missing?").select_option("force")
    page.fill("#publish-reason", REASON)
    page.click("#publish-button")
    page.wait_for_selector("#publish-steps .publishing-step--working")
    assert page.locator("#publish-button").is_disabled() and page.locator("#submit-button").count() == 0
    assert page.locator("#publish-lock").evaluate("el => el.disabled") is True  # every field and button of the forms
    assert page.locator("#publish-reason").is_disabled()
    assert re.fullmatch(r"Publishing: step \d of 6", page.inner_text("#publish-progress-heading"))
    screenshot(page, ARTIFACTS / f"publish/publishing-progress-{width}.png", full_page=True)
    assert serious_axe_violations(page) == []
    seen_later_step = False
    for _ in range(600):  # until published (the real pack: about 20 s)
        if page.query_selector("#publish-headline"):
            break
        working = page.query_selector("#publish-steps .publishing-step--working")
        if working and working.get_attribute("id") not in ("publish-step-check", "publish-step-read"):
            seen_later_step = True
        page.wait_for_timeout(200)
    assert seen_later_step, "the progress never moved past reading the figures"
    headline = page.wait_for_selector("#publish-headline", timeout=240_000).inner_text()
    assert headline.startswith("Version 1, published on") and headline.endswith("by lee.")
    assert page.locator("#publish-lock").is_hidden()  # the form is replaced by the published state
    assert page.inner_text("#publish-progress-heading") == "Every step done"
    assert page.inner_text("#publishing-state") == f"Published: {headline}"
    assert page.locator("#publishing-submit-note").is_hidden()  # with the form it was for
    assert page.locator("#publish-steps .publishing-step--done").count() == 6
    assert page.inner_text("#publish-forced") == f"Published although something was missing, for this reason: {REASON}"
    _no_cli_words_or_codes(page.inner_text("#publishing-panel"))
    assert serious_axe_violations(page) == []
    screenshot(page, ARTIFACTS / f"publish/published-{width}.png", full_page=True)

    # The published view and the pack carry the reason.
    page.click("#publish-see-published")
    banner = page.wait_for_selector("#scorecard-publication-banner:has-text('As published')")
    assert f"Published although something was missing, for this reason: {REASON}." in banner.inner_text()
    assert page.inner_text("#scorecard-published-anyway").strip() == (
        f"Published although something was missing, for this reason: {REASON}."
    )
    with urllib.request.urlopen(f"{web_live}/export/pack.html{QUERY}&as=published", timeout=120) as response:
        assert "Published although something was missing, for this reason: ASB and MARAC figures" in response.read().decode()
    with session_scope(demo_engine) as session:
        latest = quarter_state(session, Q4, HAVERING).latest
    assert latest is not None and latest.forced and latest.force_reason == REASON
    assert page.console_errors == []
