"""Which quarters whoever is reading may see, and "Newer figures are held": when a page shows a
quarter older than the newest one its reader may see, say so with a link to it.

``published_only`` is the one place that decides it: analysts, leads and admins see every
quarter held, drafts included; everyone else (viewers and anonymous readers) sees published
quarters only, landing on the latest published report, unless ``CSPDASH_SHOW_DRAFTS`` is set.
``resolve_for_viewer`` (pages) and ``newest_for_viewer`` (the notice) both follow it."""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component

from rules.periods import Quarter
from views import data
from views.data import PageState, make_query
from web.access import can
from web.addresses import here
from web.parts.context import current_settings

DRAFT_READERS_ROLE = "analyst"  # analysts, leads and admins work on drafts


def published_only() -> bool:
    """True when the person reading sees published quarters only."""
    return not (current_settings().show_drafts or can(DRAFT_READERS_ROLE))


def resolve_for_viewer(period: str | None, area: str | None) -> PageState:
    """A page's state from its URL, as whoever is reading may see it."""
    settings = current_settings()
    return data.resolve(settings.database_url, settings.home_area, period, area, published_only=published_only())


def newest_for_viewer(url: str, area: str | None = None) -> Quarter | None:
    """The newest quarter the reader may see: any held (with complete figures) for those who see
    drafts, else the newest published for ``area`` (default: the home area)."""
    available, _ = data._periods(url, data.version(url))
    if published_only():
        published = data.published_for(url, area or current_settings().home_area)
        available = [q for q in available if q in published]
    return max(available) if available else None


def newer_figures_notice(url: str, shown: Quarter | None, area: str, path: str, page_id: str) -> list[Component]:
    """A notice linking to the newest quarter when the page shows an older one (else nothing)."""
    newest = newest_for_viewer(url, area)
    if shown is None or newest is None or newest <= shown:
        return []
    return [
        html.Div(
            [
                html.H2(f"Newer figures are held: {newest.label}", className="notice__heading"),
                html.P(
                    [
                        f"This page shows {shown.label}; figures are held up to {newest.label} for some sources: ",
                        dcc.Link(
                            f"see {newest.label}", href=here(f"{path}{make_query(newest, area)}"), id=f"{page_id}-newer-link"
                        ),
                        " (indicators whose source has no figures for it show No data).",
                    ]
                ),
            ],
            className="notice notice--info no-print",
            id=f"{page_id}-newer-figures",
            role="status",
        )
    ]


__all__ = ["newer_figures_notice", "newest_for_viewer", "published_only", "resolve_for_viewer"]
