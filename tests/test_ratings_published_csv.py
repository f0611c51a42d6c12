"""``score --as-published --format csv`` has the current CSV's columns in the same order (#27
item 7), on both databases."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from cli.main import cli
from tests.test_publishing import publish


def test_as_published_csv_has_the_current_csv_column_order(demo_engine, database_url, monkeypatch):
    publish(demo_engine)
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()

    def header(*extra: str) -> list[str]:
        result = runner.invoke(cli, ["score", "--period", "2016-17-Q3", "--format", "csv", *extra], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return next(csv.reader(io.StringIO(result.output)))

    now, published = header(), header("--as-published")
    assert published == now
