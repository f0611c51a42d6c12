"""Issue 20 part 3: the pack matches Havering's committee report (Agenda Item 9, 17 January 2017).

The author's contact details and the lead officer from settings, overridden per quarter;
"Implications and risks" and "Background papers" with Havering-like defaults, edited per area and
quarter and frozen on publishing; the rating and SPC method after Appendix 1; in Word (as
LibreOffice lays it out) a table's caption on its table's page; "Data up to …; last updated …;
contact …" on every pack page, site page and embed. Real SQLite and PostgreSQL, real Chromium
(PDF) and LibreOffice (Word)."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from exports.pack import load_content, render_pack
from exports.publication import publish_with_pack
from reporting.edits import StaleEdit
from reporting.pack_text import DEFAULT_FINANCIAL, DEFAULT_HUMAN_RESOURCES, PackText, problems
from rules.periods import Quarter
from settings import Settings
from store.db import session_scope
from store.models import ChangeLog
from store.pack_sections import pack_text, pack_text_version, save_pack_text
from store.publishing import published_document, published_file
from store.users import Principal
from tests.conftest import make_export_app, make_web_app, skip_or_fail
from views.data_line import DataDates, data_line
from views.marks import NATIONAL_SOURCES, SOURCES

Q3, Q4 = Quarter(2016, 3), Quarter(2016, 4)
HAVERING = "E09000016"
NOW = datetime(2017, 1, 10, 9, tzinfo=UTC)
CONTACT = {
    "CSPDASH_REPORT_AUTHOR": "Iain Agar",
    "CSPDASH_REPORT_AUTHOR_ROLE": "Community Safety Partnership Analyst, Community Safety Team",
    "CSPDASH_REPORT_AUTHOR_EMAIL": "iain.agar@havering.example",
    "CSPDASH_REPORT_AUTHOR_PHONE": "01708 432 928",
    "CSPDASH_LEAD_OFFICER": "Sarah Homer (Interim Chief Operating Officer)",
}
DATA_LINE = "Data up to December 2016; last updated"


def _settings(database_url: str, **env: str) -> Settings:
    return Settings.from_env(
        {"DATABASE_URL": database_url, "CSPDASH_DATA_DIR": tempfile.mkdtemp(prefix="cspdash-data-"), **CONTACT, **env}
    )


def _pdf_pages(data: bytes) -> list[str]:
    """Each page's text, white space folded (a table cell's text wraps where the PDF puts it)."""
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def _libreoffice_pages(docx: bytes, folder: Path) -> list[str]:
    soffice = Path("/usr/bin/soffice")
    if not soffice.exists():
        skip_or_fail("LibreOffice (soffice) is not installed")
    source = folder / "pack.docx"
    source.write_bytes(docx)
    subprocess.run(
        [str(soffice), "--headless", f"-env:UserInstallation=file://{folder}/lo", "--convert-to", "pdf", "--outdir", str(folder), str(source)],
        check=True, timeout=300, capture_output=True,
    )  # fmt: skip
    out = []
    for number in range(1, len(PdfReader(folder / "pack.pdf").pages) + 1):  # pdftotext per page: the layout LibreOffice made
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(folder / "pack.pdf"), "-"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        out.append(text)
    return out


def _save(engine, text: PackText, period: Quarter = Q3, version: str | None = None, now: datetime = NOW) -> bool:
    with session_scope(engine) as session:
        return save_pack_text(session, period, HAVERING, text, "priya", now, version)


# --- Plain rules --------------------------------------------------------------------------------


def test_settings_read_the_authors_contact_details_and_lead_officer() -> None:
    settings = Settings.from_env({**CONTACT, "CSPDASH_CONTACT": " csp@havering.example "})
    assert (settings.report_author, settings.report_author_role, settings.report_author_email) == (
        "Iain Agar", "Community Safety Partnership Analyst, Community Safety Team", "iain.agar@havering.example",
    )  # fmt: skip
    assert settings.report_author_phone == "01708 432 928" and settings.lead_officer.startswith("Sarah Homer")
    assert settings.contact == "csp@havering.example"
    assert Settings.from_env({}).lead_officer == "" and Settings.from_env({}).contact == ""


def test_pack_text_is_trimmed_and_a_bad_email_or_an_overlong_field_is_named() -> None:
    text = PackText.from_mapping(
        {"author_name": "  Iain   Agar ", "legal": " Line one\r\nLine two ", "unknown": "x", "financial": None}
    )
    assert text.author_name == "Iain Agar" and text.legal == "Line one\nLine two" and text.financial == ""
    assert problems(text) == []
    found = dict(problems(PackText(author_email="iain.agar", background_papers="x" * 4001)))
    assert found["author_email"] == "Author's email 'iain.agar' is not an email address, like name@council.gov.uk."
    assert found["background_papers"] == "Background papers is 4,001 characters long: keep it to 4,000."


def test_data_line_wording() -> None:
    assert (
        data_line(DataDates("2026-03", date(2026, 12, 6)), "csp@council.gov.uk")
        == "Data up to March 2026; last updated 6 December 2026; contact csp@council.gov.uk."
    )
    assert data_line(DataDates(None, None), "") == "No figures loaded yet."


# --- The pack's content --------------------------------------------------------------------------


def test_title_block_contact_details_and_sections_default_then_override(demo_engine, database_url: str) -> None:
    content = load_content(demo_engine, Q3, HAVERING, _settings(database_url), date(2017, 1, 17))
    assert content.contact_lines == [
        "Iain Agar, Community Safety Partnership Analyst, Community Safety Team", "iain.agar@havering.example  01708 432 928",
    ]  # fmt: skip
    assert content.lead_officer == "Sarah Homer (Interim Chief Operating Officer)"
    implications = dict(content.implications)
    assert list(implications) == [
        "Financial implications and risks", "Legal implications and risks",
        "Human resources implications and risks", "Equalities implications and risks",
    ]  # fmt: skip
    assert implications["Financial implications and risks"] == DEFAULT_FINANCIAL
    assert implications["Human resources implications and risks"] == DEFAULT_HUMAN_RESOURCES
    assert "Total notifiable offences; Anti-social behaviour incidents" in implications["Equalities implications and risks"]
    assert content.background_papers == "None."
    assert content.data_line.startswith(DATA_LINE) and content.data_line.endswith("contact iain.agar@havering.example.")

    written = PackText(author_name="Jo Bloggs", author_email="jo.bloggs@havering.example", lead_officer="Head of Community Safety",
                       human_resources="Two analyst posts are vacant.", background_papers="Corporate Plan 2016/17\nhttps://www.havering.gov.uk/plan")  # fmt: skip
    assert _save(demo_engine, written)
    content = load_content(demo_engine, Q3, HAVERING, _settings(database_url), date(2017, 1, 17))
    assert content.author == "Jo Bloggs" and content.lead_officer == "Head of Community Safety"
    # Fields not written still come from the settings.
    assert content.contact_lines == [
        "Jo Bloggs, Community Safety Partnership Analyst, Community Safety Team", "jo.bloggs@havering.example  01708 432 928",
    ]  # fmt: skip
    assert dict(content.implications)["Human resources implications and risks"] == "Two analyst posts are vacant."
    assert dict(content.implications)["Financial implications and risks"] == DEFAULT_FINANCIAL
    # Another quarter keeps the defaults: the text is per area and quarter.
    other = load_content(demo_engine, Q4, HAVERING, _settings(database_url))
    assert other.author == "Iain Agar" and other.background_papers == "None."

    html = render_pack(content, "html").decode()
    order = [html.index(marker) for marker in (
        'id="summary"', 'id="implications"', 'id="background-papers"', 'id="appendix-1"', 'id="key"', 'id="indicators"', 'id="appendix-2"',
    )]  # fmt: skip
    assert order == sorted(order), order  # the rating and SPC method comes after Appendix 1
    assert "Report author and contact details</th><td>Jo Bloggs, Community Safety Partnership Analyst" in html
    assert "<p>Corporate Plan 2016/17</p><p>https://www.havering.gov.uk/plan</p>" in html
    assert f'<p id="data-line">{content.data_line}</p>' in html


def test_saving_pack_text_is_logged_and_refuses_a_stale_form(demo_engine) -> None:
    assert not _save(demo_engine, PackText())  # nothing written, nothing stored
    assert _save(demo_engine, PackText(legal="Reviewed by legal services."), version="")
    with session_scope(demo_engine) as session:
        version = pack_text_version(session, Q3, HAVERING)
        entry = session.scalars(select(ChangeLog).where(ChangeLog.entity == "pack text")).one()
        assert (entry.user, entry.action, entry.key) == ("priya", "edit", f"{HAVERING} {Q3.key}")
        assert entry.detail == {"old": {"legal": ""}, "new": {"legal": "Reviewed by legal services."}}
    assert not _save(demo_engine, PackText(legal="Reviewed by legal services."), version=version)  # unchanged
    with pytest.raises(StaleEdit):  # a form opened before that save
        _save(demo_engine, PackText(legal="Something else."), version="")
    with session_scope(demo_engine) as session:
        assert pack_text(session, Q3, HAVERING).legal == "Reviewed by legal services."


def test_published_pack_keeps_its_text_and_date_after_a_later_edit(
    demo_engine, database_url: str, export_chromium: Path, tmp_path: Path
) -> None:
    _save(demo_engine, PackText(financial="Funded from the MOPAC grant.", author_phone="01708 000 111"))
    settings = _settings(database_url)
    publish_with_pack(
        demo_engine, Q3, HAVERING, settings, Principal("lee", "lead"), force=True, reason="Demo data",
        date=date(2017, 1, 17), now=datetime(2017, 1, 12, 10, tzinfo=UTC),
    )  # fmt: skip
    _save(demo_engine, PackText(financial="A later edit."), now=datetime(2017, 2, 1, tzinfo=UTC))
    with session_scope(demo_engine) as session:
        document = published_document(session, Q3, HAVERING)
        stored = {fmt: published_file(session, Q3, HAVERING, fmt) for fmt in ("html", "pdf", "docx")}
    assert document is not None and document["pack_text"]["financial"] == "Funded from the MOPAC grant."
    html = stored["html"].content.decode()  # type: ignore[union-attr]
    assert "Funded from the MOPAC grant." in html and "A later edit." not in html
    assert '<th scope="row">Date</th><td>17 January 2017</td>' in html and "01708 000 111" in html
    pdf = _pdf_pages(stored["pdf"].content)  # type: ignore[union-attr]
    assert "Funded from the MOPAC grant." in "\n".join(pdf) and "17 January 2017" in pdf[0]
    assert all(DATA_LINE in page for page in pdf), [i for i, p in enumerate(pdf) if DATA_LINE not in p]
    word = "\n".join(p.text for p in Document(io.BytesIO(stored["docx"].content)).paragraphs)  # type: ignore[union-attr]
    assert "Funded from the MOPAC grant." in word and "A later edit." not in word
    # The draft made now has the new text.
    assert (
        dict(load_content(demo_engine, Q3, HAVERING, settings).implications)["Financial implications and risks"]
        == "A later edit."
    )


def test_word_pack_in_libreoffice_captions_stay_with_tables_and_every_page_has_the_data_line(
    demo_engine, database_url: str, export_chromium: Path, tmp_path: Path
) -> None:
    content = load_content(demo_engine, Q3, HAVERING, _settings(database_url), date(2017, 1, 17))
    pages = _libreoffice_pages(render_pack(content, "docx"), tmp_path)
    assert len(pages) > 8
    assert all(DATA_LINE in page for page in pages), [i for i, p in enumerate(pages) if DATA_LINE not in p]
    first = pages[0]
    for words in ("Lead officer", "Sarah Homer (Interim Chief Operating Officer)", "Report author and contact details",
                  "iain.agar@havering.example", "01708 432 928", "17 January 2017"):  # fmt: skip
        assert words in first, words
    # Each caption is on the same page as its table's header row.
    for caption, header in (
        ("Context indicators, Q3 2016/17 against a year earlier", "Indicator"),
        ("Rated indicators by goal: number and share with each rating", "Goal"),
        ("Rated indicators for Havering, Q3 2016/17.", "Tolerance"),
    ):
        where = [i for i, p in enumerate(pages) if caption in p]
        assert len(where) == 1, (caption, where)
        after = pages[where[0]].split(caption, 1)[1]
        assert header in after, (caption, pages[where[0]][-400:])

    # Order: implications before Appendix 1, the rating method after it, then the indicators.
    def page_of(words: str) -> int:
        return next(i for i, p in enumerate(pages) if words in p)

    assert (
        page_of("Implications and risks")
        < page_of("Appendix 1: Performance against target")
        < page_of("How indicators are rated")
        < page_of("Performance by indicator")
        < page_of("Appendix 2: Demand pressures")
    )


def test_pdf_pack_page_by_page(demo_engine, database_url: str, export_chromium: Path) -> None:
    content = load_content(demo_engine, Q3, HAVERING, _settings(database_url, CSPDASH_CONTACT="csp@havering.example"))
    pages = _pdf_pages(render_pack(content, "pdf"))
    line = content.data_line
    assert line.endswith("contact csp@havering.example.")
    assert all(DATA_LINE in page and "csp@havering.example" in page for page in pages), [
        i for i, p in enumerate(pages) if DATA_LINE not in p
    ]
    assert "Report author and contact details" in pages[0] and "Sarah Homer" in pages[0]

    def page_of(words: str) -> int:
        return next(i for i, p in enumerate(pages) if words in p)

    appendix = page_of("Appendix 1: Performance against target")
    assert (
        page_of("Implications and risks") < appendix < page_of("How indicators are rated") < page_of("Performance by indicator")
    )
    assert page_of("How indicators are rated") == appendix + 1  # straight after Appendix 1's landscape page


# --- The site and embeds ----------------------------------------------------------------------


def test_every_page_and_embed_carries_the_data_line(demo_engine, database_url: str) -> None:
    env = {**CONTACT, "CSPDASH_CONTACT": "csp@havering.example"}
    layout = make_web_app(database_url, **env).server.test_client().get("/_dash-layout")
    assert layout.status_code == 200
    text = layout.get_data(as_text=True)
    assert DATA_LINE.replace("December 2016", "March 2017") in text and "contact csp@havering.example." in text
    client = make_export_app(database_url, **env).server.test_client()
    embed = client.get(f"/p/E09000016/embed/indicator/CSP1?period={Q3.key}&area={HAVERING}").get_data(as_text=True)
    assert f'<p class="more" id="embed-data-line">{DATA_LINE}' in embed and "contact csp@havering.example." in embed
    ward_map = client.get("/p/E09000016/embed/map").get_data(as_text=True)
    assert 'id="embed-data-line">Data up to March 2017; last updated' in ward_map


def test_migration_0021_adds_and_drops_pack_section_keeping_other_data(demo_engine) -> None:
    """Both ways on SQLite and PostgreSQL: down to 0018 drops only ``pack_section``; up again
    gives it back, empty, and the stored quarter text can be saved again."""
    from alembic import command
    from sqlalchemy import inspect

    from store.schema import alembic_config, current_revision, head_revision, upgrade

    _save(demo_engine, PackText(legal="Kept until the downgrade."))
    config = alembic_config()
    with demo_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0018_csp_crime")
    tables = set(inspect(demo_engine).get_table_names())
    assert "pack_section" not in tables and {"commentary", "target", "indicator"} <= tables
    upgrade(demo_engine)
    assert current_revision(demo_engine) == head_revision()
    with session_scope(demo_engine) as session:
        assert pack_text(session, Q3, HAVERING).empty
    assert _save(demo_engine, PackText(legal="Written again."))


def test_word_and_html_packs_name_their_sources_as_the_pages_do(demo_engine, database_url: str) -> None:
    """The Met's files for a London borough; police.uk and the Home Office tables elsewhere."""
    content = load_content(demo_engine, Q3, HAVERING, _settings(database_url))

    def word(pack: bytes) -> str:
        return "\n".join(p.text for p in Document(io.BytesIO(pack)).paragraphs)

    london = word(render_pack(content, "docx"))
    assert SOURCES in london and NATIONAL_SOURCES not in london
    assert SOURCES in render_pack(content, "html").decode()
    elsewhere = word(render_pack(dataclasses.replace(content, area_code="E06000001"), "docx"))
    assert NATIONAL_SOURCES in elsewhere and SOURCES not in elsewhere
