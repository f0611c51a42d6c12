"""Who may do what. (Filled in by the access-control work: users, login, roles.)"""

from __future__ import annotations

from dash import Dash

from settings import Settings


def install_access(app: Dash, settings: Settings) -> None:
    """Hook sign-in and role checks into the Flask server behind ``app``."""
