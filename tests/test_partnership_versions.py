"""Each partnership's changes empty only its own cached pages (issue 23: what grows with the
nation but is used per partnership is kept per partnership): a partnership's cached pages,
downloads and figures are keyed by the shared data version and its own, so another
partnership's commentary, target, KPI file or publication leaves them standing, while its own
change or a load of shared data refreshes them; the list of partnerships sees every
partnership's publication at once. Flask test client and the
per-process caches, real SQLite and PostgreSQL, the Havering demo beside Barking and Dagenham
with its own indicator K1 (``tests/test_partnership_addresses.py``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from reporting.edits import TargetKey, TargetValues
from rules.periods import Quarter
from store.data_version import versions
from store.db import session_scope
from store.edits import save_commentary, save_target
from store.partnerships import chosen_partnership
from store.publishing import publish_quarter
from store.users import Principal
from tests.conftest import callback_body, make_dashboard_app
from tests.helpers import load, write
from tests.test_partnership_addresses import BARKING, HAVERING, Q3, _with_barking

QUARTER = Quarter.parse(Q3)
# What an entry kept in the shared cache is replaced by: an answer that is this came from the cache.
MARKER = b'{"from": "the shared cache"}'
NOW = datetime(2017, 1, 20, tzinfo=UTC)


def _barking_commentary(engine, _tmp_path) -> None:
    with session_scope(engine) as session:
        assert save_commentary(session, "K1", BARKING, QUARTER, "Barking is behind.", "An audit.", "bea", NOW)


def _barking_target(engine, _tmp_path) -> None:
    with session_scope(engine) as session, chosen_partnership(BARKING):
        assert save_target(session, TargetKey("K1", "2016-17", 3, None), TargetValues(80, None, None, 0, "abs"), "bea", NOW)


def _barking_publish(engine, _tmp_path) -> None:
    with session_scope(engine) as session:
        publish_quarter(session, QUARTER, BARKING, Principal("lee", "lead"), files={"html": b"<p>pack</p>"})


def _barking_values(engine, tmp_path) -> None:
    """A KPI file of Barking's own: its indicator values."""
    load(
        engine,
        "values",
        write(tmp_path / "bv.csv", f"indicator_code,area_code,period,value\nK1,{BARKING},{Q3},65\n"),
        partnership=BARKING,
    )


def _havering_commentary(engine, _tmp_path) -> None:
    with session_scope(engine) as session:
        assert save_commentary(session, "CSP1", HAVERING, QUARTER, "Havering is better.", "", "priya", NOW)


def _shared_load(engine, tmp_path) -> None:
    """A new ward: areas are shared by every partnership."""
    load(
        engine,
        "areas",
        write(tmp_path / "ward.csv", f"area_code,area_name,level,parent_code\nE05999999,Test Ward,ward,{BARKING}\n"),
    )


BARKING_CHANGES = (_barking_commentary, _barking_target, _barking_values, _barking_publish)


class Planted:
    """The shared cache's entries made since the last ``plant``, each then replaced by MARKER."""

    def __init__(self, app, monkeypatch) -> None:
        self.cache = app.server.extensions["cspdash_cache"]
        self.real_set, self.keys = self.cache.set, []

        def noting(key: str, value: object, *args: object, **kwargs: object) -> object:
            self.keys.append(key)
            return self.real_set(key, value, *args, **kwargs)

        monkeypatch.setattr(self.cache, "set", noting)

    def plant(self) -> None:
        assert self.keys, "nothing was kept in the shared cache"
        for key in self.keys:
            _body, headers = self.cache.get(key)
            self.real_set(key, (MARKER, headers))
        self.keys = []


def test_a_partnership_s_cached_pages_outlive_another_s_changes_and_not_its_own(demo_engine, database_url, tmp_path, monkeypatch):
    _with_barking(demo_engine, tmp_path)
    app = make_dashboard_app(database_url, CSPDASH_PUBLIC_READ="true")
    client = app.server.test_client()  # nobody signed in: answers are cached
    page = callback_body(
        app, "_pages_content.children", {"_pages_location.pathname": f"/p/{HAVERING}/", "_pages_location.search": f"?period={Q3}"}
    )
    landing = callback_body(
        app, "_pages_content.children", {"_pages_location.pathname": "/partnerships", "_pages_location.search": ""}
    )
    asks: dict[str, Callable] = {
        "download": lambda: client.get(f"/p/{HAVERING}/export/summary.csv?period={Q3}"),
        "page": lambda: client.post(f"/p/{HAVERING}/_dash-update-component", json=page),
    }

    def answers() -> dict[str, bytes]:
        got = {what: ask() for what, ask in asks.items()}
        assert {what: r.status_code for what, r in got.items()} == dict.fromkeys(asks, 200)
        return {what: r.get_data() for what, r in got.items()}

    def barking_on_the_landing_page() -> str:
        text = json.dumps(client.post("/_dash-update-component", json=landing).get_json())  # "/" unescaped
        return text[text.index("Barking and Dagenham CSP") :][:600]

    assert "No report published yet" in barking_on_the_landing_page()  # kept in the shared cache
    planted = Planted(app, monkeypatch)
    first = answers()
    planted.plant()
    for change in BARKING_CHANGES:
        change(demo_engine, tmp_path)
        assert answers() == dict.fromkeys(asks, MARKER), f"Havering's cache was emptied by {change.__name__}"
    # The list of partnerships shows Barking's summary as soon as it is published.
    assert "Q3 2016/17" in barking_on_the_landing_page()
    _havering_commentary(demo_engine, tmp_path)
    after_own = answers()
    assert MARKER not in after_own.values() and after_own["page"] != first["page"]
    planted.plant()
    _shared_load(demo_engine, tmp_path)
    assert MARKER not in answers().values()


def test_a_partnership_s_figures_stay_kept_in_the_process_through_another_s_changes(demo_engine, database_url, tmp_path):
    from views import data

    _with_barking(demo_engine, tmp_path)
    data.clear_caches()

    def havering_scorecard() -> object:
        with chosen_partnership(HAVERING):
            return data.scorecard(database_url, QUARTER, HAVERING)

    def own_version() -> tuple[int, int]:
        with session_scope(demo_engine) as session:
            return versions(session, HAVERING)

    kept, version = havering_scorecard(), own_version()
    assert havering_scorecard() is kept
    for change in BARKING_CHANGES:
        change(demo_engine, tmp_path)
        assert havering_scorecard() is kept, f"Havering's scorecard was worked out again after {change.__name__}"
        assert own_version() == version, change.__name__
    for change in (_havering_commentary, _shared_load):
        change(demo_engine, tmp_path)
        assert own_version() != version, change.__name__
        fresh = havering_scorecard()
        assert fresh is not kept, change.__name__
        kept, version = fresh, own_version()


def test_annual_targets_and_breaks_saved_on_the_web_count_as_the_partnership_s_changes(demo_engine):
    """The Targets page's annual target and series break (and a break removed): each a change of
    Havering's own, so its cached pages and downloads are refreshed, and the shared data is not."""
    from store.annotations import delete_annotation, save_annotation
    from store.annual_targets import save_annual_target

    def havering_versions() -> tuple[int, int]:
        with session_scope(demo_engine) as session:
            return versions(session, HAVERING)

    shared, own = havering_versions()
    values = {"target": 1200.0, "tolerance": 0.0, "tolerance_type": "abs", "profile": "even", "shares": None}
    with session_scope(demo_engine) as session:
        assert save_annual_target(session, "CSP1", "2016-17", None, values, "ana", NOW)
    assert havering_versions() == (shared, own + 1)
    with session_scope(demo_engine) as session:
        saved = save_annotation(session, when=NOW.date(), reason="New recording system", user="ana", indicator_code="CSP1")
    assert havering_versions() == (shared, own + 2)
    with session_scope(demo_engine) as session:
        delete_annotation(session, saved.id, "ana")
    assert havering_versions() == (shared, own + 3)


def test_what_shows_shared_data_only_is_built_once_for_every_partnership(demo_engine, database_url, tmp_path):
    """A ward's counts (the map's trend panel) are the same whichever partnership asks: kept once,
    through either partnership's edits, and worked out again after a load of shared data."""
    from store.areas import AreaTree
    from views import map_state

    _with_barking(demo_engine, tmp_path)
    with session_scope(demo_engine) as session:
        ward = AreaTree.load(session).children[HAVERING][0]

    def trend_for(partnership: str) -> object:
        with chosen_partnership(partnership):
            return map_state.trend(database_url, ward)

    kept = trend_for(HAVERING)
    _havering_commentary(demo_engine, tmp_path)
    _barking_commentary(demo_engine, tmp_path)
    assert trend_for(BARKING) is kept and trend_for(HAVERING) is kept
    _shared_load(demo_engine, tmp_path)
    assert trend_for(HAVERING) is not kept
