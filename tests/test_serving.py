"""Running it for real: health check, security headers, compression, request-size caps, the
shared cache and its data version, limits on expensive downloads, and the real multi-process
server (gunicorn) sharing a session key and session revocation across workers."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime, timedelta

import brotli
import pytest
import requests
from sqlalchemy import select, text

from loaders.reading import Source
from loaders.registry import run_load
from store.data_version import data_version, versions
from store.db import session_scope
from store.schema import head_revision
from store.users import set_password, set_role
from tests.conftest import WEB_PASSWORD, add_web_user, callback_body, make_web_app, web_sign_in
from tests.serve_process import served
from web.serving.exports import Slots
from web.serving.gunicorn_server import default_workers

MARAC_CSV = b"area_code,quarter,cases_discussed,repeat_cases\nE09000016,2017-18-Q1,50,12\n"


@pytest.fixture
def run_cli(database_url, monkeypatch):
    from click.testing import CliRunner

    from cli.main import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    return lambda *args: CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def web(demo_engine, database_url):
    add_web_user(demo_engine, "priya", "analyst")
    add_web_user(demo_engine, "vic", "viewer")
    return make_web_app(database_url)


def upload_check_body(app) -> dict:
    import base64

    contents = "data:text/csv;base64," + base64.b64encode(MARAC_CSV).decode()
    return callback_body(app, "upload-check.children", {"upload-file.contents": contents, "upload-kind-value.data": "marac"},
                         {"upload-file.filename": "marac.csv"})  # fmt: skip


# ----- /healthz ---------------------------------------------------------------------------------


def test_serving_healthz_names_the_schema_revision(web):
    response = web.server.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "schema": head_revision()}


def test_serving_healthz_is_503_when_the_schema_is_behind(web, demo_engine):
    with demo_engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    response = web.server.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert (body["status"], body["database"], body["schema"]) == ("unavailable", "ok", "0003")
    assert "cspdash init-db" in body["message"]


def test_serving_healthz_is_503_when_the_database_is_unreachable():
    app = make_web_app("postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2")
    response = app.server.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


# ----- headers ------------------------------------------------------------------------------------


def _directives(policy: str) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2] for part in policy.split(";")}


def test_serving_security_headers_on_pages(web):
    client = web.server.test_client()
    for path in ("/", "/login", "/healthz", "/p/E09000016/export/data/CSP1.csv?period=2016-17-Q3"):
        response = client.get(path)
        headers = response.headers
        policy = _directives(headers["Content-Security-Policy"])
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"], path
        assert policy["frame-ancestors"] == "'none'" and headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP: HSTS would lock people out
        assert "Server" not in headers
    page = client.get("/p/E09000016/")
    # Every inline script Dash writes is allowed by its hash, and no other.
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", page.get_data(as_text=True), re.S)
    assert inline, "Dash writes its renderer inline"
    import base64
    import hashlib

    allowed = _directives(page.headers["Content-Security-Policy"])["script-src"]
    for script in inline:
        assert "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'" in allowed


def test_serving_embeds_are_framable_only_by_the_configured_origins(demo_engine, database_url):
    app = make_web_app(database_url, CSPDASH_EMBED_ORIGINS="https://www.havering.gov.uk https://intranet.example",
                       CSPDASH_SECURE_COOKIES="true")  # fmt: skip
    client = app.server.test_client()
    embed = client.get("/p/E09000016/embed/indicator/CSP1?period=2016-17-Q3")
    assert embed.status_code == 200
    policy = _directives(embed.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == "https://www.havering.gov.uk https://intranet.example"
    assert "X-Frame-Options" not in embed.headers
    # The chart's own script runs by this response's nonce, not by allowing inline script.
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", embed.get_data(as_text=True), re.S)
    assert all(f'nonce="{nonce}"' in attrs or "src=" in attrs for attrs, body in scripts if body.strip())
    page = client.get("/p/E09000016/")
    assert _directives(page.headers["Content-Security-Policy"])["frame-ancestors"] == "'none'"
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")


# ----- compression --------------------------------------------------------------------------------


def test_serving_bundles_and_answers_are_compressed(web):
    client = web.server.test_client()
    page = client.get("/p/E09000016/").get_data(as_text=True)
    bundle = re.search(r'src="(/_dash-component-suites/plotly/[^"]+\.js)"', page) or re.search(
        r'src="(/_dash-component-suites/[^"]+\.js)"', page
    )
    url = bundle.group(1)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.get_data()) == plain.get_data()
    assert len(br.get_data()) < len(plain.get_data()) / 2
    assert "max-age" in br.headers.get("Cache-Control", "")  # fingerprinted: cached for long
    again = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert again.get_data() == br.get_data()  # compressed once, kept
    gz = client.get("/p/E09000016/export/data/CSP1.csv?period=2016-17-Q3", headers={"Accept-Encoding": "gzip"})
    if gz.headers.get("Content-Encoding"):
        assert gzip.decompress(gz.get_data()).startswith(b"")
    html_page = client.get("/p/E09000016/", headers={"Accept-Encoding": "gzip"})
    assert html_page.headers["Content-Encoding"] == "gzip"
    assert b"<!DOCTYPE html>" in gzip.decompress(html_page.get_data())


# ----- request bodies and endpoints --------------------------------------------------------------


def test_serving_anonymous_bodies_are_capped_before_they_are_read(web):
    client = web.server.test_client()
    big = b'{"output": "upload-check.children", "padding": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    assert client.post("/_dash-update-component", data=big, content_type="application/json").status_code == 413
    assert client.post("/login", data=big, content_type="application/x-www-form-urlencoded").status_code == 413
    web_sign_in(client, "vic")  # a viewer may not upload either
    assert client.post("/_dash-update-component", data=big, content_type="application/json").status_code == 413


def test_serving_private_reading_refuses_anonymous_callbacks_unread(demo_engine, database_url):
    app = make_web_app(database_url, CSPDASH_PUBLIC_READ="false")
    big = b'{"output": "scorecard-body.children", "padding": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    response = app.server.test_client().post("/_dash-update-component", data=big, content_type="application/json")
    assert response.status_code == 403  # not 413: refused before the body was looked at


def test_serving_behind_a_proxy_the_client_address_is_throttled(demo_engine, database_url):
    from store import throttle

    app = make_web_app(database_url, CSPDASH_PROXY_COUNT="1")
    client = app.server.test_client()
    for i in range(3):
        client.environ_base = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
        web_sign_in(client, f"someone{i}", "not-the-password")
    with session_scope(demo_engine) as session:
        row = session.get(throttle.SignInThrottle, throttle.address_key("203.0.113.7"))
        assert row is not None and row.failures == 3  # the client's address, not the proxy's


def test_serving_an_analyst_may_send_an_upload_sized_body(web):
    client = web.server.test_client()
    web_sign_in(client, "priya")
    import base64

    rows = b"area_code,quarter,cases_discussed,repeat_cases\n" + b"E09000016,2017-18-Q1,50,12\n" + b"\n" * (2 * 1024 * 1024)
    body = upload_check_body(web)
    body["inputs"][0]["value"] = "data:text/csv;base64," + base64.b64encode(rows).decode()
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "path"), [("POST", "/_mcp"), ("GET", "/_mcp"), ("DELETE", "/_mcp"), ("PUT", "/_dash-update-component"),
                                              ("POST", "/"), ("POST", "/p/E09000016/export/pack.pdf"), ("DELETE", "/login")])  # fmt: skip
def test_serving_other_endpoints_refuse_writes(web, method, path):
    response = web.server.test_client().open(path, method=method, json={"tool": "x"})
    assert response.status_code in (404, 405)
    assert not any(rule.rule.startswith("/_mcp") for rule in web.server.url_map.iter_rules())


# ----- sessions and sign-in ------------------------------------------------------------------------


def test_serving_login_page_tells_a_signed_in_user_who_they_are(web):
    client = web.server.test_client()
    web_sign_in(client, "priya")
    page = client.get("/login").get_data(as_text=True)
    assert "You are signed in as <strong>priya</strong> (analyst)." in page
    assert '<form method="post" action="/logout"><button class="button" type="submit">Sign out</button></form>' in page
    assert client.post("/logout").status_code == 302
    assert "User name" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("change", ["sign-out", "password", "role", "sign-out elsewhere"])
def test_serving_a_kept_cookie_is_refused_after_the_session_ends(web, demo_engine, change):
    client = web.server.test_client()
    web_sign_in(client, "priya")
    body = upload_check_body(web)
    assert client.post("/_dash-update-component", json=body).status_code == 200
    kept = client.get_cookie("cspdash_session").value
    if change == "sign-out":
        client.post("/logout")
    elif change == "sign-out elsewhere":  # signing out on one device ends the others too
        other = web.server.test_client()
        web_sign_in(other, "priya")
        other.post("/logout")
    else:
        with session_scope(demo_engine) as session:
            set_password(session, "priya", "a brand new passphrase") if change == "password" else set_role(
                session, "priya", "admin"
            )
    thief = web.server.test_client()
    thief.set_cookie("cspdash_session", kept)
    response = thief.post("/_dash-update-component", json=body)
    assert response.status_code == 403
    assert "Signed in as" not in thief.get("/login").get_data(as_text=True)


def _fail(client, name: str, times: int) -> list:
    return [web_sign_in(client, name, "not-the-password") for _ in range(times)]


def test_serving_sign_in_slows_down_after_failures(web):
    client = web.server.test_client()
    assert [r.status_code for r in _fail(client, "priya", 3)] == [401, 401, 401]
    throttled = web_sign_in(client, "priya")  # even the right password must wait now
    assert throttled.status_code == 429
    # Two seconds after the third failure, rounded up; on a loaded machine a second may already
    # have gone by between the failure and this attempt.
    assert re.search(r"Please wait (2 seconds|1 second) and try again\.", throttled.get_data(as_text=True))


@pytest.mark.parametrize("name", ["priya", "nobody-at-all"])
def test_serving_lockout_reads_the_same_for_real_and_unknown_names_until_an_admin_clears_it(web, demo_engine, name, run_cli):
    from store import throttle

    now = datetime.now(UTC)
    with session_scope(demo_engine) as session:
        for i in range(throttle.USER_LIMIT):
            throttle.record_failure(session, [throttle.user_key(name)], now - timedelta(seconds=5 - i))
    client = web.server.test_client()
    refused = web_sign_in(client, name)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert (
        "There have been too many failed sign-ins. Please wait 15 minutes and try again. An administrator can lift this lock sooner."
        in page
    )
    assert "not right" not in page
    result = run_cli("users", "unlock")
    assert f"user:{name}" in result.output
    result = run_cli("users", "unlock", name.upper())
    assert result.exit_code == 0 and f"Sign-in lock lifted for user {name.upper()}." in result.output
    assert web_sign_in(client, name).status_code == (302 if name == "priya" else 401)


def test_serving_throttle_counts_per_address_too(engine):
    from store import throttle

    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        for i in range(throttle.ADDRESS_LIMIT):  # a different name each time, from one address
            key = [throttle.user_key(f"guess{i}"), throttle.address_key("203.0.113.9")]
            throttle.record_failure(session, key, start + timedelta(minutes=i * 0.5))
    later = start + timedelta(minutes=throttle.ADDRESS_LIMIT * 0.5)
    with session_scope(engine) as session:
        verdict = throttle.check(session, [throttle.user_key("fresh"), throttle.address_key("203.0.113.9")], later)
        assert not verdict.allowed and verdict.locked
        assert throttle.check(session, [throttle.user_key("fresh"), throttle.address_key("198.51.100.1")], later).allowed
        # The lock runs out by itself after 15 minutes, and old failures are forgotten.
        assert throttle.check(session, [throttle.address_key("203.0.113.9")], later + timedelta(minutes=16)).allowed
    with session_scope(engine) as session:  # a day on, the old counts are dropped as others come in
        throttle.record_failure(session, [throttle.user_key("someone")], later + timedelta(days=2))
        assert [row.key for row in session.scalars(select(throttle.SignInThrottle))] == ["user:someone"]


# ----- data version and the shared cache -----------------------------------------------------------


def _versions(engine, partnership: str | None = None) -> tuple[int, int]:
    """(shared, the partnership's own) data versions; None: the sum of every partnership's."""
    with session_scope(engine) as session:
        return versions(session, partnership)


def test_serving_loads_and_edits_bump_the_data_version_and_failures_do_not(engine, tmp_path):
    from loaders.errors import LoadError

    shared, own = _versions(engine)
    good = tmp_path / "areas.csv"
    good.write_text("area_code,area_name,level,parent_code\nE05999999,Test Ward,ward,E09000016\n")
    run_load(engine, "areas", Source.from_path(good), dry_run=True)
    assert _versions(engine) == (shared, own)  # a dry run stores nothing
    run_load(engine, "areas", Source.from_path(good))
    assert _versions(engine) == (shared + 1, own)  # areas are shared
    bad = tmp_path / "bad.csv"
    bad.write_text("area_code,area_name,level,parent_code\nE05999998,,ward,E09000016\n")
    with pytest.raises(LoadError):
        run_load(engine, "areas", Source.from_path(bad))
    assert _versions(engine) == (shared + 1, own)


def test_serving_web_edits_bump_the_partnership_s_data_version(demo_engine):
    from rules.periods import Quarter
    from store.edits import TargetKey, TargetValues, save_commentary, save_target

    shared, own = _versions(demo_engine, "E09000016")
    now = datetime.now(UTC)
    with session_scope(demo_engine) as session:
        assert save_target(
            session, TargetKey("CSP1", "2016-17", 3, None), TargetValues(1.0, None, None, 0.0, "abs"), "priya", now
        )
    assert _versions(demo_engine, "E09000016") == (shared, own + 1)  # the partnership's own: shared data unchanged
    with session_scope(demo_engine) as session:
        assert save_commentary(session, "CSP1", "E09000016", Quarter.parse("2016-17-Q3"), "Better.", "", "priya", now)
    assert _versions(demo_engine, "E09000016") == (shared, own + 2)
    with session_scope(demo_engine) as session:  # saving the same again changes nothing
        assert not save_commentary(session, "CSP1", "E09000016", Quarter.parse("2016-17-Q3"), "Better.", "", "priya", now)
    assert _versions(demo_engine, "E09000016") == (shared, own + 2)


@pytest.fixture
def redis_url():
    import redis

    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        from tests.conftest import skip_or_fail

        skip_or_fail(f"Redis at {url} is not reachable: {exc}")
    return url


def test_serving_shared_cache_in_redis_serves_repeats_until_the_data_changes(web, demo_engine, database_url, redis_url):
    import redis

    app = make_web_app(database_url, REDIS_URL=redis_url)
    body = callback_body(
        app, "_pages_content.children", {"_pages_location.pathname": "/", "_pages_location.search": "?period=2016-17-Q3"}
    )
    first = app.server.test_client().post("/_dash-update-component", json=body)
    assert first.status_code == 200
    store = redis.Redis.from_url(redis_url)
    cache = app.server.extensions["cspdash_cache"]
    keys = [k.decode() for k in store.keys("flask_cache_cspdash:*")]
    version = data_version(demo_engine)  # an old address: the shared version and every partnership's
    mine = [k for k in keys if f":v{version}:" in k]
    assert mine, keys
    # Another worker (another app on the same Redis) is answered from the cache: prove it
    # by planting a marker in the entry.
    entry = cache.get(mine[0].removeprefix("flask_cache_"))
    cache.set(mine[0].removeprefix("flask_cache_"), (b'{"marker": true}', entry[1]))
    other = make_web_app(database_url, REDIS_URL=redis_url)
    assert other.server.test_client().post("/_dash-update-component", json=body).get_json() == {"marker": True}
    # A signed-in user's answers are never taken from (or put in) the shared cache.
    client = other.server.test_client()
    web_sign_in(client, "vic")
    assert client.post("/_dash-update-component", json=body).get_json() != {"marker": True}
    # A load bumps the data version: the stale entry is never used again.
    run_load(demo_engine, "marac", Source.from_bytes("marac.csv", MARAC_CSV))
    fresh = other.server.test_client().post("/_dash-update-component", json=body)
    assert fresh.status_code == 200 and fresh.get_json() != {"marker": True}
    for key in store.keys("flask_cache_cspdash:*"):
        store.delete(key)


def test_serving_filesystem_cache_holds_exports_by_data_version(web, demo_engine, database_url, tmp_path):
    app = make_web_app(database_url, CSPDASH_DATA_DIR=str(tmp_path))
    client = app.server.test_client()
    url = "/p/E09000016/export/data/CSP1.csv?period=2016-17-Q3"
    first = client.get(url)
    assert first.status_code == 200
    assert any((tmp_path / "cache").iterdir())  # kept in the data folder
    assert client.get(url).get_data() == first.get_data()
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_serving_expensive_downloads_wait_for_a_free_slot(web, database_url, tmp_path):
    app = make_web_app(database_url, CSPDASH_DATA_DIR=str(tmp_path), CSPDASH_EXPORT_CONCURRENCY="1")
    app.server.config["CSPDASH_EXPORT_WAIT"] = 0.3
    slots = Slots(tmp_path / "run", 1)
    held = slots.try_acquire()  # another worker is making a pack
    assert held is not None
    try:
        busy = app.server.test_client().get("/p/E09000016/export/summary.xlsx?period=2016-17-Q3")
        assert busy.status_code == 503 and busy.headers["Retry-After"]
        assert "busy making other downloads" in busy.get_data(as_text=True)
        assert (
            app.server.test_client().get("/p/E09000016/export/data/CSP1.csv?period=2016-17-Q3").status_code == 200
        )  # cheap: no slot
    finally:
        Slots.release(held)
    assert app.server.test_client().get("/p/E09000016/export/summary.xlsx?period=2016-17-Q3").status_code == 200
    assert slots.try_acquire() is not None  # given back


def test_serving_default_workers_follow_the_cores_with_a_cap():
    assert default_workers(1) == 3 and default_workers(2) == 5 and default_workers(64) == 8


# ----- the real server: several gunicorn worker processes ------------------------------------------


def _fresh_login(base: str, name: str, password: str = WEB_PASSWORD) -> requests.Response:
    """Sign in through the form with a new connection per request, so the worker varies."""
    form = requests.get(base + "/login", headers={"Connection": "close"}, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    return requests.post(base + "/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"},
                         cookies=form.cookies, headers={"Connection": "close"}, allow_redirects=False, timeout=30)  # fmt: skip


def test_serving_gunicorn_workers_share_the_key_and_revocation(web, demo_engine, database_url, tmp_path):
    env = {"DATABASE_URL": database_url, "CSPDASH_DATA_DIR": str(tmp_path)}
    body = upload_check_body(web)
    with served(env, "--workers", "2", "--threads", "2") as base:
        health = requests.get(base + "/healthz", timeout=10)
        assert health.json()["schema"] == head_revision()
        assert health.headers.get("Server", "gunicorn") == "gunicorn"  # no version announced
        logins = [_fresh_login(base, "priya") for _ in range(10)]
        assert [r.status_code for r in logins] == [302] * 10  # no "form expired" between workers
        cookies = logins[-1].cookies
        answers = [requests.post(base + "/_dash-update-component", json=body, cookies=cookies,
                                 headers={"Connection": "close"}, timeout=60).status_code for _ in range(16)]  # fmt: skip
        assert answers == [200] * 16
        page = requests.get(base + "/", headers={"Accept-Encoding": "br"}, timeout=30)
        assert page.headers["Content-Encoding"] == "br"
    # A restart keeps the key: the cookie still works…
    with served(env, "--workers", "2") as base:

        def post() -> requests.Response:
            return requests.post(
                base + "/_dash-update-component", json=body, cookies=cookies, headers={"Connection": "close"}, timeout=60
            )

        assert post().status_code == 200
        # …until priya signs out (on whichever worker): every worker refuses it from then on.
        requests.post(base + "/logout", cookies=cookies, headers={"Connection": "close"}, timeout=30, allow_redirects=False)
        assert [post().status_code for _ in range(6)] == [403] * 6
