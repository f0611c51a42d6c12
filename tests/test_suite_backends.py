"""Browser journeys run once, on one of the two databases (tests/conftest.py): half of them on
SQLite and half on PostgreSQL, the same choice in every run; `--every-database` and the
``every_database`` mark run a journey on both. Tests that are not browser tests keep both."""

from __future__ import annotations

import pytest

CONFTEST = """
import pytest

from tests.conftest import BACKENDS, pytest_addoption, pytest_collection_modifyitems


@pytest.fixture(params=BACKENDS)
def database_url(request):
    return request.param


@pytest.fixture
def web_browser():
    return None
"""

TESTS = """
import pytest


@pytest.mark.parametrize("width", [1366, 390])
def test_journey(database_url, web_browser, width):
    pass


@pytest.mark.every_database
def test_journey_on_both(database_url, web_browser):
    pass


def test_page_logic(database_url):
    pass


def test_browser_without_a_database(web_browser):
    pass
"""

ARGS = ("-p", "no:cacheprovider", "-p", "no:dash", "-p", "no:randomly", "-W", "ignore::pytest.PytestUnknownMarkWarning")


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_inner=TESTS)
    return pytester


def _ran(result: pytest.RunResult) -> set[str]:
    return {line.split(" ")[0].split("::")[1] for line in result.outlines if " PASSED" in line}


def test_each_browser_journey_runs_on_one_database_half_on_each(inner: pytest.Pytester) -> None:
    result = inner.runpytest(*ARGS, "-v")
    result.assert_outcomes(passed=7, deselected=2)
    ran = _ran(result)
    journeys = [name for name in ran if name.startswith("test_journey[")]
    assert len(journeys) == 2  # one database for each width
    assert {"test_journey_on_both[sqlite]", "test_journey_on_both[postgresql]"} <= ran
    assert {"test_page_logic[sqlite]", "test_page_logic[postgresql]", "test_browser_without_a_database"} <= ran
    # The choice is the same in every run (and so in every xdist worker).
    assert _ran(inner.runpytest(*ARGS, "-v")) == ran


def test_every_database_runs_each_journey_on_both(inner: pytest.Pytester) -> None:
    result = inner.runpytest(*ARGS, "-v", "--every-database")
    result.assert_outcomes(passed=9)


def test_the_real_suite_splits_its_journeys_between_the_databases() -> None:
    from tests.conftest import BACKENDS, _journey_backend

    class Item:  # what _journey_backend reads of a collected test
        def __init__(self, name: str, width: int) -> None:
            from pathlib import Path

            self.path, self.originalname, self.name = Path("tests/test_browser_x.py"), name, name
            self.callspec = type("Callspec", (), {"params": {"database_url": "sqlite", "width": width}})()

    chosen = [_journey_backend(Item(f"test_{n}", 1366)) for n in range(200)]  # type: ignore[arg-type]
    assert 70 < chosen.count(BACKENDS[0]) < 130
    assert _journey_backend(Item("test_a", 1366)) == _journey_backend(Item("test_a", 1366))  # type: ignore[arg-type]
