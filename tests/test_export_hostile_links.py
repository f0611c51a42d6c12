"""Crafted links cannot choose a download's name, smuggle a header or cause a 500; CSV headers
(area names, comparator labels) are neutralised like cells. Every export route, every
parameter it reads, with quotes, semicolons, CR/LF and NUL, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import quote

import pytest
from sqlalchemy import update

from tests.conftest import make_dashboard_app

BASE = {"period": "2016-17-Q3", "area": "E09000016"}
MAP = {"measure": "crime", "period": "2016-17-Q3", "span": "quarter", "view": "count", "classes": "quantiles"}
WARD = {"measure": "crime", "period": "2016-17-Q3", "span": "quarter", "view": "count"}
# Route -> the query it is normally asked with; every parameter is attacked in turn.
ROUTES = {
    "/p/E09000016/export/data/CSP1.csv": {**BASE, "table": "quarterly", "as": "", "version": ""},
    "/p/E09000016/export/data/CSP1.xlsx": {**BASE, "as": "", "version": ""},
    "/p/E09000016/export/map.csv": MAP,
    "/p/E09000016/export/map.xlsx": MAP,
    "/p/E09000016/export/london.csv": MAP,
    "/p/E09000016/export/ward/E05000306.csv": WARD,
    "/p/E09000016/export/demand.csv": {**BASE, "indicator": ""},
    "/p/E09000016/export/summary.csv": {**BASE, "as": "", "version": ""},
    "/p/E09000016/export/chart/CSP1.png": {**BASE, "kind": "trend", "as": "", "version": ""},
    "/p/E09000016/export/pack.html": {**BASE, "as": "", "version": ""},
    "/p/E09000016/embed/indicator/CSP1": BASE,
    "/p/E09000016/embed/map": MAP,
    "/api/v1/p/E09000016/scorecard": {**BASE, "format": "csv"},
}
ATTACKS = {
    "quotes and semicolons": "x\"; filename*=UTF-8''update.cmd; a=\"",
    "CR/LF": "x\r\nSet-Cookie: owned=1\r\nX-Evil: 1",
    "NUL": "x\x00update.cmd",
}
# RFC 6266, ASCII only and nothing the URL chose: the name and its UTF-8 form.
SAFE_DISPOSITION = re.compile(r"attachment; filename=\"[A-Za-z0-9._-]+\"; filename\*=UTF-8''[A-Za-z0-9._%-]+")


def _url(path: str, params: dict[str, str]) -> str:
    return path + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items() if v != "")


def _check(response, url: str) -> None:
    assert response.status_code in (200, 400, 404), (url, response.status_code, response.get_data(as_text=True)[:300])
    disposition = response.headers.get("Content-Disposition")
    if disposition is not None:
        assert SAFE_DISPOSITION.fullmatch(disposition), (url, disposition)
        assert "cmd" not in disposition and "Cookie" not in disposition, (url, disposition)
    assert "owned" not in response.headers.get("Set-Cookie", "") and "X-Evil" not in response.headers


@pytest.mark.browser  # the chart and the pack are drawn (kaleido's Chromium) for the attacks that are not refused
@pytest.mark.parametrize("attack", ATTACKS)
def test_export_hostile_links_choose_no_file_name_and_cause_no_500(demo_database_url: str, attack: str) -> None:
    app = make_dashboard_app(demo_database_url)
    client = app.server.test_client()
    payload = ATTACKS[attack]
    for path, normal in ROUTES.items():
        for name in normal:
            url = _url(path, {**normal, name: payload})
            response = client.get(url)
            _check(response, url)
            if attack == "NUL":
                assert response.status_code == 400, url
        # ... and in the path itself (an indicator or ward code)
        if "CSP1" in path or "E05000306" in path:
            url = _url(path.replace("CSP1", quote(payload, safe="")).replace("E05000306", quote(payload, safe="")), normal)
            _check(client.get(url), url)


def test_export_hostile_links_unknown_map_measure_is_refused(demo_database_url: str) -> None:
    """The report's link: before, Chromium saved the map's figures as ``update.cmd``."""
    client = make_dashboard_app(demo_database_url).server.test_client()
    for path in (
        "/p/E09000016/export/map.csv",
        "/p/E09000016/export/london.xlsx",
        "/p/E09000016/export/map.png",
        "/p/E09000016/embed/map",
    ):
        response = client.get(_url(path, {**MAP, "measure": "crime:x\"; filename*=UTF-8''update.cmd; a=\""}))
        assert response.status_code == 400, path
        assert "is not a measure we can map" in response.get_data(as_text=True)
    good = client.get(_url("/p/E09000016/export/map.csv", MAP))
    assert good.status_code == 200
    assert good.headers["Content-Disposition"] == (
        "attachment; filename=\"map-crime-2016-17-Q3-count.csv\"; filename*=UTF-8''map-crime-2016-17-Q3-count.csv"
    )


def test_export_hostile_links_api_and_exports_refuse_a_nul_with_400(demo_database_url: str) -> None:
    client = make_dashboard_app(demo_database_url).server.test_client()
    for url in (
        "/api/v1/p/E09000016/indicators/CSP1%00/series",
        "/api/v1/p/E09000016/areas?level=%00",
        "/p/E09000016/export/data/CSP1%00.csv",
        "/scorecard?period=%00",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "NUL" in response.get_data(as_text=True)


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_export_hostile_links_chart_table_headers_are_neutralised(demo_engine, database_url: str) -> None:
    """An area name and a comparator label are typed by people and reach the header row."""
    from store.models import Area, Indicator

    with demo_engine.begin() as conn:
        conn.execute(update(Indicator).where(Indicator.code == "CSP1").values(comparator_label="@SUM(A1:A9)"))
        conn.execute(update(Area).where(Area.code == "E09000016").values(name='=HYPERLINK("http://x","y")'))
    client = make_dashboard_app(database_url).server.test_client()
    headers = {}
    for table in ("comparator", "monthly", "quarterly"):
        response = client.get(_url("/p/E09000016/export/data/CSP1.csv", {**BASE, "table": table}))
        assert response.status_code == 200, table
        headers[table] = _csv_rows(response.data)[0]
    assert headers["comparator"][1:] == [
        '\'=HYPERLINK("http://x","y"): change on a year earlier',
        "'@SUM(A1:A9): change on a year earlier",
    ]
    for row in headers.values():
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


def test_export_hostile_links_a_nul_in_the_sign_in_form_is_400(demo_database_url: str) -> None:
    import re as _re

    client = make_dashboard_app(demo_database_url).server.test_client()
    token = _re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"name": "pri\x00ya", "password": "x", "csrf_token": token, "next": "/"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
