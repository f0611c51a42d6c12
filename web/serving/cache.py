"""The cache shared by every worker (Flask-Caching): Redis when REDIS_URL is set, otherwise a
filesystem cache in the data folder.

What it holds: export files (packs, chart images, spreadsheets: the same for everyone who may
read them) and the answers to read-only dashboard callbacks for visitors who are not signed
in (their answer cannot depend on who asks). Every key includes the data versions
(``store.data_version``), which each load, edit and publish bumps in the same transaction,
so nobody is served figures from before a change: at a partnership's address (``/p/CODE``) the
shared version and that partnership's own, so another partnership's edit leaves its entries
standing; elsewhere (the list of partnerships, callbacks of a page loaded at an old address)
the shared version and every partnership's. If the cache is unreachable the request is simply
worked out again.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import flask
from dash import Dash
from flask_caching import Cache
from werkzeug.wrappers import Response as BaseResponse

from settings import Settings
from store.data_version import data_version
from store.db import get_engine
from web.access import current_user, required_role
from web.addresses import address_partnership

log = logging.getLogger(__name__)
CALLBACK_PATH = "/_dash-update-component"
EXPORT_PREFIX = "/export/"
TIMEOUT = 3600  # seconds; entries for old data versions are never asked for again
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "ETag", "Cache-Control", "X-Content-Type-Options")


def cache_config(settings: Settings) -> dict[str, Any]:
    if settings.redis_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.redis_url, "CACHE_DEFAULT_TIMEOUT": TIMEOUT}
    return {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(settings.data_dir / "cache"),
        "CACHE_THRESHOLD": 2000,
        "CACHE_DEFAULT_TIMEOUT": TIMEOUT,
    }


def install_cache(app: Dash, settings: Settings) -> Cache:
    server = app.server
    cache = Cache(server, config=cache_config(settings))
    server.extensions["cspdash_cache"] = cache
    # Several databases (or test schemas) may share one Redis: their keys must not meet.
    namespace = hashlib.sha256(f"{settings.database_url}|{settings.home_area}".encode()).hexdigest()[:16]

    @server.before_request
    def serve_from_cache() -> BaseResponse | None:
        key = _request_key(namespace, settings)
        flask.g.cspdash_cache_key = key
        if key is None:
            return None
        try:
            hit = cache.get(key)
        except Exception:  # a cache outage must not take the dashboard down
            log.exception("shared cache unavailable")
            flask.g.cspdash_cache_key = None
            return None
        if hit is None:
            return None
        flask.g.cspdash_cache_hit = True
        body, headers = hit
        response = flask.Response(body, headers=headers)
        return response.make_conditional(flask.request) if flask.request.method == "GET" else response

    @server.after_request
    def keep_in_cache(response: flask.Response) -> flask.Response:
        key = flask.g.get("cspdash_cache_key")
        if key and not flask.g.get("cspdash_cache_hit") and response.status_code == 200 and not response.is_streamed:
            headers = [(name, value) for name, value in response.headers.items() if name in _KEPT_HEADERS]
            try:
                cache.set(key, (response.get_data(), headers))
            except Exception:
                log.exception("could not store in the shared cache")
        return response

    return cache


def _request_key(namespace: str, settings: Settings) -> str | None:
    request = flask.request
    # The same download or callback answers differently for each partnership: the address's
    # (``/p/CODE``, the script root) is part of the key.
    if request.method == "GET" and request.path.startswith(EXPORT_PREFIX):
        what = f"export:{request.script_root}{request.full_path}"
    elif request.method == "POST" and request.path == CALLBACK_PATH and current_user() is None:
        body = request.get_json(silent=True)  # already read, and size-capped, by the sign-in check
        if not isinstance(body, dict) or required_role(body) is not None:
            return None
        what = f"callback:{request.script_root}:" + hashlib.sha256(request.get_data()).hexdigest()
    else:
        return None
    try:
        version = data_version(get_engine(settings.database_url), address_partnership())
    except Exception:  # no version, no caching (the page will explain the error)
        return None
    return f"cspdash:{namespace}:v{version}:{hashlib.sha256(what.encode()).hexdigest()}"
