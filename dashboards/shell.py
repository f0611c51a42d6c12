"""The page frame every page shares: header, navigation, main region, footer."""

from __future__ import annotations

from dash import dcc, html


def page_shell(content) -> html.Div:  # noqa: ANN001
    return html.Div([dcc.Location(id="url", refresh="callback-nav"), html.Main(content, id="main")])
