"""Reading the Home Office CSP tables workbook (``.xlsx`` or ``.ods``) streamed, sheet by sheet
in the order the file holds them: the year sheets (``2024_25``) in long form, and the ``Notes``
sheet's ``Updated:`` line. The real files are large (about 50 MB as ``.ods``, over 1 GB of XML
unpacked), so no sheet is ever held whole: an ``.ods`` is parsed as its XML streams out of the
zip, an ``.xlsx`` through openpyxl's read-only mode. Rows are handed on one at a time with their
sheet and row number, so a problem names both; a sheet whose header lacks a column names what
it has and what was expected. The unpacked size is capped (``CSPDASH_MAX_UNPACKED_MB``) before
anything is parsed (Python's zipfile never hands out more than a member declares), so a small
file cannot expand without bound."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl
from lxml import etree

from loaders.errors import LoadError, Problem
from loaders.reading import LoadLimits
from rules.csp_tables import COLUMNS, year_of_sheet

ALIASES_FILE = Path(__file__).with_name("csp_aliases.csv")
DEFAULT_MAX_UNPACKED = LoadLimits().max_unpacked_bytes

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_T_TABLE, _T_ROW = f"{{{_TABLE}}}table", f"{{{_TABLE}}}table-row"
_NAME, _ROWS_REPEATED = f"{{{_TABLE}}}name", f"{{{_TABLE}}}number-rows-repeated"
_COLUMNS_REPEATED = f"{{{_TABLE}}}number-columns-repeated"
_VALUE_TYPE, _VALUE = f"{{{_OFFICE}}}value-type", f"{{{_OFFICE}}}value"
_NUMERIC = {"float", "percentage", "currency"}
_P, _SPACES, _TAB, _BREAK = f"{{{_TEXT}}}p", f"{{{_TEXT}}}s", f"{{{_TEXT}}}tab", f"{{{_TEXT}}}line-break"
_MAX_COLUMNS = 1_000  # a row's trailing blank cells may be "repeated" 16,000 times: never expanded

Cells = list[object]
SheetRows = Iterator[tuple[int, Cells]]  # (row number as a spreadsheet numbers it, cells)


@dataclass(frozen=True)
class TableRow:
    sheet: str
    row: int  # as a spreadsheet numbers it: the header is row 1
    values: dict[str, object]  # column → cell, for the expected columns


@dataclass
class TablesRead:
    """What reading the year sheets found, filled in as the rows stream."""

    sheets: list[str] = field(default_factory=list)  # every sheet, in file order
    year_sheets: list[str] = field(default_factory=list)
    updated: str | None = None  # the Notes sheet's "Updated:" line


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


def _unreadable(file_name: str, why: object) -> LoadError:
    return LoadError(file_name, [Problem(None, None, None, f"not a readable .xlsx or .ods workbook ({why})")])


def _too_large(file_name: str, limit: int) -> LoadError:
    reason = f"the workbook unpacks to more than {limit / 1024 / 1024:,.0f} MB; raise CSPDASH_MAX_UNPACKED_MB to load it"
    return LoadError(file_name, [Problem(None, None, None, reason)])


class Workbook:
    """A workbook opened for one streamed pass over its sheets."""

    def __init__(self, source: Path | IO[bytes], archive: zipfile.ZipFile, file_name: str) -> None:
        self._source, self._archive, self.file_name = source, archive, file_name
        self.is_ods = "content.xml" in archive.namelist()

    def sheets(self) -> Iterator[tuple[str, SheetRows]]:
        """(name, its rows) for each sheet in file order. A sheet's rows must be read (or left)
        before the next sheet is asked for: the file is read once, front to back."""
        return self._ods_sheets() if self.is_ods else self._xlsx_sheets()

    def _xlsx_sheets(self) -> Iterator[tuple[str, SheetRows]]:
        try:
            book = openpyxl.load_workbook(self._source, read_only=True, data_only=True)
        except (KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
            raise _unreadable(self.file_name, exc) from None
        try:
            for sheet in book.worksheets:
                yield sheet.title, _xlsx_rows(sheet)
        finally:
            book.close()

    def _ods_sheets(self) -> Iterator[tuple[str, SheetRows]]:
        stream = self._archive.open("content.xml")
        events = etree.iterparse(stream, events=("start", "end"), tag=(_T_TABLE, _T_ROW), huge_tree=True)
        try:
            for event, element in events:
                if event == "start" and element.tag == _T_TABLE:
                    rows = _ods_rows(events)
                    yield element.get(_NAME, ""), rows
                    for _ in rows:  # whatever the reader left of this sheet
                        pass
        except etree.XMLSyntaxError as exc:
            raise _unreadable(self.file_name, exc) from None


def _xlsx_rows(sheet: Any) -> SheetRows:
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, ["" if v is None else v for v in values]


def _ods_rows(events: Any) -> SheetRows:
    """The rows of the table whose start ``events`` has just given, up to its end; blank rows
    (however often repeated) are counted, not handed on."""
    number = 0
    for event, element in events:
        if element.tag == _T_TABLE:  # its end: the sheet is done
            element.clear()
            return
        if event != "end":
            continue
        repeats = int(element.get(_ROWS_REPEATED, "1"))
        cells = _ods_cells(element)
        element.clear()
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]  # rows already read: the tree never grows past one row
        if any(c != "" for c in cells):
            for _ in range(min(repeats, 1_000)):  # a repeated row with figures: each copy is a row
                number += 1
                yield number, cells
            number += max(0, repeats - 1_000)
        else:
            number += repeats


def _ods_cells(row: Any) -> Cells:
    """A row's cell values, repeats expanded; trailing blank cells left out (written millions
    of times over by spreadsheet programs, and never a figure). The common cells (a number, one
    plain paragraph) take the short paths: a national file has ten million of them."""
    cells: Cells = []
    blanks = 0  # blank cells seen and not yet known to sit before a value
    for cell in row:
        attrib = cell.attrib
        value: object
        if attrib.get(_VALUE_TYPE) in _NUMERIC:
            value = float(attrib[_VALUE])
        elif len(cell) == 0:
            value = ""  # no paragraph: an empty or covered cell
        elif len(cell) == 1 and len(cell[0]) == 0:
            value = cell[0].text or ""
        else:
            value = _ods_text(cell)
        repeated = attrib.get(_COLUMNS_REPEATED)
        if value == "":
            blanks += int(repeated) if repeated else 1
            continue
        if blanks:
            cells.extend([""] * min(blanks, _MAX_COLUMNS))
            blanks = 0
        if repeated:
            cells.extend([value] * min(int(repeated), _MAX_COLUMNS))
        else:
            cells.append(value)
        if len(cells) > _MAX_COLUMNS:
            break
    return cells


def _ods_text(cell: Any) -> str:
    """A text cell's paragraphs as it shows them: <text:s/> runs of spaces, tabs, line breaks."""
    paragraphs = []
    for p in cell.iter(_P):
        parts = [p.text or ""]
        for child in p:
            if child.tag == _SPACES:
                parts.append(" " * int(child.get(f"{{{_TEXT}}}c", "1")))
            elif child.tag == _TAB:
                parts.append("\t")
            elif child.tag == _BREAK:
                parts.append("\n")
            else:
                parts.append("".join(child.itertext()))
            parts.append(child.tail or "")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def open_workbook(path: Path | bytes, file_name: str, max_unpacked: int = DEFAULT_MAX_UNPACKED) -> Workbook:
    """The workbook at ``path``, or in ``path``'s bytes (an upload), refused when what it
    declares it unpacks to is more than ``max_unpacked`` bytes."""
    source: Path | IO[bytes] = io.BytesIO(path) if isinstance(path, bytes) else Path(path)
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _unreadable(file_name, exc) from None
    names = archive.namelist()
    if "content.xml" not in names and "xl/workbook.xml" not in names:
        raise _unreadable(file_name, "neither an OpenDocument spreadsheet nor an Excel workbook")
    if sum(info.file_size for info in archive.infolist()) > max_unpacked:
        raise _too_large(file_name, max_unpacked)
    return Workbook(source, archive, file_name)


def table_rows(book: Workbook, found: TablesRead) -> Iterator[TableRow]:
    """Every row of every year sheet under its header, one at a time, blank rows skipped;
    ``found`` learns the sheets and the Notes line as they pass. A file with no year sheet is
    an error naming the sheets it has."""
    for name, rows in book.sheets():
        found.sheets.append(name)
        if name == "Notes":
            found.updated = _updated_line(rows)
        elif year_of_sheet(name):
            found.year_sheets.append(name)
            yield from sheet_rows(name, rows, book.file_name)
    if not found.year_sheets:
        listed = ", ".join(found.sheets) or "none"
        raise LoadError(book.file_name, [Problem(None, None, listed, "no sheet named for a financial year, such as 2024_25")])


def _updated_line(rows: SheetRows) -> str | None:
    """The ``Updated:`` line of the ``Notes`` sheet, as written (None without one)."""
    for _, cells in rows:
        for cell in cells:
            text = str(cell).strip()
            if text.lower().startswith("updated:"):
                return text
    return None


def sheet_rows(sheet: str, rows: SheetRows, file_name: str) -> Iterator[TableRow]:
    """The rows of one year sheet under its header, one at a time; blank rows skipped."""
    first = next(rows, None)
    header = [str(c).strip() for c in (first[1] if first else [])]
    where = {name.casefold(): i for i, name in enumerate(header) if name}
    missing = [c for c in COLUMNS if c.casefold() not in where]
    if missing:
        found = ", ".join(h for h in header if h) or "no header"
        number = first[0] if first else 1
        problem = Problem(number, None, found, f"sheet {sheet}: missing {', '.join(missing)}; expected {', '.join(COLUMNS)}")
        raise LoadError(file_name, [problem])
    index = {c: where[c.casefold()] for c in COLUMNS}
    for number, cells in rows:
        if not any(str(c).strip() for c in cells):
            continue
        yield TableRow(sheet, number, {c: (cells[i] if i < len(cells) else "") for c, i in index.items()})
