"""Brotli or gzip for pages, callback answers and the Dash and Plotly bundles (flask-compress).

The bundles are large (plotly.js alone is megabytes) and fingerprinted, so each worker
compresses each one once and keeps the result in memory."""

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


def _bundle_key(request: flask.Request) -> str:
    # Only the fingerprinted bundles: pages and callback answers change with the data.
    return request.full_path if request.path.startswith(_BUNDLE_PREFIXES) else ""


def install_compression(server: flask.Flask) -> None:
    cache = _BundleCache()
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
