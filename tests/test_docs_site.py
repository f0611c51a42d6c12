"""The documentation site (docs/, mkdocs.yml) stays true: it builds with ``mkdocs build
--strict``, every page is in the navigation, every relative link and image resolves, the API
reference is the one the app's OpenAPI document gives, every setting and every command is
documented, and the README stays short and points into the guides."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
import pytest

from tests.conftest import skip_or_fail

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
README = REPO / "README.md"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _nav_files(nav) -> list[str]:
    files: list[str] = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        files.extend(_nav_files(value) if isinstance(value, list) else [value])
    return files


def _mkdocs_config() -> dict:
    import yaml

    return yaml.safe_load((REPO / "mkdocs.yml").read_text())


def _pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
        skip_or_fail("mkdocs-material is not installed (it is in the test tools: make .venv/bin/.installed-test)")
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return out


def test_docs_site_builds_strictly_with_every_page(site: Path) -> None:
    for page in _pages():
        built = site / page.relative_to(DOCS).with_suffix(".html")
        assert built.is_file(), f"{page.relative_to(REPO)} was not built"


def test_docs_every_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    nav = _nav_files(_mkdocs_config()["nav"])
    pages = {str(p.relative_to(DOCS)) for p in _pages()}
    assert sorted(pages - set(nav)) == [], "pages missing from the nav in mkdocs.yml"
    assert sorted(set(nav) - pages) == [], "nav entries with no page"


def test_docs_every_relative_link_in_the_sources_resolves() -> None:
    broken = []
    for page in [*_pages(), README]:
        for target in LINK.findall(page.read_text()):
            parts = urlsplit(target)
            if parts.scheme or target.startswith("#") or not parts.path:
                continue
            if not (page.parent / unquote(parts.path)).exists():
                broken.append(f"{page.relative_to(REPO)} → {target}")
    assert broken == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        for name in ("href", "src"):
            if found.get(name):
                self.targets.append(found[name] or "")


def test_docs_every_relative_link_in_the_built_site_resolves(site: Path) -> None:
    parsed = {}
    for html in site.rglob("*.html"):
        parser = _Links()
        parser.feed(html.read_text())
        parsed[html] = parser
    broken = []
    for html, parser in parsed.items():
        if html.parent.name == "search" or html.name == "404.html":
            continue
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith(("mailto:", "data:")):
                continue
            resolved = (html.parent / unquote(parts.path)).resolve() if parts.path else html
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{html.relative_to(site)} → {target}")
            elif (
                parts.fragment
                and resolved.suffix == ".html"
                and resolved in parsed
                and parts.fragment not in parsed[resolved].ids
            ):
                broken.append(f"{html.relative_to(site)} → {target} (no such anchor)")
    assert broken == []


def test_docs_fetch_nothing_from_elsewhere(site: Path) -> None:
    """The site reads offline: no script, style or font from another host."""
    outside = []
    for html in site.rglob("*.html"):
        for match in re.finditer(r"<(?:script|link)[^>]+(?:src|href)=\"(https?:)?//[^\"]+\"", html.read_text()):
            if 'rel="canonical"' not in match.group(0):
                outside.append(f"{html.relative_to(site)}: {match.group(0)}")
    assert outside == []


def test_docs_api_reference_is_generated_from_the_openapi_document() -> None:
    sys.path.insert(0, str(REPO / "tools"))
    try:
        import openapi_markdown
    finally:
        sys.path.remove(str(REPO / "tools"))
    from web.api.openapi import document

    spec = document()
    page = (DOCS / "api-reference.md").read_text()
    assert page == openapi_markdown.render(openapi_markdown.load_spec(None)), (
        "docs/api-reference.md is out of date: run `python tools/openapi_markdown.py`"
    )
    for path in spec["paths"]:
        assert f"`GET /api/v1{path}`" in page
    for name, schema in spec["components"]["schemas"].items():
        assert f"### {name}\n" in page
        for field in schema.get("properties", {}):
            assert f"| `{field}` |" in page, (name, field)


def test_docs_api_reference_matches_what_the_app_serves(engine, database_url: str) -> None:
    """The page is built from the function behind the route: prove the app serves it."""
    from tests.conftest import make_web_app
    from web.api.openapi import document

    response = make_web_app(database_url).server.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == document()


def _settings_variables() -> set[str]:
    return set(re.findall(r"\"((?:CSPDASH_[A-Z0-9_]+)|DATABASE_URL|REDIS_URL)\"", (REPO / "settings.py").read_text()))


def _settings_table() -> str:
    running = (DOCS / "running.md").read_text()
    start = running.index("## Settings")
    return running[start : running.index("\n## ", start + 1)]


def _settings_rows() -> set[str]:
    """The variables each row of the settings table is about (its first cell)."""
    first_cells = re.findall(r"^\| ([^|]+) \|", _settings_table(), re.M)
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}


def test_docs_every_setting_is_in_the_settings_table() -> None:
    rows = _settings_rows()
    variables = _settings_variables()
    assert len(variables) >= 20
    assert sorted(variables - rows) == []


_APP_ROOMS = ("rules", "sources", "reporting", "store", "loaders", "geo", "views", "exports", "web", "dashboards", "cli", "demo")
_ENV_READ = re.compile(r"(?:os\.environ\.get|os\.getenv|os\.environ\[|\benv\.get)\(?\s*\"([A-Z][A-Z0-9_]+)\"")


def _environment_reads() -> dict[str, str]:
    """Every environment variable the app reads, wherever it is read, with the file reading it."""
    found: dict[str, str] = {}
    for path in [
        REPO / "settings.py",
        REPO / "app.py",
        REPO / "wsgi.py",
        *(p for room in _APP_ROOMS for p in (REPO / room).rglob("*.py")),
    ]:
        for name in _ENV_READ.findall(path.read_text()):
            found.setdefault(name, str(path.relative_to(REPO)))
    return found


def test_docs_every_environment_variable_the_app_reads_is_in_the_settings_table() -> None:
    """Not only settings.py: a variable read anywhere (where Chromium is, for packs and chart
    images) is something IT must be able to find in the one table."""
    reads = _environment_reads()
    assert _settings_variables() <= set(reads), "the scan misses a variable settings.py reads"
    assert "BROWSER_PATH" in reads
    rows = _settings_rows()
    assert sorted(f"{name} ({where})" for name, where in reads.items() if name not in rows) == []


def test_docs_file_formats_has_a_row_for_every_kind_of_file() -> None:
    """Each kind a load reads (the CLI's ingest choices and the upload page's list) has its
    row in the columns table of the file formats guide."""
    from sources.registry import kind_keys

    text = (DOCS / "file-formats.md").read_text()
    table = text[text.index("## Columns") : text.index("\n## ", text.index("## Columns") + 1)]
    rows = set(re.findall(r"^\| `([\w-]+)` \|", table, re.M))
    assert len(kind_keys()) >= 15
    assert sorted(set(kind_keys()) - rows) == [], "kinds of file with no row in docs/file-formats.md"
    assert sorted(rows - set(kind_keys())) == [], "rows in docs/file-formats.md for no kind of file"


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if command.hidden:
            continue
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _command_paths(command, (*prefix, name))


def test_docs_every_command_is_in_the_guides() -> None:
    from cli.main import cli

    text = "\n".join(page.read_text() for page in _pages())
    missing = []
    for path in _command_paths(cli):
        # `cspdash ingest marac | values | …` and `cspdash users list | set-role …` name several at once
        pattern = (
            r"cspdash\s+"
            + r"\s+".join(re.escape(part) for part in path[:-1])
            + r"\s*(?:[\w-]+(?:\s+[A-Z]+)*\s*[|]\s*)*"
            + re.escape(path[-1])
            + r"\b"
        )
        if not re.search(pattern, text):
            missing.append(" ".join(path))
    assert missing == []


def test_docs_benchmarks_page_has_each_benchmark_with_its_command_and_make_bench_runs_it() -> None:
    """One page with the current figure for each benchmark, the machine and the command."""
    page = (DOCS / "benchmarks.md").read_text()
    makefile = (REPO / "Makefile").read_text()
    bench = makefile[makefile.index("\nbench:") :].split("\n\n")[0]
    assert "## The machine" in page
    scripts = sorted(p.name for p in (REPO / "benchmarks").glob("bench_*.py"))
    assert len(scripts) >= 8
    missing = []
    for name in scripts:
        section = page.partition(f"## `benchmarks/{name}`")[2].split("\n## ")[0]
        if not section:
            missing.append(f"{name}: no section")
        elif f"`.venv/bin/python benchmarks/{name}" not in page:
            missing.append(f"{name}: no command")
        elif not re.search(r"\d", section):
            missing.append(f"{name}: no figure")
        if f"benchmarks/{name}" not in bench:
            missing.append(f"{name}: not run by make bench")
    assert missing == []


def test_readme_gives_a_newcomer_exactly_the_two_commands() -> None:
    """Run the app on the demo, run the tests: the README's only commands to type. Everything
    else (the second demo, loading real files, serving for real) is a link into the guides."""
    commands, fence = [], None  # fence: the language of the open code block, None outside one
    for line in README.read_text().splitlines():
        if line.startswith("```"):
            fence = line[3:].strip() if fence is None else None
        elif fence is not None and fence != "text" and line.split("#")[0].strip():
            commands.append(line.split("#")[0].strip())
    assert commands == ["make demo", "make test"]


def test_readme_is_short_with_the_two_commands_and_a_link_per_guide() -> None:
    text = README.read_text()
    assert len(text.splitlines()) < 150
    assert "make demo" in text and "make test" in text
    for page in _nav_files(_mkdocs_config()["nav"]):
        if page != "index.md":
            assert f"(docs/{page})" in text, f"README has no link to docs/{page}"
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M), (
        "the README's two commands are Makefile targets"
    )
