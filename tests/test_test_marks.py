"""The marks that split the suite are right: a test gets ``db``, ``postgres``, ``web`` or
``browser`` from what it uses, and a test that touches a database, PostgreSQL, the Flask app
or a browser without the mark fails, so ``make test-fast`` (none of them) stays fast."""

from __future__ import annotations

import pytest

CONFTEST = """
import flask
import pytest
from sqlalchemy import create_engine

from tests.conftest import pytest_collection_modifyitems, pytest_runtest_call, pytest_runtest_setup, pytest_runtest_teardown


@pytest.fixture
def engine(tmp_path):
    return create_engine(f"sqlite:///{tmp_path / 'fixture.db'}")


@pytest.fixture
def web_browser():
    return None
"""

TESTS = """
import subprocess
import threading

import flask
import pytest
from sqlalchemy import create_engine, text


def use(engine):
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1


def test_plain_values():
    assert 1 + 1 == 2


def test_database_without_the_mark(tmp_path):
    use(create_engine(f"sqlite:///{tmp_path / 'x.db'}"))


def test_database_through_the_engine_fixture(engine):
    use(engine)


@pytest.mark.db
def test_database_marked_by_hand(tmp_path):
    use(create_engine(f"sqlite:///{tmp_path / 'x.db'}"))


def test_web_app_without_the_mark():
    with flask.Flask("unmarked").app_context():
        pass


@pytest.mark.web
def test_web_app_marked():
    with flask.Flask("marked").app_context():
        pass


def test_browser_without_the_mark():
    subprocess.run(["true", "--pretend-to-be-chromium"], check=True)


def test_browser_through_the_page_fixture(web_browser):
    subprocess.run(["true", "--pretend-to-be-chromium"], check=True)


def test_database_handed_to_a_child_process_without_the_mark(tmp_path):
    subprocess.run(["true", f"sqlite:///{tmp_path / 'x.db'}"], check=True)


def test_database_handed_to_a_child_process_in_its_environment(engine):
    subprocess.run(["true"], env={"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1/none"}, check=True)


STARTED = threading.Event()
LINGERING = threading.Event()
LINGERING_DONE = threading.Event()


def _linger():
    LINGERING.wait(10)
    with flask.Flask("lingering").app_context():
        pass
    LINGERING_DONE.set()


@pytest.mark.web
def test_web_app_served_in_a_thread_that_outlives_the_test():
    threading.Thread(target=_linger, daemon=True).start()
    STARTED.set()


def test_plain_values_while_an_earlier_tests_thread_drives_the_app():
    if not STARTED.is_set():
        pytest.skip("the earlier test was not selected")
    LINGERING.set()  # an earlier test's served app answering late is not this test's doing
    assert LINGERING_DONE.wait(10)


def test_web_app_in_a_thread_this_test_starts():
    thread = threading.Thread(target=lambda: flask.Flask("threaded").app_context().push())
    thread.start()
    thread.join()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_backend(backend, request):
    assert (request.node.get_closest_marker("postgres") is not None) == (backend == "postgresql")
    assert request.node.get_closest_marker("db") is not None  # either backend is a database test
"""


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_inner=TESTS)
    return pytester


def test_marks_fail_a_test_that_touches_more_than_they_say(inner: pytest.Pytester) -> None:
    result = inner.runpytest("-p", "no:cacheprovider", "-p", "no:dash", "-W", "ignore::pytest.PytestUnknownMarkWarning")
    result.assert_outcomes(passed=10, failed=5)
    result.stdout.fnmatch_lines_random([
        "FAILED test_inner.py::test_database_without_the_mark*",
        "FAILED test_inner.py::test_web_app_without_the_mark*",
        "FAILED test_inner.py::test_browser_without_the_mark*",
        "FAILED test_inner.py::test_database_handed_to_a_child_process_without_the_mark*",
        "FAILED test_inner.py::test_web_app_in_a_thread_this_test_starts*",
        "This test touches more than its marks say*it used a SQLite database, but it is not marked 'db'",
        "This test touches more than its marks say*it drove the Flask app 'unmarked', but it is not marked 'web'",
        "This test touches more than its marks say*it started 'true --pretend-to-be-chromium', but it is not marked 'browser'",
        "This test touches more than its marks say*it handed a database to 'true sqlite:///*', but it is not marked 'db'",
    ])  # fmt: skip


def test_marks_select_the_fast_group(inner: pytest.Pytester) -> None:
    result = inner.runpytest(
        "-p",
        "no:cacheprovider",
        "-p",
        "no:dash",
        "-W",
        "ignore::pytest.PytestUnknownMarkWarning",
        "-m",
        "not db and not web and not browser",
        "-v",
    )
    result.assert_outcomes(passed=1, skipped=1, failed=5, deselected=8)
    result.stdout.fnmatch_lines_random(["*test_plain_values PASSED*"])
