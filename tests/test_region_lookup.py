"""Regions outside London (issue 21): the ONS district → region lookup in its published layout,
on both databases. Districts are placed in their region (London stays the one London), each
reaches England once, the ``region`` comparator resolves for a district and for a partnership,
and the region's figure is read from the Home Office tables where whole forces make it up; bad
files are refused naming file, row, column and value, with nothing stored."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli.main import cli
from loaders.errors import LoadError
from rules.periods import Quarter
from store.areas import AreaTree
from store.comparators import resolve_comparator
from store.db import session_scope
from store.measures import series
from store.models import Area, AreaLink
from store.queries import indicator_info
from store.reconcile import count_rows
from store.scorecard import build_scorecard
from tests.conftest import table_counts
from tests.helpers import load, write
from tests.test_csp_crime_indicator import write_indicators, write_workbook
from tests.test_csp_lookup import (
    CARDIFF,
    CORNWALL,
    CORNWALL_CSP,
    ENGLAND,
    HAVERING,
    LONDON,
    MERTHYR,
    NORTH_DEVON,
    NORTHERN_DEVON,
    RCT,
    TORRIDGE,
    WALES,
    write_lookup,
)
from tests.test_csp_tables_load import FOLKESTONE, LOOKUP_ROWS

SOUTH_WEST, SOUTH_EAST = "E12000009", "E12000008"
HEADER = ["LAD24CD", "LAD24NM", "RGN24CD", "RGN24NM", "ObjectId"]
# As ONS publishes it: every English district with its region; Wales listed as Wales or left out.
ROWS = [
    [CORNWALL, "Cornwall", SOUTH_WEST, "South West"],
    [NORTH_DEVON, "North Devon", SOUTH_WEST, "South West"],
    [TORRIDGE, "Torridge", SOUTH_WEST, "South West"],
    [FOLKESTONE, "Folkestone and Hythe", SOUTH_EAST, "South East"],
    [HAVERING, "Havering", LONDON, "London"],
    [CARDIFF, "Cardiff", WALES, "Wales"],
    [RCT, "Rhondda Cynon Taf", "", ""],
]


def write_regions(path: Path, rows: list[list[str]] = ROWS, header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows([[*row, str(i)][: len(header)] for i, row in enumerate(rows, 1)])
    return path


def _tree(engine) -> AreaTree:
    with session_scope(engine) as session:
        return AreaTree.load(session)


def _region(engine, area: str) -> tuple[str | None, str, str]:
    with session_scope(engine) as session:
        r = resolve_comparator(session, AreaTree.load(session), "region", None, area)
        assert r is not None
        return r.code, r.label, r.why


@pytest.mark.parametrize("order", ["lookup first", "regions first"])
def test_districts_are_placed_in_their_region_and_reach_england_once(engine, tmp_path, order):
    files = [
        ("csp-lookup", write_lookup(tmp_path / "lookup.csv", LOOKUP_ROWS)),
        ("region-lookup", write_regions(tmp_path / "r.csv")),
    ]
    for kind, path in files if order == "lookup first" else files[::-1]:
        summary = load(engine, kind, path)
    if order == "lookup first":
        assert summary.notes[-1] == "7 districts placed in 3 regions (or Wales)"
    tree = _tree(engine)
    assert tree.by_code[SOUTH_WEST].level == "region" and tree.by_code[SOUTH_WEST].parent_code == ENGLAND
    for district in (CORNWALL, NORTH_DEVON, TORRIDGE):
        above = tree.ancestors(district)
        assert SOUTH_WEST in above and ENGLAND in above
        # England through South West only: never linked straight to England as well (counted twice)
        assert ENGLAND not in tree.parents(district)
    assert sorted(tree.at_level("borough", within=SOUTH_WEST)) == sorted([CORNWALL, NORTH_DEVON, TORRIDGE])
    # One London, as installed: Havering under it, in its partnership as well
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Area).where(Area.name == "London")) == 1
        assert session.scalar(select(func.count()).select_from(AreaLink).where(AreaLink.area_code == HAVERING)) == 1
    assert tree.by_code[HAVERING].parent_code == LONDON
    # Wales is a Welsh district's region relation, listed as Wales or left blank
    assert WALES in tree.ancestors(CARDIFF) and WALES in tree.ancestors(RCT)
    assert not [c for c in tree.ancestors(MERTHYR) if tree.by_code[c].level == "region"]
    # The region comparator: for a district, for a partnership (all its districts in one region), in Wales
    assert _region(engine, NORTH_DEVON) == (SOUTH_WEST, "South West", "")
    assert _region(engine, NORTHERN_DEVON) == (SOUTH_WEST, "South West", "")
    assert _region(engine, HAVERING) == (LONDON, "London", "")
    assert _region(engine, CARDIFF)[0] == WALES


def test_a_reload_moves_a_district_and_keeps_one_link(engine, tmp_path):
    load(engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv", LOOKUP_ROWS))
    load(engine, "region-lookup", write_regions(tmp_path / "r.csv"))
    moved = [[r[0], r[1], SOUTH_EAST, "South East"] if r[0] == TORRIDGE else r for r in ROWS]
    summary = load(engine, "region-lookup", write_regions(tmp_path / "r2.csv", moved))
    assert summary.replaced == 1
    load(engine, "csp-lookup", write_lookup(tmp_path / "lookup2.csv", LOOKUP_ROWS))  # keeps the region links
    tree = _tree(engine)
    assert tree.parents(TORRIDGE) == [NORTHERN_DEVON, SOUTH_EAST]
    assert tree.parents(NORTH_DEVON) == [NORTHERN_DEVON, SOUTH_WEST]
    # Devon and Cornwall now polices districts in two regions: neither has a figure from the
    # Home Office tables, and counting by region says why rather than showing part of one.
    with session_scope(engine) as session:
        _, rows = count_rows(
            session, "csp-crime", area=None, level="region", first=None, last=None, by="quarter", by_category=False
        )
    said = {r["area_code"]: (r["count"], r["coverage"]) for r in rows if r["area_code"] in (SOUTH_WEST, SOUTH_EAST)}
    assert said[SOUTH_WEST][0] == "" and said[SOUTH_WEST][1].startswith(
        "not available: Devon & Cornwall (E23000035) also polices"
    )
    assert said[SOUTH_EAST][0] == "" and said[SOUTH_EAST][1].startswith("not available:")


def test_region_figures_from_the_home_office_tables_and_the_comparator_on_the_scorecard(engine, tmp_path, database_url):
    """South West is Devon and Cornwall's force here: its figure is the force's, Unassigned part
    included; England's is each offence once; the scorecard names South West with its change."""
    load(engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv", LOOKUP_ROWS))
    load(engine, "csp-tables", write_workbook(tmp_path / "prc-csp-tables.xlsx"))
    load(engine, "region-lookup", write_regions(tmp_path / "r.csv"))
    indicators = write_indicators(tmp_path / "indicators.csv", {"THEFT": "csp-crime:Theft offences"})
    text = indicators.read_text().splitlines()
    write(indicators, "\n".join([text[0] + ",comparator_area", text[1] + ",region"]) + "\n")
    load(engine, "indicators", indicators)
    q1, last_year = Quarter.parse("2024-25-Q1"), Quarter.parse("2023-24-Q1")
    with session_scope(engine) as session:
        info = indicator_info(session, "THEFT")
        figures = {area: series(session, info, area, [last_year]).values for area in (SOUTH_WEST, SOUTH_EAST, ENGLAND)}
        row = next(r for r in build_scorecard(session, q1, CORNWALL_CSP).rows if r.code == "THEFT")
    values = {area: {q.key: v.value for q, v in held.items()} for area, held in figures.items()}
    assert values[SOUTH_WEST] == {"2023-24-Q1": 20.0 + 30.0 + 2.0}  # Northern Devon, Cornwall, Unassigned
    assert values[SOUTH_EAST] == {"2023-24-Q1": 11.0}  # Kent: Folkestone and Hythe with Kent's Unassigned
    assert values[ENGLAND] == {"2023-24-Q1": 113.0}  # the same as before regions were loaded
    assert row.comparator_label == "South West"
    assert row.comparator_change == pytest.approx(100 * (55 - 52) / 52)  # year to date, each part one more
    result = CliRunner().invoke(
        cli, ["counts", "--source", "csp-crime", "--level", "region", "--format", "csv"], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code == 0, result.output
    # every offence group: Northern Devon 20 + 7, Cornwall 30 + 12, Devon and Cornwall's Unassigned 2
    assert f"{SOUTH_WEST},South West,2023-24-Q1,71,complete" in result.output


def test_a_csp_lookup_carrying_regions_places_districts_in_them(engine, tmp_path):
    header = ["ObjectId", "LAD24CD", "LAD24NM", "CSP24CD", "CSP24NM", "PFA24CD", "PFA24NM", "RGN24CD", "RGN24NM"]
    regions = {r[0]: r[2:] for r in ROWS}
    rows = [[*row, *regions.get(row[0], ["", ""])] for row in LOOKUP_ROWS]
    summary = load(engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv", rows, header))
    assert summary.notes[-1] == "8 districts placed in 3 regions (or Wales)"
    tree = _tree(engine)
    assert tree.parents(TORRIDGE) == [NORTHERN_DEVON, SOUTH_WEST]
    assert set(tree.parents(MERTHYR)) == {"W22000033", WALES}
    no_name = [[*row[:7], "" if row[0] == CORNWALL else row[7]] for row in rows]
    with pytest.raises(LoadError) as caught:
        load(engine, "csp-lookup", write_lookup(tmp_path / "bad2.csv", no_name, header))
    assert any(p.row == 4 and p.column == "RGN24NM" and p.value == "" for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("change", "row", "column", "value", "reason"),
    [
        (lambda rows: rows[1].__setitem__(2, "E22000203"), 3, "RGN24CD", "E22000203", "not the code of an English region"),
        (lambda rows: rows[0].__setitem__(0, "X06000052"), 2, "LAD24CD", "X06000052", "not the code of a district"),
        (lambda rows: rows[5].__setitem__(2, SOUTH_WEST), 7, "RGN24CD", SOUTH_WEST, f"district {CARDIFF} is in Wales"),
        (lambda rows: rows.append([TORRIDGE, "Torridge", SOUTH_EAST, "South East"]), 9, "RGN24CD", SOUTH_EAST, "in row 4"),
        (lambda rows: rows[2].__setitem__(3, "South-West"), 4, "RGN24NM", "South-West", "is named 'South West' in row 2"),
        (
            lambda rows: rows[4].__setitem__(slice(2, 4), [SOUTH_EAST, "South East"]),
            6,
            "RGN24CD",
            SOUTH_EAST,
            f"{HAVERING} is a London borough, in London",
        ),
    ],
)
def test_a_bad_region_lookup_names_row_column_and_value_and_stores_nothing(engine, tmp_path, change, row, column, value, reason):
    load(engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv", LOOKUP_ROWS))
    rows = [list(r) for r in ROWS]
    change(rows)
    before = table_counts(engine)
    with pytest.raises(LoadError) as caught:
        load(engine, "region-lookup", write_regions(tmp_path / "bad_regions.csv", rows))
    assert caught.value.file_name == "bad_regions.csv"
    assert any(p.row == row and p.column == column and p.value == value and reason in p.reason for p in caught.value.problems), (
        caught.value.problems
    )
    assert table_counts(engine) == before


def test_a_region_lookup_without_its_columns_says_what_it_found_and_expected(engine, database_url, tmp_path):
    path = write_regions(tmp_path / "regions.csv", ROWS, ["LAD24CD", "LAD24NM", "RGN23CD", "RGN23NM"])
    before = table_counts(engine)
    result = CliRunner().invoke(cli, ["ingest", "region-lookup", str(path)], env={"DATABASE_URL": database_url})
    assert result.exit_code != 0
    assert "RGN23CD" in result.output and "expected LADyyCD, LADyyNM, RGNyyCD, RGNyyNM" in result.output
    assert table_counts(engine) == before
    good = CliRunner().invoke(
        cli, ["ingest", "region-lookup", str(write_regions(tmp_path / "r.csv"))], env={"DATABASE_URL": database_url}
    )
    assert good.exit_code == 0, good.output
