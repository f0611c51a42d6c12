"""``cspdash serve``: the app under gunicorn, a pre-forking WSGI server. Several worker
processes each run the app, so one slow request (a committee pack, a big map) does not hold
up everyone else, and a worker that dies is replaced. Threads within each worker overlap
requests that wait on the database."""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication

from settings import Settings

MAX_DEFAULT_WORKERS = 8  # each worker holds its own copy of the app (~200 MB)


def default_workers(cores: int | None = None) -> int:
    """gunicorn's advice, 2 × cores + 1, capped so a big machine does not run out of memory."""
    cores = cores or os.cpu_count() or 1
    return min(2 * cores + 1, MAX_DEFAULT_WORKERS)


def _fresh_engines(_server: object, _worker: object) -> None:
    """In each new worker: never share a database connection made before the fork."""
    from store.db import get_engine

    get_engine.cache_clear()


def gunicorn_options(settings: Settings, host: str, port: int, workers: int, threads: int, timeout: int) -> dict[str, Any]:
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": timeout,  # a committee pack as PDF takes several seconds; a hung worker is replaced
        "graceful_timeout": 30,
        "keepalive": 5,
        "preload_app": True,  # import once, fork: workers share the imported libraries' memory
        "accesslog": "-",
        "errorlog": "-",
        "max_requests": 2000,  # recycle workers now and then, so a slow leak cannot grow forever
        "max_requests_jitter": 200,
        "limit_request_line": 8190,
        "proc_name": "cspdash",
        "post_fork": _fresh_engines,
    }
    if settings.proxy_count:
        options["forwarded_allow_ips"] = "*"  # ProxyFix in the app decides how many hops to trust
    return options


class CspdashServer(BaseApplication):
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from app import create_app

        return create_app(self.settings).server


def run(settings: Settings, host: str, port: int, workers: int, threads: int, timeout: int = 120) -> None:
    CspdashServer(settings, gunicorn_options(settings, host, port, workers, threads, timeout)).run()
