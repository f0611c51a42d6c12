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

from exports.publication import publish_with_pack
from rag.periods import Quarter
from settings import Settings
from store.db import session_scope
from store.publishing import published_versions, quarter_state
from store.users import Principal
from tests.conftest import add_web_user, make_web_app, serious_axe_violations, web_sign_in
from tests.test_publishing import reload_october_with_more_offences

Q3 = Quarter(2016, 3)
HAVERING = "E09000016"
QUERY = f"?period={Q3.key}&area={HAVERING}"


def _publish(engine, database_url: str):  # noqa: ANN001, ANN202
    settings = Settings.from_env({"DATABASE_URL": database_url, "CSPDASH_DATA_DIR": tempfile.mkdtemp(prefix="cspdash-data-")})
    return publish_with_pack(engine, Q3, HAVERING, settings, Principal("lee", "lead"), note="Committee, 17 January 2017",
                             force=True, reason="Demo data", date=date(2017, 1, 17), now=datetime(2017, 1, 17, 10, tzinfo=UTC))  # fmt: skip


def _get(url: str) -> tuple[int, str, bytes]:
    """A plain GET against the live app (not a second app: that would reset Dash's pages)."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (a local test server)
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_content_type(), exc.read()


def _text(page, selector: str) -> str:  # noqa: ANN001
    page.wait_for_selector(selector)
    return page.inner_text(selector)


def test_banner_revision_notes_and_as_published_switch(web_live: str, web_browser, demo_engine, database_url: str, export_chromium: Path, tmp_path: Path) -> None:  # noqa: ANN001
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
    assert publication == {"state": "published", "version": 1, "published_at": "2017-01-17T10:00:00+00:00", "published_by": "lee"}

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
    return {"output": key, "outputs": {"id": key.rsplit(".", 1)[0], "property": "children"}, "inputs": inputs,
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"], "state": state}  # fmt: skip


def _publish_body(reason: str = "Demo data") -> dict:
    quarter = {"id": "publishing-quarter", "property": "data", "value": {"period": Q3.key, "area": HAVERING}}
    state = [
        {"id": "publish-note", "property": "value", "value": "web"},
        {"id": "publish-force", "property": "value", "value": ["force"]},
        {"id": "publish-reason", "property": "value", "value": reason},
        quarter,
    ]
    return _callback("publish-outcome.children", [{"id": "publish-button", "property": "n_clicks", "value": 1}], state)


def test_web_publish_is_refused_to_viewers_and_analysts_and_allowed_to_a_lead(demo_engine, database_url: str, export_chromium: Path) -> None:  # noqa: ANN001
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

    lead = app.server.test_client()
    assert web_sign_in(lead, "lee").status_code == 302
    refused = lead.post("/_dash-update-component", json=_publish_body(reason=""))
    assert refused.status_code == 200 and "Not published" in refused.get_data(as_text=True)
    response = lead.post("/_dash-update-component", json=_publish_body())
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "Version 1, published on" in response.get_data(as_text=True)
    with session_scope(demo_engine) as session:
        status = quarter_state(session, Q3, HAVERING)
    assert status.is_published and status.latest.published_by == "lee"
