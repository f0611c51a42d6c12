"""What callbacks need from the running app: settings and the database engine."""

from __future__ import annotations

from dataclasses import replace

import flask

from settings import Settings
from store.db import Engine, get_engine
from web.addresses import address_partnership


def current_settings() -> Settings:
    """The app's settings, for the request's partnership: at ``/p/CODE/…`` the home area (what
    a page shows when its address names no area) is that partnership's own area."""
    settings: Settings = flask.current_app.config["CSPDASH_SETTINGS"]
    code = address_partnership()
    if code is None or (code == settings.home_area and code == settings.partnership):
        return settings
    if "cspdash_settings" not in flask.g:
        flask.g.cspdash_settings = replace(settings, home_area=code, partnership=code)
    return flask.g.cspdash_settings


def current_engine() -> Engine:
    return get_engine(current_settings().database_url)
