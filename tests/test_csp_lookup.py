"""The national area tree (issue 21): the ONS district → partnership → police force area lookup,
in its published layout, on both databases; London's figures unchanged by it; bad files refused
with nothing stored."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from cli.main import cli
from loaders.errors import LoadError
from rules.area_levels import NATION, stored_level
from store.areas import AreaTree
from store.db import session_scope
from store.models import AreaLink
from store.reconcile import count_rows
from tests.conftest import table_counts
from tests.helpers import load

HAVERING, LONDON, ENGLAND, WALES = "E09000016", "E12000007", "E92000001", "W92000004"
NORTH_DEVON, TORRIDGE, CORNWALL = "E07000043", "E07000046", "E06000052"
NORTHERN_DEVON, CORNWALL_CSP, HAVERING_CSP = "E22000203", "E22000204", "E22000164"
DEVON_CORNWALL, MET = "E23000035", "E23000001"
RCT, MERTHYR, CARDIFF = "W06000016", "W06000024", "W06000015"
CWM_TAF, CARDIFF_CSP, SOUTH_WALES = "W22000033", "W22000031", "W15000003"

HEADER = ["ObjectId", "LAD24CD", "LAD24NM", "CSP24CD", "CSP24NM", "PFA24CD", "PFA24NM"]
ROWS = [
    [NORTH_DEVON, "North Devon", NORTHERN_DEVON, "Northern Devon", DEVON_CORNWALL, "Devon & Cornwall"],
    [TORRIDGE, "Torridge", NORTHERN_DEVON, "Northern Devon", DEVON_CORNWALL, "Devon & Cornwall"],
    [CORNWALL, "Cornwall", CORNWALL_CSP, "Cornwall", DEVON_CORNWALL, "Devon & Cornwall"],
    [HAVERING, "Havering", HAVERING_CSP, "Havering", MET, "Metropolitan Police"],
    [RCT, "Rhondda Cynon Taf", CWM_TAF, "Cwm Taf", SOUTH_WALES, "South Wales"],
    [MERTHYR, "Merthyr Tydfil", CWM_TAF, "Cwm Taf", SOUTH_WALES, "South Wales"],
    [CARDIFF, "Cardiff", CARDIFF_CSP, "Cardiff", SOUTH_WALES, "South Wales"],
]


def write_lookup(path: Path, rows: list[list[str]] = ROWS, header: list[str] = HEADER) -> Path:
    """The lookup as ONS publishes it: an ObjectId first, then the six code and name columns."""
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows([[str(i), *row] if header[0] == "ObjectId" else row for i, row in enumerate(rows, 1)])
    return path


def tree_of(engine) -> AreaTree:
    with session_scope(engine) as session:
        return AreaTree.load(session)


def test_csp_lookup_builds_the_national_tree(engine, tmp_path):
    summary = load(engine, "csp-lookup", write_lookup(tmp_path / "LAD24_CSP24_PFA24_EW_LU.csv"))
    assert summary.notes[-1] == "7 districts in 5 partnerships and 3 police force areas"
    tree = tree_of(engine)
    assert tree.by_code[NATION].level == "nation" and tree.by_code[NATION].name == "England and Wales"
    assert tree.at_level("force") == [MET, DEVON_CORNWALL, SOUTH_WALES]
    assert tree.at_level("csp", within=DEVON_CORNWALL) == [NORTHERN_DEVON, CORNWALL_CSP]
    # A partnership of two districts, in England and in Wales
    assert sorted(tree.children[NORTHERN_DEVON]) == [NORTH_DEVON, TORRIDGE]
    assert sorted(tree.children[CWM_TAF]) == [RCT, MERTHYR]
    assert tree.by_code[TORRIDGE].level == stored_level("district") == "borough"
    assert tree.by_code[CWM_TAF].parent_code == SOUTH_WALES and tree.by_code[SOUTH_WALES].parent_code == NATION
    # Country alongside: new districts in their country; Welsh ones in Wales
    assert set(tree.ancestors(MERTHYR)) == {CWM_TAF, SOUTH_WALES, NATION, WALES}
    assert set(tree.ancestors(TORRIDGE)) == {NORTHERN_DEVON, DEVON_CORNWALL, NATION, ENGLAND}
    # A London borough keeps its region and is in its partnership as well
    assert tree.by_code[HAVERING].parent_code == LONDON
    assert set(tree.ancestors(HAVERING)) == {LONDON, ENGLAND, HAVERING_CSP, MET, NATION}
    assert len(tree.at_level("borough", within=NATION)) == 7
    assert NATION not in tree.ancestors(ENGLAND), "the two trees meet only at districts"


def test_csp_lookup_reload_moves_a_district_and_keeps_one_link(engine, tmp_path):
    load(engine, "csp-lookup", write_lookup(tmp_path / "a.csv"))
    moved = [
        r if r[0] != TORRIDGE else [TORRIDGE, "Torridge", CORNWALL_CSP, "Cornwall", DEVON_CORNWALL, "Devon & Cornwall"]
        for r in ROWS
    ]
    load(engine, "csp-lookup", write_lookup(tmp_path / "b.csv", moved))
    load(engine, "csp-lookup", write_lookup(tmp_path / "b2.csv", moved))
    tree = tree_of(engine)
    assert tree.children[NORTHERN_DEVON] == [NORTH_DEVON]
    assert sorted(tree.children[CORNWALL_CSP]) == [CORNWALL, TORRIDGE]
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(AreaLink).where(AreaLink.area_code == HAVERING)) == 1


def test_csp_lookup_leaves_london_figures_exact_and_sums_partnerships(demo_engine, tmp_path):
    """The Havering demo's figures are the same after the lookup; its partnership, force and
    England and Wales figures are Havering's own (the only district with counts held)."""

    def rows(area: str | None, level: str | None = None) -> list[dict]:
        with session_scope(demo_engine) as session:
            return count_rows(session, "crime", area=area, level=level, first=None, last=None, by="quarter", by_category=False)[1]

    before = {a: rows(a) for a in (HAVERING, LONDON)}
    wards_before = rows(HAVERING, "ward")
    load(demo_engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv"))
    assert {a: rows(a) for a in (HAVERING, LONDON)} == before
    assert rows(HAVERING, "ward") == wards_before
    own = [(r["period"], r["count"]) for r in before[HAVERING]]
    assert own, "the demo holds crime counts"
    for code in (HAVERING_CSP, MET, NATION):
        assert [(r["period"], r["count"]) for r in rows(code)] == own, code
    assert [r["area_code"] for r in rows(MET, "csp")] == [HAVERING_CSP] * len(own)


def test_csp_lookup_cli_and_counts_levels(engine, database_url, tmp_path):
    env = {"DATABASE_URL": database_url}
    result = CliRunner().invoke(cli, ["ingest", "csp-lookup", str(write_lookup(tmp_path / "lookup.csv"))], env=env)
    assert result.exit_code == 0, result.output
    for level in ("district", "borough", "csp", "force", "region", "country", "nation", "ward"):
        result = CliRunner().invoke(cli, ["counts", "--source", "crime", "--level", level, "--format", "csv"], env=env)
        assert result.exit_code == 0, (level, result.output)
    result = CliRunner().invoke(cli, ["counts", "--source", "crime", "--level", "parish"], env=env)
    assert result.exit_code != 0 and "district" in result.output


@pytest.mark.parametrize(
    ("change", "row", "column", "value", "reason"),
    [
        (
            lambda rows: rows.__setitem__(
                1, [TORRIDGE, "Torridge", "X22000001", "Northern Devon", DEVON_CORNWALL, "Devon & Cornwall"]
            ),
            3,
            "CSP24CD",
            "X22000001",
            "not the code of a partnership",
        ),
        (
            lambda rows: rows.__setitem__(2, [CORNWALL, "Cornwall", CORNWALL_CSP, "Cornwall", "E22000999", "Devon & Cornwall"]),
            4,
            "PFA24CD",
            "E22000999",
            "not the code of a police force area",
        ),
        (
            lambda rows: rows.__setitem__(2, [CORNWALL, "", CORNWALL_CSP, "Cornwall", DEVON_CORNWALL, "Devon & Cornwall"]),
            4,
            "LAD24NM",
            "",
            "no name given",
        ),
        (
            lambda rows: rows.append([TORRIDGE, "Torridge", CORNWALL_CSP, "Cornwall", DEVON_CORNWALL, "Devon & Cornwall"]),
            9,
            "CSP24CD",
            CORNWALL_CSP,
            f"district {TORRIDGE} is in partnership {NORTHERN_DEVON} in row 3",
        ),
        (
            lambda rows: rows.__setitem__(
                1, [TORRIDGE, "Torridge", NORTHERN_DEVON, "Northern Devon", MET, "Metropolitan Police"]
            ),
            3,
            "PFA24CD",
            MET,
            f"partnership {NORTHERN_DEVON} is in force {DEVON_CORNWALL} in row 2",
        ),
        (
            lambda rows: rows.__setitem__(5, [MERTHYR, "Merthyr Tydfil", CWM_TAF, "Cwm Taf", DEVON_CORNWALL, "Devon & Cornwall"]),
            7,
            "CSP24CD",
            CWM_TAF,
            "are not in one country",
        ),
    ],
)
def test_csp_lookup_bad_rows_name_file_row_column_value(engine, tmp_path, change, row, column, value, reason):
    rows = [list(r) for r in ROWS]
    change(rows)
    path = write_lookup(tmp_path / "bad_lookup.csv", rows)
    before = table_counts(engine)
    with pytest.raises(LoadError) as caught:
        load(engine, "csp-lookup", path)
    assert caught.value.file_name == "bad_lookup.csv"
    assert any(p.row == row and p.column == column and p.value == value and reason in p.reason for p in caught.value.problems), (
        caught.value.problems
    )
    assert table_counts(engine) == before
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM area_link")).scalar_one() == 0


def test_csp_lookup_wrong_columns_say_what_was_found_and_expected(engine, tmp_path):
    header = ["FID", "LAD24CD", "LAD24NM", "CSP24CD", "CSP24NM", "PFA23CD", "PFA23NM"]
    path = write_lookup(tmp_path / "old_lookup.csv", ROWS, header)
    before = table_counts(engine)
    with pytest.raises(LoadError) as caught:
        load(engine, "csp-lookup", path)
    problem = caught.value.problems[0]
    assert "PFA23CD" in problem.value and "LAD24CD" in problem.value
    assert "expected LADyyCD, LADyyNM, CSPyyCD, CSPyyNM, PFAyyCD, PFAyyNM" in problem.reason
    assert table_counts(engine) == before


def test_csp_lookup_a_partnership_as_home_area_scores_like_its_district(demo_engine, tmp_path):
    """Havering's partnership is Havering alone: scored as the home area, its crime and ASB
    figures are Havering's."""
    from rules.periods import Quarter
    from store.scorecard import build_scorecard

    load(demo_engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv"))
    quarter = Quarter.parse("2016-17-Q3")
    with session_scope(demo_engine) as session:
        borough = {r.code: r for r in build_scorecard(session, quarter, HAVERING).rows}
        csp = {r.code: r for r in build_scorecard(session, quarter, HAVERING_CSP).rows}
    counted = [code for code, row in borough.items() if row.actual is not None and code in csp and csp[code].actual is not None]
    assert len(counted) >= 3, counted
    for code in counted:
        assert (csp[code].actual, csp[code].ytd_value) == (borough[code].actual, borough[code].ytd_value), code
