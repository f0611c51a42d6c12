"""Publish a quarter with its committee pack: the one call the CLI and the scorecard's
"Publish" button make.

The pack's content and the frozen document are read together, the files (Word, HTML and the
PDF printed from that same HTML) are made outside any transaction (they take seconds), and
``store.publishing.publish_quarter`` stores them in one transaction, refusing if the figures
changed in between. Who may publish, and whether the quarter is ready, is checked first
(cheaply, before any file is made) and again by ``publish_quarter`` itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from exports.docx_pack import render_docx
from exports.downloads import check_period
from exports.html_pack import render_html
from exports.pack import chart_images
from exports.pack_content import PackContent, build_pack_content
from exports.pdf import html_to_pdf
from rules.periods import Quarter
from settings import Settings
from store.db import Engine, session_scope
from store.published_document import freeze_document
from store.publishing import VersionInfo, check_can_publish, publish_quarter_in_transaction
from store.users import Principal

# The steps of publishing, in order, as the web's progress list names them (``progress`` is
# called with each one's key as it starts; "done" when all is stored).
PUBLISH_STEPS: tuple[tuple[str, str], ...] = (
    ("check", "Checking the quarter can be published"),
    ("read", "Reading the figures and freezing them"),
    ("html", "Drawing the charts for the web pack"),
    ("docx", "Making the Word pack"),
    ("pdf", "Printing the PDF pack"),
    ("store", "Storing the published version"),
)
Progress = Callable[[str], None]


def _no_progress(_step: str) -> None:
    return None


def pack_files(content: PackContent, progress: Progress = _no_progress) -> dict[str, bytes]:
    """The pack in every format, as ``render_pack`` makes each; the PDF is printed from
    the very HTML stored beside it."""
    progress("html")
    html = render_html(content, chart_images(content.charts, "svg"))
    progress("docx")
    docx = render_docx(content, chart_images(content.charts, "png"))
    progress("pdf")
    return {"docx": docx, "pdf": html_to_pdf(html), "html": html.encode("utf-8")}


def publish_with_pack(
    engine: Engine,
    period: Quarter,
    area: str,
    settings: Settings,
    by: Principal,
    *,
    note: str = "",
    force: bool = False,
    reason: str = "",
    date: dt.date | None = None,
    now: dt.datetime | None = None,
    progress: Progress = _no_progress,
) -> VersionInfo:
    """Publish ``period`` for ``area`` as ``by``; the pack's title block carries ``date``
    (default: today). Raises ``PublishingError`` (``NotAllowed``, ``NotReady``) or
    ``ExportError`` with a message for people; nothing is stored unless all succeeds.
    ``progress`` is told each step (``PUBLISH_STEPS``) as it starts, and "done" at the end."""
    now = now or dt.datetime.now(dt.UTC)
    with session_scope(engine) as session:
        progress("check")
        missing = check_can_publish(session, period, area, by, force=force, reason=reason)
        check_period(session, period, area)
        progress("read")
        document = freeze_document(session, period, area)
        anyway = reason if force and missing else ""  # the pack says why it was published anyway
        content = build_pack_content(
            session, period, area, settings, date or now.date(), draft=False, published_anyway=anyway
        )  # the pack as published
    files = pack_files(content, progress)
    progress("store")
    info = publish_quarter_in_transaction(
        engine, period, area, by, files=files, file_stem=content.file_stem, note=note, force=force,
        reason=reason, document=document, now=now,
    )  # fmt: skip
    progress("done")
    return info
