"""``/healthz``: whether this server can do its job, for load balancers and monitoring.

200 ``{"status": "ok", "database": "ok", "schema": "<revision>"}``; 503 with the reason when
the database cannot be reached or its schema is behind this code (run ``cspdash init-db``).

With ``CSPDASH_PUBLIC_READ=false`` an anonymous caller (a load balancer, or anyone) learns only
ok or not ok (``{"status": "ok"}`` / ``{"status": "unavailable"}``, same HTTP status): the
schema revision and the reason are for administrators, since they say which version runs."""

from __future__ import annotations

import logging

import flask

from settings import Settings
from store.db import get_engine
from store.schema import current_revision, head_revision

log = logging.getLogger(__name__)


def register_health(server: flask.Flask) -> None:
    server.add_url_rule("/healthz", "cspdash_healthz", healthz, methods=["GET"])


def _may_see_details(settings: Settings) -> bool:
    if settings.public_read:
        return True
    from web.access import current_user

    try:
        user = current_user()
    except Exception:  # no database, no signed-in user to show more to
        return False
    return user is not None and user.can("admin")


def healthz() -> flask.Response:
    settings = flask.current_app.config["CSPDASH_SETTINGS"]
    status, body = _health(settings)
    if not _may_see_details(settings):
        body = {"status": body["status"]}
    return _answer(status, **body)


def _health(settings: Settings) -> tuple[int, dict[str, object]]:
    expected = head_revision()
    try:
        revision = current_revision(get_engine(settings.database_url))
    except Exception as exc:  # any failure to connect is "unreachable"
        log.warning("health check: database unreachable: %s", exc)
        return 503, {"status": "unavailable", "database": "unreachable", "schema": None, "expected": expected}
    if revision != expected:
        return 503, {"status": "unavailable", "database": "ok", "schema": revision, "expected": expected,
                     "message": "The database schema is behind this version: run `cspdash init-db`."}  # fmt: skip
    return 200, {"status": "ok", "database": "ok", "schema": revision}


def _answer(http_status: int, **body: object) -> flask.Response:
    response = flask.jsonify(body)
    response.status_code = http_status
    response.headers["Cache-Control"] = "no-store"
    return response
