"""``/healthz``: whether this server can do its job, for load balancers and monitoring.

200 ``{"status": "ok", "database": "ok", "schema": "<revision>"}``; 503 with the reason when
the database cannot be reached or its schema is behind this code (run ``cspdash init-db``)."""

from __future__ import annotations

import logging

import flask

from store.db import get_engine
from store.schema import current_revision, head_revision

log = logging.getLogger(__name__)


def register_health(server: flask.Flask) -> None:
    server.add_url_rule("/healthz", "cspdash_healthz", healthz, methods=["GET"])


def healthz() -> flask.Response:
    settings = flask.current_app.config["CSPDASH_SETTINGS"]
    expected = head_revision()
    try:
        revision = current_revision(get_engine(settings.database_url))
    except Exception as exc:  # noqa: BLE001 - any failure to connect is "unreachable"
        log.warning("health check: database unreachable: %s", exc)
        return _answer(503, status="unavailable", database="unreachable", schema=None, expected=expected)
    if revision != expected:
        return _answer(503, status="unavailable", database="ok", schema=revision, expected=expected,
                       message="The database schema is behind this version: run `cspdash init-db`.")  # fmt: skip
    return _answer(200, status="ok", database="ok", schema=revision)


def _answer(http_status: int, **body: object) -> flask.Response:
    response = flask.jsonify(body)
    response.status_code = http_status
    response.headers["Cache-Control"] = "no-store"
    return response
