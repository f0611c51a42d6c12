"""What a page says when figures it needs have not been loaded: plain words for every reader,
and for a signed-in analyst a link to the upload page with the right kind of file chosen.
Command lines belong in the README, not on reader pages."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from web.access import can
from web.addresses import here
from web.parts.upload_steps import kind_name


def upload_link(kind: str) -> html.A:
    return html.A(f"Upload {kind_name(kind).lower()}", href=here(f"/upload?kind={kind}"), className="load-link")


def missing_note(text: str, kind: str) -> list[Component | str]:
    """``text`` for everyone; analysts also get the upload link for ``kind``."""
    return [text, " ", upload_link(kind)] if can("analyst") else [text]
