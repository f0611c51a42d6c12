"""The second demo (issue 21 part 5): Hartlepool, generated in the real national layouts and
loaded through the real loaders by ``cspdash demo --area E06000001``, on both databases; the
files deterministic and in their published layouts; the Havering demo left as it was."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from demo import hartlepool
from exports.pack_content import build_pack_content
from loaders.workbook import TablesRead, open_workbook, table_rows
from rules.periods import Quarter
from settings import get_settings
from store.db import session_scope
from store.queries import indicator_detail
from tests.conftest import make_web_app
from views.api import scorecard
from views.marks import NATIONAL_SOURCES
from views.wording import comparator_sentence

PUBLISHED, DRAFT = "2024-25-Q3", "2024-25-Q4"
RATED = {row[0] for row in hartlepool.INDICATORS if row[7] == "true"}


def test_hartlepool_files_are_deterministic_and_in_the_real_layouts(tmp_path: Path) -> None:
    first, second = hartlepool.generate(tmp_path / "a"), hartlepool.generate(tmp_path / "b")
    for a, b in zip(vars(first).values(), vars(second).values()):
        if a.suffix != ".ods":  # the workbook's zip dates its manifest; its rows are compared below
            assert a.read_bytes() == b.read_bytes(), a.name
    lookup = first.lookup.read_text(encoding="utf-8").splitlines()
    assert lookup[0] == "ObjectId,LAD24CD,LAD24NM,CSP24CD,CSP24NM,PFA24CD,PFA24NM"
    assert sum(",E23000013,Cleveland" in line for line in lookup) == 4  # the force's four districts
    regions = first.region_lookup.read_text(encoding="utf-8").splitlines()
    assert regions[0] == "LAD24CD,LAD24NM,RGN24CD,RGN24NM,ObjectId"
    assert sum(",E12000001,North East," in line for line in regions) == 8  # Cleveland's, Durham's, Northumbria's
    read = TablesRead()
    rows = list(table_rows(open_workbook(first.csp_tables, first.csp_tables.name), read))
    assert read.year_sheets == ["2022_23", "2023_24", "2024_25"] and read.updated == "Updated: 24 July 2025"
    names = {str(r.values["CSP Name"]) for r in rows}
    assert {d.name for d in hartlepool.DISTRICTS} | {"Unassigned"} == names
    unassigned = {str(r.values["Police Force"]) for r in rows if r.values["CSP Name"] == "Unassigned"}
    assert unassigned == set(hartlepool.FORCES.values())  # each force's Unassigned part
    groups = {(r.sheet, str(r.values["Offence Group"])) for r in rows}
    assert ("2023_24", "Drug offences") in groups and ("2024_25", "Drug Offences") in groups
    with zipfile.ZipFile(first.policeuk) as archive:
        members = archive.namelist()
        street = list(csv.reader(io.StringIO(archive.read(members[0]).decode("utf-8"))))
    assert len(members) == 24 and members[0] == "2023-04/2023-04-cleveland-street.csv"
    assert street[0] == hartlepool.POLICE_UK_HEADER
    assert {row[9] for row in street[1:]} >= {"Anti-social behaviour", "Violence and sexual offences"}
    assert [line.split(",")[0] for line in first.comparison_groups.read_text().splitlines()[:2]] == [
        "group",
        hartlepool.GROUP_NAME,
    ]
    assert len(hartlepool.GROUP) == 16  # Hartlepool and 15 similar partnerships


def test_hartlepool_demo_loads_and_every_rated_indicator_is_rated(engine, database_url) -> None:
    result = CliRunner().invoke(cli, ["demo", "--area", "E06000001", "--no-publish"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    kinds = (
        "csp-lookup",
        "region-lookup",
        "boundaries",
        "population",
        "comparison-groups",
        "csp-tables",
        "policeuk",
        "indicators",
        "targets",
    )
    for kind in (*kinds, "values"):
        assert f"Loaded {kind} from" in result.output
    assert "CSPDASH_HOME_AREA=E06000001" in result.output
    with session_scope(engine) as session:
        cards = {q: scorecard(session, hartlepool.HARTLEPOOL, q) for q in (PUBLISHED, DRAFT)}
    for quarter, card in cards.items():
        assert card.meta["area_name"] == "Hartlepool"
        rows = {r["code"]: r for r in card.rows}
        assert set(rows) == {row[0] for row in hartlepool.INDICATORS}  # the scorecard lists them all
        ratings = {code: rows[code]["rag"] for code in RATED}
        assert set(ratings.values()) == {"Green", "Amber", "Red"}, (quarter, ratings)
        assert rows["HP1"]["comparator_label"] == "Cleveland police force area"
        assert rows["HP1"]["comparator_change"] is not None  # the force's uploaded figures
        # from the national tables: the force, and the group of similar partnerships weighted by population
        assert rows["HO1"]["comparator_label"] == "Cleveland police force area" and rows["HO1"]["comparator_change"] is not None
        assert rows["HO2"]["comparator_label"] == f"{hartlepool.GROUP_NAME} (15)", rows["HO2"]
        assert rows["HO2"]["comparator_rate"] is not None and rows["HO2"]["home_rate"] is not None
        assert "Hartlepool" in rows["HO2"]["comparator_rank"] and "of 16" in rows["HO2"]["comparator_rank"]
        # the region: the North East, made of whole police force areas, from the national tables
        assert rows["HO3"]["comparator_label"] == "North East", rows["HO3"]
        assert rows["HO3"]["comparator_change"] is not None and rows["HO3"]["comparator_rate"] is not None
        # England and Wales, from the national tables
        assert rows["HO4"]["comparator_label"] == "England and Wales", rows["HO4"]
        assert rows["HO4"]["comparator_change"] is not None and rows["HO4"]["comparator_rate"] is not None
        assert rows["HP6"]["rag"] == "Not rated"
    with session_scope(engine) as session:
        pack = build_pack_content(session, Quarter.parse(PUBLISHED), hartlepool.HARTLEPOOL, get_settings())
        detail = indicator_detail(session, "HO3", Quarter.parse(PUBLISHED), hartlepool.HARTLEPOOL)
    assert comparator_sentence(detail.current).startswith("Compared with North East: "), comparator_sentence(detail.current)
    cells = {r.code: r.comparator for _, rows_ in pack.groups for r in rows_}
    assert cells["HO3"].startswith("North East") and "per 1,000" in cells["HO3"], cells["HO3"]
    # The pages name the national sources, not the Met's, and offer no London comparison.
    layout = make_web_app(database_url, CSPDASH_HOME_AREA=hartlepool.HARTLEPOOL).server.test_client().get("/_dash-layout")
    assert NATIONAL_SOURCES in json.dumps(layout.get_json()) and "Metropolitan Police Service" not in layout.text
    assert _menu_item(layout.get_json(), "nav-london")["hidden"] is True
    assert _menu_item(layout.get_json(), "nav-map")["hidden"] is False


def _menu_item(node: object, link_id: str) -> dict:
    """The props of the menu item (``li``) holding the link ``link_id`` in a layout's JSON."""
    if isinstance(node, dict):
        child = node.get("props", {}).get("children")
        if isinstance(child, dict) and child.get("props", {}).get("id") == link_id:
            return node["props"]
        found = [_menu_item(v, link_id) for v in node.values()]
    elif isinstance(node, list):
        found = [_menu_item(v, link_id) for v in node]
    else:
        return {}
    return next((f for f in found if f), {})


def test_hartlepool_demo_refuses_a_database_holding_other_indicators(demo_engine, database_url) -> None:
    result = CliRunner().invoke(cli, ["demo", "--area", "E06000001"], env={"DATABASE_URL": database_url})
    assert result.exit_code != 0
    assert "this database holds other indicators (CSP1" in result.output and "new database" in result.output
