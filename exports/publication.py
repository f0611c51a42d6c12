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

from sqlalchemy.exc import IntegrityError

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
from store.publishing import PublishingError, VersionInfo, check_can_publish, publish_quarter
from store.users import Principal


def pack_files(content: PackContent) -> dict[str, bytes]:
    """The pack in every format, as ``render_pack`` makes each; the PDF is printed from
    the very HTML stored beside it."""
    html = render_html(content, chart_images(content.charts, "svg"))
    return {
        "docx": render_docx(content, chart_images(content.charts, "png")),
        "pdf": html_to_pdf(html),
        "html": html.encode("utf-8"),
    }


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
) -> VersionInfo:
    """Publish ``period`` for ``area`` as ``by``; the pack's title block carries ``date``
    (default: today). Raises ``PublishingError`` (``NotAllowed``, ``NotReady``) or
    ``ExportError`` with a message for people; nothing is stored unless all succeeds."""
    now = now or dt.datetime.now(dt.UTC)
    with session_scope(engine) as session:
        check_can_publish(session, period, area, by, force=force, reason=reason)
        check_period(session, period, area)
        document = freeze_document(session, period, area)
        content = build_pack_content(session, period, area, settings, date or now.date(), draft=False)  # the pack as published
    files = pack_files(content)
    try:
        with session_scope(engine) as session:
            return publish_quarter(
                session, period, area, by, files=files, file_stem=content.file_stem, note=note, force=force,
                reason=reason, document=document, now=now,
            )  # fmt: skip
    except IntegrityError:  # the unique version number: two people published at once
        raise PublishingError(f"{period.label} for {area} was published by someone else just now; see its versions.") from None
