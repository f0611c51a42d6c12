"""Small helpers shared by tests."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dash.development.base_component import Component
from sqlalchemy import Engine, event

from loaders.reading import Source
from loaders.registry import run_load
from loaders.summary import LoadSummary

# Debugging screenshots and PDFs from browser tests go outside the source tree (documentation
# screenshots have a step of their own); CSPDASH_TEST_ARTIFACTS moves them, e.g. for CI upload.
ARTIFACTS = Path(os.environ.get("CSPDASH_TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "cspdash-test-artifacts")
# Screenshots to look at are taken only when asked (CSPDASH_TEST_SCREENSHOTS=1): the 57 of a run
# cost about 18 test-seconds, and nothing checks them. A browser test that fails leaves a
# screenshot of its page whatever the setting (tests/conftest.py).
SCREENSHOTS = os.environ.get("CSPDASH_TEST_SCREENSHOTS", "").lower() in ("1", "true", "yes")


def screenshot(target, path: Path | str, **options) -> None:
    """A screenshot of a page or a locator into ``path`` (under ``ARTIFACTS``), when asked for."""
    if SCREENSHOTS:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(path), **options)


@contextmanager
def statements_run() -> Iterator[list[str]]:
    """Every SQL statement any engine runs inside the block, whitespace collapsed."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def load(engine: Engine, kind: str, path: Path, **kwargs) -> LoadSummary:
    return run_load(engine, kind, Source.from_path(path), **kwargs)


def migrate_to(engine: Engine, revision: str, down: bool = False) -> None:
    """Run alembic on ``engine`` up (or ``down``) to ``revision`` alone, not through
    ``store.schema.upgrade``, which also works the derived records out again."""
    from alembic import command

    from store.schema import alembic_config

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def walk(node: object) -> Iterator[Component]:
    """Every Dash component in a layout tree, depth first."""
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from walk(child)
    elif isinstance(node, Component):
        yield node
        yield from walk(getattr(node, "children", None))


def text(node: object) -> str:
    """All the text a reader sees (and screen readers read) in a component tree."""
    if isinstance(node, (str, int, float)):
        return str(node)
    if isinstance(node, (list, tuple)):
        return re.sub(r"\s+", " ", " ".join(t for t in (text(c) for c in node) if t)).strip()
    return text(getattr(node, "children", None)) if isinstance(node, Component) else ""


def rows_of(node: object) -> list[list[str]]:
    """The body rows of a component table, each as its cells' texts (header rows left out)."""
    from dash import html

    rows = []
    for tr in (c for c in walk(node) if isinstance(c, html.Tr)):
        cells = [
            c
            for c in (tr.children if isinstance(tr.children, (list, tuple)) else [tr.children])
            if isinstance(c, (html.Td, html.Th))
        ]
        if any(isinstance(c, html.Td) for c in cells):
            rows.append([text(c) for c in cells])
    return rows
