"""Issue 20 part 1 on the map pages: readers (not analysts, leads or admins) land on the latest
published quarter on the ward map, the London comparison and the ward profiles, and on the map
downloads and embed, as on the scorecard; a period after it is refused in words naming the
published report, and the period list offers none. Those who see drafts get the "Draft — not
yet published" banner on it. Real SQLite and PostgreSQL, the demo's figures (to March 2017)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime

from rules.periods import Quarter
from store.db import session_scope
from store.publishing import publish_quarter
from store.users import Principal
from tests.conftest import make_dashboard_app
from tests.helpers import text, walk

Q3, Q4 = Quarter(2016, 3), Quarter(2016, 4)
HAVERING = "E09000016"
WARD = "E05000319"
CRIME = {"measure": "crime", "span": "quarter", "view": "count"}


def _publish_q3(engine) -> None:
    with session_scope(engine) as session:
        publish_quarter(
            session, Q3, HAVERING, Principal("lee", "lead"), files={"html": b"<p>pack</p>"}, now=datetime(2017, 1, 17, tzinfo=UTC)
        )


def _render(app, url: str, name: str, *args: object):
    module = importlib.import_module(f"dashboards.{name}")
    with app.server.test_request_context("/"):
        return module.page(url, HAVERING, *args)


def _ids(node: object) -> dict[str, object]:
    return {c.id: c for c in walk(node) if isinstance(getattr(c, "id", None), str)}


def test_readers_map_pages_default_to_the_published_quarter_and_refuse_the_draft(demo_engine, database_url: str) -> None:
    reader = make_dashboard_app(database_url, CSPDASH_SHOW_DRAFTS="false")

    # Nothing published yet: the map says so, and shows no figures.
    out = _render(reader, database_url, "ward_map", dict(CRIME))
    assert "No report has been published yet for Havering" in text(out)
    assert "ward-map-table" not in _ids(out)

    _publish_q3(demo_engine)
    reader = make_dashboard_app(database_url, CSPDASH_SHOW_DRAFTS="false")
    out = _render(reader, database_url, "ward_map", dict(CRIME))
    ids = _ids(out)
    assert text(ids["ward-map-heading"]) == "Ward map: All crime, Havering, Q3 2016/17"
    assert "ward-map-publication-banner" not in ids
    periods = [o.value for o in walk(ids["ward-map-period"]) if type(o).__name__ == "Option"]
    assert periods[0] == Q3.key and Q4.key not in periods  # the list offers nothing after the report

    for name, args in (
        ("ward_map", ({**CRIME, "period": Q4.key},)),
        ("ward_map", ({**CRIME, "span": "month", "period": "2017-02"},)),
        ("london", ({**CRIME, "period": Q4.key},)),
        ("ward_profile", (WARD, {**CRIME, "period": Q4.key})),
    ):
        words = text(_render(reader, database_url, name, *args))
        assert "Q4 2016/17 has not been published for Havering yet" in words, (name, words)
        assert "The latest published report is Q3 2016/17" in words
    refused = _ids(_render(reader, database_url, "ward_map", {**CRIME, "period": Q4.key}))
    assert refused["map-published-link"].href == f"/map?measure=crime&period={Q3.key}&span=quarter&view=count"
    london = _ids(_render(reader, database_url, "london", dict(CRIME)))
    assert text(london["london-heading"]) == "London comparison: All crime, Q3 2016/17"
    profile = _ids(_render(reader, database_url, "ward_profile", WARD, dict(CRIME)))
    assert profile["ward-profile-back"].href.startswith(f"/map?measure=crime&period={Q3.key}")
    month = _ids(_render(reader, database_url, "ward_map", {**CRIME, "span": "month"}))
    assert text(month["ward-map-heading"]) == "Ward map: All crime, Havering, December 2016"


def test_those_who_see_drafts_get_the_draft_banner_on_a_later_period(demo_engine, database_url: str) -> None:
    _publish_q3(demo_engine)
    app = make_dashboard_app(database_url, CSPDASH_SHOW_DRAFTS="true")
    out = _ids(_render(app, database_url, "ward_map", {**CRIME, "period": Q4.key}))
    banner = text(out["ward-map-publication-banner"])
    assert banner.startswith("Draft — not yet published") and "Q4 2016/17 has not been published for Havering yet" in banner
    assert "The latest published report is Q3 2016/17" in banner
    assert "ward-map-publication-banner" not in _ids(_render(app, database_url, "ward_map", {**CRIME, "period": Q3.key}))
    london = _ids(_render(app, database_url, "london", {**CRIME, "period": Q4.key}))
    assert text(london["london-publication-banner"]).startswith("Draft — not yet published")
    profile = _ids(_render(app, database_url, "ward_profile", WARD, {**CRIME, "period": Q4.key}))
    assert text(profile["ward-profile-publication-banner"]).startswith("Draft — not yet published")


def test_map_downloads_and_embed_follow_the_reader(demo_engine, database_url: str) -> None:
    _publish_q3(demo_engine)
    reader = make_dashboard_app(database_url, CSPDASH_SHOW_DRAFTS="false").server.test_client()
    csv = reader.get("/p/E09000016/export/map.csv?measure=crime&span=quarter")
    assert csv.status_code == 200 and f"map-crime-{Q3.key}-count.csv" in csv.headers["Content-Disposition"]
    refused = reader.get(f"/p/E09000016/export/map.csv?measure=crime&period={Q4.key}")
    assert refused.status_code == 404 and "Q4 2016/17 has not been published for Havering yet" in refused.get_data(as_text=True)
    assert reader.get(f"/p/E09000016/export/london.csv?measure=crime&period={Q4.key}").status_code == 404
    assert reader.get(f"/p/E09000016/export/ward/{WARD}.csv?measure=crime&period={Q4.key}").status_code == 404
    embed = reader.get("/p/E09000016/embed/map?measure=crime")
    page = embed.get_data(as_text=True)
    assert embed.status_code == 200 and "Q3 2016/17" in page and 'id="embed-draft"' not in page
    refused = reader.get(f"/p/E09000016/embed/map?measure=crime&period={Q4.key}")
    assert refused.status_code == 404 and "has not been published for Havering yet" in refused.get_data(as_text=True)

    drafts = make_dashboard_app(database_url, CSPDASH_SHOW_DRAFTS="true").server.test_client()
    page = drafts.get(f"/p/E09000016/embed/map?measure=crime&period={Q4.key}").get_data(as_text=True)
    assert 'id="embed-draft"' in page and "Draft — not yet published" in page
