"""Publishing on the pages, in real headless Chromium on SQLite and PostgreSQL: the draft
banner, publishing Q3 2016/17 (the real pack), the Met re-issuing October 2016 with 25 more
offences in one ward, then the scorecard's revision note ("was 13,143, now 13,168") and the
as-published switch showing 13,143; the stored PDF served byte for byte; and the web's
sign-off buttons refused server-side to viewers and analysts, allowed to a lead."""

from __future__ import annotations

import hashlib
import json
import tempfile
import urllib.error
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from exports.publication import publish_with_pack
from rules.periods import Quarter
from settings import Settings
from store.db import session_scope
from store.models import ChangeLog
from store.publishing import day_label, publish_quarter, published_versions, quarter_state
from store.users import Principal
from tests.conftest import WEB_PASSWORD, add_web_user, make_web_app, serious_axe_violations, web_sign_in
from tests.test_publishing import reload_october_with_more_offences

Q3 = Quarter(2016, 3)
HAVERING = "E09000016"
QUERY = f"?period={Q3.key}&area={HAVERING}"


def _publish(engine, database_url: str):
    settings = Settings.from_env({"DATABASE_URL": database_url, "CSPDASH_DATA_DIR": tempfile.mkdtemp(prefix="cspdash-data-")})
    return publish_with_pack(engine, Q3, HAVERING, settings, Principal("lee", "lead"), note="Committee, 17 January 2017",
                             force=True, reason="Demo data", date=date(2017, 1, 17), now=datetime(2017, 1, 17, 10, tzinfo=UTC))  # fmt: skip


def _get(url: str) -> tuple[int, str, bytes]:
    """A plain GET against the live app (not a second app: that would reset Dash's pages)."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:  # a local test server
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_content_type(), exc.read()


def _text(page, selector: str) -> str:
    page.wait_for_selector(selector)
    return page.inner_text(selector)


def test_banner_revision_notes_and_as_published_switch(
    web_live: str, web_browser, demo_engine, database_url: str, export_chromium: Path, tmp_path: Path
) -> None:
    page = web_browser
    page.goto(f"{web_live}/{QUERY}")
    assert _text(page, "#scorecard-publication-banner").startswith("Draft — not yet published")
    assert page.query_selector("#scorecard-show-published") is None  # nothing published to switch to

    info = _publish(demo_engine, database_url)
    page.goto(f"{web_live}/{QUERY}")
    banner = _text(page, "#scorecard-publication-banner")
    assert "Published" in banner and "17 January 2017 by lee" in banner and "Draft" not in banner
    assert "13,143" in page.inner_text("#scorecard-row-CSP1")

    reload_october_with_more_offences(demo_engine, tmp_path)
    page.goto(f"{web_live}/{QUERY}")
    row = _text(page, "#scorecard-row-CSP1")
    assert "13,168" in row
    assert _text(page, "#revised-CSP1-ytd_value") == "⚠ revised since publication on 17 January 2017: was 13,143, now 13,168"
    listed = _text(page, "#scorecard-revisions-table")
    assert "Total notifiable offences" in listed and "13,143" in listed and "13,168" in listed
    assert serious_axe_violations(page) == []

    # The switch keeps period and area and shows the frozen figures.
    page.click("#scorecard-show-published")
    page.wait_for_url(f"**/{QUERY}&as=published")
    page.wait_for_selector("#scorecard-publication-banner:has-text('As published')")
    assert "Version 1, published on 17 January 2017 by lee" in _text(page, "#scorecard-publication-banner")
    frozen = page.inner_text("#scorecard-row-CSP1")
    assert "13,143" in frozen and "13,168" not in frozen
    assert page.query_selector("#revised-CSP1-ytd_value") is None
    assert page.query_selector("#publishing-panel") is None
    page.click("#scorecard-show-current")
    page.wait_for_url(f"**/{QUERY}")
    page.wait_for_selector("#revised-CSP1-ytd_value")
    assert "13,168" in _text(page, "#scorecard-row-CSP1")

    # A version never published is a message, not someone else's figures.
    page.goto(f"{web_live}/{QUERY}&as=published&version=7")
    assert "no version 7" in _text(page, "#scorecard-body .notice")

    # The stored PDF, byte for byte.
    with session_scope(demo_engine) as session:
        stored = published_versions(session, Q3, HAVERING)[0].file("pdf")
    assert stored is not None and stored.sha256 == info.file("pdf").sha256
    status, media_type, body = _get(f"{web_live}/export/pack.pdf{QUERY}&as=published")
    assert status == 200 and media_type == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == stored.sha256
    assert _get(f"{web_live}/export/pack.pdf{QUERY}&as=published&version=2")[0] == 404
    frozen_csv = _get(f"{web_live}/export/data/CSP1.csv{QUERY}&as=published")[2].decode()
    current_csv = _get(f"{web_live}/export/data/CSP1.csv{QUERY}")[2].decode()
    assert "13143" in frozen_csv and "13168" not in frozen_csv and "13168" in current_csv
    summary = _get(f"{web_live}/export/summary.csv{QUERY}&as=published")
    assert summary[0] == 200 and b"All rated indicators" in summary[2]
    refused = _get(f"{web_live}/export/map.csv{QUERY}&as=published")
    assert refused[0] == 404 and b"Maps and ward profiles always show the current figures" in refused[2]
    publication = json.loads(_get(f"{web_live}/api/v1/scorecard{QUERY}")[2])["meta"]["publication"]
    assert publication == {
        "state": "published",
        "version": 1,
        "published_at": "2017-01-17T10:00:00+00:00",
        "published_by": "lee",
        "published_by_name": "lee",
    }

    # The indicator and demand pages: revision notes now, the frozen figures as published.
    page.goto(f"{web_live}/indicator/CSP1{QUERY}")
    assert "was 13,143, now 13,168" in _text(page, "#indicator-revisions")
    assert "Published" in _text(page, "#indicator-publication-banner")
    page.goto(f"{web_live}/indicator/CSP1{QUERY}&as=published")
    page.wait_for_selector("#indicator-publication-banner:has-text('As published')")
    assert page.query_selector("#indicator-revisions") is None
    page.goto(f"{web_live}/demand{QUERY}&as=published")
    assert "As published" in _text(page, "#demand-publication-banner")


def _callback(key: str, inputs: list, state: list) -> dict:
    """A callback request as Dash's renderer sends it; ``key`` names every output, ``..a.b...c.d..``
    for several."""
    names = key[2:-2].split("...") if key.startswith("..") else [key]
    outputs = [{"id": n.rsplit(".", 1)[0], "property": n.rsplit(".", 1)[1]} for n in names]
    return {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0], "inputs": inputs,
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"], "state": state}  # fmt: skip


def _publish_body(reason: str = "Demo data") -> dict:
    quarter = {"id": "publishing-quarter", "property": "data", "value": {"period": Q3.key, "area": HAVERING}}
    state = [
        {"id": "publish-note", "property": "value", "value": "web"},
        {"id": "publish-force-value", "property": "data", "value": "force"},
        {"id": "publish-reason", "property": "value", "value": reason},
        quarter,
        {"id": "publish-date", "property": "value", "value": ""},  # the committee date: empty, dated today
    ]
    job = {"id": "publish-job", "property": "data", "value": {"job": "job-0123456789abcdef", "clicks": 1}}
    return _callback(
        "..publish-outcome.children...publish-progress.children...publish-lock.hidden...publishing-state.children..", [job], state
    )


def _submit_body() -> dict:
    state = [
        {"id": "submit-note", "property": "value", "value": "forced"},
        {"id": "publishing-quarter", "property": "data", "value": {"period": Q3.key, "area": HAVERING}},
    ]
    inputs = [
        {"id": "submit-button", "property": "n_clicks", "value": 1},
        {"id": "submit-confirm-button", "property": "n_clicks", "value": None},
        {"id": "submit-cancel-button", "property": "n_clicks", "value": None},
    ]
    return _callback("..submit-outcome.children...submit-warning.children...submit-confirm.hidden..", inputs, state)


def _reopen_body() -> dict:
    state = [
        {"id": "publish-reopen-reason", "property": "value", "value": "forced"},
        {"id": "publishing-quarter", "property": "data", "value": {"period": Q3.key, "area": HAVERING}},
    ]
    return _callback(
        "publish-reopen-outcome.children", [{"id": "publish-reopen-button", "property": "n_clicks", "value": 1}], state
    )


def test_web_publish_is_refused_to_viewers_and_analysts_and_allowed_to_a_lead(
    demo_engine, database_url: str, export_chromium: Path
) -> None:
    for name, role in (("vic", "viewer"), ("priya", "analyst"), ("lee", "lead")):
        add_web_user(demo_engine, name, role)
    app = make_web_app(database_url)
    for who in ("vic", "priya"):
        client = app.server.test_client()
        assert web_sign_in(client, who).status_code == 302
        response = client.post("/_dash-update-component", json=_publish_body())
        assert response.status_code == 403 and response.get_json() == {"message": "Sign in as a lead to do this."}
    with session_scope(demo_engine) as session:
        assert quarter_state(session, Q3, HAVERING).versions == []

    # Submitting and re-opening, forced by someone without the role: refused, nothing recorded.
    viewer = app.server.test_client()
    assert web_sign_in(viewer, "vic").status_code == 302
    refused = viewer.post("/_dash-update-component", json=_submit_body())
    assert refused.status_code == 403 and refused.get_json() == {"message": "Sign in as an analyst to do this."}
    for who in ("vic", "priya"):
        client = app.server.test_client()
        assert web_sign_in(client, who).status_code == 302
        response = client.post("/_dash-update-component", json=_reopen_body())
        assert response.status_code == 403 and response.get_json() == {"message": "Sign in as a lead to do this."}
    assert _quarter_log(demo_engine) == []
    with session_scope(demo_engine) as session:
        assert quarter_state(session, Q3, HAVERING).state == "draft"

    lead = app.server.test_client()
    assert web_sign_in(lead, "lee").status_code == 302
    refused = lead.post("/_dash-update-component", json=_publish_body(reason=""))
    assert refused.status_code == 200 and "Not published" in refused.get_data(as_text=True)
    # Told in terms of the form's own controls, never the CLI's flags.
    assert "Reason for publishing anyway" in refused.get_data(as_text=True) and "--force" not in refused.get_data(as_text=True)
    response = lead.post("/_dash-update-component", json=_publish_body())
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "Version 1, published on" in response.get_data(as_text=True)
    with session_scope(demo_engine) as session:
        status = quarter_state(session, Q3, HAVERING)
    assert status.is_published and status.latest.published_by == "lee"


# --- As published: the controls keep it, the map pages say they are current ----------------------


def _publish_with_stand_in_pack(engine) -> None:
    """Publish Q3 quickly: these pages read the frozen document, not the pack files."""
    with session_scope(engine) as session:
        publish_quarter(
            session, Q3, HAVERING, Principal("lee", "lead"), files={"pdf": b"%PDF-1.7 stand-in"}, force=True, reason="Demo data"
        )


def _wait_for_query(page, path: str, query: str) -> None:
    """The address is exactly ``path?query`` under the partnership (nothing dropped, nothing added)."""
    page.wait_for_url(lambda url: url.split("/", 3)[-1] == f"p/{HAVERING}/{path.lstrip('/')}?{query}")


def test_browser_period_and_area_controls_keep_as_published_and_the_version(web_live: str, web_browser, demo_engine) -> None:
    page = web_browser
    _publish_with_stand_in_pack(demo_engine)
    page.goto(f"{web_live}/{QUERY}&as=published&version=1")
    page.wait_for_selector("#scorecard-publication-banner:has-text('As published')")

    page.select_option("#scorecard-quarter", "Q2")
    _wait_for_query(page, "/", f"period=2016-17-Q2&area={HAVERING}&as=published&version=1")
    assert "Q2 2016/17 has not been published for this area yet" in _text(page, "#scorecard-body .notice")
    page.select_option("#scorecard-quarter", "Q3")
    _wait_for_query(page, "/", f"period={Q3.key}&area={HAVERING}&as=published&version=1")
    page.wait_for_selector("#scorecard-publication-banner:has-text('As published')")
    assert "Version 1, published on" in _text(page, "#scorecard-publication-banner")
    page.select_option("#scorecard-area", "E05000306")  # Brooklands ward: never published on its own
    _wait_for_query(page, "/", f"period={Q3.key}&area=E05000306&as=published&version=1")
    assert "has not been published for this area yet" in _text(page, "#scorecard-body .notice")

    page.goto(f"{web_live}/demand{QUERY}&as=published")
    page.wait_for_selector("#demand-publication-banner:has-text('As published')")
    page.select_option("#demand-year", "2015-16")
    _wait_for_query(page, "/demand", f"period=2015-16-Q3&area={HAVERING}&as=published")
    assert "has not been published for this area yet" in _text(page, "#demand-body .notice")

    # The current figures stay current.
    page.goto(f"{web_live}/{QUERY}")
    page.wait_for_selector("#scorecard-publication-banner")
    page.select_option("#scorecard-quarter", "Q2")
    _wait_for_query(page, "/", f"period=2016-17-Q2&area={HAVERING}")
    page.wait_for_selector("#scorecard-heading:has-text('Q2 2016/17')")
    assert page.console_errors == []


MAP_PAGES = [
    (
        f"/map?measure=crime&period={Q3.key}&span=quarter&view=count&as=published",
        "ward-map",
        f"/?period={Q3.key}&area={HAVERING}&as=published",
    ),
    (
        "/ward/E05000306?measure=crime&period=2016-12&span=month&view=count&as=published",
        "ward-profile",
        f"/?period={Q3.key}&area={HAVERING}&as=published",
    ),
    (
        f"/london?measure=crime&period={Q3.key}&span=ytd&view=count&as=published&version=1",
        "london",
        f"/?period={Q3.key}&area={HAVERING}&as=published&version=1",
    ),
]


def test_browser_map_pages_asked_for_as_published_say_their_figures_are_current(web_live: str, web_browser, demo_engine) -> None:
    page = web_browser
    _publish_with_stand_in_pack(demo_engine)
    for path, prefix, scorecard in MAP_PAGES:
        page.goto(f"{web_live}{path}")
        notice = page.wait_for_selector(f"#{prefix}-current-notice")
        assert notice.is_visible() and notice.get_attribute("role") == "status", path
        words = notice.inner_text()
        assert (
            words.startswith("These figures are current, not as published")
            and "Maps and ward profiles always show the figures held now" in words
        ), words
        link = page.locator(f"#{prefix}-published-scorecard")
        assert (
            link.inner_text() == "See the Q3 2016/17 scorecard as published"
            and link.get_attribute("href") == f"/p/{HAVERING}{scorecard}"
        ), path
        assert serious_axe_violations(page) == [], path
        page.goto(f"{web_live}{path.replace('&as=published', '').replace('&version=1', '')}")
        page.wait_for_selector(f"#{prefix}-heading")
        assert page.query_selector(f"#{prefix}-current-notice") is None, path
    page.goto(f"{web_live}{MAP_PAGES[0][0]}")
    page.click("#ward-map-published-scorecard")
    page.wait_for_selector("#scorecard-publication-banner:has-text('As published')")
    assert "Version 1, published on" in _text(page, "#scorecard-publication-banner")
    assert page.console_errors == []


# --- Submit, publish and re-open on the scorecard, by the people allowed to ----------------------


def _sign_in_as(page, base: str, name: str) -> None:
    page.context.clear_cookies()  # sign the last person out
    page.goto(f"{base}/login?next={quote('/' + QUERY, safe='')}")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(WEB_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#scorecard-publication-banner")


def _quarter_log(engine) -> list[tuple[str, str, str]]:
    with session_scope(engine) as session:
        rows = session.scalars(select(ChangeLog).where(ChangeLog.entity == "quarter").order_by(ChangeLog.id))
        return [(r.action, r.user, str((r.detail or {}).get("note") or "")) for r in rows]


def test_browser_analyst_submits_lead_publishes_and_reopens_viewer_sees_no_controls(
    web_live: str, web_browser, demo_engine, export_chromium: Path
) -> None:
    page = web_browser
    add_web_user(demo_engine, "lee", "lead")
    add_web_user(demo_engine, "vic", "viewer")
    today = day_label(datetime.now(UTC))

    # An analyst submits the draft; she cannot publish it.
    _sign_in_as(page, web_live, "priya")
    assert _text(page, "#scorecard-publication-banner").startswith("Draft — not yet published")
    assert page.query_selector("#publish-button") is None and page.query_selector("#publish-reopen-button") is None
    page.fill("#submit-note", "Ready for the sub-committee")
    page.click("#submit-button")
    submitted = f"Submitted for sign-off on {today} by priya."
    assert _text(page, "#submit-outcome p") == f"Draft — not yet published. {submitted}"
    page.reload()
    assert _text(page, "#scorecard-publication-banner") == f"Draft — not yet published {submitted}"
    assert page.query_selector("#submit-button") is None and "A lead or an administrator publishes it." in _text(
        page, "#publishing-panel"
    )
    assert _quarter_log(demo_engine) == [("submit", "priya", "Ready for the sub-committee")]

    # A lead publishes it (with the real pack), which makes version 1.
    _sign_in_as(page, web_live, "lee")
    assert submitted in _text(page, "#publishing-state")
    page.fill("#publish-note", "Sub-Committee, 17 January 2017")
    page.get_by_label("Publish even though something is missing?").select_option("force")
    page.fill("#publish-reason", "Demo data: December's ASB figures follow in Q4")
    page.click("#publish-button")
    page.wait_for_selector("#publish-outcome p:has-text('Version 1, published on')", timeout=240_000)
    assert _text(page, "#publish-outcome p") == f"Version 1, published on {today} by lee."
    page.reload()
    assert _text(page, "#scorecard-publication-banner") == f"Published Version 1, published on {today} by lee."
    assert page.query_selector("#scorecard-show-published") is not None and page.query_selector("#publish-button") is None
    assert _quarter_log(demo_engine)[1:] == [("publish", "lee", "Sub-Committee, 17 January 2017")]

    # The lead re-opens it with a reason: a draft again, version 1 kept.
    page.click("#publish-reopen-button")  # without a reason: refused, nothing changes
    assert "a reason is required" in _text(page, "#publish-reopen-outcome .notice")
    page.fill("#publish-reopen-reason", "The Met revised October 2016")
    page.click("#publish-reopen-button")
    reopened = f"Re-opened on {today} by lee: The Met revised October 2016 The latest published is version 1, published on {today} by lee."
    page.wait_for_selector("#publish-reopen-outcome p:has-text('Re-opened')")
    assert _text(page, "#publish-reopen-outcome p") == f"Draft — not yet published. {reopened}"
    page.reload()
    assert _text(page, "#scorecard-publication-banner") == f"Draft — not yet published {reopened}"
    assert page.query_selector("#scorecard-show-published") is not None  # version 1 is still there to see
    assert page.query_selector("#publish-button") is not None and page.query_selector("#publish-reopen-button") is None
    assert _quarter_log(demo_engine)[2:] == [("reopen", "lee", "The Met revised October 2016")]
    with session_scope(demo_engine) as session:
        assert [v.version for v in quarter_state(session, Q3, HAVERING).versions] == [1]
    assert serious_axe_violations(page) == []

    # A viewer sees the state, and no sign-off controls.
    _sign_in_as(page, web_live, "vic")
    assert _text(page, "#scorecard-publication-banner").startswith("Draft — not yet published Re-opened on")
    for control in ("#publishing-panel", "#submit-button", "#publish-button", "#publish-reopen-button"):
        assert page.query_selector(control) is None, control
    assert page.console_errors == []
