"""How far a long request has got (a load on the upload page, a publication), kept where every
gunicorn worker can read it: the app's shared cache (Redis, or the filesystem cache in the data
folder), so a poll answered by another worker than the one doing the work still sees it.
Without a cache installed (a bare test app) a note is held in this process's memory only, which
is then the only process there is. A note is a courtesy: failing to keep one never fails the
work it describes."""

from __future__ import annotations

from typing import Any

import flask

_LOCAL: dict[str, Any] = {}  # where no shared cache is installed (one process)


def _cache() -> Any:
    return flask.current_app.extensions.get("cspdash_cache") if flask.has_app_context() else None


def put_note(key: str, value: Any, timeout: int) -> None:
    """Keep ``value`` under ``key`` for ``timeout`` seconds."""
    _LOCAL[key] = value
    cache = _cache()
    if cache is not None:
        try:
            cache.set(key, value, timeout=timeout)
        except Exception:  # the cache being down must not fail a load or a publication
            pass


def get_note(key: str) -> Any | None:
    cache = _cache()
    if cache is not None:
        try:
            found = cache.get(key)
            if found:
                return found
        except Exception:
            pass
    return _LOCAL.get(key)
