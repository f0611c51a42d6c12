"""A page address naming a query parameter twice (``/demand?period=2016-17-Q3&period=2016-17-Q3``,
as a bookmark or a script gluing queries together writes it) shows the page as if the
parameter were named once, the first value winning, as the menu links, downloads and the API
already read it: Dash Pages hands a page a list for a repeated parameter, which crashed the
page. Every page taking query parameters, at its plain address and under /p/CODE/, through the
pages' routing callback as the browser asks for it; the API for the same. Real SQLite and
PostgreSQL, the Havering demo."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import add_web_user, callback_body, make_dashboard_app, web_sign_in

HOME, WARD, Q3, Q2 = "E09000016", "E05000306", "2016-17-Q3", "2016-17-Q2"
# (page, its query with one value per parameter, what only that page shows when it works)
READER_PAGES = [
    ("/", f"period={Q3}&area={HOME}", "scorecard-table"),
    ("/indicator/CSP1", f"period={Q3}&area={HOME}", "indicator-reason"),
    ("/demand", f"period={Q3}&area={HOME}", "demand-summary"),
    ("/map", f"period={Q3}&measure=crime&span=quarter&view=count", "ward-map-table"),
    (f"/ward/{WARD}", f"period={Q3}", "ward-profile-heading"),
    ("/london", f"period={Q3}&view=count", "london-table"),
]
ANALYST_PAGES = [
    ("/targets", f"indicator=CSP1&year=2016-17&quarter=Q3&area={HOME}", "targets-save"),
    ("/upload", "kind=population", "upload-kind"),
]


def repeated(query: str) -> str:
    """``query`` with each parameter named twice, the same value both times."""
    return "&".join(f"{pair}&{pair}" for pair in query.split("&"))


def page(app, client, path: str, query: str) -> str:
    """The page at ``path?query`` through the pages' routing callback, posted under the page's
    address (``/p/CODE/…`` posts under ``/p/CODE/``)."""
    prefix = path[: path.index("/", 3)] if path.startswith("/p/") else ""
    body = callback_body(
        app, "_pages_content.children", {"_pages_location.pathname": path, "_pages_location.search": f"?{query}"}
    )
    response = client.post(f"{prefix}/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.dumps(response.get_json())


def assert_same_page(app, client, path: str, query: str, shown: str) -> None:
    once = page(app, client, path, query)
    assert shown in once and "could not be shown" not in once
    twice = page(app, client, path, repeated(query))
    same = twice == once  # not compared in the assert: a page's JSON is too long to read as a diff
    assert same, f"{path}?{repeated(query)} differs from {path}?{query}: {notice(twice)}"


def notice(shown: str) -> str:
    """The first notice heading a page shows (what went wrong), if any."""
    found = re.search(r'"children": "([^"]*)", "className": "notice__heading"', shown)
    return found.group(1) if found else "no notice"


@pytest.fixture(scope="module")
def app(demo_database_url: str):
    return make_dashboard_app(demo_database_url)


@pytest.mark.parametrize("address", ["", f"/p/{HOME}"])
@pytest.mark.parametrize(("path", "query", "shown"), READER_PAGES)
def test_repeated_query_reader_page_shows_as_if_named_once(app, address: str, path: str, query: str, shown: str) -> None:
    assert_same_page(app, app.server.test_client(), f"{address}{path}", query, shown)


def test_repeated_query_analyst_pages_show_as_if_named_once(demo_engine, database_url) -> None:
    add_web_user(demo_engine, "priya", "analyst")
    app = make_dashboard_app(database_url)
    client = app.server.test_client()
    web_sign_in(client, "priya")
    for path, query, shown in ANALYST_PAGES:
        for address in ("", f"/p/{HOME}"):
            assert_same_page(app, client, f"{address}{path}", query, shown)


def test_repeated_query_with_two_values_takes_the_first(app) -> None:
    client = app.server.test_client()
    both = page(app, client, "/demand", f"period={Q2}&period={Q3}")
    assert both == page(app, client, "/demand", f"period={Q2}")
    assert "Q2 2016/17" in both


def test_repeated_query_api_takes_the_first(app) -> None:
    client = app.server.test_client()
    once = client.get(f"/api/v1/p/{HOME}/scorecard?period={Q2}&area={HOME}")
    twice = client.get(f"/api/v1/p/{HOME}/scorecard?period={Q2}&period={Q3}&area={HOME}&area={HOME}")
    assert once.status_code == twice.status_code == 200, twice.get_data(as_text=True)[:300]
    assert twice.get_json() == once.get_json()


def test_repeated_query_first_view_shows_as_if_named_once(app) -> None:
    """The page rendered into the first layout a browser asks for (``web.parts.first_view``);
    only its ``dcc.Location`` keeps the address as written."""
    from web.parts.first_view import PAGE_HEADER

    client = app.server.test_client()

    def content(node: object) -> object:
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "_pages_content":
                return node
            node = list(node.values())
        if isinstance(node, list):
            return next((found for item in node if (found := content(item)) is not None), None)
        return None

    def first_view(query: str) -> str:
        response = client.get(f"/p/{HOME}/_dash-layout", headers={PAGE_HEADER: f"/p/{HOME}/demand?{query}"})
        assert response.status_code == 200
        return json.dumps(content(response.get_json()))

    once = first_view(f"period={Q3}")
    assert "demand-summary" in once
    same = first_view(f"period={Q3}&period={Q3}") == once  # not compared in the assert: too long to read as a diff
    assert same
