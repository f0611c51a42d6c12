"""Issue 20 part 1: a draft pack says DRAFT on every page, in Word (as LibreOffice lays it out),
PDF and HTML, and its file name ends "-DRAFT"; a published pack carries neither. File names
use the area's name: ``Havering-CSP-performance-Q3-2016-17.pdf``. Real SQLite and PostgreSQL,
real Chromium (PDF) and LibreOffice (Word)."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

from exports.pack import load_content, render_pack
from exports.pack_content import DRAFT_MARK
from rules.periods import Quarter
from settings import Settings
from tests.conftest import make_export_app, skip_or_fail
from tests.test_published_first import publish_q3

Q3, Q4 = Quarter(2016, 3), Quarter(2016, 4)
HAVERING = "E09000016"


def _settings(database_url: str) -> Settings:
    return Settings.from_env({"DATABASE_URL": database_url, "CSPDASH_DATA_DIR": tempfile.mkdtemp(prefix="cspdash-data-")})


def _pdf_pages(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def _word_pages_in_libreoffice(docx: bytes, folder: Path) -> list[str]:
    soffice = Path("/usr/bin/soffice")
    if not soffice.exists():
        skip_or_fail("LibreOffice (soffice) is not installed")
    source = folder / "pack.docx"
    source.write_bytes(docx)
    subprocess.run(
        [str(soffice), "--headless", f"-env:UserInstallation=file://{folder}/lo", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True, timeout=300, capture_output=True,
    )  # fmt: skip
    return _pdf_pages((folder / "pack.pdf").read_bytes())


def test_a_draft_pack_says_draft_on_every_page_and_in_its_name(
    demo_engine, database_url: str, export_chromium: Path, tmp_path: Path
) -> None:
    content = load_content(demo_engine, Q4, HAVERING, _settings(database_url))
    assert content.draft and content.file_stem == "Havering-CSP-performance-Q4-2016-17-DRAFT"
    pdf = _pdf_pages(render_pack(content, "pdf"))
    assert len(pdf) > 5 and all("DRAFT" in page for page in pdf), [i for i, p in enumerate(pdf) if "DRAFT" not in p]
    word = _word_pages_in_libreoffice(render_pack(content, "docx"), tmp_path)
    assert len(word) > 5 and all(DRAFT_MARK in page for page in word), [i for i, p in enumerate(word) if DRAFT_MARK not in p]
    html = render_pack(content, "html").decode()
    assert f'<p class="draft-mark" role="note">{DRAFT_MARK}</p>' in html and "<title>DRAFT: " in html

    client = make_export_app(database_url).server.test_client()
    response = client.get(f"/p/E09000016/export/pack.html?period={Q4.key}&area={HAVERING}")
    assert response.status_code == 200
    assert 'filename="Havering-CSP-performance-Q4-2016-17-DRAFT.html"' in response.headers["Content-Disposition"]


def test_a_published_quarters_pack_has_no_draft_mark(demo_engine, database_url: str, export_chromium: Path) -> None:
    publish_q3(demo_engine)
    content = load_content(demo_engine, Q3, HAVERING, _settings(database_url))
    assert not content.draft and content.file_stem == "Havering-CSP-performance-Q3-2016-17"
    assert not any("DRAFT" in page for page in _pdf_pages(render_pack(content, "pdf")))
    assert "draft-mark" not in render_pack(content, "html").decode()
    client = make_export_app(database_url).server.test_client()
    response = client.get(f"/p/E09000016/export/pack.html?period={Q3.key}&area={HAVERING}")
    assert 'filename="Havering-CSP-performance-Q3-2016-17.html"' in response.headers["Content-Disposition"]
