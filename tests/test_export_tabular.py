"""CSV and XLSX downloads: text that a spreadsheet would run as a formula is neutralised,
numbers stay numbers; and an indicator's figures file agrees with the scorecard, on the demo
in SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import delete, update

from cli.main import cli
from exports.downloads import data_download
from exports.tabular import neutralise, safe_csv, safe_xlsx
from rules.periods import Quarter
from store.db import session_scope
from store.models import Commentary, CorrectiveAction
from store.scorecard import build_scorecard

Q3 = Quarter.parse("2016-17-Q3")
DANGEROUS = [
    "=1+2",
    "+44 20 7946 0000",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=cmd",
    "\r=cmd",
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
]
HARMLESS = ["Total notifiable offences", "a=b", "1-2", "", " =leading space", "£5 – up", "Q3 2016/17"]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


@pytest.mark.parametrize("text", DANGEROUS)
def test_export_tabular_formula_text_is_neutralised(text: str) -> None:
    frame = pd.DataFrame({"note": [text], "value": [1]})
    assert neutralise(text) == "'" + text
    assert csv_rows(safe_csv(frame))[1] == ["'" + text, "1"]
    cell = sheet(safe_xlsx(frame))["A2"]
    assert cell.value == "'" + text and cell.data_type == "s"  # text, never a formula


@pytest.mark.parametrize("text", HARMLESS)
def test_export_tabular_ordinary_text_is_unchanged(text: str) -> None:
    frame = pd.DataFrame({"note": [text]})
    assert csv_rows(safe_csv(frame))[1] == [text]
    assert sheet(safe_xlsx(frame))["A2"].value == (text or None)


def test_export_tabular_headers_are_neutralised_too() -> None:
    frame = pd.DataFrame({"=evil": [1], "ok": [2]})
    assert csv_rows(safe_csv(frame))[0] == ["'=evil", "ok"]
    assert sheet(safe_xlsx(frame))["A1"].value == "'=evil"


def test_export_tabular_numbers_stay_numbers() -> None:
    frame = pd.DataFrame(
        {"count": [13143, -3, 0], "change": [-3.7, 4.5, float("nan")], "whole": [12573.0, 2.0, None], "flag": [True, False, True]}
    )
    text = safe_csv(frame).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["13143,-3.7,12573,True", "-3,4.5,2,False", "0,,,True"]  # unquoted, no apostrophes
    back = pd.read_csv(io.StringIO(text))
    assert back["change"].tolist()[:2] == [-3.7, 4.5] and back["count"].tolist() == [13143, -3, 0]
    ws = sheet(safe_xlsx(frame))
    assert [(c.value, c.data_type) for c in ws[2]] == [(13143, "n"), (-3.7, "n"), (12573, "n"), (True, "b")]
    assert ws["B4"].value is None and ws["C4"].value is None  # blanks stay blank
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold


def test_export_tabular_text_with_commas_and_quotes_round_trips() -> None:
    frame = pd.DataFrame({"note": ['Up 4.5%, "mostly" violence\nsee note']})
    assert csv_rows(safe_csv(frame))[1] == ['Up 4.5%, "mostly" violence\nsee note']


def test_export_tabular_indicator_file_neutralises_commentary(demo_engine) -> None:
    """Commentary typed by a partner is the realistic attack: it arrives in the download."""
    attack = "=cmd|' /C calc'!A0"
    with session_scope(demo_engine) as session:
        session.execute(
            update(Commentary).where(Commentary.indicator_code == "CSP1", Commentary.period == Q3.key).values(commentary=attack)
        )
        session.execute(
            delete(CorrectiveAction).where(CorrectiveAction.indicator_code == "CSP1", CorrectiveAction.period == Q3.key)
        )
        session.add(
            CorrectiveAction(
                indicator_code="CSP1",
                area_code="E09000016",
                period=Q3.key,
                text="@SUM(1)",
                owner="",
                status="open",
                created_by="t",
                updated_by="t",
            )
        )
    csv_file = data_download(demo_engine, "CSP1", Q3, "E09000016", "csv")
    assert csv_file.filename == "CSP1-E09000016-2016-17-Q3.csv"
    rows = csv_rows(csv_file.content)
    last = dict(zip(rows[0], rows[-1]))
    assert last["commentary"] == "'" + attack and last["corrective_action"] == "'@SUM(1)"
    ws = sheet(data_download(demo_engine, "CSP1", Q3, "E09000016", "xlsx").content)
    header = [c.value for c in ws[1]]
    cells = dict(zip(header, ws[ws.max_row]))
    assert cells["commentary"].value == "'" + attack and cells["commentary"].data_type == "s"
    assert cells["actual"].value == 13143 and cells["actual"].data_type == "n"


def test_export_tabular_indicator_file_agrees_with_scorecard(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        card = build_scorecard(session, Q3, "E09000016")
    for row in (r for r in card.rows if r.rated):
        rows = csv_rows(data_download(demo_engine, row.code, Q3, "E09000016", "csv").content)
        last = dict(zip(rows[0], rows[-1]))
        assert last["period"] == Q3.key and last["rating"] == row.rag.value
        assert float(last["actual"]) == pytest.approx(row.actual, abs=0.05)
        assert float(last["same_period_last_year"]) == pytest.approx(row.same_period_last_year, abs=0.05)
        assert last["short_term"] == row.dot_short.value and last["long_term"] == row.dot_long.value
        assert last["tolerance"] == row.tolerance_text()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_tabular_cli_writes_data(demo_engine, database_url: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"csp2.{fmt}"
    result = CliRunner().invoke(
        cli, ["export", "data", "--indicator", "CSP2", "--period", Q3.key, "--out", str(out)], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        last = dict(zip(*[csv_rows(out.read_bytes())[i] for i in (0, -1)]))
        assert (last["actual"], last["target_low"], last["target_high"], last["rating"]) == ("28.8", "28", "40", "Green")
    else:
        ws = sheet(out.read_bytes())
        assert ws.title == "CSP2" and ws.cell(ws.max_row, 9).value == 28.8
