"""Shared fixtures: real SQLite and real PostgreSQL databases, the demo dataset, the shared
real-data folder. Skips (no PostgreSQL, no ../shared, no Chromium) become failures when
CI=true, so CI can never pass by skipping."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

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


def _fresh_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'cspdash-test.db'}"
        return
    base = _postgres_base_url()
    if not base:
        skip_or_fail("TEST_DATABASE_URL is not set, so PostgreSQL tests cannot run")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means no PostgreSQL here
        admin.dispose()
        skip_or_fail(f"PostgreSQL at {base} is not reachable: {exc}")
    # Each test gets its own schema: real PostgreSQL, no cross-test leakage, cheap to drop.
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        get_engine.cache_clear()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a brand-new empty database on each backend."""
    yield from _fresh_url(request.param, tmp_path)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A database with the current schema and reference areas, nothing else."""
    eng = get_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """A database holding the bundled Havering demo."""
    load_demo(engine)
    return engine


def table_counts(eng: Engine) -> dict[str, int]:
    """Row counts of every data table: compare before and after a failed load."""
    tables = ["area", "upload", "crime_count", "asb_count", "marac_return", "indicator", "target", "indicator_value", "commentary"]
    with eng.connect() as conn:
        return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in tables}
