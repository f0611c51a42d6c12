"""The download links the pages offer resolve: every chart PNG/SVG, data CSV/XLSX, the embed
view and the committee pack, on the indicator, map, ward profile, London, demand and
scorecard pages, served by the app that create_app builds (no extra wiring); and the links
name their chart and keep the page's choices."""

from __future__ import annotations

import pytest

from tests.conftest import make_dashboard_app

QUERY = "?period=2016-17-Q3&area=E09000016"


def _hrefs(component) -> list[str]:
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
        expected = {
            "image/png",
            "image/svg+xml",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "text/html",
        }
    elif kind == "map":
        from dashboards.ward_map import map_downloads

        links = _download_links(map_downloads("?measure=crime&period=2016-17-Q3&span=quarter&view=count"))
        words = [t for _, t in links]
        assert {"Download PNG of the ward map", "Download data (XLSX) behind the ward map"} <= set(words), words
        hrefs = _hrefs(map_downloads("?measure=crime&period=2016-17-Q3&span=quarter&view=count"))
        assert any(h.startswith("/embed/map?") for h in hrefs)
        expected = {
            "image/png",
            "image/svg+xml",
            "text/csv",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "text/html",
        }
    else:
        from dashboards.scorecard import pack_downloads
        from views.data import resolve

        hrefs = [
            h
            for h in _hrefs(pack_downloads(resolve(demo_database_url, "E09000016", "2016-17-Q3", "E09000016")))
            if "pack.html" in h
        ]
        expected = {"text/html"}
    assert hrefs
    client = app.server.test_client()
    seen = set()
    for href in hrefs:
        response = client.get(href, follow_redirects=True)  # built outside a request: the old address, redirected
        assert response.status_code == 200, (href, response.get_data(as_text=True)[:200])
        assert len(response.data) > (150 if "table=" in href else 500)  # one chart's table is small
        seen.add(response.mimetype)
    assert seen == expected


def test_export_links_offer_only_the_charts_the_page_draws(demo_database_url):
    from dashboards.indicator import chart_downloads
    from rules.periods import Quarter
    from store.db import get_engine, session_scope
    from store.queries import indicator_detail
    from views.wording import chart_names

    with session_scope(get_engine(demo_database_url)) as session:
        detail = indicator_detail(session, "CSP2", Quarter.parse("2016-17-Q3"), "E09000016")
    assert chart_names(detail) == ("trend", "ytd")
    hrefs = _hrefs(chart_downloads("CSP2", QUERY, chart_names(detail)))
    assert not any("kind=comparator" in h or "kind=monthly" in h for h in hrefs)
    assert sum("/export/chart/" in h for h in hrefs) == 4


# --- The ward profile, London, demand and scorecard pages: every chart offers PNG, SVG and
# its figures, with link text that names the chart, for the page's current choices. --------

PAGE_TYPES = {"image/png", "image/svg+xml", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _download_links(component) -> list[tuple[str, str]]:
    """(href, the link's full text, hidden words included) of every /export/ link."""
    from dash import html

    from tests.helpers import text, walk

    return [(a.href, text(a)) for a in walk(component) if isinstance(a, html.A) and str(a.href).startswith("/export/")]


def _render(app, name: str, *args, **query):
    import importlib

    module = importlib.import_module(f"dashboards.{name}")
    with app.server.test_request_context("/"):
        return module.page(*args) if args else module.layout(**query)


@pytest.mark.parametrize("name", ["ward_profile", "london", "demand", "scorecard"])
def test_export_links_on_the_other_pages_are_served(demo_database_url, export_chromium, name):
    app = make_dashboard_app(demo_database_url)
    map_query = {"measure": "crime", "period": "2016-17-Q3", "span": "quarter", "view": "count"}
    if name == "ward_profile":
        links = _download_links(_render(app, name, demo_database_url, "E09000016", "E05000306", map_query))
        charts = (
            "the map of where Brooklands ward is",
            "the all crime and anti-social behaviour chart",
            "the crime category charts, as one image",
        )
        assert {kind for href, _ in links for kind in ("locator", "trend", "categories") if f"kind={kind}" in href} == {
            "locator",
            "trend",
            "categories",
        }
        assert "Download data (CSV) behind the crime category charts" in [t for _, t in links]  # a file of figures, not an image
    elif name == "london":
        links = _download_links(_render(app, name, demo_database_url, "E09000016", map_query))
        charts = ("the tile map of London's boroughs",)  # no borough outlines in the demo: no second map
    elif name == "demand":
        links = _download_links(_render(app, name, period="2016-17-Q3", area="E09000016"))
        charts = ("all the demand charts, as one image", "the Domestic abuse incidents reported to police chart")
        assert sum("indicator=" in href for href, _ in links) == 10  # PNG and SVG of each of the five charts
    else:
        links = _download_links(_render(app, name, period="2016-17-Q3", area="E09000016"))
        charts = ("the summary chart of ratings",)
        links = [(h, t) for h, t in links if "/export/pack." not in h]
    words = [t for _, t in links]
    for chart in charts:
        assert f"Download PNG of {chart}" in words and f"Download SVG of {chart}" in words, (chart, words)
    assert any(t.startswith("Download data (CSV) behind ") for t in words) and any(
        t.startswith("Download data (XLSX) behind ") for t in words
    )
    assert all("period=2016-17-Q3" in href for href, _ in links)
    client = app.server.test_client()
    seen = set()
    for href in dict.fromkeys(h for h, _ in links):
        response = client.get(href, follow_redirects=True)
        assert response.status_code == 200, (href, response.get_data(as_text=True)[:200])
        assert len(response.data) > 200 and response.headers["Content-Disposition"].startswith("attachment; filename=")
        seen.add(response.mimetype)
    assert seen == PAGE_TYPES


def test_export_links_follow_the_pages_choices(demo_database_url):
    """The links carry the page's own query, so the file is what the reader is looking at."""
    app = make_dashboard_app(demo_database_url)
    ward = _download_links(
        _render(
            app,
            "ward_profile",
            demo_database_url,
            "E09000016",
            "E05000306",
            {"measure": "asb", "period": "2016-17-Q2", "view": "change"},
        )
    )
    assert ward and all("measure=asb&period=2016-17-Q2&span=quarter&view=change" in h for h, _ in ward)
    london = _download_links(
        _render(app, "london", demo_database_url, "E09000016", {"measure": "crime", "span": "ytd", "period": "2016-17-Q2"})
    )
    assert london and all("period=2016-17-Q2&span=ytd&view=change" in h for h, _ in london)  # no population: change, as the page
    demand = _download_links(_render(app, "demand", period="2016-17-Q2", area="E05000319"))
    assert demand and all("period=2016-17-Q2&area=E05000319" in h for h, _ in demand)
    # A ward holds no borough-wide returns: those panels draw no chart and offer none.
    assert not any("indicator=DP2" in h for h, _ in demand) and any("indicator=DP1" in h for h, _ in demand)
    # (a ward without ward targets has nothing rated, so no summary chart: use the borough)
    summary = _download_links(_render(app, "scorecard", period="2016-17-Q2", area="E09000016"))
    assert any(h.startswith("/export/summary.png?period=2016-17-Q2&area=E09000016") for h, _ in summary)
