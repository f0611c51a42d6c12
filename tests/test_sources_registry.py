"""Sources and kinds of file are declared once (``sources``): every declaration is complete,
the registry keeps the order and words users see, and a new kind declared in a registry is
offered by the CLI and the upload page and loaded through its own loader, with no other edit."""

from __future__ import annotations

import importlib
import inspect

import pytest
from click.testing import CliRunner
from sqlalchemy import select

import store.models as models
from cli.main import cli
from sources.declarations import COUNTS, PARTNERSHIP_QUARTERS, RETURNS, UPLOADED, FigureSource, FileKind
from sources.registry import (
    SOURCES,
    Registry,
    UnknownSource,
    by_key,
    current,
    discover,
    file_kind,
    kind_keys,
    kinds,
    kinds_in_help,
    registered,
)
from store.db import session_scope
from web.parts import upload_steps as steps

TOY = FileKind(
    key="toy-returns",
    position=125,
    loader=(__name__, "load_toy"),
    name="Toy returns",
    description="A kind of file declared only in this test",
    columns="Toy: area_code, month, count.",
    cli_words="toy-returns (a test's own kind)",
    rows=False,
)


def load_toy(ctx) -> None:  # ctx: a LoadContext, as every loader takes
    """The toy kind's loader: reads nothing, stores nothing but the upload row itself."""
    ctx.summary.rows = 2
    ctx.summary.notes.append("toy loader ran")


def test_sources_registry_keeps_the_kinds_and_their_order() -> None:
    """The CLI's choices and the upload page's list are in the order they always were."""
    assert kind_keys() == (
        "crime", "asb", "marac", "values", "indicators", "targets", "areas", "commentary",
        "boundaries", "policeuk", "population", "lsoa-lookup", "csp-lookup", "region-lookup",
        "comparison-groups",
        "csp-tables", "annotations",
    )  # fmt: skip
    assert tuple(SOURCES) == ("crime", "asb", "csp-crime", "marac", "values")
    assert kinds_in_help() == (
        "crime, asb, marac, values, indicators, targets, areas, commentary, boundaries, policeuk, "
        "population, lsoa-lookup, csp-lookup, region-lookup, comparison-groups, csp-tables or annotations (series breaks and notes)"
    )


@pytest.mark.parametrize("kind", kind_keys())
def test_sources_every_kind_is_complete(kind: str) -> None:
    """Each kind names a loader that exists, sources that are declared, and words for the page."""
    declared = file_kind(kind)
    module, name = declared.loader
    loader = getattr(importlib.import_module(module), name)
    assert callable(loader) and list(inspect.signature(loader).parameters) == ["ctx"]
    assert declared.name and declared.description and declared.columns
    assert set(declared.changes_coverage) <= set(SOURCES), declared.changes_coverage
    assert set(declared.writes_counts) <= {k for k, s in SOURCES.items() if s.counted}
    assert set(declared.writes_counts) <= set(declared.changes_coverage)  # what it writes, it records


@pytest.mark.parametrize("key", list(SOURCES))
def test_sources_every_source_is_complete(key: str) -> None:
    """Each source has a coverage rule the store works out, a grain, words, and (when counted)
    tables and category columns the store defines."""
    source = by_key(key)
    assert source.coverage in {COUNTS, RETURNS, UPLOADED, PARTNERSHIP_QUARTERS}
    assert source.grain in {"month", "quarter"}
    assert source.name and source.chart_source and source.figures and all(source.missing_words)
    if source.coverage == COUNTS:
        main, aside = getattr(models, source.count_model), getattr(models, source.set_aside_model)
        for column in ("area_code", "month", "part", "count", "upload_id", *source.categories):
            assert hasattr(main, column) and hasattr(aside, column), (key, column)
        assert dict(source.origins)  # where its counts can come from, the primary first
    else:
        assert source.count_model is None and not source.origins


def test_sources_unknown_keys_name_the_known_ones() -> None:
    with pytest.raises(UnknownSource, match="choose one of crime, asb"):
        file_kind("crimes")
    with pytest.raises(UnknownSource, match="the sources are crime, asb, csp-crime, marac, values"):
        by_key("burglary")


def test_sources_a_key_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="'crime' is declared twice"):
        current().with_(FileKind("crime", 1, ("x", "y"), "n", "d", "c"))


def test_sources_registry_is_found_in_the_package_modules() -> None:
    """Discovery finds every declaration without a list to edit: one module is one source."""
    found = Registry(discover())
    assert tuple(found.kinds) == kind_keys() and tuple(found.sources) == tuple(SOURCES)


def test_sources_a_new_kind_is_offered_by_the_upload_page_and_the_cli() -> None:
    assert "toy-returns" not in kind_keys()
    with registered(TOY):
        assert ("toy-returns", "Toy returns – A kind of file declared only in this test") in steps.kind_options()
        assert steps.chosen_kind("toy-returns") == "toy-returns"
        assert steps.kind_help("toy-returns") == "A kind of file declared only in this test. Toy: area_code, month, count."
        assert steps.kind_name("toy-returns") == "Toy returns"
        assert [k.key for k in kinds()][-2:] == ["toy-returns", "annotations"]  # by position
        help_text = CliRunner().invoke(cli, ["ingest", "--help"], terminal_width=200).output
        # spaces left out: click may break the line at the hyphen of "toy-returns"
        assert "toy-returns(atest'sownkind)orannotations" in "".join(help_text.split())
        assert "|toy-returns|" in "".join(help_text.split())
    # Gone again with its registry: nothing else was edited.
    assert steps.chosen_kind("toy-returns") == ""
    assert "toy-returns" not in CliRunner().invoke(cli, ["ingest", "--help"]).output


def test_sources_a_new_kind_loads_through_its_own_loader(engine, database_url, monkeypatch, tmp_path) -> None:
    """``cspdash ingest`` and the upload page's check run the declared loader, one transaction."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    path = tmp_path / "toy.csv"
    path.write_text("area_code,month,count\nE09000016,2017-01,3\n", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["ingest", "toy-returns", str(path)])
    assert refused.exit_code == 2 and "'toy-returns' is not one of" in refused.output
    with registered(TOY):
        result = CliRunner().invoke(cli, ["ingest", "toy-returns", str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "toy loader ran" in result.output
        checked = steps.check_upload(engine, "toy-returns", "toy.csv", path.read_bytes(), "analyst")
        assert checked.ok, checked.message or checked.error
        assert checked.summary is not None and checked.summary.rows == 2
    with session_scope(engine) as session:
        assert session.scalars(select(models.Upload.kind)).all() == ["toy-returns"]  # the check stored nothing


def test_sources_a_new_figure_source_is_read_by_the_store() -> None:
    """A source's words and rules come from its declaration: measures on it parse by its form
    and a chart's source line names it, without a branch for it."""
    toy = FigureSource(
        key="toy", position=50, name="Toy returns", grain="quarter", coverage=RETURNS, measure_form="field",
        chart_source="toy returns", figures="toy returns",
    )  # fmt: skip
    with registered(toy):
        assert tuple(SOURCES)[-1] == "toy"
        assert by_key("toy").monthly is False
        from store.measures import Measure

        assert Measure.parse("toy:cases").source == "toy" and Measure.parse("toy:cases").field == "cases"
        from views.figures import source_line

        assert source_line("crime", "toy") == "Source: Metropolitan Police Service; toy returns; cspdash"
    assert Measure.parse("toy:cases").source == "values"  # undeclared: an uploaded value
