"""The first layout Dash sends already holds the page the browser is on (read from the
layout request's Referer), so the page needs no routing callback before it can be shown;
without a usable Referer the layout is Dash's empty page container, as before."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_dashboard_app

Q3 = "period=2016-17-Q3&area=E09000016"


@pytest.fixture(scope="module")
def client(demo_database_url: str):  # noqa: ANN201
    return make_dashboard_app(demo_database_url).server.test_client()


def layout(client, referrer: str | None) -> str:  # noqa: ANN001
    headers = {"Referer": referrer} if referrer else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)  # Dash escapes "/" as \u002f


def location(text: str) -> dict:
    """The props of the page container's dcc.Location in a layout's JSON."""
    def walk(node):  # noqa: ANN001, ANN202
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
    [(f"/?{Q3}", "scorecard-table"), (f"/indicator/CSP1?{Q3}", "indicator-reason"), ("/demand", "demand-summary"), ("/map", "ward-map-table"), ("/no-such-page", "Page not found")],
)
def test_first_view_is_in_the_first_layout(client, path: str, shown: str) -> None:  # noqa: ANN001
    text = layout(client, f"http://localhost{path}")
    assert shown in text
    props = location(text)
    # Every prop the Location would otherwise read from the window is set, so it reports no
    # change on load and the routing callback does not run.
    base, _, query = path.partition("?")
    assert props["pathname"] == base and props["search"] == (f"?{query}" if query else "") and props["hash"] == ""
    assert props["href"] == f"http://localhost{path}"


def test_first_view_reads_the_query_like_the_callback(client) -> None:  # noqa: ANN001
    assert "Q2 2016/17" in layout(client, "http://localhost/?period=2016-17-Q2&area=E09000016")
    assert "is not a quarter" in layout(client, "http://localhost/?period=nonsense")


@pytest.mark.parametrize("referrer", [None, "http://elsewhere.example/?period=2016-17-Q3", "file:///tmp/x.html"])
def test_first_view_without_our_referrer_is_the_empty_container(client, referrer: str | None) -> None:  # noqa: ANN001
    text = layout(client, referrer)
    assert "scorecard-table" not in text
    assert "pathname" not in location(text)
