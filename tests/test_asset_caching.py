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


def test_asset_caching_every_app_in_a_process_compresses_a_bundle_once(demo_database_url: str, monkeypatch) -> None:
    """A process that builds its app again (a test process builds hundreds) does not compress
    plotly.js again: the compressed bundles are kept per process, by address."""
    import flask_compress.flask_compress as compress

    compressed: list[int] = []
    real = compress.brotli.compress
    monkeypatch.setattr(compress.brotli, "compress", lambda data, **kw: compressed.append(len(data)) or real(data, **kw))
    bodies = []
    for _ in range(2):
        app = make_dashboard_app(demo_database_url).server.test_client()
        page = app.get("/p/E09000016/").get_data(as_text=True)
        url = next(u for u in re.findall(r'src="(/assets/[^"]+\?m=[^"]+)"', page) if "plotly-cspdash.min.js" in u)
        response = app.get(url, headers={"Accept-Encoding": "br"})
        assert response.headers["Content-Encoding"] == "br"
        bodies.append(response.get_data())
    # Once at most (none if an earlier test of this process asked for it first).
    assert len([n for n in compressed if n > 1_000_000]) <= 1, "plotly.js compressed again for a second app"
    assert bodies[0] == bodies[1]
