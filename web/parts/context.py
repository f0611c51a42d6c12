"""What callbacks need from the running app: settings and the database engine."""

from __future__ import annotations

import flask

from settings import Settings
from store.db import Engine, get_engine


def current_settings() -> Settings:
    return flask.current_app.config["CSPDASH_SETTINGS"]


def current_engine() -> Engine:
    return get_engine(current_settings().database_url)
