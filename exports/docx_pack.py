"""The committee pack as a Word document (python-docx).

Committee services edit packs in Word, so everything is real Word: Title and Heading
styles (the navigation pane and any table of contents work), real tables with a repeating
header row, alt text on every image, A4 portrait with the wide Appendix 1 table in its own
A4 landscape section. Colours follow the dashboard; every rating also has its shape and
word, every arrow its word, so the pack survives a black-and-white printer.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping, Sequence

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from exports.pack_content import ANNEX_INTRO, DRAFT_MARK, IndicatorSection, Mark, PackContent, TableRow, title_rows
from views.figures import Chart
from views.marks import sources_note

INK, SECONDARY, LIGHT = "0B0C0C", "505A5F", "F3F2F1"
# Fill and text colour of a rating cell, as the dashboard's badges.
RATING_FILL = {"red": ("D4351C", "FFFFFF"), "amber": ("F47738", "0B0C0C"), "green": ("00703C", "FFFFFF")}
DIRECTION_COLOUR = {"better": "00703C", "worse": "AA2A16"}
PORTRAIT_TEXT_WIDTH = Mm(170)  # A4 less 20 mm margins
# Appendix 1 column widths in mm; they fill landscape A4 less 15 mm margins (267 mm).
APPENDIX_WIDTHS = (33, 15, 19, 18, 17, 16, 15, 22, 16, 17, 17, 38, 34)  # mm: 277 mm of landscape A4


def _set_page(section, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    margin = Mm(15) if landscape else Mm(20)
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = Mm(18)


def _styles(doc: DocumentType) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(11)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    fonts.set(qn("w:eastAsia"), "Arial")
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-GB")  # UK spelling check, and screen readers use a UK voice
    rpr.append(lang)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11)):
        style = doc.styles[name]
        style.font.name, style.font.size = "Arial", Pt(size)
        style.font.color.rgb = RGBColor.from_string(INK)


def _field(paragraph: Paragraph, code: str, half_points: int = 16) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when the document is shown."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    props, size = OxmlElement("w:rPr"), OxmlElement("w:sz")
    size.set(qn("w:val"), str(half_points))
    props.append(size)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _draft_mark(doc: DocumentType, content: PackContent) -> None:
    """A draft says so at the top of every page (later sections' headers follow the first's)."""
    if not content.draft:
        return
    paragraph = doc.sections[0].header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(DRAFT_MARK)
    run.bold = True
    run.font.size = Pt(12)
    run.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)


def _footer(doc: DocumentType, content: PackContent) -> None:
    """On every page: the committee, area and quarter, the page number, and the data line
    ("Data up to …; last updated …; contact …"). Later sections' footers follow the first's."""
    footer = doc.sections[0].footer
    paragraph = footer.paragraphs[0]
    prefix = "DRAFT · " if content.draft else ""
    paragraph.text = f"{prefix}{content.committee} · {content.area_name} · {content.period.label} · Page "
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")
    for run in paragraph.runs:
        run.font.size = Pt(8)
    if content.data_line:
        line = footer.add_paragraph()
        run = line.add_run(content.data_line)
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor.from_string(SECONDARY)


def _keep_with_table(caption: Paragraph, table: Table, whole: bool) -> None:
    """The caption stays on its table's page: it keeps with the next paragraph, the first row
    (Word and LibreOffice move a kept paragraph with the table's first row), and rows are never
    split. ``whole``: every row but the last keeps with the next, so a short table is never
    parted from its caption or split over two pages."""
    caption.paragraph_format.keep_with_next = True
    rows = list(table.rows)
    for i, row in enumerate(rows):
        props = row._tr.get_or_add_trPr()
        if props.find(qn("w:cantSplit")) is None:
            props.append(OxmlElement("w:cantSplit"))
        if i == 0 or (whole and i < len(rows) - 1):
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def _para(doc: DocumentType, text: str, bold: bool = False, italic: bool = False, size: float | None = None) -> Paragraph:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return paragraph


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(table: Table) -> None:
    """The header row repeats at the top of each page the table runs onto."""
    row_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row_pr.append(header)


def _describe(table: Table, caption: str) -> None:
    """Table title and description (Word's "Alt Text" for tables)."""
    props = table._tbl.tblPr
    for tag, text in (("w:tblCaption", caption[:250]), ("w:tblDescription", caption)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), text)
        props.append(element)


def _cell_text(cell: _Cell, text: str, bold: bool = False, size: float | None = None, right: bool = False) -> Paragraph:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return paragraph


def _mark(paragraph: Paragraph, mark: Mark, size: float | None = None, colour: str | None = None) -> None:
    run = paragraph.add_run(mark.text)
    run.bold = True
    if size:
        run.font.size = Pt(size)
    colour = colour or DIRECTION_COLOUR.get(mark.kind)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)


def _rating_cell(cell: _Cell, mark: Mark, size: float) -> None:
    fill = RATING_FILL.get(mark.kind)
    if fill:
        _shade(cell, fill[0])
    _mark(cell.paragraphs[0], mark, size, fill[1] if fill else INK)


def _simple_table(
    doc: DocumentType, caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Collection[int] = frozenset()
) -> Table:
    caption_paragraph = doc.add_paragraph(caption, style="Caption")
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for i, header in enumerate(headers):
        _cell_text(table.rows[0].cells[i], header, bold=True, right=i in numeric)
        _shade(table.rows[0].cells[i], LIGHT)
    for values in rows:
        cells = table.add_row().cells
        for i, value in enumerate(values):
            _cell_text(cells[i], value, bold=i == 0, right=i in numeric)
    _repeat_header(table)
    _describe(table, caption)
    _keep_with_table(caption_paragraph, table, whole=len(table.rows) <= 15)
    return table


def _title_block(doc: DocumentType, content: PackContent) -> None:
    doc.add_paragraph(content.committee, style="Subtitle")
    doc.add_paragraph(content.title, style="Title")
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in title_rows(content):
        cells = table.add_row().cells
        _cell_text(cells[0], label, bold=True)
        _cell_text(cells[1], value)
        cells[0].width, cells[1].width = Mm(45), Mm(125)
    _describe(table, "Report details")


def _summary(doc: DocumentType, content: PackContent) -> None:
    doc.add_heading("Summary", level=1)
    doc.add_paragraph(content.intro)
    doc.add_heading(f"RAG summary, {content.period.label}", level=2)
    _para(doc, content.summary_sentence, bold=True)
    rows = [(g.goal, g.red, g.amber, g.green, str(g.rated)) for g in content.goals]
    _simple_table(
        doc,
        "Rated indicators by goal: number and share with each rating",
        ["Goal", "■ Red", "▲ Amber", "● Green", "Rated"],
        rows,
        {1, 2, 3, 4},
    )
    if content.red_names:
        doc.add_paragraph(f"Rated Red: {'; '.join(content.red_names)}.")
    for note in content.notes:
        doc.add_paragraph(note)
    doc.add_heading("Recommendations", level=2)
    doc.add_paragraph("That Members of the Committee:")
    for item in content.recommendations:
        doc.add_paragraph(item, style="List Number")


def _key(doc: DocumentType, content: PackContent) -> None:
    doc.add_heading("How indicators are rated", level=1)
    for heading, items in (("Ratings", content.key_ratings), ("Direction of travel", content.key_directions)):
        caption = doc.add_paragraph(heading, style="Caption")
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for mark, meaning in items:
            cells = table.add_row().cells
            if heading == "Ratings":
                _rating_cell(cells[0], mark, 11)
            else:
                _mark(cells[0].paragraphs[0], mark)
            _cell_text(cells[1], meaning[:1].upper() + meaning[1:] + ".")
            cells[0].width, cells[1].width = Mm(35), Mm(135)
        _describe(table, f"Key: {heading.lower()}")
        _keep_with_table(caption, table, whole=True)
    for note in content.key_notes:
        doc.add_paragraph(note)
    # Where the figures come from, as the pages' footers and the HTML and PDF packs say it: the
    # Met's files for a London borough, the national sources elsewhere.
    doc.add_paragraph(sources_note(content.area_code))


def _implications(doc: DocumentType, content: PackContent) -> None:
    """Havering's "Implications and risks" and "Background papers", before the appendices."""
    doc.add_heading("Implications and risks", level=1)
    for heading, text in content.implications:
        doc.add_heading(heading, level=3).paragraph_format.keep_with_next = True
        for part in text.split("\n"):
            if part.strip():
                doc.add_paragraph(part.strip())
    doc.add_heading("Background papers", level=1)
    for part in content.background_papers.split("\n"):
        if part.strip():
            doc.add_paragraph(part.strip())


def _appendix_row(table: Table, row: TableRow, size: float) -> None:
    added = table.add_row()
    # An indicator's row is never split across pages (its commentary would lose its name).
    added._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cells = added.cells
    name = _cell_text(cells[0], row.name, bold=True, size=size)
    note = name.add_run(f"\n{row.code} · {row.basis_note}")
    note.font.size, note.font.color.rgb = Pt(size - 1), RGBColor.from_string(SECONDARY)
    if row.spc:
        spc = name.add_run(f"\n{row.spc}")
        spc.bold, spc.font.size, spc.font.color.rgb = False, Pt(size - 1), RGBColor.from_string(SECONDARY)
    for i, value in ((1, row.target), (2, row.tolerance)):
        _cell_text(cells[i], value, size=size, right=True)
    for i, value, column in ((3, row.quarter, "quarter"), (4, row.ytd, "ytd"), (5, row.last_year, None), (6, row.change, None)):
        _cell_text(cells[i], value, bold=column == row.rated_column, size=size, right=True)
    _cell_text(cells[7], row.comparator, size=size)
    _rating_cell(cells[8], row.rating, size)
    for cell, mark, mark_note in ((cells[9], row.short, row.short_note), (cells[10], row.long, row.long_note)):
        _mark(cell.paragraphs[0], mark, size)
        if mark_note:
            run = cell.paragraphs[0].add_run(f"\n{mark_note}")
            run.font.size, run.font.color.rgb = Pt(size - 1), RGBColor.from_string(SECONDARY)
    _cell_text(cells[11], row.commentary, size=size)
    _cell_text(cells[12], row.action, bold=row.action_missing, size=size)


def _widths(table: Table, widths_mm: Sequence[float]) -> None:
    """Fix column widths in the grid and in each cell (Word reads one, LibreOffice the other);
    a merged group row gets the full width."""
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        cells = row.cells
        if len({id(c._tc) for c in cells}) == 1:
            cells[0].width = Mm(sum(widths_mm))
            continue
        for cell, width in zip(cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _appendix(doc: DocumentType, content: PackContent) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _set_page(section, landscape=True)
    doc.add_heading(f"Appendix 1: Performance against target, {content.period.label}", level=1)
    caption = doc.add_paragraph(content.table_caption, style="Caption")
    size = 8.5
    table = doc.add_table(rows=1, cols=len(content.table_headers))
    table.style = "Table Grid"
    table.autofit = False
    for i, header in enumerate(content.table_headers):
        _cell_text(table.rows[0].cells[i], header, bold=True, size=size, right=1 <= i <= 6)
        _shade(table.rows[0].cells[i], LIGHT)
    for goal, rows in content.groups:
        group = table.add_row().cells
        merged = group[0].merge(group[-1])
        _cell_text(merged, f"Goal: {goal}", bold=True, size=size + 1)
        for row in rows:
            _appendix_row(table, row, size)
    _widths(table, APPENDIX_WIDTHS)
    _repeat_header(table)
    _describe(table, content.table_caption)
    _keep_with_table(caption, table, whole=False)
    if content.figure_notes:  # the markers in the table ([1]…) point here
        heading = _para(doc, content.figure_notes_heading, bold=True, size=9)
        heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(6), Pt(2)
        heading.paragraph_format.keep_with_next = True
        for line in content.figure_notes:
            _para(doc, line, size=8.5).paragraph_format.space_after = Pt(2)
    doc.add_paragraph(
        "Key: ■ Red, ▲ Amber, ● Green; ↑ Better, ↓ Worse, → Same (performance, not the raw number).", style="Caption"
    )


def _picture(doc: DocumentType, image: bytes, chart: Chart, number: int) -> None:
    doc.add_picture(io.BytesIO(image), width=PORTRAIT_TEXT_WIDTH)
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    # docPr carries Word's alt text ("descr") and title; screen readers read descr.
    shape = doc.inline_shapes[-1]
    shape._inline.docPr.set("descr", chart.alt)
    shape._inline.docPr.set("title", chart.title)
    doc.add_paragraph(f"Figure {number}: {chart.caption}", style="Caption")


def _section(doc: DocumentType, section: IndicatorSection, images: Mapping[str, bytes], first_figure: int) -> int:
    heading = doc.add_heading(f"{section.code}: {section.name}", level=2)
    if section.description:
        _para(doc, section.description, italic=True)
    line = doc.add_paragraph()
    line.add_run("Rating: ").bold = True
    _mark(line, section.rating, colour=RATING_FILL.get(section.rating.kind, (INK,))[0])
    line.add_run("   Short term: ").bold = True
    _mark(line, section.short)
    line.add_run("   Long term: ").bold = True
    _mark(line, section.long)
    if section.verdict:
        _para(doc, section.verdict, bold=True)
    doc.add_paragraph(section.reason)
    doc.add_paragraph(section.change)
    _para(doc, f"Short term: {section.short_detail} Long term: {section.long_detail}", size=9)
    if section.spc:
        _para(doc, section.spc, size=9)
    if section.questions:
        _para(doc, "These verdicts answer different questions:", size=9)
        for question in section.questions:
            _para(doc, f"• {question}", size=9)
    if section.projection:
        doc.add_paragraph(section.projection)
    doc.add_heading("Commentary", level=3)
    _para(doc, section.commentary)
    doc.add_heading("Corrective actions" if section.actions else "Corrective action", level=3)
    if section.actions and not section.action_missing:
        for action in section.actions:
            _para(doc, f"• {action}")
    else:
        _para(doc, section.action, bold=section.action_missing)
    if section.previous_actions:
        _para(doc, section.previous_heading, bold=True)
        for action in section.previous_actions:
            _para(doc, f"• {action}")
    # The heading and its text stay on one page (the last paragraph may part from the charts).
    start = next(i for i, p in enumerate(doc.paragraphs) if p._p is heading._p)
    for paragraph in doc.paragraphs[start:-1]:
        paragraph.paragraph_format.keep_with_next = True
    number = first_figure
    for chart in section.charts:
        _picture(doc, images[chart.name], chart, number)
        number += 1
    return number


def render_docx(content: PackContent, images: Mapping[str, bytes]) -> bytes:
    """The pack as .docx bytes; ``images`` maps each chart name to its PNG."""
    doc = Document()
    _styles(doc)
    _set_page(doc.sections[0], landscape=False)
    props = doc.core_properties
    props.title, props.author, props.subject = content.title, content.author, f"{content.area_name}, {content.period.label}"
    props.language = "en-GB"
    _draft_mark(doc, content)
    _footer(doc, content)
    _title_block(doc, content)
    _summary(doc, content)
    _implications(doc, content)
    _appendix(doc, content)
    # After Appendix 1, as a reader turns to it: how the ratings and SPC charts work.
    _set_page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=False)
    _key(doc, content)
    doc.add_page_break()
    doc.add_heading("Performance by indicator", level=1)
    number = 1
    for section in content.sections:
        number = _section(doc, section, images, number)
    doc.add_page_break()
    doc.add_heading(f"Appendix 2: Demand pressures, {content.period.label}", level=1)
    doc.add_paragraph(content.demand_intro)
    if content.demand_chart:
        _picture(doc, images[content.demand_chart.name], content.demand_chart, number)
    rows = [(r.name, r.now, r.last_year, r.change) for r in content.demand_rows]
    if rows:
        _simple_table(
            doc, f"Context indicators, {content.period.label} against a year earlier", content.demand_headers, rows, {1, 2}
        )
    if content.annex:
        doc.add_page_break()
        doc.add_heading("Technical annex: statistical tests and SPC limits", level=1)
        doc.add_paragraph(ANNEX_INTRO)
        for entry in content.annex:
            doc.add_heading(f"{entry.name} ({entry.code})", level=2)
            for text in entry.lines:
                _para(doc, text, size=9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
