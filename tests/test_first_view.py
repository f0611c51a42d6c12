"""The first layout Dash sends already holds the page the browser is on (named by
assets/first-view.js in the layout request's X-Cspdash-Page header), so the page needs no
routing callback before it can be shown; without the header the layout is Dash's empty page
container, as before."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_dashboard_app

Q3 = "period=2016-17-Q3&area=E09000016"


@pytest.fixture(scope="module")
def client(demo_database_url: str):
    return make_dashboard_app(demo_database_url).server.test_client()


def layout(client, page: str | None) -> str:
    headers = {"X-Cspdash-Page": page} if page is not None else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)  # Dash escapes "/" as \u002f


def location(text: str) -> dict:
    """The props of the page container's dcc.Location in a layout's JSON."""

    def walk(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "_pages_location":
                return node["props"]
            for value in node.values():
                found = walk(value)
                if found:
                    return found
        if isinstance(node, list):
            for value in node:
                found = walk(value)
                if found:
                    return found
        return None

    return walk(json.loads(text))


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (f"/?{Q3}", "scorecard-table"),
        (f"/indicator/CSP1?{Q3}", "indicator-reason"),
        ("/demand", "demand-summary"),
        ("/map", "ward-map-table"),
        ("/no-such-page", "Page not found"),
    ],
)
def test_first_view_is_in_the_first_layout(client, path: str, shown: str) -> None:
    text = layout(client, path)
    assert shown in text
    props = location(text)
    # The props the routing callback listens to are set, so the Location reports no change
    # to them on load and the callback does not run.
    base, _, query = path.partition("?")
    assert props["pathname"] == base and props["search"] == (f"?{query}" if query else "")


def test_first_view_reads_the_query_like_the_callback(client) -> None:
    assert "Q2 2016/17" in layout(client, "/?period=2016-17-Q2&area=E09000016")
    assert "is not a quarter" in layout(client, "/?period=nonsense")


@pytest.mark.parametrize("page", [None, "", "http://elsewhere.example/?period=2016-17-Q3", "//elsewhere.example/", "map"])
def test_first_view_without_a_page_named_is_the_empty_container(client, page: str | None) -> None:
    text = layout(client, page)
    assert "scorecard-table" not in text
    assert "pathname" not in location(text)
