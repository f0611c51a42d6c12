"""A page's first view, rendered into the layout Dash sends first.

Dash Pages sends an empty page container and fills it from a callback once the browser has
told it the URL: page → scripts → layout → dependencies → callback → page, one round trip
and one more render before the reader sees anything, and the charts start drawing after
that. ``assets/first-view.js`` names the page in the layout request (header
``X-Cspdash-Page``: its path and query): here the layout already holds that page, rendered
exactly as the routing callback would render it, and the container's ``dcc.Location``
already holds the path and query, so it reports no change to them and the callback does not
run on load. Changing a control, a link or Back still go through the callback as before.

Without the header (a client without the script) the layout is Dash's empty container and
the page arrives by the callback, as it always has. This leans on two
private Dash helpers (finding the page for a path, reading the query string); should a Dash
upgrade move them, the import fails softly and pages are rendered by the callback again.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import dash
import flask
from dash import dcc, html
from dash.development.base_component import Component

log = logging.getLogger(__name__)

try:  # private to Dash Pages: see the module docstring
    from dash._pages import PAGE_REGISTRY, _parse_query_string, _path_to_page
    from dash.dash import _ID_CONTENT, _ID_DUMMY, _ID_LOCATION, _ID_STORE
except ImportError:  # pragma: no cover - a Dash that has moved them
    _path_to_page = None  # type: ignore[assignment]  # checked before use


PAGE_HEADER = "X-Cspdash-Page"


def page_url() -> str | None:
    """The path and query of the page asking for the layout (``/map?view=rate``), if given."""
    if not flask.has_request_context():
        return None
    page = flask.request.headers.get(PAGE_HEADER, "")
    if not page.startswith("/") or page.startswith("//") or len(page) > 2000:
        return None
    return page


def _render(app: dash.Dash, url: str) -> tuple[Any, str]:
    """What the routing callback returns for ``url``: the page's layout and its title."""
    parts = urlsplit(url)
    page, variables = _path_to_page(app.strip_relative_path(parts.path))
    if not page:
        page = next((p for module, p in PAGE_REGISTRY.items() if module.split(".")[-1] == "not_found_404"), {})
    layout = page.get("layout", html.H1("Page not found"))
    title = page.get("title", app.title)
    query = _parse_query_string(f"?{parts.query}" if parts.query else "")
    if callable(layout):
        layout = layout(**{**(variables or {}), **query})
    if callable(title):
        title = title(**(variables or {}))
    return layout, title


def page_container(app: dash.Dash) -> Component:
    """Dash's page container, with the requesting page already in it when we can tell which."""
    url = page_url()
    if url is None or _path_to_page is None:
        return dash.page_container
    try:
        content, title = _render(app, url)
    except Exception:  # render by the callback instead, which shows the page's own error message
        log.exception("could not render %s into the first layout", url)
        return dash.page_container
    parts = urlsplit(url)
    return html.Div(
        [
            # href and hash are left for the Location to read from the window: the routing
            # callback listens to pathname and search only.
            dcc.Location(
                id=_ID_LOCATION, refresh="callback-nav", pathname=parts.path, search=f"?{parts.query}" if parts.query else ""
            ),
            html.Div(content, id=_ID_CONTENT, disable_n_clicks=True),
            dcc.Store(id=_ID_STORE, data={"title": title}),
            html.Div(id=_ID_DUMMY, disable_n_clicks=True),
        ]
    )
