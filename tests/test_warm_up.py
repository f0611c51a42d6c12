"""``cspdash serve`` opens the main pages once before forking its workers (``warm_up``), so each
worker starts with the figures of the pages readers open first already worked out: the
scorecard, map and demand pages under each warmed partnership's address (``/p/CODE/…``), and
the list of partnerships when several are held. A deployment holding the Havering demo and
Barking and Dagenham, none chosen by the setting, on real SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from store.db import session_scope
from store.partnerships import add_partnership
from tests.conftest import add_web_user, make_web_app, web_sign_in
from views import data, map_state
from web.access import WARM_UP_ENVIRON
from web.parts.first_view import PAGE_HEADER
from web.serving.gunicorn_server import partnerships_to_warm, warm_up

HAVERING, BARKING = "E09000016", "E09000002"
# (page, the cached figures it shows: worked out once, then read from the cache)
PAGES = [("/", data._scorecard), ("/map", map_state._figures), ("/demand", data._demand)]


def assert_each_main_page_read_from_the_cache(client) -> None:
    """Havering's scorecard, map and demand pages each take their figures from the cache."""
    for page, figures in PAGES:
        before = figures.cache_info()
        response = client.get(f"/p/{HAVERING}/_dash-layout", headers={PAGE_HEADER: f"/p/{HAVERING}{page}"})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        after = figures.cache_info()
        assert (after.misses, after.hits) == (before.misses, before.hits + 1), page


def test_warm_up_leaves_each_main_page_of_the_partnership_nothing_to_work_out(demo_engine, database_url, caplog) -> None:
    with session_scope(demo_engine) as session:
        add_partnership(session, BARKING, "Barking and Dagenham CSP")
    app = make_web_app(database_url, CSPDASH_PUBLIC_READ="true")
    warm_up(app.server, app.server.config["CSPDASH_SETTINGS"])
    assert "warm-up" not in caplog.text  # every page opened: the list of partnerships and both partnerships' pages

    assert_each_main_page_read_from_the_cache(app.server.test_client())


def test_warm_up_fills_the_pages_when_reading_needs_signing_in(demo_engine, database_url, caplog) -> None:
    """With reading for signed-in users only, the warm-up still opens the pages (as a signed-out
    reader would see them: the published figures viewers read), so the first viewers do not wait."""
    app = make_web_app(database_url, CSPDASH_PUBLIC_READ="false")
    warm_up(app.server, app.server.config["CSPDASH_SETTINGS"])
    assert "warm-up" not in caplog.text
    add_web_user(demo_engine, "vic", "viewer")
    client = app.server.test_client()
    web_sign_in(client, "vic")
    assert_each_main_page_read_from_the_cache(client)


def test_warm_up_pass_is_not_for_clients(demo_engine, database_url) -> None:
    """Only the server's own warm-up, in process, reads past sign-in: a client naming the same
    key in a header, or asking for anything but a page's layout, is refused as before."""
    app = make_web_app(database_url, CSPDASH_PUBLIC_READ="false")
    client = app.server.test_client()
    layout = f"/p/{HAVERING}/_dash-layout"
    assert client.get(layout, headers={WARM_UP_ENVIRON: "1", PAGE_HEADER: f"/p/{HAVERING}/"}).status_code == 401
    passed = {WARM_UP_ENVIRON: True}
    assert client.get(f"/api/v1/p/{HAVERING}/scorecard", environ_overrides=passed).status_code == 401
    assert client.post(f"/p/{HAVERING}/_dash-update-component", json={}, environ_overrides=passed).status_code == 403
    assert client.get(layout, headers={PAGE_HEADER: f"/p/{HAVERING}/"}, environ_overrides=passed).status_code == 200


@pytest.mark.parametrize(
    ("held", "private", "chosen", "expected"),
    [
        (["E09000016"], set(), None, ["E09000016"]),
        (["E09000002", "E09000016"], set(), "E09000016", ["E09000016", "E09000002"]),  # the setting's first
        (["E09000002", "E09000016"], {"E09000002"}, None, ["E09000016"]),  # a reader could not open a private one
        ([f"E090000{n:02d}" for n in range(1, 34)], set(), None, [f"E090000{n:02d}" for n in range(1, 5)]),
    ],
)
def test_warm_up_partnerships_chosen(held: list[str], private: set[str], chosen: str | None, expected: list[str]) -> None:
    assert partnerships_to_warm(held, frozenset(private), chosen, most=4) == expected


def test_the_master_sets_what_it_made_outside_the_garbage_collector_before_forking(demo_engine, database_url) -> None:
    """What the master made before forking (libraries, app, warmed figures) is frozen: a worker's
    full collection does not sweep it (hundreds of milliseconds paid by some reader's request)."""
    import gc

    from settings import Settings
    from web.serving.gunicorn_server import CspdashServer, gunicorn_options

    settings = Settings.from_env({"DATABASE_URL": database_url, "CSPDASH_SECRET_KEY": "test-secret-" + "x" * 32})
    server = CspdashServer(settings, gunicorn_options(settings, "127.0.0.1", 0, 1, 1, 120))
    gc.unfreeze()
    try:
        server.load()
        assert gc.get_freeze_count() > 100_000  # the imported libraries alone are several hundred thousand objects
    finally:
        gc.unfreeze()
