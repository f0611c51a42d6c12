"""The Home Office CSP tables (issue 21 part 2), read but not yet stored: the year sheets and
Notes of a workbook generated in the real layout, quarters, offence-group spellings folded,
partnership names matched through the shipped aliases, and bad workbooks refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from demo.spreadsheets import write_ods
from loaders.errors import LoadError
from loaders.workbook import TablesRead, open_workbook, shipped_aliases, table_rows
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


NOTES = [["Police recorded crime by Community Safety Partnership"], ["Updated: 24 July 2025"]]


def write_tables(path: Path, header: tuple[str, ...] = COLUMNS) -> Path:
    """A workbook as the Home Office publishes it: Notes first, then one long sheet per year
    (``.ods`` or ``.xlsx`` by the path's suffix)."""
    if path.suffix == ".ods":
        return write_ods(path, {"Notes": NOTES, **{name: [list(header), *rows] for name, rows in ROWS.items()}})
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    for line in NOTES:
        notes.append(line)
    for name, rows in ROWS.items():
        sheet = book.create_sheet(name)
        sheet.append(list(header))
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_csp_tables_sheets_notes_and_rows(tmp_path, suffix):
    path = write_tables(tmp_path / f"prc-csp-tables{suffix}")
    found = TablesRead()
    rows = list(table_rows(open_workbook(path, path.name), found))
    assert found.sheets == ["Notes", "2023_24", "2024_25"] and found.year_sheets == ["2023_24", "2024_25"]
    assert found.updated == "Updated: 24 July 2025"
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


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_csp_tables_sheet_missing_a_column_names_what_it_has(tmp_path, suffix):
    header = tuple(c for c in COLUMNS if c != "Offence Subgroup")
    path = write_tables(tmp_path / f"old{suffix}", header)
    with pytest.raises(LoadError) as caught:
        list(table_rows(open_workbook(path, path.name), TablesRead()))
    problem = caught.value.problems[0]
    assert caught.value.file_name == f"old{suffix}" and problem.row == 1
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
        list(table_rows(open_workbook(path, path.name), TablesRead()))
    assert caught.value.problems[0].value == "Notes"


def test_csp_tables_a_workbook_unpacking_past_the_cap_is_refused_before_it_is_read(tmp_path):
    path = write_tables(tmp_path / "big.ods")
    with pytest.raises(LoadError) as caught:
        open_workbook(path, path.name, max_unpacked=1024)
    assert "unpacks to more than 0 MB; raise CSPDASH_MAX_UNPACKED_MB" in caught.value.problems[0].reason
    open_workbook(path, path.name, max_unpacked=10 * 1024 * 1024)  # under the cap it opens


def test_csp_tables_ods_cells_as_spreadsheet_programs_write_them(tmp_path):
    """Repeated cells and rows, covered cells, spaces written as <text:s/>, several paragraphs:
    each read as the value it shows, trailing blanks never expanded."""
    import zipfile

    from demo.spreadsheets import MIMETYPE

    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    header = "".join(f"<table:table-cell><text:p>{c}</text:p></table:table-cell>" for c in COLUMNS)
    row = (
        '<table:table-cell office:value-type="string"><text:p>2024/25</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="2"><text:p>2</text:p></table:table-cell>'
        "<table:table-cell><text:p>Kent</text:p></table:table-cell>"
        '<table:table-cell><text:p>Folkestone<text:s/>and<text:s text:c="2"/>Hythe</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="2"><text:p>Shoplifting</text:p></table:table-cell>'
        "<table:covered-table-cell/>"
        "<table:table-cell><text:p>46</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16000"/>'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body><office:spreadsheet>'
        f'<table:table table:name="2024_25"><table:table-column table:number-columns-repeated="9"/>'
        f"<table:table-row>{header}</table:table-row>"
        '<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="9"/></table:table-row>'
        f'<table:table-row table:number-rows-repeated="2">{row}</table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "hand.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", MIMETYPE)
        archive.writestr("content.xml", content)
    rows = list(table_rows(open_workbook(path, path.name), TablesRead()))
    assert [r.row for r in rows] == [5, 6]  # the header is row 1; three blank rows between
    values = rows[0].values
    assert values["CSP Name"] == "Folkestone and  Hythe" and values["Financial Quarter"] == 2.0
    assert values["Offence Description"] == values["Offence Group"] == "Shoplifting"
    assert values["Offence Subgroup"] == "" and values["Offence Code"] == "46" and values["Offence Count"] == 7.0


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
