"""A readable answer, not a 500 or a hung request, when the database cannot be reached.

With the connect and statement timeouts (``settings.py``, ``store.db.configure_timeouts``)
a silent database raises SQLAlchemy's ``DatabaseUnavailable`` within seconds. Whatever route it
reaches unhandled (exports, embeds, ``POST /login``, the API), the reader gets HTTP 503 and
one sentence saying what is wrong, in the form the caller asked for; the log gets the detail.
"""

from __future__ import annotations

import logging

import flask
from markupsafe import escape

from store.db import DatabaseUnavailable

log = logging.getLogger(__name__)

MESSAGE = "The database is not answering just now, so the figures cannot be shown. Please try again in a minute."
RETRY_AFTER_SECONDS = 30

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not available – Community Safety Partnership performance</title>
<link rel="stylesheet" href="/assets/cspdash.css"></head>
<body><main id="main" class="width-container app-main"><h1>Not available just now</h1><p>{message}</p>
<p><a href="/">Back to the dashboard</a></p></main></body></html>"""


def unavailable_response() -> flask.Response:
    request = flask.request
    if request.path.startswith("/api/"):
        body, mimetype = flask.json.dumps({"error": {"status": 503, "message": MESSAGE}}), "application/json"
    elif request.method == "POST" or "text/html" in (request.headers.get("Accept") or ""):
        body, mimetype = _PAGE.format(message=escape(MESSAGE)), "text/html"
    else:
        body, mimetype = MESSAGE + "\n", "text/plain"
    response = flask.Response(body, status=503, mimetype=mimetype)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _database_unavailable(exc: DatabaseUnavailable) -> flask.Response:
    log.error(
        "database unavailable for %s %s: %s",
        flask.request.method,
        flask.request.path,
        str(exc).splitlines()[0] if str(exc) else exc,
    )
    return unavailable_response()


def install_unavailable(server: flask.Flask) -> None:
    server.register_error_handler(DatabaseUnavailable, _database_unavailable)


__all__ = ["MESSAGE", "install_unavailable", "unavailable_response"]
