"""Shared fixtures: real SQLite and real PostgreSQL databases, the demo dataset, the shared
real-data folder. Skips (no PostgreSQL, no ../shared, no Chromium) become failures when
CI=true, so CI can never pass by skipping."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from demo.load import load_demo
from store.db import get_engine, normalise_url
from store.schema import upgrade

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
DEMO_DIR = REPO / "data" / "demo"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip on a developer laptop; in CI a missing prerequisite is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: prerequisites must be present)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        skip_or_fail(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


def _postgres_base_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_url(url) if url else None


# Databases are cloned from templates built once per test process: a migrated one and one holding
# the demo. Building them per test (migrations 0.6-1 s, the demo load about 5 s) was most of the
# suite's time; a clone is a file copy on SQLite and ``CREATE DATABASE … TEMPLATE`` on PostgreSQL.
# A test asks for a kind through the fixtures it uses: ``demo_engine`` gets the demo, ``engine``
# the migrated schema, ``database_url`` alone an empty database (migration tests need one).
EMPTY, MIGRATED, DEMO = "empty", "migrated", "demo"
_RUN = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:6]}"
_templates: dict[tuple[str, str], str] = {}
_pg_databases_to_drop: list[str] = []


def _build(engine: Engine, kind: str) -> None:
    upgrade(engine)
    if kind == DEMO:
        load_demo(engine)
    engine.dispose()
    get_engine.cache_clear()


def _sqlite_template(kind: str, folder: Path) -> str:
    key = ("sqlite", kind)
    if key not in _templates:
        folder.mkdir(exist_ok=True)
        path = folder / f"template-{kind}.db"
        _build(get_engine(f"sqlite:///{path}"), kind)
        _templates[key] = str(path)
    return _templates[key]


def _pg_admin(base: str) -> Engine:
    return create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _pg_url(base: str, database: str) -> str:
    return make_url(base).set(database=database).render_as_string(hide_password=False)


def _pg_create(base: str, name: str, template: str | None = None) -> None:
    admin = _pg_admin(base)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    except Exception as exc:  # any connection failure means no PostgreSQL here
        skip_or_fail(f"PostgreSQL at {base} is not reachable: {exc}")
    finally:
        admin.dispose()


def _pg_template(base: str, kind: str) -> str:
    key = ("postgresql", kind)
    if key not in _templates:
        name = f"tmpl_{_RUN}_{kind}"
        _pg_create(base, name)
        _pg_databases_to_drop.append(name)
        _build(get_engine(_pg_url(base, name)), kind)
        _templates[key] = name
    return _templates[key]


def _pg_drop(base: str, names: list[str]) -> None:
    admin = _pg_admin(base)
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def pytest_sessionfinish(session: pytest.Session) -> None:
    base = _postgres_base_url()
    if base and _pg_databases_to_drop:
        _pg_drop(base, _pg_databases_to_drop)


def _fresh_url(backend: str, tmp_path: Path, kind: str = EMPTY) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / "cspdash-test.db"
        if kind != EMPTY:
            shutil.copyfile(_sqlite_template(kind, tmp_path.parent / "templates"), path)
        yield f"sqlite:///{path}"
        return
    base = _postgres_base_url()
    if not base:
        skip_or_fail("TEST_DATABASE_URL is not set, so PostgreSQL tests cannot run")
    template = _pg_template(base, kind) if kind != EMPTY else None
    name = f"t_{_RUN}_{uuid.uuid4().hex[:8]}"
    _pg_create(base, name, template)
    # Each test gets its own database: real PostgreSQL, no cross-test leakage. Dropping one can
    # wait for a checkpoint, so they are dropped together at the end of the session.
    _pg_databases_to_drop.append(name)
    url = _pg_url(base, name)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        get_engine.cache_clear()


def _kind_for(request: pytest.FixtureRequest) -> str:
    names = set(request.fixturenames)
    return DEMO if "demo_engine" in names else MIGRATED if "engine" in names else EMPTY


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a brand-new database on each backend: empty, or cloned from the migrated or demo
    template when the test uses ``engine`` or ``demo_engine``."""
    yield from _fresh_url(request.param, tmp_path, _kind_for(request))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A database with the current schema and reference areas, nothing else."""
    eng = get_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """A database holding the bundled Havering demo."""
    return engine


def table_counts(eng: Engine) -> dict[str, int]:
    """Row counts of every data table: compare before and after a failed load."""
    tables = [
        "area",
        "upload",
        "crime_count",
        "asb_count",
        "marac_return",
        "indicator",
        "target",
        "indicator_value",
        "commentary",
    ]
    with eng.connect() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in tables}


# --- Geography (issue 4) ----------------------------------------------------------------
GEO_TABLES = ["area_boundary", "lsoa_ward", "population"]
WARDS_2018 = "boundaries/london_wards_2018_wgs84_simplified5m.geojson"
WARDS_2022 = "boundaries/wards_2022_havering_bd_redbridge_wgs84.geojson"


def geo_table_counts(eng: Engine) -> dict[str, int]:
    """``table_counts`` plus the geography tables: a failed geographic load changes none."""
    with eng.connect() as conn:
        extra = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in GEO_TABLES}
    return {**table_counts(eng), **extra}


@pytest.fixture
def wards_2018_engine(engine: Engine, shared_data: Path) -> Engine:
    """A database holding the real 2018 London ward boundaries (657 wards, vintage 2018)."""
    from loaders.reading import Source
    from loaders.registry import run_load

    run_load(engine, "boundaries", Source.from_path(shared_data / WARDS_2018))
    return engine


# ----- The web app with sign-in and roles (test_access, test_upload_page, test_targets_page) -----

WEB_PASSWORD = "correct-horse-battery"


def reset_dash_pages() -> None:
    """Dash keeps pages and ``dash.callback`` registrations in module globals; clear them before
    building another app, as Dash's own test suite does."""
    import dash._callback
    import dash._pages

    dash._pages.PAGE_REGISTRY.clear()
    dash._pages.CONFIG.clear()
    dash._pages.CONFIG.__dict__.clear()
    dash._callback.GLOBAL_CALLBACK_LIST.clear()
    dash._callback.GLOBAL_CALLBACK_MAP.clear()
    dash._callback.GLOBAL_INLINE_SCRIPTS.clear()


def make_web_app(database_url: str, **env: str):
    """A fresh Dash app on ``database_url``; ``env`` adds CSPDASH_* settings.

    Readers see drafts here (CSPDASH_SHOW_DRAFTS=true) unless a test says otherwise: the demo
    fixtures publish nothing (publishing makes a pack, about 15 s), and most page tests read
    the demo's draft figures as a reader. tests/test_published_first.py covers readers who see
    published quarters only (the setting's default)."""
    import tempfile

    from app import create_app
    from settings import Settings

    reset_dash_pages()
    values = {
        "DATABASE_URL": database_url, "CSPDASH_SECRET_KEY": "test-secret-" + "x" * 32,
        "CSPDASH_DATA_DIR": tempfile.mkdtemp(prefix="cspdash-data-"), "CSPDASH_SHOW_DRAFTS": "true", **env,
    }  # fmt: skip
    return create_app(Settings.from_env(values))


def add_web_user(eng: Engine, name: str, role: str, password: str = WEB_PASSWORD) -> None:
    from store.db import session_scope
    from store.users import add_user

    with session_scope(eng) as session:
        add_user(session, name, password, role, by="test")


def web_sign_in(client, name: str, password: str = WEB_PASSWORD, next_path: str = "/"):
    """Sign in through the real form (fetching its anti-forgery token first); returns the response."""
    import re

    page = client.get(f"/login?next={next_path}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": next_path})


def callback_body(
    app, output_part: str, inputs: dict[str, object], state: dict[str, object] | None = None, *, duplicate: bool = False
) -> dict:
    """The JSON the browser posts to /_dash-update-component for the callback writing
    ``output_part`` (e.g. "upload-check.children"; ``duplicate`` for an allow_duplicate
    output), with inputs and state given as {"id.prop": value}."""
    # Dash copies the pages' callbacks into app.callback_map on its first request.
    app.server.test_client().get("/_dash-dependencies")

    def parts(key: str) -> list[str]:
        return key[2:-2].split("...") if key.startswith("..") else [key]

    output = next(
        (k for k in app.callback_map if any(p.split("@")[0] == output_part and ("@" in p) == duplicate for p in parts(k))),
        None,
    )
    if output is None:
        raise LookupError(f"no callback writes {output_part}")

    def props(values: dict[str, object]) -> list[dict[str, object]]:
        return [{"id": key.rsplit(".", 1)[0], "property": key.rsplit(".", 1)[1], "value": v} for key, v in values.items()]

    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts(output)]
    return {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": props(inputs),
        "changedPropIds": [next(iter(inputs))],
        "state": props(state or {}),
    }


# --- Read-only dashboard pages (scorecard, indicator, demand) --------------------------------


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def demo_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a database holding the demo, built once per backend per session. Only for
    tests that read: the dashboard pages and the browser journeys."""
    folder = tmp_path_factory.mktemp(f"demo-{request.param}")
    yield from _fresh_url(request.param, folder, DEMO)


def make_dashboard_app(database_url: str, **env: str):
    """``make_web_app`` and its first request, so this app claims the pages' callbacks now,
    before any other test builds an app and re-registers them."""
    app = make_web_app(database_url, **env)
    app.server.test_client().get("/_dash-dependencies")
    return app


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def serve_in_thread(server_app) -> Iterator[str]:
    """Serve a Flask app on a free local port in a background thread; yield its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def web_live(demo_engine, database_url):
    """The real app (demo data, an analyst "priya") served on a free local port in a thread;
    yields its base URL."""
    add_web_user(demo_engine, "priya", "analyst")
    with serve_in_thread(make_web_app(database_url).server) as base_url:
        yield base_url


@pytest.fixture
def web_browser():
    """A headless Chromium page; ``page.console_errors`` collects console errors and page errors."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed, so browser tests cannot run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        # The tests' own probes (wait_for_function) are evaluated as strings, which the app's
        # Content-Security-Policy forbids; test_browser_csp checks the pages without this.
        page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.console_errors = errors  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            browser.close()


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def serious_axe_violations(page) -> list[str]:
    """axe-core's serious and critical findings for the page as it is now (skips without axe)."""
    if not AXE.exists():
        skip_or_fail(f"{AXE} is missing: run `npm install --no-save axe-core`")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join('; ')}`)"""
    )


# --- Exports: committee packs, chart images, downloads, embeds (issue 5) ---------------------


@pytest.fixture(scope="session")
def export_chromium() -> Path:
    """The system Chromium that kaleido (chart images) and the PDF printer drive."""
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is not installed, so chart images and PDFs cannot be made")
    return CHROMIUM


def make_export_app(database_url: str, **env: str):
    """The app with its /export/… and /embed/… routes (create_app registers them)."""
    return make_web_app(database_url, **env)


# --- Maps: /map, /london, /ward/<code> (issue 4) -----------------------------------------------


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def demo_2018_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> Iterator[str]:
    """The demo plus the real 2018 London ward boundaries (657 wards; Havering's codes match
    the demo's), built once per backend per session. Only for tests that read."""
    from loaders.reading import Source
    from loaders.registry import run_load

    folder = tmp_path_factory.mktemp(f"demo-2018-{request.param}")
    for url in _fresh_url(request.param, folder, DEMO):
        run_load(get_engine(url), "boundaries", Source.from_path(shared_data / WARDS_2018))
        yield url


# --- What each test needs: `make test-fast` runs those that need neither a database nor a browser ---

DATABASE_FIXTURES = {"database_url", "engine", "demo_engine", "demo_database_url", "demo_2018_database_url", "wards_2018_engine"}
BROWSER_FIXTURES = {"web_browser", "export_chromium", "chromium_page"}
_BROWSER_SOURCE = re.compile(r"sync_playwright|kaleido|CHROMIUM|soffice")
_WEB_SOURCE = re.compile(r"make_(?:web|dashboard|export)_app\(|create_app\(|serve_process|served\(")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test ``db``, ``web`` and/or ``browser`` by the fixtures it uses and what its
    module drives, so the fast group (rules and workflow on plain values) is simply the rest."""
    sources: dict[Path, str] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path not in sources:
            sources[path] = path.read_text(encoding="utf-8")
        names = set(getattr(item, "fixturenames", ()))
        if names & DATABASE_FIXTURES:
            item.add_marker(pytest.mark.db)
        if _WEB_SOURCE.search(sources[path]):
            item.add_marker(pytest.mark.web)
        if item.get_closest_marker("browser") or names & BROWSER_FIXTURES or _BROWSER_SOURCE.search(sources[path]):
            item.add_marker(pytest.mark.browser)
