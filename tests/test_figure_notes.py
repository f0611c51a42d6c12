"""Notes on the figures, where a reader sees the figures (issue 9): a published year to date
("year to date … is the published figure") or a figure not available for partial coverage is
marked beside the figure with a text marker ([1]) and listed under the table, on the scorecard
page (real Chromium) and in the committee pack (Word, HTML), numbered the same; and the
indicator page's comparator chart says which quarters it leaves out and why, keeping the gap
visible. Demo data on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import io
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader

from cli.main import cli
from rules.periods import Quarter
from store.db import session_scope
from store.queries import indicator_detail
from tests.conftest import make_dashboard_app, serious_axe_violations, serve_in_thread, skip_or_fail
from tests.helpers import load, write
from tests.test_browser_dashboard import browser, open_page, shoot  # noqa: F401 (fixtures)
from tests.test_browser_scorecard_clarity import tab  # noqa: F401 (fixture)
from tests.test_coverage import havering_wards, upload_asb
from views import charts
from views.wording import comparator_finding, comparator_gap_notes

HAVERING, LONDON = "E09000016", "E12000007"
Q3 = Quarter.parse("2016-17-Q3")
PUBLISHED = "Anti-social behaviour incidents: Year to date Q3 2015/16 is the published figure, not the sum of the quarters."


@pytest.fixture
def published_ytd(demo_engine, tmp_path):
    """Havering's report published last year's ASB year to date as 3,817 (the quarters sum to less)."""
    load(
        demo_engine,
        "values",
        write(tmp_path / "ytd.csv", "indicator_code,area_code,period,value\nCSP3,E09000016,2015-16-YTD-Q3,3817\n"),
    )
    return demo_engine


def served(database_url: str) -> Iterator[str]:
    with serve_in_thread(make_dashboard_app(database_url).server) as base_url:
        yield base_url


@pytest.mark.browser
def test_scorecard_page_marks_the_published_year_to_date_and_lists_the_note(published_ytd, database_url, tab) -> None:
    for base in served(database_url):
        open_page(tab, f"{base}/?period={Q3.key}&area={HAVERING}", "#scorecard-table")
        last_year = tab.inner_text("#scorecard-row-CSP3 td:nth-of-type(9)")
        # The marker is text beside the figure, read out as "note [1]".
        assert last_year.replace("\n", " ").split() == ["3,817", "note", "[1]"], last_year
        marker = tab.locator("#scorecard-row-CSP3 .note-marker a")
        assert marker.get_attribute("href") == "#scorecard-note-1"
        assert "published figure" in marker.get_attribute("title")
        assert tab.inner_text("#scorecard-figure-notes-heading") == "Notes on the figures"
        assert tab.inner_text("#scorecard-note-1") == f"[1] {PUBLISHED}"
        assert "[1]" not in tab.inner_text("#scorecard-row-CSP1")  # only the figure with the note
        marker.click()
        assert tab.evaluate("location.hash") == "#scorecard-note-1"
        assert serious_axe_violations(tab) == []
        shoot(tab, "scorecard-figure-notes", database_url, 1366)
        shoot(tab, "scorecard-figure-notes", database_url, 390)
        assert "[1]" in tab.inner_text("#scorecard-row-CSP3")  # the stacked card keeps the marker


def test_scorecard_without_notes_has_no_notes_section(demo_engine, database_url) -> None:
    import importlib

    app = make_dashboard_app(database_url)
    with app.server.test_request_context("/"):
        page = importlib.import_module("dashboards.scorecard").layout(period=Q3.key, area=HAVERING)
    assert "scorecard-figure-notes" not in repr(page) and "note-marker" not in repr(page)


def test_pack_marks_the_figure_and_lists_the_note_in_word_pdf_and_html(
    published_ytd, database_url, export_chromium, tmp_path
) -> None:
    runner = CliRunner()
    paths = {}
    for fmt in ("docx", "html"):
        paths[fmt] = tmp_path / f"pack.{fmt}"
        args = ["export", "pack", "--period", Q3.key, "--area", HAVERING, "--out", str(paths[fmt]), "--date", "2017-01-17"]
        result = runner.invoke(cli, args, env={"DATABASE_URL": database_url})
        assert result.exit_code == 0, result.output
    doc = Document(io.BytesIO(paths["docx"].read_bytes()))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Indicator" and len(t.columns) == 13)
    csp3 = next(r for r in table.rows if "CSP3 ·" in r.cells[0].text)
    assert csp3.cells[5].text == "3,817 [1]"
    assert "[1]" not in csp3.cells[3].text and "[1]" not in csp3.cells[4].text
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Notes on the figures" in paragraphs and f"[1] {PUBLISHED}" in paragraphs
    html = paths["html"].read_text(encoding="utf-8")
    # The notes sit under the table on Appendix 1's one landscape sheet, in Word (LibreOffice) and the PDF.
    soffice = Path("/usr/bin/soffice")
    if not soffice.exists():
        skip_or_fail("LibreOffice (soffice) is not installed")
    subprocess.run(
        [
            str(soffice),
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "word"),
            str(paths["docx"]),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    pdf = tmp_path / "pack.pdf"
    result = runner.invoke(
        cli,
        ["export", "pack", "--period", Q3.key, "--area", HAVERING, "--out", str(pdf), "--date", "2017-01-17"],
        env={"DATABASE_URL": database_url},
    )
    assert result.exit_code == 0, result.output
    for printed in (tmp_path / "word" / "pack.pdf", pdf):
        reader = PdfReader(printed)
        landscape = [p for p in reader.pages if float(p.mediabox.width) > float(p.mediabox.height)]
        assert len(landscape) == 1, printed
        text = " ".join(landscape[0].extract_text().split())
        assert "3,817 [1]" in text and "Year to date Q3 2015/16 is the published figure" in text and "Key:" in text, (
            printed,
            text,
        )
    assert "3,817 [1]</td>" in html and f"<strong>Notes on the figures:</strong> [1] {PUBLISHED}</p>" in html
    assert html.index('id="appendix-table"') < html.index('id="appendix-figure-notes"')


# --- The comparator chart: partial or missing comparator quarters said, gaps kept -------------


@pytest.fixture
def london_partial_in_q1(demo_engine, tmp_path):
    """Havering's ASB for Q1 and Q2 2017/18 by ward (London's Q1 is then 1 of 33 boroughs), and
    London's published year to date at Q2: London's line has a hole at Q1."""
    upload_asb(
        demo_engine, tmp_path, ["2017-04", "2017-05", "2017-06", "2017-07", "2017-08", "2017-09"], havering_wards(demo_engine)
    )
    load(
        demo_engine,
        "values",
        write(tmp_path / "london.csv", f"indicator_code,area_code,period,value\nCSP3,{LONDON},2017-18-YTD-Q2,40000\n"),
    )
    return demo_engine


GAP = "Q1 2017/18: London not shown, only 1 of 33 boroughs loaded"


def test_comparator_chart_says_which_quarter_it_leaves_out_and_keeps_the_gap(london_partial_in_q1) -> None:
    q2 = Quarter.parse("2017-18-Q2")
    with session_scope(london_partial_in_q1) as session:
        detail = indicator_detail(session, "CSP3", q2, HAVERING)
    assert comparator_gap_notes(detail) == [GAP]
    figure = charts.comparator_change(detail, comparator_finding(detail))
    london, havering = figure["data"]
    assert london["x"][-2:] == havering["x"][-2:] and "Q1" in london["x"][-2]
    assert london["y"][-2] is None and london["y"][-1] is not None and london["y"][-3] is not None  # a hole, not a bridge
    assert not london.get("connectgaps")
    # A quarter with neither figure, between drawn quarters, stays on the axis as a gap.
    history = list(detail.history)
    i = len(history) - 3
    history[i] = dataclasses.replace(history[i], actual=None, comparator_change=None)
    holed = dataclasses.replace(detail, history=history)
    figure = charts.comparator_change(holed, comparator_finding(holed))
    assert len(figure["data"][0]["x"]) == len(figure["data"][0]["y"]) and figure["data"][1]["y"].count(None) >= 1
    assert any(
        n.startswith(f"{Quarter.parse(history[i].period).label}: London not shown, no figure held")
        for n in comparator_gap_notes(holed)
    )
    # Consecutive quarters left out for the same reason are one line (issue 19 part 4).
    for j in (i - 2, i - 1):
        history[j] = dataclasses.replace(history[j], actual=None, comparator_change=None)
    dropped = {history[j].period for j in (i - 2, i - 1, i)}
    run = dataclasses.replace(
        detail, history=history, comparator={k: v for k, v in detail.comparator.items() if k not in dropped}
    )
    first, last = Quarter.parse(history[i - 2].period).label, Quarter.parse(history[i].period).label
    assert f"{first} to {last}: London not shown, no figure held" in comparator_gap_notes(run)


@pytest.mark.browser
def test_indicator_page_lists_the_comparator_gap_under_the_chart(london_partial_in_q1, database_url, tab) -> None:
    for base in served(database_url):
        open_page(tab, f"{base}/indicator/CSP3?period=2017-18-Q2&area={HAVERING}", "#indicator-comparator-graph .main-svg")
        gaps = tab.inner_text("#indicator-comparator-gaps")
        assert GAP in gaps and "Gaps in the lines" in gaps
        assert serious_axe_violations(tab) == []
        tab.locator("#indicator-comparator-graph").scroll_into_view_if_needed()
        shoot(tab, "indicator-comparator-gaps", database_url, 1366)
        shoot(tab, "indicator-comparator-gaps", database_url, 390)


def test_exported_comparator_chart_alt_text_names_the_gap(london_partial_in_q1) -> None:
    from views.figures import comparator_chart

    with session_scope(london_partial_in_q1) as session:
        detail = indicator_detail(session, "CSP3", Quarter.parse("2017-18-Q2"), HAVERING)
    assert f"Not shown: {GAP}." in comparator_chart(detail).alt
