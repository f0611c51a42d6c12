"""Each page and download is built in one database session: one connection checked out of the
pool per request, counted on the real engine (SQLite and PostgreSQL) with every cache emptied,
so every figure the request shows is read (a cache miss) and read in that one session."""

from __future__ import annotations

import json
import sys

import pytest
from sqlalchemy import event

from store.db import get_engine
from tests.conftest import callback_body, make_dashboard_app

Q3 = "period=2016-17-Q3&area=E09000016"
WARD = "E05000306"
# (page named in the first layout request, something only that page's figures put there)
LAYOUTS = [
    (f"/?{Q3}", "scorecard-table"),
    (f"/indicator/CSP1?{Q3}", "indicator-reason"),
    (f"/demand?{Q3}", "demand-summary"),
    ("/map", "ward-map-table"),
    (f"/ward/{WARD}", "ward-profile-heading"),
    ("/london", "london-table"),
]
# (download, the file's media type)
DOWNLOADS = [
    (f"/p/E09000016/export/data/CSP1.csv?{Q3}", "text/csv"),
    (f"/p/E09000016/export/data/CSP1.xlsx?{Q3}", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (f"/p/E09000016/export/data/CSP1.csv?{Q3}&table=spc", "text/csv"),
    (f"/p/E09000016/export/chart/CSP1.svg?{Q3}", "image/svg+xml"),
    (f"/p/E09000016/export/summary.csv?{Q3}", "text/csv"),
    (f"/p/E09000016/export/demand.csv?{Q3}", "text/csv"),
    ("/p/E09000016/export/map.csv", "text/csv"),
    ("/p/E09000016/export/map.svg", "image/svg+xml"),
    (f"/p/E09000016/export/ward/{WARD}.csv", "text/csv"),
    (f"/p/E09000016/export/ward/{WARD}.svg", "image/svg+xml"),
    ("/p/E09000016/export/london.csv", "text/csv"),
    (f"/p/E09000016/export/pack.html?{Q3}", "text/html"),
    (f"/p/E09000016/embed/indicator/CSP1?{Q3}", "text/html"),
    (f"/api/v1/p/E09000016/scorecard?{Q3}", "application/json"),
]


@pytest.fixture(scope="module")
def app(demo_database_url: str):
    return make_dashboard_app(demo_database_url)


@pytest.fixture
def checkouts(app, demo_database_url: str):
    """A list that gains one entry per connection taken from the pool; every cache emptied
    first (the views' per-process caches and the shared response cache)."""
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("views", "exports", "dashboards"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == name:
                    value.cache_clear()
    app.server.extensions["cspdash_cache"].clear()
    seen: list[object] = []
    engine = get_engine(demo_database_url)
    listener = lambda *_: seen.append(1)  # noqa: E731
    event.listen(engine, "checkout", listener)
    yield seen
    event.remove(engine, "checkout", listener)


@pytest.mark.parametrize(("page", "shown"), LAYOUTS)
def test_request_session_one_per_page_layout(app, checkouts, page: str, shown: str) -> None:
    response = app.server.test_client().get("/_dash-layout", headers={"X-Cspdash-Page": page})
    assert response.status_code == 200
    assert shown in json.dumps(response.get_json())
    assert len(checkouts) == 1


@pytest.mark.parametrize(("page", "shown"), LAYOUTS)
def test_request_session_one_per_routing_callback(app, checkouts, page: str, shown: str) -> None:
    """Changing a control or following a link renders the page by Dash Pages' callback."""
    path, _, query = page.partition("?")
    body = callback_body(
        app, "_pages_content.children", {"_pages_location.pathname": path, "_pages_location.search": f"?{query}" if query else ""}
    )
    checkouts.clear()  # callback_body asked for /_dash-dependencies
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert shown in json.dumps(response.get_json())
    assert len(checkouts) == 1


def test_request_session_one_for_the_ward_map_figure(app, checkouts) -> None:
    body = callback_body(app, "ward-map-graph.figure", {"ward-map-query.data": "?measure=crime&span=quarter&view=count"})
    checkouts.clear()
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert response.get_json()["response"]["ward-map-graph"]["figure"]["data"]
    assert len(checkouts) == 1


@pytest.mark.parametrize(("url", "media_type"), DOWNLOADS)
def test_request_session_one_per_download(app, checkouts, url: str, media_type: str) -> None:
    response = app.server.test_client().get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == media_type
    assert len(response.get_data()) > 200
    assert len(checkouts) == 1


def test_request_session_none_for_scripts(app, checkouts) -> None:
    """Files the browser needs that hold no figures never take a connection."""
    assert app.server.test_client().get("/assets/cspdash.css").status_code == 200
    assert checkouts == []


def test_request_session_a_write_is_seen_by_later_reads(demo_database_url: str) -> None:
    """Reads after a write in the same request see it (the shared read transaction is ended)."""
    from sqlalchemy import select

    from store.db import reading, request_scope, session_scope
    from store.models import DataVersion

    engine = get_engine(demo_database_url)
    with request_scope():
        with reading(engine) as session:
            before = session.execute(select(DataVersion.version)).scalar_one()
        with session_scope(engine) as session:
            session.execute(DataVersion.__table__.update().values(version=DataVersion.version + 1))
        with reading(engine) as session:
            assert session.execute(select(DataVersion.version)).scalar_one() == before + 1
        with session_scope(engine) as session:  # put it back for the other tests
            session.execute(DataVersion.__table__.update().values(version=before))
