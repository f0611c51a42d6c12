"""Loading the Home Office CSP tables (issue 21 part 2) on both databases: a generated workbook
in the real layout after the district lookup; Shepway matched to Folkestone and Hythe, Unassigned
held under its force only, two spellings of a group as one; an unknown name refused with its
sheet and row and nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from loaders.errors import LoadError
from store.areas import AreaTree
from store.csp_crime import quarterly_totals
from store.db import session_scope
from store.models import CspCrimeCount
from tests.conftest import table_counts
from tests.helpers import load
from tests.test_csp_lookup import NORTHERN_DEVON, ROWS, write_lookup
from tests.test_csp_tables_reading import write_tables

FOLKESTONE, FOLKESTONE_CSP, KENT = "E07000112", "E22000080", "E23000032"
LOOKUP_ROWS = ROWS + [[FOLKESTONE, "Folkestone and Hythe", FOLKESTONE_CSP, "Folkestone and Hythe", KENT, "Kent"]]
CWM_TAF = "W22000033"


def prepared(engine, tmp_path: Path, suffix: str = ".xlsx") -> Path:
    load(engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv", LOOKUP_ROWS))
    return write_tables(tmp_path / f"prc-csp-tables{suffix}")


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_csp_tables_load_quarterly_counts_per_partnership(engine, tmp_path, suffix):
    summary = load(engine, "csp-tables", prepared(engine, tmp_path, suffix))
    assert summary.rows == 5 and "Updated: 24 July 2025" in summary.notes
    with session_scope(engine) as session:
        held = {(r.area_code, r.quarter, r.offence_group): r.count for r in session.scalars(select(CspCrimeCount))}
        tree = AreaTree.load(session)
        totals = quarterly_totals(session, [FOLKESTONE_CSP, KENT + "-UNASSIGNED", NORTHERN_DEVON, CWM_TAF])
    # Shepway is Folkestone and Hythe; "Drug Offences" in 2024/25 is the group "Drug offences"
    assert held[(FOLKESTONE_CSP, "2023-24-Q1", "Drug offences")] == 41
    assert held[(FOLKESTONE_CSP, "2024-25-Q1", "Drug offences")] == 38
    assert {g for _, _, g in held} == {"Drug offences", "Theft offences"}
    # Unassigned: under Kent, in no partnership
    assert totals[KENT + "-UNASSIGNED"] == {"2023-24-Q1": 3}
    assert tree.by_code[KENT + "-UNASSIGNED"].level == "other" and tree.by_code[KENT + "-UNASSIGNED"].parent_code == KENT
    assert KENT + "-UNASSIGNED" not in tree.descendants(FOLKESTONE_CSP)
    assert totals[NORTHERN_DEVON] == {"2023-24-Q2": 120} and totals[CWM_TAF] == {"2024-25-Q4": 77}


def test_csp_tables_reload_replaces_its_quarters(engine, tmp_path):
    path = prepared(engine, tmp_path)
    load(engine, "csp-tables", path)
    summary = load(engine, "csp-tables", path)
    assert summary.replaced == summary.stored == 5
    with session_scope(engine) as session:
        assert len(list(session.scalars(select(CspCrimeCount)))) == 5


def test_csp_tables_unknown_partnership_names_sheet_and_row(engine, tmp_path, monkeypatch):
    from tests import test_csp_tables_reading as reading

    path = prepared(engine, tmp_path)
    rows = {k: [list(r) for r in v] for k, v in reading.ROWS.items()}
    rows["2024_25"][2][3] = "Atlantis"
    monkeypatch.setattr(reading, "ROWS", rows)
    path = write_tables(tmp_path / "bad.xlsx")
    before = table_counts(engine)
    with pytest.raises(LoadError) as caught:
        load(engine, "csp-tables", path)
    problem = caught.value.problems[0]
    assert (caught.value.file_name, problem.row, problem.column, problem.value) == ("bad.xlsx", 4, "CSP Name", "Atlantis")
    assert "sheet 2024_25" in problem.reason
    assert table_counts(engine) == before
    with session_scope(engine) as session:
        assert list(session.scalars(select(CspCrimeCount))) == []


def test_csp_tables_need_the_lookup_first(engine, tmp_path):
    path = write_tables(tmp_path / "tables.xlsx")
    with pytest.raises(LoadError) as caught:
        load(engine, "csp-tables", path)
    assert "load the district to partnership lookup first" in caught.value.problems[0].reason


def test_csp_tables_cli_loads_and_refuses_with_the_row(engine, database_url, tmp_path):
    from click.testing import CliRunner

    from cli.main import cli

    env = {"DATABASE_URL": database_url}
    path = prepared(engine, tmp_path)
    result = CliRunner().invoke(cli, ["ingest", "csp-tables", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "Updated: 24 July 2025" in result.output
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    result = CliRunner().invoke(cli, ["ingest", "csp-tables", str(junk)], env=env)
    assert result.exit_code != 0 and "junk.xlsx" in result.output and "not a readable .xlsx or .ods workbook" in result.output


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_csp_tables_load_from_uploaded_bytes(engine, tmp_path, suffix):
    """The upload page hands the loader the file's bytes, not a path."""
    from loaders.reading import Source
    from loaders.registry import run_load

    path = prepared(engine, tmp_path, suffix)
    summary = run_load(engine, "csp-tables", Source.from_bytes(path.name, path.read_bytes()))
    assert summary.stored == 5


def test_csp_tables_counts_by_quarter_and_year_for_partnerships_forces_and_the_nation(engine, database_url, tmp_path):
    """``cspdash counts --source csp-tables``: a force is its partnerships plus its Unassigned
    part; coverage says how many partnership-quarters a period needs and has; months, and
    districts (not counted by partnership), are refused in words."""
    import csv
    import io

    from click.testing import CliRunner

    from cli.main import cli

    load(engine, "csp-tables", prepared(engine, tmp_path))
    runner = CliRunner(env={"DATABASE_URL": database_url})

    def rows(*args: str) -> list[dict[str, str]]:
        result = runner.invoke(cli, ["counts", "--source", "csp-tables", *args, "--format", "csv"])
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.output)))

    kent = rows("--area", KENT)
    assert [(r["period"], r["count"], r["coverage"]) for r in kent] == [
        ("2023-24-Q1", "44", "complete"),  # Folkestone and Hythe 41 + Kent's Unassigned 3
        ("2024-25-Q1", "38", "complete"),
    ]
    assert kent[0]["covered_by"].startswith("upload ")
    assert [(r["period"], r["count"], r["coverage"]) for r in rows("--area", KENT, "--by", "year")] == [
        ("2023-24", "44", "partial: 1 of 4 partnership-quarters held"),
        ("2024-25", "38", "partial: 1 of 4 partnership-quarters held"),
    ]
    nation = {r["period"]: (r["count"], r["coverage"]) for r in rows("--area", "K04000001")}
    assert nation["2023-24-Q1"] == ("44", "partial: 1 of 6 partnership-quarters held")
    assert nation["2023-24-Q2"] == ("120", "partial: 1 of 6 partnership-quarters held")
    by_csp = {(r["area_code"], r["period"]): r["count"] for r in rows("--level", "csp", "--from", "2024-04", "--to", "2025-03")}
    assert by_csp == {(FOLKESTONE_CSP, "2024-25-Q1"): "38", (CWM_TAF, "2024-25-Q4"): "77"}
    groups = rows("--area", FOLKESTONE_CSP, "--by-category")
    assert {(r["period"], r["offence_group"], r["count"]) for r in groups} == {
        ("2023-24-Q1", "Drug offences", "41"),
        ("2024-25-Q1", "Drug offences", "38"),
    }
    refused = runner.invoke(cli, ["counts", "--source", "csp-tables", "--area", KENT, "--by", "month"])
    assert refused.exit_code != 0 and "quarterly: use --by quarter or --by year" in refused.output
    district = runner.invoke(cli, ["counts", "--source", "csp-tables", "--area", FOLKESTONE])
    assert district.exit_code != 0
    assert "Folkestone and Hythe (E07000112) is a district" in district.output and "choose one of those" in district.output
