""""Newer figures are held": when a page shows a quarter older than the newest one its reader
may see, say so with a link to it.

``newest_for_viewer`` is the one place that decides what "newest" means for whoever is reading:
today everyone who may read the dashboard sees the figures held; once readers see published
quarters only, this is the function to restrict, and every page's notice follows."""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component

from rag.periods import Quarter
from views import data
from views.data import make_query


def newest_for_viewer(url: str) -> Quarter | None:
    """The newest quarter any source holds complete figures for, as the reader may see it."""
    available, _ = data._periods(url, data.version(url))
    return max(available) if available else None


def newer_figures_notice(url: str, shown: Quarter | None, area: str, path: str, page_id: str) -> list[Component]:
    """A notice linking to the newest quarter when the page shows an older one (else nothing)."""
    newest = newest_for_viewer(url)
    if shown is None or newest is None or newest <= shown:
        return []
    return [
        html.Div(
            [
                html.H2(f"Newer figures are held: {newest.label}", className="notice__heading"),
                html.P(
                    [
                        f"This page shows {shown.label}; figures are held up to {newest.label} for some sources: ",
                        dcc.Link(f"see {newest.label}", href=f"{path}{make_query(newest, area)}", id=f"{page_id}-newer-link"),
                        " (indicators whose source has no figures for it show No data).",
                    ]
                ),
            ],
            className="notice notice--info no-print",
            id=f"{page_id}-newer-figures",
            role="status",
        )
    ]


__all__ = ["newer_figures_notice", "newest_for_viewer"]
