"""The key that signs session cookies. CSPDASH_SECRET_KEY wins; without it the key is made once
and kept in the database (``store.app_secret``), so every worker and every restart share it
and sign-ins hold however many processes serve the app."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import flask

from settings import Settings
from store.app_secret import shared_secret
from store.db import get_engine

log = logging.getLogger(__name__)


def install_shared_secret(server: flask.Flask, settings: Settings) -> None:
    if settings.secret_key:
        server.secret_key = settings.secret_key
        return
    # Read on the first request, not here: building the app must not need the database.
    # Flask's documented way to add WSGI middleware; its types declare wsgi_app a method.
    server.wsgi_app = _LoadSecretFirst(server, settings.database_url, server.wsgi_app)  # type: ignore[method-assign]


class _LoadSecretFirst:
    """WSGI middleware: before the first request (and until it succeeds) fetch the shared key,
    ahead of Flask opening the session cookie."""

    def __init__(self, server: flask.Flask, database_url: str, wsgi_app: Callable[..., Any]) -> None:
        self.server, self.database_url, self.wsgi_app = server, database_url, wsgi_app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not self.server.secret_key:
            with self.lock:
                if not self.server.secret_key:
                    try:
                        self.server.secret_key = shared_secret(get_engine(self.database_url))
                    except Exception:  # e.g. the database is down: /healthz will say so
                        log.exception("could not read the shared session key from the database; sign-in is unavailable")
        return self.wsgi_app(environ, start_response)
