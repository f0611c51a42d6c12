"""Hand a worker's memory back to the system after a request that read a big file.

An upload of a few hundred megabytes is decoded, checked and loaded inside a web worker. The
load itself now stays within a flat budget (the compact duplicate check, chunked reading),
but once the request is over, glibc's allocator keeps the freed heap for reuse: the worker
stayed hundreds of megabytes larger than before the upload (627 MB measured), and with
several workers that memory is lost to the machine. A request that handled a file marks
itself (``release_after_request``); when it has finished, the Python garbage is collected and
``malloc_trim(0)`` returns free heap pages to the system.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
from collections.abc import Callable, Iterable
from typing import Any

import flask

log = logging.getLogger(__name__)
_FLAG = "cspdash.release_memory"


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return None if libc is None else libc.malloc_trim  # glibc only (not musl or macOS)
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def release_memory() -> None:
    """Collect garbage and return the allocator's free pages to the system."""
    gc.collect()
    if _TRIM is not None:
        _TRIM(0)


def release_after_request() -> None:
    """Called inside a request that read a large file: release memory once it has finished."""
    if flask.has_request_context():
        flask.request.environ[_FLAG] = True


class _ReleasingApp:
    """WSGI middleware: after a marked request, once Flask has dropped the request (and the
    file it carried), release the memory."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = self.app(environ, start_response)
        if environ.get(_FLAG):
            environ.pop(_FLAG, None)
            release_memory()
        return body


def install_memory_release(server: flask.Flask) -> None:
    server.wsgi_app = _ReleasingApp(server.wsgi_app)  # type: ignore[method-assign]


__all__ = ["install_memory_release", "release_after_request", "release_memory"]
