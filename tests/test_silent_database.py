"""A PostgreSQL server that accepts connections and never answers: /healthz says 503 within
seconds instead of hanging, exports, embeds, the API and POST /login give the friendly
"not answering" message (HTTP 503), and ``cspdash serve`` says so in one line. Before, only
``pool_pre_ping`` was set and every request hung (14/14 stuck at 40 s)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.conftest import make_web_app
from web.serving.unavailable import MESSAGE

REPO = Path(__file__).resolve().parents[1]
# Long enough that a request still waiting has certainly not timed out by itself.
GIVE_UP_SECONDS = 25
# The app's connect timeout, lowered from its default (3 s) to libpq's least (2 s): a request
# here waits for it on each attempt, and the test asks only that the app gives up, not when.
CONNECT_TIMEOUT = {"CSPDASH_DB_CONNECT_TIMEOUT": "2"}


@pytest.fixture
def silent_database() -> Iterator[str]:
    """A PostgreSQL URL pointing at a local socket that accepts and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"postgresql+psycopg://postgres@127.0.0.1:{server.getsockname()[1]}/silent"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def _answers_at_once(calls: list) -> list:
    """Each call's answer, all made at once in threads (so connection attempts time out together
    rather than one after another), or None where the app was still waiting after GIVE_UP_SECONDS."""
    answers: list[list] = [[] for _ in calls]
    workers = [
        threading.Thread(target=lambda a=answer, c=call: a.append(c()), daemon=True) for answer, call in zip(answers, calls)
    ]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + GIVE_UP_SECONDS
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    return [answer[0] if answer else None for answer in answers]


def _get(client: FlaskClient, method: str, path: str, **kwargs):
    """The answer, or None if the app was still waiting after GIVE_UP_SECONDS."""
    return _answers_at_once([lambda: client.open(path, method=method, **kwargs)])[0]


def _get_at_once(app, requests: list[tuple[str, str]]) -> list:
    """``_get`` of each request, all sent at once (a client each); each answer, or None if it hung."""
    return _answers_at_once([lambda m=method, p=path: app.server.test_client().open(p, method=m) for method, path in requests])


def test_silent_database_healthz_and_requests_answer_503(silent_database: str) -> None:
    app = make_web_app(silent_database, **CONNECT_TIMEOUT)
    requests = [
        ("GET", "/healthz"),
        ("GET", "/export/data/CSP1.csv?period=2016-17-Q3&area=E09000016"),
        ("GET", "/export/summary.csv?period=2016-17-Q3&area=E09000016"),
        ("GET", "/embed/indicator/CSP1?period=2016-17-Q3&area=E09000016"),
        ("GET", "/api/v1/scorecard?period=2016-17-Q3"),
    ]
    health, *answers = _get_at_once(app, requests)
    assert health is not None, "/healthz hung on a silent database"
    assert health.status_code == 503 and health.get_json()["database"] == "unreachable"
    for (_, path), response in zip(requests[1:], answers, strict=True):
        assert response is not None, f"{path} hung on a silent database"
        assert response.status_code == 503, (path, response.status_code)
        assert MESSAGE in response.get_data(as_text=True), path


def test_silent_database_sign_in_shows_the_friendly_page(silent_database: str) -> None:
    import re

    app = make_web_app(silent_database, **CONNECT_TIMEOUT)
    client = app.server.test_client()
    form = _get(client, "GET", "/login")
    assert form is not None and form.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    response = _get(client, "POST", "/login", data={"name": "priya", "password": "x", "csrf_token": token, "next": "/"})
    assert response is not None, "POST /login hung on a silent database"
    assert response.status_code == 503 and MESSAGE in response.get_data(as_text=True)
    assert "<h1>Not available just now</h1>" in response.get_data(as_text=True)


@pytest.mark.db  # a database address that answers nothing, handed to `cspdash serve`
def test_silent_database_serve_says_so_in_one_line(silent_database: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": silent_database, "CSPDASH_SECRET_KEY": "k" * 40, **CONNECT_TIMEOUT}
    command = [sys.executable, "-c", "from cli.main import cli; cli()", "serve", "--port", "9"]
    out = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=GIVE_UP_SECONDS * 2, check=False)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert lines[0].startswith("Error: Cannot reach the database at postgresql+psycopg://postgres@127.0.0.1:"), lines


def test_silent_database_web_engines_carry_the_timeouts(engine, database_url: str) -> None:
    """PostgreSQL: the web app's connections cancel a statement after 30 s (a load lifts it
    for its own transaction); SQLite keeps its busy wait of 30 s."""
    from sqlalchemy import text

    from store.db import get_engine, session_scope, without_statement_timeout

    make_web_app(database_url, CSPDASH_DB_STATEMENT_TIMEOUT="30")
    web_engine = get_engine(database_url)
    with web_engine.connect() as conn:
        if web_engine.dialect.name == "postgresql":
            assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "30s"
        else:
            assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() == 30000
    if web_engine.dialect.name == "postgresql":
        with session_scope(web_engine) as session:
            without_statement_timeout(session)
            assert session.execute(text("SHOW statement_timeout")).scalar_one() == "0"


@pytest.mark.parametrize("name", ["scorecard", "indicator", "ward_map"])
def test_silent_database_pages_say_the_database_is_not_answering(silent_database: str, name: str) -> None:
    import importlib

    from tests.helpers import text

    app = make_web_app(silent_database, **CONNECT_TIMEOUT)
    module = importlib.import_module(f"dashboards.{name}")
    shown: list[str] = []

    def build() -> None:
        with app.server.test_request_context("/"):
            shown.append(text(module.layout(code="CSP1") if name == "indicator" else module.layout()))

    worker = threading.Thread(target=build, daemon=True)
    worker.start()
    worker.join(GIVE_UP_SECONDS)
    assert shown, f"the {name} page hung on a silent database"
    assert "Sorry, this page could not be shown" in shown[0] and MESSAGE in shown[0]
