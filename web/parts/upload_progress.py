"""How far the upload page's load has got (issue 21: the Home Office tables take minutes): the
load, running in the confirm request, writes its latest line here; the page polls for it about
once a second while the load runs (``dashboards/upload.py``).

The line is kept in the app's shared cache (Redis, or the filesystem cache in the data folder),
which every gunicorn worker reads, so a poll answered by another worker than the one loading
still sees it. Without a cache installed (a bare test app) it is held in this process's memory
only, which is then the only process there is."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import flask
from dash import html
from dash.development.base_component import Component

# The loader's rows between lines (the CLI's is 100,000): a few lines a second at the speed the
# Home Office tables are read, each one small write to the cache; the page polls once a second.
ROWS_BETWEEN_LINES = 20_000
_LOCAL: dict[str, tuple[str, float]] = {}  # where no shared cache is installed (one process)


def progress_key(database_url: str, user: str, sha256: str) -> str:
    """One load's key: the database (several may share one Redis), who loads and the file."""
    where = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return f"cspdash-upload-progress:{where}:{user}:{sha256}"


def _cache() -> Any:
    return flask.current_app.extensions.get("cspdash_cache") if flask.has_app_context() else None


def write_line(key: str, line: str, started: float) -> None:
    """Record the load's latest line and when it started (epoch seconds)."""
    _LOCAL[key] = (line, started)
    cache = _cache()
    if cache is not None:
        try:
            cache.set(key, [line, started], timeout=3600)
        except Exception:  # progress is a courtesy: never fail a load over it
            pass


def read_line(key: str) -> tuple[str, float] | None:
    cache = _cache()
    if cache is not None:
        try:
            found = cache.get(key)
            if found:
                return str(found[0]), float(found[1])
        except Exception:
            pass
    return _LOCAL.get(key)


class PageProgress:
    """A ``LoadProgress`` report that writes the loader's latest line for the page."""

    def __init__(self, key: str, file_name: str) -> None:
        self.key = key
        self.started = time.time()
        write_line(key, f"Reading {file_name}", self.started)

    def __call__(self, line: str) -> None:
        write_line(self.key, line[:1].upper() + line[1:], self.started)


def progress_line(found: tuple[str, float] | None) -> Component | str:
    """The line the page shows: the loader's latest words and how long the load has run."""
    if found is None:
        return ""
    line, started = found
    seconds = max(0, int(time.time() - started))
    took = f"{seconds} s" if seconds < 120 else f"{seconds // 60} min {seconds % 60} s"
    return html.Span([line, f" ({took} so far)"], id="upload-progress-line")
