"""The page frame every page shares: skip link, header with service and area name,
navigation, main region and footer (with where the figures come from)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html
from dash.development.base_component import Component

from rules.area_levels import is_london_borough
from views.marks import RATING_RULE, SOURCES, sources_note
from web.addresses import here
from web.parts.components import attrs
from web.parts.nav_links import nav_hrefs

log = logging.getLogger(__name__)
SERVICE_NAME = "Community Safety Partnership performance"
NAV = [
    ("Scorecard", "/", "nav-scorecard"),
    ("Demand pressures", "/demand", "nav-demand"),
    ("Upload", "/upload", "nav-upload"),
    ("Targets & commentary", "/targets", "nav-targets"),
    ("Ward map", "/map", "nav-map"),
    ("London comparison", "/london", "nav-london"),
]
# Pages only analysts (and leads, admins) may use: in the menu only for them (issue 20). The
# links stay in the page, hidden, so the menu's callbacks always find every link.
ANALYST_PAGES = {"/upload", "/targets"}


def _may_edit() -> bool:
    import flask

    from web.access import can

    return flask.has_request_context() and can("analyst")


def _signed_in() -> bool:
    import flask

    from web.access import current_user

    return flask.has_request_context() and current_user() is not None


def _home_area() -> str | None:
    import flask

    if not flask.has_request_context():
        return None
    from web.parts.context import current_settings

    return current_settings().home_area


def _several_partnerships() -> bool:
    """Whether the deployment holds more than one partnership: only then does the menu offer
    the list of them (``/partnerships``). False outside a request or when the database cannot say."""
    import flask

    if not flask.has_request_context():
        return False
    from views.partnerships import several_partnerships
    from web.parts.context import current_settings

    try:
        return several_partnerships(current_settings())
    except Exception:  # a menu item never stops a page
        log.warning("the partnerships could not be counted", exc_info=True)
        return False


def header() -> html.Header:
    may_edit = _may_edit()
    home = _home_area()
    # The London comparison is for a London borough; a partnership elsewhere is compared with
    # its force, region and similar areas on its own pages. The link stays in the page, hidden.
    outside_london = home is not None and not is_london_borough(home)
    items = [
        html.Li(
            dcc.Link(label, href=here(href), id=link_id, className="app-nav__link"),
            className="app-nav__item",
            hidden=(href in ANALYST_PAGES and not may_edit) or (href == "/london" and outside_london),
        )
        for label, href, link_id in NAV
    ]
    if _several_partnerships():
        items.append(
            html.Li(
                # A full load: the list's links lead to other partnerships' pages.
                html.A("Partnerships", href="/partnerships", id="nav-partnerships", className="app-nav__link"),
                className="app-nav__item",
            )
        )
    signed_in = _signed_in()
    if signed_in:  # anyone signed in chooses their own email alerts, and may sign out
        items.append(
            html.Li(
                dcc.Link("Email alerts", href=here("/alerts"), id="nav-alerts", className="app-nav__link"),
                className="app-nav__item",
            )
        )
        items.append(
            html.Li(
                html.A("Sign out", href="/logout", id="nav-sign-out", className="app-nav__link"),
                className="app-nav__item app-nav__item--sign-in",
            )
        )
    elif not may_edit:  # uploading and targets need an analyst: say where to sign in
        from web.access import login_url

        items.append(
            html.Li(
                html.A("Sign in", href=login_url("/"), id="nav-sign-in", className="app-nav__link"),
                className="app-nav__item app-nav__item--sign-in",
            )
        )
    return html.Header(
        [
            html.Div(
                [
                    dcc.Link(SERVICE_NAME, href=here("/"), className="app-header__service"),
                    html.Span(id="shell-area", className="app-header__area"),
                ],
                className="app-header__inner width-container",
            ),
            html.Nav(
                html.Ul(items, className="app-nav__list width-container"),
                className="app-nav no-print",
                **attrs({"aria-label": "Main"}),
            ),
        ],
        className="app-header",
    )


def data_line() -> str:
    """ "Data up to …; last updated …; contact …" (``views.data_line``); "" outside a request or
    when the database cannot say (the page still shows)."""
    import flask

    if not flask.has_request_context():
        return ""
    from views.data_line import site_data_line
    from web.parts.context import current_settings

    try:
        return site_data_line(current_settings())
    except Exception:  # a footer line never stops a page
        log.warning("the data line could not be read", exc_info=True)
        return ""


def footer() -> html.Footer:
    line = data_line()
    return html.Footer(
        html.Div(
            [
                *([html.P(line, id="data-line", className="data-line")] if line else []),
                html.P(SOURCES if (home := _home_area()) is None else sources_note(home)),
                html.P(RATING_RULE),
                html.P("cspdash is open-source software.", className="no-print"),
            ],
            className="width-container",
        ),
        className="app-footer",
    )


def page_shell(content: Component) -> html.Div:
    return html.Div(
        [
            html.A("Skip to main content", href="#main", className="skip-link"),
            dcc.Location(id="url", refresh="callback-nav"),
            header(),
            html.Main(content, id="main", className="width-container app-main", tabIndex=-1),
            footer(),
        ]
    )


def menu_links(search: str | None) -> list[str]:
    """The menu's hrefs for a page at ``?search``: the chosen quarter and area kept
    (``web.parts.nav_links``), the scorecard's default quarter when the URL names none."""
    from web.parts.newer_figures import resolve_for_viewer

    state = resolve_for_viewer(None, None)
    wards = [a.code for a in state.areas if a.level == "ward"]
    return [here(href) for href in nav_hrefs([href for _, href, _ in NAV], search, state.period, wards)]


def register_shell_callbacks(app: Dash, area_name: Callable[[], str]) -> None:
    """Per-app callbacks (``app.callback``, not ``dash.callback``: the shell module is
    imported once per process, and tests build more than one app). The links' hrefs are
    passed in, so the script needs no copy of ``NAV``."""
    app.clientside_callback(
        ClientsideFunction(namespace="cspdash", function_name="currentNav"),
        *[Output(link_id, "className") for _, _, link_id in NAV],
        Input("_pages_location", "pathname"),
        *[State(link_id, "href") for _, _, link_id in NAV],
        *[State(link_id, "id") for _, _, link_id in NAV],
    )

    @app.callback(Output("shell-area", "children"), Input("_pages_location", "pathname"))
    def _area(_pathname: str | None) -> str:
        return area_name()

    @app.callback(
        *[Output(link_id, "href") for _, _, link_id in NAV],
        Input("_pages_location", "pathname"),
        Input("_pages_location", "search"),
    )
    def _keep_choices(_pathname: str | None, search: str | None) -> list[str]:
        return menu_links(search)
