"""The committee pack (``cspdash export pack``) in Word, HTML and PDF, built from the demo on
SQLite and PostgreSQL: the Appendix 1 table agrees with ``build_scorecard`` and with
``cspdash score --format csv``, the Word layout (styles, landscape section, alt text) and
the PDF (pages, orientation, extractable text) are checked, and the HTML fetches nothing.

Page images of the PDF go to tests/artifacts/ for people to look at.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from PIL import Image
from pypdf import PdfReader

from cli.main import cli
from rules.direction import Direction
from rules.periods import Quarter
from rules.rating import Rating
from rules.summary import summary_sentence
from settings import Settings
from store.db import get_engine, session_scope
from store.scorecard import build_scorecard, format_value
from tests.conftest import serious_axe_violations, skip_or_fail
from tests.helpers import ARTIFACTS
from web.parts.components import ARROW, RAG_SHAPE

Q3 = Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"
EXPECTED = {  # the demo reproduces Havering's Q3 2016/17 report
    "CSP1": ("Total notifiable offences", Rating.RED, "13,143"),
    "CSP2": ("Repeat domestic violence cases going to MARAC", Rating.GREEN, "28.8%"),
    "CSP3": ("Anti-social behaviour incidents", Rating.RED, "4,810"),
}


def backend(url: str) -> str:
    return "postgresql" if url.startswith("postgres") else "sqlite"


@pytest.fixture(scope="module")
def packs(demo_database_url: str, export_chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three packs for Q3 2016/17, made once per database through the CLI."""
    folder = tmp_path_factory.mktemp(f"packs-{backend(demo_database_url)}")
    out = {}
    runner = CliRunner()
    for fmt in ("docx", "html", "pdf"):
        path = folder / f"pack.{fmt}"
        args = ["export", "pack", "--period", Q3.key, "--area", HAVERING, "--out", str(path), "--date", "2017-01-17"]
        result = runner.invoke(cli, args, env={"DATABASE_URL": demo_database_url})
        assert result.exit_code == 0, result.output
        assert f"Wrote {path}" in result.output
        out[fmt] = path
    return out


@pytest.fixture(scope="module")
def scorecard(demo_database_url: str):
    with session_scope(get_engine(demo_database_url)) as session:
        return build_scorecard(session, Q3, HAVERING)


@pytest.fixture(scope="module")
def score_csv(demo_database_url: str) -> dict[str, dict[str, str]]:
    """``cspdash score --format csv``, by indicator code."""
    result = CliRunner().invoke(cli, ["score", "--period", Q3.key, "--format", "csv"], env={"DATABASE_URL": demo_database_url})
    assert result.exit_code == 0, result.output
    return {r["code"]: r for r in csv.DictReader(io.StringIO(result.output))}


def appendix_table(doc):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "Indicator" and len(t.columns) == 13)


def appendix_rows(doc) -> dict[str, list[str]]:
    """Appendix 1 rows by indicator code (the code is in the first cell's note)."""
    rows = {}
    for row in appendix_table(doc).rows[1:]:
        cells = [c.text for c in row.cells]
        if "\n" in cells[0]:
            rows[cells[0].split("\n")[1].split(" ·")[0]] = cells
    return rows


# --- Word ------------------------------------------------------------------------------


def test_export_pack_docx_appendix_matches_scorecard_and_score_csv(packs, scorecard, score_csv) -> None:
    rows = appendix_rows(Document(packs["docx"]))
    rated = {r.code: r for r in scorecard.rows if r.rated}
    assert set(rows) == set(rated) == set(EXPECTED)
    for code, cells in rows.items():
        row, record = rated[code], score_csv[code]
        name, rating, actual = EXPECTED[code]
        assert cells[0].startswith(name)
        assert cells[1] == row.target_text() and cells[2] == row.tolerance_text()
        assert cells[3] == format_value(row.quarter_value, row.unit)
        assert cells[4] == format_value(row.ytd_value, row.unit)
        assert cells[5] == format_value(row.same_period_last_year, row.unit)
        assert actual in (cells[3], cells[4])
        # Rating: shape and word, and the same word `cspdash score` prints.
        assert cells[8] == f"{RAG_SHAPE[rating]} {rating.value}" == f"{RAG_SHAPE[row.rag]} {record['rag']}"
        for cell, word in ((cells[9], record["dot_short"]), (cells[10], record["dot_long"])):
            assert cell.split("\n")[0] == f"{ARROW[Direction(word)]} {word.capitalize()}"
        # The CSV's plain numbers are the same figures the table formats.
        assert float(record["actual"]) == pytest.approx(row.actual, abs=0.05)
        assert cells[11] == (row.commentary or "None recorded.")
    # As in Havering's report: the change on last year and the London or national comparator.
    assert rows["CSP1"][6:8] == ["+4.5%", "London +3.8%"]
    assert rows["CSP3"][6:8] == ["+26.2%", "London +12.7%"]
    assert rows["CSP2"][6:8] == ["+5.7 points", "National average (SafeLives) 24.5%"]
    assert rows["CSP1"][8] == "■ Red" and rows["CSP2"][8] == "● Green" and rows["CSP3"][8] == "■ Red"
    assert [c.split("\n")[0] for c in rows["CSP1"][9:11]] == ["↑ Better", "↓ Worse"]
    assert rows["CSP1"][12].startswith("Partnership problem-solving")


def test_export_pack_docx_summary_and_headings(packs, scorecard) -> None:
    doc = Document(packs["docx"])
    styled = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", "Community Safety Partnership Performance Report: Quarter 3 (2016/17)") in styled
    headings1 = [t for s, t in styled if s == "Heading 1"]
    assert headings1 == [
        # Havering's order (issue 20 part 3): implications and background papers before the
        # appendices, and how ratings work after Appendix 1.
        "Summary", "Implications and risks", "Background papers", "Appendix 1: Performance against target, Q3 2016/17",
        "How indicators are rated", "Performance by indicator", "Appendix 2: Demand pressures, Q3 2016/17",
        "Technical annex: statistical tests and SPC limits",
    ]  # fmt: skip
    assert [t for s, t in styled if s == "Heading 2" and t.startswith("CSP")] == [f"{c}: {EXPECTED[c][0]}" for c in EXPECTED]
    texts = [t for _, t in styled]
    assert summary_sentence(scorecard.summary.overall) in texts
    assert "Of the 3 indicators, 2 (66.7%) are Red and 1 (33.3%) is Green." in texts
    assert doc.core_properties.author == Settings.from_env({}).report_author
    title_block = doc.tables[0]
    assert ["Date", "17 January 2017"] in [[c.text for c in r.cells] for r in title_block.rows]
    # The key explains each rating and arrow, with shape and word.
    key_text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    for mark in ("■ Red", "▲ Amber", "● Green", "↑ Better", "↓ Worse", "→ Same"):
        assert mark in key_text


def test_export_pack_docx_real_tables_landscape_appendix_and_alt_text(packs) -> None:
    doc = Document(packs["docx"])
    orientations = [(s.orientation, s.page_width > s.page_height) for s in doc.sections]
    assert orientations == [(WD_ORIENT.PORTRAIT, False), (WD_ORIENT.LANDSCAPE, True), (WD_ORIENT.PORTRAIT, False)]
    assert round(doc.sections[1].page_width.mm) == 297 and round(doc.sections[1].page_height.mm) == 210
    # The Appendix table sits in the landscape (second) section: one section break before it.
    table = appendix_table(doc)._tbl
    breaks_before = 0
    for element in doc.element.body.iterchildren():
        if element is table:
            break
        if element.tag == qn("w:p") and element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            breaks_before += 1
    assert breaks_before == 1
    assert appendix_table(doc).style.name == "Table Grid"
    header = appendix_table(doc).rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None  # repeats on each page
    # Every chart is a high-resolution picture with alt text (docPr descr) and a title.
    shapes = list(doc.inline_shapes)
    assert len(shapes) == 10  # trend, year to date and SPC for each rated indicator, and demand
    for shape in shapes:
        descr = shape._inline.docPr.get("descr")
        assert descr and len(descr) > 40, descr
        assert shape._inline.docPr.get("title")
    assert "Total notifiable offences" in shapes[0]._inline.docPr.get("descr")
    image = doc.part.related_parts[shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
    assert Image.open(io.BytesIO(image)).width >= 2000  # over 300 dpi across 17 cm


# --- HTML ------------------------------------------------------------------------------


class _Resources(HTMLParser):
    """Every URL the page would load or link to, and the tables' structure."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tables = self.captions = self.scoped = 0
        self.scripts: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href", "xlink:href", "srcset", "data", "poster", "action"):
            if values.get(name):
                self.urls.append((tag, name, values[name]))
        self.tables += tag == "table"
        self.captions += tag == "caption"
        self.scoped += tag == "th" and "scope" in values
        if tag == "script":
            self.scripts.append(values)


def test_export_pack_html_is_self_contained_with_semantic_tables(packs) -> None:
    text = packs["html"].read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(text)
    external = [u for u in parser.urls if u[2].strip().lower().startswith(("http:", "https:", "//", "file:"))]
    assert external == []
    assert all(u[2].startswith("data:image/svg+xml;base64,") for u in parser.urls if u[0] == "img")
    assert len([u for u in parser.urls if u[0] == "img"]) == 10
    assert parser.scripts == [] and "<link" not in text and "@import" not in text and "url(" not in text
    assert parser.tables == parser.captions >= 5 and parser.scoped > 20
    assert '<html lang="en-GB">' in text
    for code, (name, _rating, _actual) in EXPECTED.items():
        assert f'id="appendix-{code}"' in text and name in text
    assert '<span aria-hidden="true">■</span> Red</td>' in text


# --- PDF -------------------------------------------------------------------------------


def test_export_pack_pdf_pages_orientation_and_text(packs, demo_database_url: str, tmp_path: Path) -> None:
    reader = PdfReader(packs["pdf"])
    pages = len(reader.pages)
    assert 6 <= pages <= 16
    shapes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    landscape = [i for i, (w, h) in enumerate(shapes) if w > h]
    assert len(landscape) == 1 and landscape[0] >= 1, shapes  # the Appendix 1 page
    assert shapes[0] == pytest.approx((595, 842), abs=2)  # A4 portrait
    text = "\n".join(p.extract_text() for p in reader.pages)
    for phrase in (
        "Total notifiable offences",
        "Red",
        "Green",
        "Anti-social behaviour incidents",
        "Appendix 1",
        "Demand pressures",
        "Page 1 of",
    ):
        assert phrase in text, phrase
    appendix = reader.pages[landscape[0]].extract_text()
    assert "Appendix 1" in appendix and "13,143" in appendix and "Better" in appendix
    # Rendered by poppler to images: one per page, each a real A4 raster.
    if not Path("/usr/bin/pdftoppm").exists():
        skip_or_fail("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(packs["pdf"]), str(tmp_path / "page")], check=True, timeout=120)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(images, start=1):
        with Image.open(path) as image:
            width, height = image.size
            assert (width > height) == (i - 1 in landscape)
            image.save(ARTIFACTS / f"pack-{backend(demo_database_url)}-page{i:02d}.png")


def test_export_pack_pdf_is_typeset_in_bundled_fonts_without_ligatures(packs) -> None:
    """Searching the PDF for "notifiable" finds it on any machine: the pack is printed in the
    project's own Liberation Sans with ligatures off, not whatever fonts the machine happens to have."""
    reader = PdfReader(packs["pdf"])
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "notifiable offences" in text
    assert not set("\ufb00\ufb01\ufb02\ufb03\ufb04") & set(text), "ligature glyphs in the PDF text"
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(name.startswith("LiberationSans") for name in fonts if "Symbol" not in name), fonts


# --- Content ---------------------------------------------------------------------------


def test_export_pack_content_uses_scorecard_figures(demo_database_url: str, scorecard) -> None:
    from exports.pack_content import build_pack_content

    with session_scope(get_engine(demo_database_url)) as session:
        content = build_pack_content(session, Q3, HAVERING, Settings.from_env({}), dt.date(2017, 1, 17))
    assert [(r.code, r.rag, r.actual) for r in content.rows] == [(r.code, r.rag, r.actual) for r in scorecard.rows]
    assert [(s.code, s.rating.word) for s in content.sections] == [(c, EXPECTED[c][1].value) for c in EXPECTED]
    csp1 = content.sections[0]
    assert csp1.change == "13,143 year to date, up 4.5% on Q3 2015/16 (12,573). London: +3.8% on a year earlier."
    assert [c.name for c in content.charts] == [
        "CSP1-trend", "CSP1-ytd", "CSP1-spc", "CSP2-trend", "CSP2-ytd", "CSP2-spc", "CSP3-trend", "CSP3-ytd", "CSP3-spc", "demand-pressures",
    ]  # fmt: skip
    assert content.date == "17 January 2017" and content.period_covered.startswith("Q3 2016/17 (October to December 2016)")
    assert [r.code for r in content.demand_rows] == ["DP1", "DP2", "DP3", "DP4", "DP5"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2030-31-Q1"], "No figures are held for Q1 2030/31. Figures are held from"),
        (["--period", "2016-17-Q3", "--area", "E09000099"], "No area with code 'E09000099' is held"),
        (["--period", "Q9"], "'Q9' is not a quarter"),
    ],
)
def test_export_pack_cli_errors(demo_engine, database_url: str, tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(
        cli, ["export", "pack", *args, "--out", str(tmp_path / "x.docx")], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code != 0
    assert message in result.output
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.browser
def test_export_pack_html_has_no_serious_accessibility_problems(packs, web_browser) -> None:
    web_browser.goto(packs["html"].as_uri())
    assert web_browser.locator("img[alt]").count() == 10
    assert serious_axe_violations(web_browser) == []
    assert web_browser.console_errors == []


def test_export_pack_http_download(demo_engine, database_url: str, export_chromium: Path) -> None:
    from tests.conftest import make_export_app

    client = make_export_app(database_url).server.test_client()
    response = client.get(f"/p/E09000016/export/pack.docx?period={Q3.key}&area={HAVERING}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="Havering-CSP-performance-Q3-2016-17-DRAFT.docx"'
    )  # Q3 is a draft here
    assert set(appendix_rows(Document(io.BytesIO(response.data)))) == set(EXPECTED)
    assert client.get("/p/E09000016/export/pack.docx?period=2030-31-Q1").status_code == 404


# --- Issue 11/12: SPC verdicts and significance words in every pack; Appendix 1 still one page


def test_export_pack_docx_carries_spc_and_significance(packs, scorecard) -> None:
    doc = Document(packs["docx"])
    rows = appendix_rows(doc)
    for code in EXPECTED:
        assert "SPC: " in rows[code][0], rows[code][0]
        for cell in (rows[code][9], rows[code][10]):
            assert "a real change" in cell or "within normal variation" in cell, cell
    assert "SPC: provisional (under 13 points)" in rows["CSP2"][0]
    headers = [c.text for c in appendix_table(doc).rows[0].cells]
    assert "v last quarter (Q2 2016/17)" in headers and "v Q3 2015/16 (used for the rating)" in headers
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Variation: " in text and "Assurance: " in text and "vary more than chance alone" in text
    assert "Amber and Red are judged against the same period last year" in text


def test_export_pack_docx_appendix_fits_one_landscape_page_in_libreoffice(packs, tmp_path: Path) -> None:
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
            str(tmp_path),
            str(packs["docx"]),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    reader = PdfReader(tmp_path / "pack.pdf")
    landscape = [i for i, p in enumerate(reader.pages) if float(p.mediabox.width) > float(p.mediabox.height)]
    assert len(landscape) == 1, landscape  # Appendix 1 on one sheet, SPC and significance included
    page = reader.pages[landscape[0]].extract_text()
    assert "Appendix 1" in page and all(f"{code} ·" in page for code in EXPECTED), page


def test_export_pack_html_and_pdf_carry_spc_and_significance(packs) -> None:
    html_text = packs["html"].read_text(encoding="utf-8")
    row = html_text.split('id="appendix-CSP1"')[1].split("</tr>")[0]
    assert "SPC: " in row and ("a real change" in row or "within normal variation" in row)
    assert 'class="spc-line">Variation: ' in html_text
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(packs["pdf"]).pages)
    assert "SPC: " in pdf_text and "Variation: " in pdf_text and "normal variation" in pdf_text.replace("\n", " ")


# --- Issue 20 part 2: one plain verdict per indicator; test figures only in the technical annex


def _body_and_annex(text: str) -> tuple[str, str]:
    body, _, annex = text.partition("Technical annex: statistical tests and SPC limits")
    return body, annex


@pytest.fixture(scope="module")
def verdicts(demo_database_url: str):
    """The scorecard as the pack scores it: with each row's SPC chart attached."""
    from store.spc_series import attach_spc

    with session_scope(get_engine(demo_database_url)) as session:
        card = build_scorecard(session, Q3, HAVERING)
        attach_spc(session, card)
        return card


def test_export_pack_says_each_verdict_and_keeps_test_figures_in_the_annex(packs, verdicts) -> None:
    scorecard = verdicts
    doc = Document(packs["docx"])
    text = "\n".join(p.text for p in doc.paragraphs)
    html_text = packs["html"].read_text(encoding="utf-8")
    pdf_text = " ".join(p.extract_text() for p in PdfReader(packs["pdf"]).pages).replace("\n", " ")
    for row in scorecard.rows:
        if not row.rated:
            continue
        assert row.summary_sentence, row.code
        assert row.summary_sentence in text, row.summary_sentence
        assert f'id="verdict-{row.code}">{html.escape(row.summary_sentence)}</p>' in html_text
    tno = next(r for r in scorecard.rows if r.code == "CSP1").summary_sentence
    assert tno.startswith("Red: ") and "on last year, a real rise" in tno
    for words in (text, html_text, pdf_text):
        body, annex = _body_and_annex(words)
        assert annex, "the pack ends with its technical annex"
        for figure in ("p = ", "p < 0.001", "95% CI", "two Poisson counts"):
            assert figure not in body, figure
        assert "Long term: " in annex and ("p = " in annex or "p < 0.001" in annex) and "process limits" in annex
