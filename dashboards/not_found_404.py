"""Shown for any address that is not a page (Dash Pages looks for this module name)."""

from __future__ import annotations

import dash
from dash import dcc, html

from web.addresses import here

dash.register_page(
    __name__, path="/404", name="Page not found", title="Page not found – Community Safety Partnership performance"
)


def layout(**_: object) -> html.Div:
    return html.Div(
        [
            html.H1("Page not found"),
            html.P("If you typed the web address, check it is correct. If you pasted it, check you copied all of it."),
            html.P(dcc.Link("Go to the scorecard", href=here("/"))),
        ]
    )
