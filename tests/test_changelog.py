"""The change history, the package version and ``cspdash --version`` agree."""

from __future__ import annotations

import re
import tomllib

from click.testing import CliRunner

from cli.main import cli
from tests.conftest import REPO


def _project_version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


def _releases() -> list[str]:
    return re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", (REPO / "CHANGELOG.md").read_text(), re.M)


def test_version_option_prints_the_project_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"cspdash {_project_version()}"


def test_changelog_newest_release_is_the_project_version():
    text = (REPO / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in text  # Keep a Changelog: changes gather here until released
    releases = _releases()
    assert releases, "CHANGELOG.md lists no release"
    assert releases[0] == _project_version()
    as_tuples = [tuple(int(n) for n in r.split(".")) for r in releases]
    assert as_tuples == sorted(as_tuples, reverse=True), "releases are listed newest first"
