"""The embed panel on the indicator and ward-map pages: the embed's full address, ready-to-copy
``<iframe>`` code with the height the view needs, and — where the site's settings would stop
another site framing it — what IT must add to ``CSPDASH_EMBED_ORIGINS`` (issue 20 part 6).

The heights are measured in headless Chromium (``tests/test_browser_embed_panel.py`` loads the
code in a test page and checks the whole view shows, at 390 px wide and wider).
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

import flask
from dash import Dash, Input, Output, dcc, html
from dash.development.base_component import Component

from views.print_style import PRINT_HEIGHT
from web.addresses import here
from web.parts import components as ui
from web.parts.context import current_settings

SETTING = "CSPDASH_EMBED_ORIGINS"
# The embed views' heights (px) with room for their heading, finding, caption, source line and
# link wrapped at 390 px: the quarterly chart (its plot is PRINT_HEIGHT tall) and the ward map,
# each with its "Draft — not yet published" mark where the period is not published yet.
INDICATOR_HEIGHT = PRINT_HEIGHT + 330
MAP_HEIGHT = 564 + 300
EXAMPLE_SITE = "https://www.havering.gov.uk"
PAGES = ("indicator", "ward-map")  # the pages with an embed panel (each id starts with the page's)


def full_address(path: str) -> str:
    """``https://cspdash.example/embed/…``: the address as the reader reached this site."""
    if flask.has_request_context():
        return flask.request.host_url.rstrip("/") + path
    return path


def iframe_code(address: str, title: str, height: int) -> str:
    return (
        f'<iframe src="{escape(address)}" title="{escape(title)}" width="100%" height="{height}" '
        'style="border:0" loading="lazy"></iframe>'
    )


def origin_of(text: str) -> str | None:
    """``https://www.havering.gov.uk`` from what someone typed (a page's address will do), or None."""
    text = (text or "").strip()
    if not text:
        return None
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        return None
    return f"{parts.scheme}://{parts.netloc.lower()}"


def setting_value(origins: tuple[str, ...], site: str = "") -> str:
    """The line IT puts in the settings: the origins allowed now, plus ``site``."""
    listed = [*origins, *([site] if site and site not in origins else [])]
    value = " ".join(listed) or EXAMPLE_SITE
    return f'{SETTING}="{value}"' if " " in value else f"{SETTING}={value}"


def origins_note(origins: tuple[str, ...]) -> list[Component]:
    """What the settings allow today, and what IT must add for another site."""
    if not origins:
        return [
            html.P(
                [
                    html.Strong("Framing is switched off on this site: "),
                    "other sites can't show these views until IT sets ",
                    html.Code(SETTING),
                    " to the address of each site that will show them, and restarts the dashboard. For example:",
                ]
            ),
            html.Pre(html.Code(setting_value((), EXAMPLE_SITE)), className="embed-setting"),
        ]
    return [
        html.P(["Sites allowed to show these views: ", ", ".join(origins), "."]),
        html.P(
            [
                "For any other site, IT must add its address to ",
                html.Code(SETTING),
                " (addresses separated by spaces) and restart the dashboard: check a site below to get the exact line.",
            ]
        ),
    ]


def site_check(origins: tuple[str, ...], typed: str | None) -> str:
    """The answer to "will it show on this site?"."""
    if not (typed or "").strip():
        return ""
    site = origin_of(typed or "")
    if site is None:
        return f"“{typed}” is not a web address: give the site's address, such as {EXAMPLE_SITE}."
    if site in origins:
        return f"{site} may show it: nothing for IT to do."
    return f"{site} is not allowed yet. IT must set {setting_value(origins, site)} and restart the dashboard."


def embed_panel(page_id: str, path: str, title: str, height: int, what: str) -> html.Section:
    """The panel under a page's charts: ``path`` is the embed view's path and query (under the
    page's partnership, so a pasted frame keeps showing that partnership's figures)."""
    path = here(path)
    address = full_address(path)
    code = iframe_code(address, title, height)
    origins = current_settings().embed_origins if flask.has_app_context() else ()
    return html.Section(
        [
            html.H2(f"Embed {what} on another web page", id=f"{page_id}-embed-heading"),
            html.P(
                [
                    "Its address: ",
                    html.A(address, href=path, id=f"{page_id}-embed-address"),
                    ". The view states its finding, its source and how recent its data are, and links back here.",
                ]
            ),
            html.Div(
                [
                    html.Label("Code to paste into the web page", htmlFor=f"{page_id}-embed-code", className="field__label"),
                    html.P(
                        f"The frame is {height} px tall: enough for the whole view, at any width from 390 px.",
                        id=f"{page_id}-embed-code-hint",
                        className="hint",
                    ),
                    dcc.Textarea(
                        id=f"{page_id}-embed-code", value=code, readOnly=True, rows=3, className="field__textarea embed-code"
                    ),
                ],
                className="field",
            ),  # fmt: skip
            html.Div(origins_note(origins), id=f"{page_id}-embed-origins"),
            html.Div(
                [
                    html.Label("Check a site (its address)", htmlFor=f"{page_id}-embed-site", className="field__label"),
                    dcc.Input(
                        id=f"{page_id}-embed-site", type="url", debounce=True, placeholder=EXAMPLE_SITE, className="field__input"
                    ),
                    html.P(id=f"{page_id}-embed-site-answer", role="status"),
                ],
                className="field",
            ),
        ],
        className="embed-panel no-print",
        id=f"{page_id}-embed",
        **ui.attrs({"aria-labelledby": f"{page_id}-embed-heading"}),
    )


def check_site(typed: str | None) -> str:
    """The panel's "Check a site": read-only, the same answer for everyone."""
    return site_check(current_settings().embed_origins, typed if isinstance(typed, str) else None)


def register_embed_callbacks(app: Dash) -> None:
    """Per-app callbacks: the site check on each page with an embed panel."""
    for page_id in PAGES:
        app.callback(
            Output(f"{page_id}-embed-site-answer", "children"),
            Input(f"{page_id}-embed-site", "value"),
            prevent_initial_call=True,
        )(check_site)
