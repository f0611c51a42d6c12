"""The landing page listing the partnerships (``/partnerships``, issue 23): each partnership the
visitor may read (a private one only to its members and administrators) with its code, latest
published quarter and that quarter's RAG summary in words and counts, linking to its scorecard.
"""

from __future__ import annotations

import dash
from dash import html
from dash.development.base_component import Component

from views.partnerships import PartnershipSummary, partnership_summaries
from web.access import current_user
from web.parts import components as ui
from web.parts.context import current_settings

dash.register_page(
    __name__,
    path="/partnerships",
    name="Partnerships",
    title="Partnerships – Community Safety Partnership performance",
    order=9,
)

INTRO = (
    "Each partnership's latest published quarterly report, with how many of its indicators were Green, Amber and Red "
    "when it was signed off. Choose a partnership to see its scorecard."
)


def _row(item: PartnershipSummary) -> list[str | Component]:
    # A full page load, not an in-page move: the page's requests then carry that partnership.
    link = html.A(item.name, href=item.href, id=f"partnerships-link-{item.code}")
    return [link, item.code, item.period_label or "–", item.ratings]


def _build() -> Component:
    items = partnership_summaries(current_settings(), current_user())
    content: list[Component] = [html.H1("Partnerships"), html.P(INTRO)]
    if not items:
        content.append(ui.notice("No partnerships to show", "No partnership you may read is held yet.", kind="info"))
        return html.Div(content)
    table = ui.table(
        "Partnerships and their latest published report",
        ["Partnership", "Area code", "Latest published quarter", "Rated indicators by rating"],
        [_row(item) for item in items],
        table_id="partnerships-table",
    )
    content.append(ui.scroll_region("Partnerships", table, "partnerships-region"))
    return html.Div(content)


layout = ui.safe_layout(_build)
