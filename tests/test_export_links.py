"""The download links the pages offer resolve: every chart PNG/SVG, data CSV/XLSX, the embed
view and the committee pack, served by the app that create_app builds (no extra wiring)."""

from __future__ import annotations

import pytest

from tests.conftest import make_dashboard_app

QUERY = "?period=2016-17-Q3&area=E09000016"


def _hrefs(component) -> list[str]:  # noqa: ANN001
    found = []
    href = getattr(component, "href", None)
    if href:
        found.append(href)
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            found += _hrefs(child)
    elif children is not None and not isinstance(children, str):
        found += _hrefs(children)
    return found


@pytest.mark.parametrize("kind", ["indicator", "scorecard", "map"])
def test_export_links_on_pages_are_served(demo_database_url, export_chromium, kind):
    app = make_dashboard_app(demo_database_url)
    if kind == "indicator":
        from dashboards.indicator import chart_downloads

        hrefs = _hrefs(chart_downloads("CSP1", QUERY, ("trend", "ytd", "comparator", "monthly")))
        assert sum("kind=comparator" in h for h in hrefs) == 2 and sum("kind=monthly" in h for h in hrefs) == 2
        expected = {"image/png", "image/svg+xml", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/html"}
    elif kind == "map":
        from dashboards.ward_map import map_downloads

        hrefs = _hrefs(map_downloads("?measure=crime&period=2016-17-Q3&span=quarter&view=count"))
        assert any(h.startswith("/embed/map?") for h in hrefs)
        expected = {"image/png", "image/svg+xml", "text/html"}
    else:
        from dashboards.data import resolve
        from dashboards.scorecard import pack_downloads

        hrefs = [h for h in _hrefs(pack_downloads(resolve(demo_database_url, "E09000016", "2016-17-Q3", "E09000016"))) if "pack.html" in h]
        expected = {"text/html"}
    assert hrefs
    client = app.server.test_client()
    seen = set()
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200, (href, response.get_data(as_text=True)[:200])
        assert len(response.data) > 500
        seen.add(response.mimetype)
    assert seen <= expected and seen


def test_export_links_offer_only_the_charts_the_page_draws(demo_database_url):  # noqa: ANN001
    from dashboards.indicator import chart_downloads
    from dashboards.wording import chart_names
    from rag.periods import Quarter
    from store.db import get_engine, session_scope
    from store.queries import indicator_detail

    with session_scope(get_engine(demo_database_url)) as session:
        detail = indicator_detail(session, "CSP2", Quarter.parse("2016-17-Q3"), "E09000016")
    assert chart_names(detail) == ("trend", "ytd")
    hrefs = _hrefs(chart_downloads("CSP2", QUERY, chart_names(detail)))
    assert not any("kind=comparator" in h or "kind=monthly" in h for h in hrefs)
    assert sum("/export/chart/" in h for h in hrefs) == 4
