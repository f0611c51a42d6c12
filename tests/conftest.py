"""Shared fixtures: real SQLite and real PostgreSQL databases, the demo dataset, the shared
real-data folder. Skips (no PostgreSQL, no ../shared, no Chromium) become failures when
CI=true, so CI can never pass by skipping."""

from __future__ import annotations

import os
import queue
import re
import shutil
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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
DATABASE_FIXTURES: set[str] = set()  # fixtures giving a test a database (marks it ``db``; filled below)
_pg_databases_to_drop: list[str] = []


# Further kinds: another kind's template with something real loaded on top (the 2018 London
# wards, a module's real file, `cspdash demo` with its publication), built once per process the
# first time a test asks for it and then cloned per test like the others. A test asks for one
# through a fixture named when the kind is declared (``derived_template``).
_DERIVED: dict[str, tuple[str, Callable[[str], object]]] = {}
_filled: dict[tuple[str, str], object] = {}  # (kind, backend): what the template's fill returned
_KIND_OF_FIXTURE: dict[str, str] = {}


def derived_template(kind: str, base: str, fill: Callable[[str], object], fixture: str) -> None:
    """Declare ``kind``: a clone of the ``base`` template (a brand-new database if ``EMPTY``)
    that ``fill(url)`` has added to. A test using the fixture named ``fixture`` (which should
    depend on ``engine``) gets a clone of it, and so does its ``database_url``. Each test still
    has a database of its own, so tests stay independent; only the work of filling it is shared."""
    _DERIVED[kind] = (base, fill)
    _KIND_OF_FIXTURE[fixture] = kind
    DATABASE_FIXTURES.add(fixture)


def _build(engine: Engine, kind: str) -> None:
    upgrade(engine)
    _settle(engine)


def _settle(engine: Engine) -> None:
    """Close every connection to a template-to-be: PostgreSQL clones only an unused database."""
    engine.dispose()
    get_engine.cache_clear()


# The demo template is the migrated one's clone with the demo loaded: migrating once per
# backend and process, not again for the demo.
_DERIVED[DEMO] = (MIGRATED, lambda url: load_demo(get_engine(url)))


def _fill(url: str, kind: str) -> None:
    _filled[(kind, make_url(url).get_backend_name())] = _DERIVED[kind][1](url)
    _settle(get_engine(url))


def template_fill(kind: str, engine: Engine) -> object:
    """What the fill of ``kind``'s template returned (``loading_shared``: the load's summary) on
    ``engine``'s backend: the fill this process ran to make the template ``engine`` is a clone
    of. A test of that very load (into the same base) reads it rather than loading again."""
    return _filled[(kind, engine.dialect.name)]


def _sqlite_template(kind: str, folder: Path) -> str:
    key = ("sqlite", kind)
    if key not in _templates:
        folder.mkdir(exist_ok=True)
        path = folder / f"template-{kind}.db"
        if kind in _DERIVED:
            if _DERIVED[kind][0] != EMPTY:  # on EMPTY the fill starts from no database at all
                shutil.copyfile(_sqlite_template(_DERIVED[kind][0], folder), path)
            _fill(f"sqlite:///{path}", kind)
        else:
            _build(get_engine(f"sqlite:///{path}"), kind)
        _templates[key] = str(path)
    return _templates[key]


def _pg_admin(base: str) -> Engine:
    return create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _pg_url(base: str, database: str) -> str:
    return make_url(base).set(database=database).render_as_string(hide_password=False)


def _pg_create(base: str, name: str, template: str | None = None) -> None:
    try:
        _pg_create_or_raise(base, name, template)
    except Exception as exc:  # any connection failure means no PostgreSQL here
        skip_or_fail(f"PostgreSQL at {base} is not reachable: {exc}")


def _pg_create_or_raise(base: str, name: str, template: str | None) -> None:
    admin = _pg_admin(base)
    try:
        with admin.connect() as conn:
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}{_clone_strategy(conn)}'))
    finally:
        admin.dispose()


_strategy: list[str] = []


def _clone_strategy(conn) -> str:
    """How PostgreSQL copies the template. Its default (WAL_LOG) writes every page of the copy
    to the write-ahead log: two to four times FILE_COPY's time and CPU for the demo's 20 MB.
    FILE_COPY copies the files instead, after a checkpoint, which costs little where the server
    does not flush to disk (fsync off, as .ci/run sets for its throw-away test server) and may
    wait on the disk where it does: there the default stays (as before PostgreSQL 15, which
    has no choice)."""
    if not _strategy:
        fsync = conn.execute(text("SHOW fsync")).scalar_one()
        version = int(conn.execute(text("SHOW server_version_num")).scalar_one())
        _strategy.append(" STRATEGY FILE_COPY" if fsync == "off" and version >= 150000 else "")
    return _strategy[0]


def _pg_template(base: str, kind: str) -> str:
    key = ("postgresql", kind)
    if key not in _templates:
        name = f"tmpl_{_RUN}_{kind}"
        derived = kind in _DERIVED
        parent = _DERIVED[kind][0] if derived else EMPTY
        _pg_create(base, name, _pg_template(base, parent) if parent != EMPTY else None)
        _pg_databases_to_drop.append(name)
        if derived:
            _fill(_pg_url(base, name), kind)
        else:
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


class _BackgroundDrops:
    """Drops each test's PostgreSQL database once the test is done, in a thread beside the tests.
    A drop waits a second or more for the server (it forces a checkpoint and removes the files),
    and a run makes hundreds: dropped at the end of the session they added minutes after the
    last test; dropped here they overlap with the tests, which keep the CPU busy meanwhile."""

    THREAD = "drop-test-databases"

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.failed: list[str] = []

    def drop(self, base: str, name: str) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.THREAD, daemon=True)
            self._thread.start()
        self._queue.put((base, name))

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            base, name = job
            try:
                _pg_drop(base, [name])
            except Exception:  # tried again at the end of the session
                self.failed.append(name)

    def finish(self) -> list[str]:
        """Wait for the drops still queued; returns the databases that could not be dropped."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        return self.failed


_background_drops = _BackgroundDrops()


def _test_database_name() -> str:
    return f"t_{_RUN}_{uuid.uuid4().hex[:8]}"


class _ReadyClones:
    """Makes each PostgreSQL test's database while the test before it runs. A clone costs the
    server a third of a CPU-second or more (``CREATE DATABASE`` copies each of the template's
    files, a fixed cost even for an empty database), and every PostgreSQL test waited for one;
    now a test takes the clone made for it in a thread and the next one is started, so the
    server copies while the worker runs the test. One clone of each template is kept ready;
    those left at the end are dropped with the rest."""

    THREAD = "clone-test-databases"

    def __init__(self) -> None:
        self._ready: dict[tuple[str, str | None], Future[str]] = {}
        self._maker: ThreadPoolExecutor | None = None

    def take(self, base: str, template: str | None) -> str:
        """A new database cloned from ``template`` (empty if None), made now if none is ready."""
        made = self._ready.pop((base, template), None)
        name = self._result(made)
        if name is None:
            name = _test_database_name()
            _pg_create(base, name, template)  # skips, or fails in CI, where there is no server
        if self._maker is None:
            self._maker = ThreadPoolExecutor(1, thread_name_prefix=self.THREAD)
        self._ready[(base, template)] = self._maker.submit(self._make, base, template)
        return name

    @staticmethod
    def _make(base: str, template: str | None) -> str:
        name = _test_database_name()
        _pg_create_or_raise(base, name, template)
        return name

    @staticmethod
    def _result(made: Future[str] | None) -> str | None:
        try:
            return None if made is None else made.result()
        except Exception:  # made again in the test's own thread, which reports why
            return None

    def finish(self) -> list[str]:
        """Wait for the clones being made; returns those no test took."""
        left = [name for made in self._ready.values() if (name := self._result(made))]
        self._ready.clear()
        if self._maker is not None:
            self._maker.shutdown()
            self._maker = None
        return left


_ready_clones = _ReadyClones()


def pytest_sessionfinish(session: pytest.Session) -> None:
    base = _postgres_base_url()
    left = _ready_clones.finish() + _background_drops.finish() + _pg_databases_to_drop
    if base and left:
        _pg_drop(base, left)


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
    # Each test gets its own database: real PostgreSQL, no cross-test leakage.
    name = _ready_clones.take(base, template)
    url = _pg_url(base, name)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        get_engine.cache_clear()
        _background_drops.drop(base, name)


def _kind_for(request: pytest.FixtureRequest) -> str:
    names = set(request.fixturenames)
    derived = [kind for fixture, kind in _KIND_OF_FIXTURE.items() if fixture in names]
    if len(derived) > 1:
        raise pytest.UsageError(f"{request.node.nodeid} asks for databases of several kinds: {derived}")
    if derived:
        return derived[0]
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


def loading_shared(kind: str, relative: str) -> Callable[[str], object]:
    """A template's fill (``derived_template``): load the real ``relative`` file of the shared
    data folder as a file of ``kind``; returns the load's summary (``template_fill``)."""

    def fill(url: str) -> object:
        from loaders.reading import Source
        from loaders.registry import run_load

        if not SHARED_DATA.is_dir():
            skip_or_fail(f"real data folder {SHARED_DATA} is absent")
        return run_load(get_engine(url), kind, Source.from_path(SHARED_DATA / relative))

    return fill


@pytest.fixture
def wards_2018_engine(engine: Engine, shared_data: Path) -> Engine:
    """A database holding the real 2018 London ward boundaries (657 wards, vintage 2018): a clone
    of a template they were loaded into once per test process (the load took seconds a test)."""
    return engine


WARDS_2018_KIND = "wards2018"
derived_template(WARDS_2018_KIND, MIGRATED, loading_shared("boundaries", WARDS_2018), "wards_2018_engine")

MET_WARD_FILE = "crime/mps_ward_level_crime_most_recent_24_months_202403-202603.csv"


@pytest.fixture
def met_wards_engine(engine: Engine, shared_data: Path) -> Engine:
    """A database holding the Met's real 24-month ward file (about 450,000 cells, March 2024 a
    stub), loaded as a first upload into a template once per test process: tests that need it
    held, rather than test its loading, took 10-40 s each to load it themselves."""
    return engine


MET_WARDS = "metwards"
derived_template(MET_WARDS, MIGRATED, loading_shared("crime", MET_WARD_FILE), "met_wards_engine")


@pytest.fixture
def demo_met_wards_engine(demo_engine: Engine, shared_data: Path) -> Engine:
    """The demo, then the Met's real 24-month ward file as a first upload (a template's clone)."""
    return demo_engine


DEMO_MET_WARDS = "demometwards"
derived_template(DEMO_MET_WARDS, DEMO, loading_shared("crime", MET_WARD_FILE), "demo_met_wards_engine")


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


# scrypt's cost in tests: n = 2**10 where the service uses werkzeug's 2**15. The hash is still a
# real salted scrypt hash, stored in werkzeug's format with its parameters, and checked in full
# (at its own cost) at every sign-in; only the work factor, which no test is about, is lower.
TEST_PASSWORD_METHOD = "scrypt:1024:8:1"


def _hash_each_password_once() -> None:
    """scrypt is slow on purpose (a tenth of a second a hash and again a check at every sign-in,
    store/users.py), and tests add the same few users with the same few passwords hundreds of
    times and sign them in thousands of times: hashing was a tenth of the web tests' CPU. Each
    password is hashed once per test process, at the test work factor, and its hash reused;
    users given the same password share its salt, which nothing here reads."""
    import functools

    import store.users

    service_hash = store.users.generate_password_hash

    @functools.cache
    def test_hash(password: str, method: str = "scrypt", salt_length: int = 16) -> str:
        return service_hash(password, method=TEST_PASSWORD_METHOD if method == "scrypt" else method, salt_length=salt_length)

    store.users.generate_password_hash = test_hash
    # A wrong name is still checked against a hash of the same cost as a wrong password.
    store.users._DUMMY_HASH = test_hash("not-a-real-password", method=store.users.HASH_METHOD)


_hash_each_password_once()


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


def targets_save_body(app, area: str, indicator: str, commentary: str, action: str = "", owner: str = "") -> dict:
    """The Targets page's save for ``indicator`` in ``area``, Q3 2016-17: a target of 1 with no
    tolerance, for every area, with ``commentary`` and (if given) a corrective action."""
    editing = {"indicator": indicator, "year": "2016-17", "quarter": "Q3", "area": area, "source": ""}
    state = {
        "targets-context.data": editing, "targets-target.value": "1", "targets-low.value": "", "targets-high.value": "",
        "targets-tolerance.value": "0", "targets-tolerance-type-value.data": "abs", "targets-scope-value.data": "all",
        "targets-commentary.value": commentary, "targets-action.value": action, "targets-action-owner.value": owner,
        "targets-action-due.value": "",
    }  # fmt: skip
    body = callback_body(app, "targets-message.children", {"targets-save.n_clicks": 1}, state)
    return {**body, "state": body["state"] + [[], [], [], []]}  # the four pattern-matched states: none open


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
# The browser the page tests drive: Chromium's headless shell where it is installed (Debian's
# chromium-headless-shell; .ci/run installs it). It is the same Blink and V8 as the desktop
# Chromium, and the build Playwright itself runs headless tests with, without the desktop
# browser's work per context and page: about half the browser's CPU per page test. The
# exports (chart images, PDF packs) keep the Chromium they use in service (exports/browser.py).
HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")


def page_browser() -> Path:
    return HEADLESS_SHELL if HEADLESS_SHELL.exists() else CHROMIUM


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
    # shutdown() waits for the loop to look at its flag: every half second by default, which
    # every browser test waited for, a quarter of a second on average, when it ended.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
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


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per test process, shared by every browser test; each test opens
    its own context (cookies, storage, viewport), so tests stay independent. Launching Chromium
    per test or per module was seconds each. Session scope is also what Playwright's sync API
    needs: while it runs it marks the thread's event loop as running, so a second
    ``sync_playwright()`` in the same process would refuse to start."""
    executable = page_browser()
    if not executable.exists():
        skip_or_fail(f"{executable} is not installed, so browser tests cannot run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def web_browser(chromium):
    """A headless Chromium page in a fresh context; ``page.console_errors`` collects console
    errors and page errors."""
    # The tests' own probes (wait_for_function) are evaluated as strings, which the app's
    # Content-Security-Policy forbids; test_browser_csp checks the pages without this.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


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

DATABASE_FIXTURES.update({"database_url", "engine", "demo_engine", "demo_database_url", "demo_2018_database_url"})
WEB_FIXTURES = {"web_live"}
BROWSER_FIXTURES = {"chromium", "web_browser", "export_chromium", "chromium_page", "browser"}
_BROWSER_SOURCE = re.compile(r"sync_playwright|kaleido|CHROMIUM|soffice")
_DRAWN_EXPORT = re.compile(r"/export/(?:\S*\.(?:svg|png|pdf)\b|pack\.)")  # packs hold drawn charts
_WEB_SOURCE = re.compile(r"make_(?:web|dashboard|export)_app\(|create_app\(|serve_process|served\(")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test ``db``, ``postgres``, ``web`` and/or ``browser`` by the fixtures it uses,
    its parameters and what its module drives, so the fast group (rules and workflow on plain
    values) is simply the rest. The guard below fails a test that does more than its marks say."""
    sources: dict[Path, str] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path not in sources:
            sources[path] = path.read_text(encoding="utf-8")
        names = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if names & DATABASE_FIXTURES or item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.db)
        if "postgresql" in params.values():
            item.add_marker(pytest.mark.postgres)
        if {"sqlite", "postgresql"} & set(map(str, params.values())):
            # a module's own database fixture, parametrised by backend, is a database test
            item.add_marker(pytest.mark.db)
        if names & WEB_FIXTURES or _WEB_SOURCE.search(sources[path]):
            item.add_marker(pytest.mark.web)
        # An image or PDF download is drawn by Chromium (kaleido's, or the PDF printer's): the first
        # such test in a worker starts it, so every one is a browser test, whatever the order.
        drawn = any(isinstance(v, str) and _DRAWN_EXPORT.search(v) for v in params.values())
        if item.get_closest_marker("browser") or names & BROWSER_FIXTURES or _BROWSER_SOURCE.search(sources[path]) or drawn:
            item.add_marker(pytest.mark.browser)
    _browser_journeys_once(config, items)


# --- Browser journeys run once, on one of the two databases --------------------------------
# A page shows what a views/ function computes, and those functions (with the store beneath
# them) are tested on SQLite and on PostgreSQL. Driving the same journey in Chromium on both
# databases doubled the suite's dearest part for little: so each browser test whose database
# is a parameter runs on one of them, half the journeys on each (chosen by the test's name, so
# every run and every worker picks the same). `--every-database` runs them all on both; a test
# marked `every_database` always does.
BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--every-database", action="store_true", help="run each browser test on SQLite and on PostgreSQL (default: one of them)"
    )


def _backend_of(item: pytest.Item) -> str | None:
    params = getattr(getattr(item, "callspec", None), "params", {})
    return next((value for value in params.values() if isinstance(value, str) and value in BACKENDS), None)


def _journey_backend(item: pytest.Item) -> str:
    """The database this browser test's journey runs on: the same for every run and worker."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    others = sorted(f"{name}={value!r}" for name, value in params.items() if not (isinstance(value, str) and value in BACKENDS))
    key = f"{item.path.name}::{getattr(item, 'originalname', item.name)}[{','.join(others)}]"
    return BACKENDS[zlib.crc32(key.encode()) % 2]


def _browser_journeys_once(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--every-database", default=False):
        return
    dropped = [
        item
        for item in items
        if item.get_closest_marker("browser")
        and not item.get_closest_marker("every_database")
        and (backend := _backend_of(item)) is not None
        and backend != _journey_backend(item)
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in set(dropped)]


# Seconds per file in a full run (junit, 2 workers on a 2-core machine that was also busy,
# 7 December 2026): refresh when files grow. Other files are estimated from their marks.
_MEASURED_SECONDS = {
    "test_serving.py": 168,
    "test_load_memory.py": 165,
    "test_notify.py": 162,
    "test_export_pack.py": 139,
    "test_partnership_roles.py": 137,
    "test_published_first.py": 137,
    "test_browser_publish_flow.py": 135,
    "test_ward_generations.py": 109,
    "test_loaders_crime.py": 97,
    "test_browser_chart_text_fits.py": 95,
    "test_targets_page.py": 94,
    "test_coverage_record.py": 93,
    "test_display_names.py": 92,
    "test_maps_logic.py": 89,
    "test_browser_pack_text.py": 89,
    "test_stub_months.py": 88,
    "test_geo_boundaries.py": 86,
    "test_demo_hartlepool.py": 78,
    "test_pack_committee_report.py": 77,
    "test_count_sources.py": 77,
    "test_routes_authz.py": 77,
    "test_browser_dashboard.py": 73,
    "test_upload_page.py": 69,
    "test_actions.py": 67,
    "test_silent_database.py": 67,
    "test_browser_publishing.py": 66,
    "test_browser_upload_check.py": 43,
    "test_throttle_burst.py": 64,
    "test_browser_embed_panel.py": 61,
    "test_browser_year_after_year.py": 72,
    "test_targets_annual_form.py": 57,
    "test_export_links.py": 57,
    "test_publishing.py": 56,
    "test_pack_draft_mark.py": 55,
    "test_browser_verdict.py": 55,
    "test_annual_targets.py": 55,
    "test_browser_new_year.py": 53,
    "test_map_readers.py": 50,
    "test_browser_maps.py": 49,
    "test_coverage.py": 48,
    "test_score_significance.py": 48,
    "test_browser_indicator_spc.py": 47,
    "test_request_session.py": 46,
    "test_browser_actions.py": 43,
    "test_loaders_hostile.py": 43,
    "test_layering.py": 41,
    "test_scorecard.py": 40,
    "test_browser_projection.py": 39,
    "test_loaders_bulk.py": 37,
    "test_ratings_inputs.py": 37,
    "test_cli_users.py": 37,
    "test_geo_policeuk.py": 36,
    "test_menu_for_role.py": 36,
    "test_partnerships.py": 36,
    "test_access.py": 35,
    "test_comparators.py": 33,
    "test_projection_scorecard.py": 33,
    "test_browser_scorecard_clarity.py": 32,
    "test_loaders_historical.py": 32,
    "test_annotations.py": 32,
    "test_ratings_uploaded_values.py": 31,
    "test_partnerships_page.py": 31,
    "test_csp_crime_indicator.py": 31,
    "test_policeuk_archive.py": 30,
    "test_browser_plain_words.py": 30,
    "test_csp_lookup.py": 30,
    "test_region_lookup.py": 29,
    "test_chart_titles.py": 28,
    "test_browser_alerts.py": 27,
    "test_export_hostile_links.py": 27,
    "test_dashboard_logic.py": 26,
    "test_figure_notes.py": 26,
    "test_ratings_published_csv.py": 25,
    "test_browser_table_captions.py": 25,
    "test_funnel_pages.py": 24,
    "test_csp_tables_load.py": 24,
    "test_cli_score.py": 23,
    "test_export_charts.py": 23,
    "test_cli_spc.py": 22,
    "test_browser_targets_overview.py": 22,
    "test_browser_csp.py": 22,
    "test_publishing_e2e.py": 22,
    "test_scorecard_clarity.py": 21,
    "test_export_tabular.py": 20,
}
_COST = {"browser": 8.0, "web": 2.0, "db": 2.0}  # seconds per test in that run, by need (means)


def _cost(item: pytest.Item) -> float:
    return next((cost for marker, cost in _COST.items() if item.get_closest_marker(marker)), 0.2)


class _SlowestFilesFirst:
    """Orders files by their estimated cost, dearest first. `make test` hands whole files to the
    workers (--dist loadfile; --no-loadscope-reorder keeps this order), each taking the next when
    it finishes: a long browser file started last would leave one worker running it alone."""

    @pytest.hookimpl(trylast=True)  # after the marks are set and pytest has grouped by fixtures
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        cost: dict[Path, float] = {}
        for item in items:
            cost[item.path] = cost.get(item.path, 0.0) + _cost(item)
        for path in cost:
            cost[path] = _MEASURED_SECONDS.get(path.name, cost[path])
        items.sort(key=lambda item: -cost[item.path])  # stable: each file keeps its own order


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_SlowestFilesFirst(), "cspdash-slowest-files-first")


# Files whose databases are cloned from the templates holding real files (the Met's ward file,
# the 2018 London wards), which take 3-8 s each to build per backend and test process: `make test`
# hands them to one worker together, so each template is built once a run rather than once per
# worker. A file left out of this list still works; it only may build a template again.
REAL_FILE_TEMPLATE_FILES = frozenset(
    {
        "test_browser_new_year.py", "test_browser_upload_check.py", "test_count_sources.py", "test_geo_boundaries.py",
        "test_geo_policeuk.py", "test_geo_retire.py", "test_geo_schematic.py", "test_loaders_crime.py",
        "test_loaders_historical.py", "test_maps_logic.py", "test_stub_months.py", "test_ward_generations.py",
    }
)  # fmt: skip


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """--dist loadfile, but the files of ``REAL_FILE_TEMPLATE_FILES`` are one unit of work."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class _RealFileTemplatesTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return "real-file-templates" if Path(scope).name in REAL_FILE_TEMPLATE_FILES else scope

    return _RealFileTemplatesTogether(config, log)


# --- The guard: a test that touches more than its marks say fails, so `make test-fast` stays fast ---
# Watched while a test sets up and runs (not while it tears down: a module's fixtures are torn
# down after its last test, whatever that test uses). Connections are seen at the pool, so every
# engine counts, in any thread (a served app's requests too); programs through the interpreter's
# audit hook on subprocess.Popen; the Flask app through its app-context signal.
_watched: list[pytest.Item] = []  # a stack: pytester runs a session inside a test
_UNMARKED = pytest.StashKey[list[str]]()
_BROWSER_PROGRAM = re.compile(r"chrom|soffice|libreoffice|playwright")
_DATABASE_URL = re.compile(r"\b(?:sqlite|postgresql)(?:\+\w+)?://")


_THREADS_BEFORE = pytest.StashKey[set[threading.Thread]]()


def _note(marker: str, what: str) -> None:
    if not _watched or _watched[-1].get_closest_marker(marker) is not None:
        return
    if threading.current_thread() in _watched[-1].stash.get(_THREADS_BEFORE, set()):
        # A thread alive before this test began (an earlier test's served app finishing a
        # request its browser sent while closing) is not this test's doing.
        return
    _watched[-1].stash.setdefault(_UNMARKED, []).append(f"{what}, but it is not marked {marker!r}")


def _note_checkout(dbapi_connection, record, proxy) -> None:
    if threading.current_thread().name.startswith((_BackgroundDrops.THREAD, _ReadyClones.THREAD)):
        return  # dropping earlier tests' databases or making later ones', not this test's doing
    postgres = type(dbapi_connection).__module__.startswith("psycopg")
    _note("db", f"it used a {'PostgreSQL' if postgres else 'SQLite'} database")
    if postgres:
        _note("postgres", "it used PostgreSQL")


def _note_program(event: str, args: tuple) -> None:
    if event == "cspdash.chromium" and _watched:
        _note("browser", f"it drew with Chromium ({args[0]})")
    if event == "subprocess.Popen" and _watched:
        executable, argv, _, env = args
        parts = argv if isinstance(argv, (list, tuple)) else [argv or executable]
        command = " ".join(str(part) for part in parts)
        if _BROWSER_PROGRAM.search(command):
            _note("browser", f"it started {command[:120]!r}")
        # A child process handed a database (`cspdash serve`, a benchmark) uses it for the test.
        if _DATABASE_URL.search(command) or _DATABASE_URL.search(str((env or {}).get("DATABASE_URL", ""))):
            _note("db", f"it handed a database to {command[:80]!r}")


def _note_web_app(sender, **extra) -> None:
    _note("web", f"it drove the Flask app {getattr(sender, 'name', sender)!r}")


def _install_guard() -> None:
    import sys

    import flask
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    event.listen(Pool, "checkout", _note_checkout)
    sys.addaudithook(_note_program)
    flask.appcontext_pushed.connect(_note_web_app, weak=False)


_install_guard()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A browser test that fails leaves a screenshot of each page it was given, whether or not
    screenshots were asked for (tests/helpers.py ``screenshot``), and says where."""
    report = yield
    if report.when == "call" and report.failed:
        from playwright.sync_api import Page

        from tests.helpers import ARTIFACTS

        test = re.sub(r"[^\w.-]+", "_", item.nodeid)
        for name, value in getattr(item, "funcargs", {}).items():
            if isinstance(value, Page) and not value.is_closed():
                path = ARTIFACTS / "failures" / f"{test}-{name}.png"
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    value.screenshot(path=str(path), full_page=True, timeout=10_000)
                    report.sections.append(("screenshot", f"{name}: {path}"))
                except Exception as exc:  # the page may be what broke: the failure itself matters more
                    report.sections.append(("screenshot", f"{name}: none ({exc})"))
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item):
    item.stash[_THREADS_BEFORE] = set(threading.enumerate()) - {threading.main_thread()}
    _watched.append(item)
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    if item.stash.get(_UNMARKED, None):
        problems = sorted(set(item.stash[_UNMARKED]))
        pytest.fail("This test touches more than its marks say (see pytest_collection_modifyitems in "
                    "tests/conftest.py; `make test-fast` must need no database, web app or browser): "
                    + "; ".join(problems), pytrace=False)  # fmt: skip
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item):
    if item in _watched:
        _watched.remove(item)
    return (yield)
