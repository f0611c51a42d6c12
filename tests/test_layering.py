"""Layers point one way: pages, CLI and API -> exports (file formats) -> views (what each
chart, table and sentence shows) -> loaders, geo -> store -> reporting (scoring, the publishing
workflow, revisions: pure, over records the store loads) -> rules and sources (the declared
sources and kinds of file, read by every layer). The web room (sign-in,
routes, serving and the parts pages share) sits beside the pages and never imports them. Read from the source with
``ast``, so an import inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
import functools
import re
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


@functools.cache
def _parse(text: str, filename: str) -> ast.Module:
    """Each source is parsed once per test process: the checks below read every module, some
    several times (parsing was most of this file's time). Keyed by the text, so a file a test
    writes is read afresh."""
    return ast.parse(text, filename)


def _tree(path: Path) -> ast.Module:
    return _parse(path.read_text(encoding="utf-8"), str(path))


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(_tree(path)):
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
                problems.append(
                    f"{rel} imports {name}: {package} (layer {LAYERS[package]}) may not import {top} (layer {LAYERS[top]})"
                )
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


# --- Messages raised below the CLI say what is wrong, never which flag or command to give ---
# The CLI (``cli/common._cli_hint`` and the commands) adds flags and commands; pages offer their
# own controls. A message is any string in a ``raise`` statement or handed to a message builder
# (a problem row, an error or a loader's ``fail``), with module constants it names followed.
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
COMMAND = re.compile(r"\bcspdash\s+([a-z][a-z0-9-]*)")
MESSAGE_BUILDERS = {"add", "fail", "Problem", "problem"}
MESSAGE_KEYWORDS = {"message", "reason", "error", "detail"}  # e.g. Outcome(message=...)
MESSAGE_ROOMS = [p for p in LAYERS if p != "cli"]
# Messages still naming a flag or command, each with why (file, the offending words).
KNOWN_MESSAGES: set[tuple[str, str]] = set()


def _cli_commands() -> set[str]:
    """Top-level ``cspdash`` commands and groups, read from ``cli/`` (``"name"`` given to
    ``command``/``group``, or the decorated function's name)."""
    names: set[str] = set()
    for path in sorted((ROOT / "cli").rglob("*.py")):
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr in {"command", "group"}:
                    given = [a.value for a in deco.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                    names.add(given[0] if given else node.name.replace("_", "-"))
    return names


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _is_message_call(call: ast.Call) -> bool:
    name = _callee(call)
    return name in MESSAGE_BUILDERS or name.endswith(("Error", "Problem", "Unavailable"))


def _module_strings(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level ``NAME = "..."`` (or f-string / concatenation) constants, by name."""
    out: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            texts = [n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            for target in targets:
                if isinstance(target, ast.Name) and texts:
                    out[target.id] = texts
    return out


def _message_texts(path: Path) -> list[str]:
    tree = _tree(path)
    constants = _module_strings(tree)
    imported: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module, alias.name)
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            roots.append(node.exc)
        elif isinstance(node, ast.Call) and _is_message_call(node):
            roots.extend([*node.args, *(k.value for k in node.keywords)])
        elif isinstance(node, ast.Call):
            roots.extend(k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS)
    texts: list[str] = []
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append(node.value)
            elif isinstance(node, ast.Name):
                texts.extend(constants.get(node.id, []) or _imported_constant(*imported.get(node.id, ("", ""))))
    return texts


def _imported_constant(module: str, name: str) -> list[str]:
    if not module or module.split(".")[0] not in LAYERS:
        return []
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.is_file():
        return []
    return _module_strings(_tree(path)).get(name, [])


def messages_naming_the_cli() -> list[str]:
    commands = _cli_commands()
    found = []
    for package, path in _sources():
        if package not in MESSAGE_ROOMS:
            continue
        rel = path.relative_to(ROOT).as_posix()
        for text in _message_texts(path):
            words = FLAG.findall(text) + [f"cspdash {c}" for c in COMMAND.findall(text) if c in commands]
            for word in words:
                if (rel, word) not in KNOWN_MESSAGES:
                    found.append(f"{rel}: {word!r} in {text!r}")
    return sorted(set(found))


def test_layering_messages_below_the_cli_name_no_flag_or_command() -> None:
    assert messages_naming_the_cli() == []


def test_layering_known_messages_still_name_the_cli() -> None:
    """A message that has been put right is taken off the list, so it cannot come back unseen."""
    for rel, word in KNOWN_MESSAGES:
        path = ROOT / rel
        assert any(word in text for text in _message_texts(path)), f"{rel} no longer says {word!r}: remove it from KNOWN_MESSAGES"


def test_layering_message_check_catches_a_flag_and_a_command(tmp_path, monkeypatch) -> None:
    """The check itself can fail: an f-string in a raise naming a flag, a problem row naming a
    command through a module constant, both found; a CSS variable outside a message is not."""
    for package in LAYERS:
        (tmp_path / package).mkdir(exist_ok=True)
    (tmp_path / "cli" / "main.py").write_text(
        'import click\n@click.group()\ndef cli(): ...\n@cli.command("ingest")\ndef ingest(): ...\n'
    )
    (tmp_path / "loaders" / "bad.py").write_text(
        'HINT = "declare it with `cspdash ingest areas`"\n'
        'CSS = "color: var(--ink)"\n'
        "def f(ctx, by):\n"
        '    ctx.log.add(1, "area", "x", HINT)\n'
        '    raise ValueError(f"{by!r}: use --by quarter")\n'
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert messages_naming_the_cli() == [
        "loaders/bad.py: '--by' in ': use --by quarter'",
        "loaders/bad.py: 'cspdash ingest' in 'declare it with `cspdash ingest areas`'",
    ]


# --- What pages, and everything outside store/, may import ---------------------------------
# Pages lay out what views give them: they import views, rules and the shared web parts (plus
# Dash and the standard library), never the store, the loaders, geo or the file formats
# (downloads go through the web routes).
PAGE_MAY_NOT_IMPORT = {"store", "loaders", "geo", "exports", "cli", "demo", "app", "sqlalchemy"}
# SQLAlchemy and the ORM models stay inside store/ (tests, benchmarks and migrations aside):
# other layers hold the store's opaque handles (``store.db.Engine``/``Session``) and catch its
# typed errors (``store.db.DatabaseUnavailable``, ``store.db.DATABASE_ERRORS``).
ORM_MODULES = {"store.models", "store.publication_models"}


def page_imports_outside_their_layers() -> list[str]:
    return sorted(
        f"{path.relative_to(ROOT).as_posix()} imports {name}"
        for package, path in _sources()
        if package == "dashboards"
        for name in _imports(path)
        if name.split(".")[0] in PAGE_MAY_NOT_IMPORT
    )


def test_layering_pages_import_only_views_rules_and_web() -> None:
    assert page_imports_outside_their_layers() == []


def storage_imports_outside_store() -> list[str]:
    return sorted(
        f"{rel} imports {name}"
        for package, path in _sources()
        if package != "store"
        for rel in [path.relative_to(ROOT).as_posix()]
        for name in _imports(path)
        if (name.split(".")[0] == "sqlalchemy" or any(name == m or name.startswith(m + ".") for m in ORM_MODULES))
    )


def test_layering_sqlalchemy_and_orm_models_stay_in_store() -> None:
    assert storage_imports_outside_store() == []
