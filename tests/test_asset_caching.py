"""The app's own files (stylesheets, scripts, the slimmed plotly.js), linked by Dash with their
modification time (``/assets/…?m=…``), are kept by browsers for a year and compressed once per
process; a conditional request is answered 304. A repeat visit downloads none of them (it used
to fetch plotly.js again every time: the compressed validator never matched)."""

from __future__ import annotations

import re

import brotli
import pytest

from tests.conftest import make_dashboard_app


@pytest.fixture(scope="module")
def client(demo_database_url: str):
    return make_dashboard_app(demo_database_url).server.test_client()


def test_asset_caching_fingerprinted_files_are_kept_for_a_year(client) -> None:
    page = client.get("/p/E09000016/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/assets/[^"]+\?m=[^"]+)"', page)
    assert any("plotly-cspdash.min.js" in u for u in urls) and any(u.split("?")[0].endswith(".css") for u in urls)
    for url in urls:
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and plain.get_data(), url
        first = client.get(url, headers={"Accept-Encoding": "br"})
        cache = first.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache and "no-cache" not in cache, url
        if first.headers.get("Content-Encoding") == "br":
            assert brotli.decompress(first.get_data()) == plain.get_data(), url
            assert client.get(url, headers={"Accept-Encoding": "br"}).get_data() == first.get_data()  # compressed once, kept
        again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and not again.get_data(), url


def test_asset_caching_an_address_without_its_fingerprint_is_checked_each_time(client) -> None:
    response = client.get("/assets/cspdash.css", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert "max-age=31536000" not in response.headers.get("Cache-Control", "")
