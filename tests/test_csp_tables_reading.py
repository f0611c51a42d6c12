"""The Home Office CSP tables (issue 21 part 2), read but not yet stored: the year sheets and
Notes of a workbook generated in the real layout, quarters, offence-group spellings folded,
partnership names matched through the shipped aliases, and bad workbooks refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.errors import LoadError
from loaders.workbook import open_workbook, sheet_rows, shipped_aliases, updated_line, year_sheets
from rules.csp_tables import COLUMNS, fold_spellings, is_unassigned, match_partnership, quarter_key, year_of_sheet

KENT = "Kent"
ROWS = {
    "2023_24": [
        ["2023/24", 1, KENT, "Shepway", "Possession of cannabis", "Drug offences", "Possession of drugs", "92D", 41],
        ["2023/24", 1, KENT, "Unassigned", "Possession of cannabis", "Drug offences", "Possession of drugs", "92D", 3],
        ["2023/24", 2, "Devon and Cornwall", "Northern Devon", "Shoplifting", "Theft offences", "Shoplifting", "46", 120],
    ],
    "2024_25": [
        ["2024/25", 1, KENT, "Folkestone and Hythe", "Possession of cannabis", "Drug Offences", "Possession of drugs", "92D", 38],
        [None, None, None, None, None, None, None, None, None],  # a blank row between blocks
        ["2024/25", 4, "South Wales", "Cwm Taf", "Shoplifting", "Theft offences", "Shoplifting", "46", 77],
    ],
}


def write_tables(path: Path, header: tuple[str, ...] = COLUMNS) -> Path:
    """A workbook as the Home Office publishes it: Notes first, then one long sheet per year."""
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Police recorded crime by Community Safety Partnership"])
    notes.append(["Updated: 24 July 2025"])
    for name, rows in ROWS.items():
        sheet = book.create_sheet(name)
        sheet.append(list(header))
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_csp_tables_sheets_notes_and_rows(tmp_path):
    path = write_tables(tmp_path / "prc-csp-tables.xlsx")
    book = open_workbook(path, path.name)
    assert year_sheets(book, path.name) == ["2023_24", "2024_25"]
    assert updated_line(book) == "Updated: 24 July 2025"
    rows = [r for sheet in year_sheets(book, path.name) for r in sheet_rows(book, sheet, path.name)]
    assert [(r.sheet, r.row) for r in rows] == [("2023_24", 2), ("2023_24", 3), ("2023_24", 4), ("2024_25", 2), ("2024_25", 4)]
    assert [quarter_key(r.values["Financial Year"], r.values["Financial Quarter"]) for r in rows] == [
        "2023-24-Q1", "2023-24-Q1", "2023-24-Q2", "2024-25-Q1", "2024-25-Q4",
    ]  # fmt: skip
    assert [int(r.values["Offence Count"]) for r in rows] == [41, 3, 120, 38, 77]
    folded = fold_spellings(str(r.values["Offence Group"]) for r in rows)
    assert folded["Drug Offences"] == folded["Drug offences"] == "Drug offences"
    assert [is_unassigned(str(r.values["CSP Name"])) for r in rows] == [False, True, False, False, False]


def test_csp_tables_names_match_through_the_shipped_aliases():
    known = {"Folkestone and Hythe": "E22000080", "Northern Devon": "E22000203", "Cwm Taf": "W22000033"}
    aliases = shipped_aliases()
    assert aliases["Shepway"] == "Folkestone and Hythe"
    assert match_partnership("Shepway", known, aliases) == "E22000080"
    assert match_partnership("folkestone & hythe", known, aliases) == "E22000080"
    assert match_partnership("Cwm  Taf", known, aliases) == "W22000033"
    assert match_partnership("Atlantis", known, aliases) is None


def test_csp_tables_a_users_aliases_extend_the_shipped_ones(tmp_path):
    extra = tmp_path / "aliases.csv"
    extra.write_text("name_in_tables,name_in_lookup,why\nNorth Devon and Torridge,Northern Devon,local name\n")
    aliases = shipped_aliases(extra)
    assert aliases["Shepway"] == "Folkestone and Hythe" and aliases["North Devon and Torridge"] == "Northern Devon"


def test_csp_tables_sheet_missing_a_column_names_what_it_has(tmp_path):
    header = tuple(c for c in COLUMNS if c != "Offence Subgroup")
    path = write_tables(tmp_path / "old.xlsx", header)
    book = open_workbook(path, path.name)
    with pytest.raises(LoadError) as caught:
        list(sheet_rows(book, "2023_24", path.name))
    problem = caught.value.problems[0]
    assert caught.value.file_name == "old.xlsx" and problem.row == 1
    assert "Offence Code" in problem.value and "missing Offence Subgroup" in problem.reason and "sheet 2023_24" in problem.reason


def test_csp_tables_not_a_workbook_or_no_year_sheet(tmp_path):
    junk = tmp_path / "tables.xlsx"
    junk.write_bytes(b"not a workbook")
    with pytest.raises(LoadError) as caught:
        open_workbook(junk, junk.name)
    assert "not a readable .xlsx or .ods workbook" in caught.value.problems[0].reason
    book = Workbook()
    book.active.title = "Notes"
    path = tmp_path / "notes_only.xlsx"
    book.save(path)
    with pytest.raises(LoadError) as caught:
        year_sheets(open_workbook(path, path.name), path.name)
    assert caught.value.problems[0].value == "Notes"


@pytest.mark.parametrize(
    ("year", "quarter", "expected"),
    [
        ("2024/25", 1, "2024-25-Q1"),
        ("2024-25", "Q3", "2024-25-Q3"),
        ("2019_20", 4.0, "2019-20-Q4"),
        ("1999/00", "2", "1999-00-Q2"),
    ],
)
def test_csp_tables_quarter_keys(year, quarter, expected):
    assert quarter_key(year, quarter) == expected


@pytest.mark.parametrize(("year", "quarter"), [("2024/26", 1), ("2024", 1), ("2024/25", 5), ("2024/25", "")])
def test_csp_tables_bad_quarters_say_what_is_wrong(year, quarter):
    with pytest.raises(ValueError, match="not a"):
        quarter_key(year, quarter)


def test_csp_tables_year_sheet_names():
    assert year_of_sheet("2024_25") == "2024-25" and year_of_sheet("1999_00") == "1999-00"
    assert year_of_sheet("Notes") is None and year_of_sheet("2024_26") is None
