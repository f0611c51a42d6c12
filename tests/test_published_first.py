"""Issue 20 part 1, "published first": readers (anyone who is not an analyst, lead or admin)
land on the latest published quarter on the pages, the API, the downloads and the embeds;
drafts reach them only with CSPDASH_SHOW_DRAFTS=true, marked "Draft — not yet published";
with nothing published they get a page saying so. Analysts land on the newest figures.
Real SQLite and PostgreSQL, real Chromium at 1366 and 390 px, axe clean."""

from __future__ import annotations

import io
import tempfile
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from rules.periods import Quarter
from settings import Settings
from store.db import session_scope
from store.publishing import publish_quarter, published_file, quarter_state
from store.users import Principal
from tests.conftest import WEB_PASSWORD, add_web_user, make_web_app, serious_axe_violations, serve_in_thread, web_sign_in
from views import data

Q3, Q4 = Quarter(2016, 3), Quarter(2016, 4)
HAVERING = "E09000016"
COMMITTEE_DAY = datetime(2017, 1, 17, 12, tzinfo=UTC)
VIEWPORTS = [(1366, 900), (390, 844)]


def publish_q3(engine) -> None:
    """Publish Q3 2016/17 as the committee saw it. The pack file is a stand-in: these tests are
    about which quarter readers see, and making the real pack takes about 15 s per backend."""
    with session_scope(engine) as session:
        publish_quarter(session, Q3, HAVERING, Principal("lee", "lead"), files={"html": b"<p>pack</p>"}, now=COMMITTEE_DAY)


def _reader_app(database_url: str, **env: str):
    return make_web_app(database_url, CSPDASH_SHOW_DRAFTS="false", **env)


def test_readers_state_defaults_to_the_latest_published_quarter(demo_engine, database_url: str) -> None:
    data.clear_caches()
    nothing = data.resolve(database_url, HAVERING, None, None, published_only=True)
    assert nothing.period is None and nothing.error == (
        "No report has been published yet for Havering. The figures appear here once a lead signs a quarter off."
    )
    publish_q3(demo_engine)
    reader = data.resolve(database_url, HAVERING, None, None, published_only=True)
    assert reader.period == Q3 and reader.error is None and reader.available == [Q3]
    draft = data.resolve(database_url, HAVERING, Q4.key, None, published_only=True)
    assert (
        draft.error
        == "Q4 2016/17 has not been published for Havering yet. The latest published report is Q3 2016/17: choose it above."
    )
    older = data.resolve(database_url, HAVERING, "2016-17-Q2", None, published_only=True)
    assert older.error is not None and "Q2 2016/17 has not been published" in older.error
    analyst = data.resolve(database_url, HAVERING, None, None)
    assert analyst.period == Q4 and analyst.error is None and Q4 in analyst.available


def test_api_and_downloads_give_readers_the_published_quarter(demo_engine, database_url: str) -> None:
    publish_q3(demo_engine)
    reader = _reader_app(database_url).server.test_client()
    body = reader.get("/api/v1/p/E09000016/scorecard").get_json()
    assert body["meta"]["period"] == Q3.key and body["meta"]["publication"]["state"] == "published"
    refused = reader.get(f"/api/v1/p/E09000016/scorecard?period={Q4.key}")
    assert refused.status_code == 404 and "Q4 2016/17 has not been published" in refused.get_json()["error"]["message"]
    series = reader.get("/api/v1/p/E09000016/indicators/CSP1/series").get_json()["data"]
    assert series[-1]["period"] == Q3.key
    assert reader.get(f"/api/v1/p/E09000016/indicators/CSP1/series?to={Q4.key}").status_code == 404
    counts = reader.get("/api/v1/p/E09000016/counts?by=month").get_json()
    assert counts["meta"]["published_to"] == Q3.key and counts["data"][-1]["period"] == "2016-12"  # no draft month
    assert reader.get("/api/v1/p/E09000016/counts?by=quarter").get_json()["data"][-1]["period"] == Q3.key
    assert reader.get("/p/E09000016/export/data/CSP1.csv").status_code == 200
    assert f"{Q3.key}" in reader.get("/p/E09000016/export/data/CSP1.csv").headers["Content-Disposition"]
    assert reader.get(f"/p/E09000016/export/data/CSP1.csv?period={Q4.key}").status_code == 404
    embed = reader.get("/p/E09000016/embed/indicator/CSP1")
    assert embed.status_code == 200 and "Q3 2016/17" in embed.get_data(as_text=True)
    assert 'id="embed-draft"' not in embed.get_data(as_text=True)  # published: no draft mark
    assert reader.get(f"/p/E09000016/embed/indicator/CSP1?period={Q4.key}").status_code == 404

    # Analysts, leads and admins work on the draft: the newest figures are theirs by default.
    add_web_user(demo_engine, "priya", "analyst")
    analyst = _reader_app(database_url).server.test_client()
    web_sign_in(analyst, "priya")
    assert analyst.get("/api/v1/p/E09000016/scorecard").get_json()["meta"]["period"] == Q4.key
    analyst_counts = analyst.get("/api/v1/p/E09000016/counts").get_json()
    assert analyst_counts["meta"]["published_to"] is None and analyst_counts["data"][-1]["period"] == "2017-03"
    # CSPDASH_SHOW_DRAFTS=true: readers see drafts too.
    shown = make_web_app(database_url, CSPDASH_SHOW_DRAFTS="true").server.test_client()
    assert shown.get("/api/v1/p/E09000016/scorecard").get_json()["meta"]["period"] == Q4.key
    draft_embed = shown.get("/p/E09000016/embed/indicator/CSP1").get_data(as_text=True)
    assert (
        "Q4 2016/17" in draft_embed
        and '<p class="draft-mark" id="embed-draft" role="note">Draft — not yet published</p>' in draft_embed
    )


def test_api_says_when_nothing_is_published(demo_engine, database_url: str) -> None:
    reader = _reader_app(database_url).server.test_client()
    answer = reader.get("/api/v1/p/E09000016/scorecard")
    assert answer.status_code == 404 and "No report has been published yet" in answer.get_json()["error"]["message"]


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_reader_lands_on_the_published_report_and_analyst_on_the_draft(
    demo_engine, database_url: str, web_browser, width: int, height: int
) -> None:
    page = web_browser
    page.set_viewport_size({"width": width, "height": height})
    with serve_in_thread(_reader_app(database_url).server) as base:
        page.goto(f"{base}/")
        page.wait_for_selector("#scorecard-body .notice")
        assert "No report has been published yet for Havering" in page.inner_text("#scorecard-body")
        assert serious_axe_violations(page) == []

        publish_q3(demo_engine)
        page.goto(f"{base}/")
        page.wait_for_selector("#scorecard-publication-banner")
        assert page.inner_text("#scorecard-heading") == "Performance scorecard: Havering, Q3 2016/17"
        banner = page.inner_text("#scorecard-publication-banner")
        assert banner.startswith("Published") and "17 January 2017 by lee" in banner and "Draft" not in banner
        assert page.query_selector("#scorecard-newer-figures") is None  # Q4 is a draft: not "newer" for readers
        assert serious_axe_violations(page) == []

        page.goto(f"{base}/indicator/CSP1")
        page.wait_for_selector("#indicator-publication-banner")
        assert f"period={Q3.key}" in page.get_attribute(".back-link", "href")
        assert page.inner_text("#indicator-publication-banner").startswith("Published")

        page.goto(f"{base}/?period={Q4.key}&area={HAVERING}")
        page.wait_for_selector("#scorecard-body .notice")
        assert "Q4 2016/17 has not been published for Havering yet. The latest published report is Q3 2016/17" in page.inner_text(
            "#scorecard-body"
        )
        assert serious_axe_violations(page) == []

        add_web_user(demo_engine, "priya", "analyst")
        page.goto(f"{base}/login")
        page.fill("input[name=name]", "priya")
        page.fill("input[name=password]", WEB_PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/")
        page.wait_for_selector("#scorecard-publication-banner")
        assert page.inner_text("#scorecard-heading") == "Performance scorecard: Havering, Q4 2016/17"
        assert page.inner_text("#scorecard-publication-banner").startswith("Draft — not yet published")
    assert page.console_errors == []


@pytest.mark.parametrize("width,height", VIEWPORTS)
def test_show_drafts_lets_readers_see_the_draft_marked(
    demo_engine, database_url: str, web_browser, width: int, height: int
) -> None:
    publish_q3(demo_engine)
    page = web_browser
    page.set_viewport_size({"width": width, "height": height})
    with serve_in_thread(make_web_app(database_url, CSPDASH_SHOW_DRAFTS="true").server) as base:
        page.goto(f"{base}/")
        page.wait_for_selector("#scorecard-publication-banner")
        assert page.inner_text("#scorecard-heading") == "Performance scorecard: Havering, Q4 2016/17"
        assert page.inner_text("#scorecard-publication-banner").startswith("Draft — not yet published")
        assert serious_axe_violations(page) == []


def test_the_demo_publishes_q3_as_the_committee_saw_it_and_leaves_q4_a_draft(
    demo_engine, database_url: str, export_chromium
) -> None:
    from demo.publish import publish_demo

    settings = Settings.from_env({"DATABASE_URL": database_url, "CSPDASH_DATA_DIR": tempfile.mkdtemp(prefix="cspdash-data-")})
    info = publish_demo(demo_engine, settings)
    assert info.headline == "Version 1, published on 17 January 2017 by demo"
    assert not info.forced  # the demo's Reds have corrective actions and every figure is whole
    with session_scope(demo_engine) as session:
        assert quarter_state(session, Q4, HAVERING).state == "draft"
    assert [f.file_name for f in info.files] == [
        f"Havering-CSP-performance-Q3-2016-17-v1.{fmt}" for fmt in ("docx", "pdf", "html")
    ]
    with session_scope(demo_engine) as session:
        stored = published_file(session, Q3, HAVERING, "pdf")
    assert stored is not None and not any("DRAFT" in p.extract_text() for p in PdfReader(io.BytesIO(stored.content)).pages)
    assert publish_demo(demo_engine, settings) is None  # `cspdash demo` again: published already, nothing done
