"""Brotli or gzip for pages, callback answers and the Dash and Plotly bundles (flask-compress).

The bundles are large (plotly.js alone is megabytes) and fingerprinted, so each worker
compresses each one once and keeps the result in memory.

The app's own files (``/assets/…``: stylesheets, scripts, the slimmed plotly.js) are linked
by Dash with their modification time (``?m=…``), so a changed file has a new address: those
are kept by browsers for a year without asking again, and compressed once per process like
the bundles. (Sent as a stream, flask-compress would compress them afresh for every request
and give them a validator that never matches, so each visit fetched plotly.js again.)"""

from __future__ import annotations

import threading

import flask
from flask_compress import Compress

COMPRESSED_TYPES = [
    "text/html", "text/css", "text/plain", "text/csv", "text/javascript", "application/javascript",
    "application/json", "image/svg+xml",
]  # fmt: skip
_BUNDLE_PREFIXES = ("/_dash-component-suites/", "/embed/plotly-")


class _BundleCache:
    """Compressed bundles by URL (which includes their version), in this process."""

    def __init__(self) -> None:
        self.items: dict[str, bytes] = {}
        self.lock = threading.Lock()

    # flask-compress asks with "<algorithm>;<our key>" for every response: an empty key
    # (anything but a bundle) is never kept.
    def get(self, key: str) -> bytes | None:
        return self.items.get(key) if not key.endswith(";") else None

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(";"):
            return
        with self.lock:
            if len(self.items) < 200:
                self.items[key] = value


YEAR = 365 * 24 * 3600


def _fingerprinted_asset(request: flask.Request) -> bool:
    return request.path.startswith("/assets/") and "m" in request.args


def _bundle_key(request: flask.Request) -> str:
    # Only the fingerprinted bundles: pages and callback answers change with the data.
    return request.full_path if request.path.startswith(_BUNDLE_PREFIXES) or _fingerprinted_asset(request) else ""


# One per process, not per app: every app a process builds serves the same bundle files at the
# same URLs (a service builds one; a test process hundreds, each compressing plotly.js and Dash's
# bundles, megabytes, afresh for its first page).
_BUNDLES = _BundleCache()


def install_compression(server: flask.Flask) -> None:
    cache = _BUNDLES
    server.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_LEVEL=6,
        COMPRESS_BR_LEVEL=5,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_CACHE_BACKEND=lambda: cache,
        COMPRESS_CACHE_KEY=_bundle_key,
    )
    Compress(server)

    @server.after_request  # runs before the compression (Flask runs the last registered first)
    def keep_assets(response: flask.Response) -> flask.Response:
        if _fingerprinted_asset(flask.request) and response.status_code == 200:
            response.direct_passthrough = False
            response.make_sequence()  # a body, not a file stream: compressed once and cached
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response
