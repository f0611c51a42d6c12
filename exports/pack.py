"""Build a committee pack: gather the content, render its charts, lay it out.

Word gets PNG charts (Word's SVG support varies between versions); HTML, and so the PDF,
gets SVG (vector, sharp at any zoom, small). All charts of a pack are rendered in one
batch, so the browser behind kaleido starts once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from exports import ExportError, NoIndicatorsDefined
from exports.docx_pack import render_docx
from exports.downloads import check_period
from exports.html_pack import render_html
from exports.images import ImageRequest, figures_to_images
from exports.pack_content import PackContent, build_pack_content
from exports.pdf import html_to_pdf
from rules.periods import Quarter
from settings import Settings
from store.db import Engine, reading
from views.figures import Chart

PACK_FORMATS = ("docx", "pdf", "html")
# 800 CSS px across 17 cm of A4 at 2.5x is 2,000 px: 300 dpi, the print standard, and a
# third smaller and faster than 3x for a pack of twenty charts.
PACK_SCALE = 2.5
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def chart_images(charts: Sequence[Chart], fmt: str) -> dict[str, bytes]:
    requests = [ImageRequest(c.figure, fmt, c.width, c.height, PACK_SCALE) for c in charts]  # type: ignore[arg-type]
    return dict(zip([c.name for c in charts], figures_to_images(requests), strict=True))


def render_pack(content: PackContent, fmt: str) -> bytes:
    if fmt not in PACK_FORMATS:
        raise ExportError(f"A pack can be made as {', '.join(PACK_FORMATS)}, not {fmt!r}.")
    if fmt == "docx":
        return render_docx(content, chart_images(content.charts, "png"))
    html = render_html(content, chart_images(content.charts, "svg"))
    return html.encode("utf-8") if fmt == "html" else html_to_pdf(html)


def load_content(engine: Engine, period: Quarter, area: str, settings: Settings, date: dt.date | None = None) -> PackContent:
    with reading(engine) as session:
        check_period(session, period, area)
        content = build_pack_content(session, period, area, settings, date)
    if not content.rows:
        raise NoIndicatorsDefined("No indicators are defined: load the indicator definitions first.")
    return content


def build_pack(engine: Engine, period: Quarter, area: str, settings: Settings, fmt: str, date: dt.date | None = None) -> bytes:
    """The pack for ``period`` and ``area`` as ``fmt`` (docx, pdf or html) bytes."""
    return render_pack(load_content(engine, period, area, settings, date), fmt)
