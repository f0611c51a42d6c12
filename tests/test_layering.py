"""Layers point one way: pages, CLI and API -> exports (file formats) -> views (what each
chart, table and sentence shows) -> loaders, geo -> store -> reporting (scoring, the publishing
workflow, revisions: pure, over records the store loads) -> rules and sources (the declared
sources and kinds of file, read by every layer). The web room (sign-in,
routes, serving and the parts pages share) sits beside the pages and never imports them. Read from the source with
``ast``, so an import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Higher imports lower or equal, never the reverse. ``settings`` is configuration and may be
# read from any layer.
LAYERS = {
    "app": 6, "cli": 6, "demo": 6,
    "dashboards": 5, "web": 5,
    "exports": 4,
    "views": 3,
    "loaders": 2, "geo": 2,
    "store": 1,
    "reporting": 0.5,
    "rules": 0, "sources": 0,
}  # fmt: skip
# Known upward imports, each with why it is still there. A new one fails the test.
KNOWN: set[tuple[str, str]] = {
    # The production server's entry point builds the app it serves, as wsgi.py does.
    ("web/serving/gunicorn_server.py", "app"),
}
TOP_LEVEL_MODULES = {"app"}  # single files, not packages


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def _sources() -> list[tuple[str, Path]]:
    out = []
    for package in LAYERS:
        if package in TOP_LEVEL_MODULES:
            path = ROOT / f"{package}.py"
            if path.is_file():
                out.append((package, path))
            continue
        out.extend((package, p) for p in sorted((ROOT / package).rglob("*.py")) if "migrations" not in p.parts)
    return out


def upward_imports() -> list[str]:
    problems = []
    for package, path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        for name in _imports(path):
            top = name.split(".")[0]
            if top in LAYERS and LAYERS[top] > LAYERS[package] and (rel, name) not in KNOWN:
                problems.append(f"{rel} imports {name}: {package} (layer {LAYERS[package]}) may not import {top} (layer {LAYERS[top]})")
    return problems


def test_layering_nothing_imports_upward() -> None:
    assert upward_imports() == []


def test_layering_sources_are_declarations_only() -> None:
    """The sources registry is plain declarations every layer reads: it names tables and
    loaders, never imports them (nor SQLAlchemy, pandas or Dash), so reading it costs nothing."""
    allowed = {"sources", "rules", "__future__"} | set(sys.stdlib_module_names)
    offenders = [
        f"{path.relative_to(ROOT).as_posix()} imports {name}"
        for package, path in _sources()
        if package == "sources"
        for name in _imports(path)
        if name.split(".")[0] not in allowed
    ]
    assert offenders == []


def test_layering_exports_and_views_never_import_dashboards() -> None:
    """File formats and views share nothing with the pages but what views give them, and
    views are plain data: no Dash."""
    offenders = [
        f"{path.relative_to(ROOT).as_posix()} imports {name}"
        for package, path in _sources()
        if package in {"exports", "views"}
        for name in _imports(path)
        if name.split(".")[0] in {"dashboards", "dash", "app", "cli", "web"}
    ]
    assert offenders == []


def test_layering_the_web_room_never_imports_a_page() -> None:
    """Pages use the web room's parts; a part reaching back into a page would make a cycle
    (Dash imports every module in ``dashboards/`` as a page)."""
    offenders = [
        f"{path.relative_to(ROOT).as_posix()} imports {name}"
        for package, path in _sources()
        if package == "web"
        for name in _imports(path)
        if name.split(".")[0] in {"dashboards", "app", "cli", "demo"} and (path.relative_to(ROOT).as_posix(), name) not in KNOWN
    ]
    assert offenders == []


def test_layering_reporting_is_pure() -> None:
    """Scoring and the publishing workflow import only the rules and the standard library:
    no Dash, click, Flask, SQLAlchemy or store, so they are tested without a database."""
    offenders = [
        f"{path.relative_to(ROOT).as_posix()} imports {name}"
        for package, path in _sources()
        if package == "reporting"
        for name in _imports(path)
        if name.split(".")[0] not in {"reporting", "rules", "__future__"} and name.split(".")[0] not in sys.stdlib_module_names
    ]
    assert offenders == []


def test_layering_dashboards_holds_only_pages() -> None:
    """Every module in ``dashboards/`` registers a page; anything else belongs in ``web/``."""
    not_pages = [
        p.name
        for p in sorted((ROOT / "dashboards").glob("*.py"))
        if p.name != "__init__.py" and "register_page" not in p.read_text(encoding="utf-8")
    ]
    assert not_pages == []


def test_layering_known_exceptions_still_exist() -> None:
    """An exception that has been fixed is taken off the list, so it cannot come back unseen."""
    for rel, name in KNOWN:
        assert name in _imports(ROOT / rel), f"{rel} no longer imports {name}: remove it from KNOWN"


def test_layering_check_catches_an_upward_import(tmp_path, monkeypatch) -> None:
    """The check itself can fail: a views module importing a page is reported."""
    fake = tmp_path / "views"
    fake.mkdir()
    (fake / "bad.py").write_text("from dashboards.scorecard import layout\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    for package in LAYERS:
        (tmp_path / package).mkdir(exist_ok=True)
    assert upward_imports() == ["views/bad.py imports dashboards.scorecard: views (layer 3) may not import dashboards (layer 5)"]
