"""Reading the Home Office CSP tables workbook (``.xlsx`` or ``.ods``) sheet by sheet with
python-calamine: the year sheets (``2024_25``) in long form, and the ``Notes`` sheet's
``Updated:`` line. Rows are handed on one at a time with their sheet and row number, so a
problem names both; a sheet whose header lacks a column names what it has and what was expected."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from loaders.errors import LoadError, Problem
from rules.csp_tables import COLUMNS, year_of_sheet

ALIASES_FILE = Path(__file__).with_name("csp_aliases.csv")


@dataclass(frozen=True)
class TableRow:
    sheet: str
    row: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, object]  # column → cell, for the expected columns


def shipped_aliases(extra: Path | None = None) -> dict[str, str]:
    """{name in the tables: name in the lookup}: the product's list, then a user's (same columns)."""
    out: dict[str, str] = {}
    for path in (ALIASES_FILE, extra):
        if path is None:
            continue
        with Path(path).open(newline="", encoding="utf-8-sig") as f:
            for record in csv.DictReader(f):
                out[record["name_in_tables"].strip()] = record["name_in_lookup"].strip()
    return out


def open_workbook(path: Path | bytes, file_name: str) -> CalamineWorkbook:
    """The workbook at ``path``, or in ``path``'s bytes (an upload)."""
    try:
        if isinstance(path, bytes):
            return CalamineWorkbook.from_filelike(io.BytesIO(path))
        return CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:  # not a workbook calamine can read
        raise LoadError(file_name, [Problem(None, None, None, f"not a readable .xlsx or .ods workbook ({exc})")]) from None


def year_sheets(book: CalamineWorkbook, file_name: str) -> list[str]:
    sheets = [name for name in book.sheet_names if year_of_sheet(name)]
    if not sheets:
        found = ", ".join(book.sheet_names) or "none"
        raise LoadError(file_name, [Problem(None, None, found, "no sheet named for a financial year, such as 2024_25")])
    return sheets


def updated_line(book: CalamineWorkbook) -> str | None:
    """The ``Updated:`` line of the ``Notes`` sheet, as written (None without one)."""
    if "Notes" not in book.sheet_names:
        return None
    for cells in book.get_sheet_by_name("Notes").iter_rows():
        for cell in cells:
            text = str(cell).strip()
            if text.lower().startswith("updated:"):
                return text
    return None


def sheet_rows(book: CalamineWorkbook, sheet: str, file_name: str) -> Iterator[TableRow]:
    """The rows of one year sheet under its header, one at a time; blank rows skipped."""
    rows = book.get_sheet_by_name(sheet).iter_rows()
    header = [str(c).strip() for c in next(rows, [])]
    where = {name.casefold(): i for i, name in enumerate(header) if name}
    missing = [c for c in COLUMNS if c.casefold() not in where]
    if missing:
        found = ", ".join(h for h in header if h) or "no header"
        problem = Problem(1, None, found, f"sheet {sheet}: missing {', '.join(missing)}; expected {', '.join(COLUMNS)}")
        raise LoadError(file_name, [problem])
    index = {c: where[c.casefold()] for c in COLUMNS}
    for number, cells in enumerate(rows, start=2):
        if not any(str(c).strip() for c in cells):
            continue
        yield TableRow(sheet, number, {c: (cells[i] if i < len(cells) else "") for c, i in index.items()})
