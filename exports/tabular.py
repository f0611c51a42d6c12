"""CSV and XLSX that a spreadsheet cannot mistake for formulas.

A downloaded cell beginning ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is
run as a formula by Excel and LibreOffice ("CSV injection"): commentary typed by a partner
could otherwise launch a command on a councillor's laptop. Such text cells get a leading
apostrophe (OWASP's advice). Numbers stay numbers: written unquoted in CSV and as numeric
cells in XLSX, so a negative change is still -3.7, not text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``'=1+2`` for ``=1+2``; other text unchanged."""
    return "'" + text if text.startswith(DANGEROUS_START) else text


def _cell(value: Any) -> Any:
    """A number (int where whole), None for blanks, or neutralised text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            return neutralise(str(number))  # "-inf" is text a spreadsheet would read as a formula
        return int(number) if number.is_integer() else number
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    return neutralise(str(value))


def _rows(frame: pd.DataFrame) -> list[list[Any]]:
    return [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads "–" and "£" right), header first."""
    out = io.StringIO()
    # QUOTE_MINIMAL: text with commas or quotes is quoted, numbers never are.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(str(c)) for c in frame.columns])
    for row in _rows(frame):
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _plain_number(text: str) -> bool:
    """ "-3.7" or "1e5": a number a spreadsheet reads as one, not a formula."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _text_cell(value: Any) -> Any:
    if isinstance(value, str):
        return value if _plain_number(value) else neutralise(value)
    cell = _cell(value)
    return "" if cell is None else cell


def csv_text(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, lineterminator: str = "\n") -> str:
    """CSV text (no byte-order mark) whose header and text cells are neutralised like
    ``safe_csv``'s: a header can carry an area name or comparator label typed by someone.
    Text that is a plain number ("-3.7") is left as it is, so spreadsheets read it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerow([_text_cell(str(h)) for h in headers])
    for row in rows:
        writer.writerow([_text_cell(v) for v in row])
    return out.getvalue()


def safe_xlsx(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """One sheet, bold header row, frozen under the header; text cells are stored as text
    (never formulas) and numbers as numbers."""
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([_cell(str(c)) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in _rows(frame):
        ws.append(row)
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # openpyxl would store "=…" as a formula otherwise
    for i, column in enumerate(frame.columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in frame.iloc[:, i - 1].head(200)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_csv_text(table: tuple[list[str], list[list[str]]]) -> str:
    """The table as CSV, numbers without thousands separators so spreadsheets read them;
    headers (which name areas and comparators) neutralised like the cells."""
    headers, rows = table
    return csv_text(headers, ([_csv_cell(cell) for cell in row] for row in rows))


def _csv_cell(cell: str) -> str:
    """Numbers plain (no separators, ASCII minus) so spreadsheets read them; text that a
    spreadsheet would run as a formula is neutralised."""
    plain = cell.replace(",", "").replace("\u2212", "-")
    try:
        float(plain)
    except ValueError:
        return neutralise(cell.replace("\u2212", "-"))
    return plain
