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

        app = create_app(self.settings)
        warm_up(app.server, self.settings)
        return app.server


WARM_PAGES = ("/", "/map", "/demand")


def warm_up(server: Any, settings: Settings) -> None:
    """Open the main pages once in the master before forking, so every worker starts with
    plotly's lazily loaded parts imported and the current figures cached (copy-on-write),
    instead of each worker paying for that on its first readers. Best effort; the database
    connections used are closed before the fork."""
    import logging

    from store.db import get_engine

    try:
        client = server.test_client()
        deps = client.get("/_dash-dependencies").get_json() or []
        routing = next((d for d in deps if "_pages_content.children" in d["output"]), None)
        if routing is not None:
            parts = routing["output"][2:-2].split("...")
            outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
            for page in WARM_PAGES:
                inputs = [{"id": "_pages_location", "property": "pathname", "value": page},
                          {"id": "_pages_location", "property": "search", "value": ""}]  # fmt: skip
                client.post("/_dash-update-component", json={"output": routing["output"], "outputs": outputs,
                            "inputs": inputs, "changedPropIds": ["_pages_location.pathname"], "state": []})  # fmt: skip
    except Exception:  # a cold start is slower, not broken
        logging.getLogger(__name__).warning("warm-up before forking the workers failed", exc_info=True)
    finally:
        get_engine(settings.database_url).dispose()


def run(settings: Settings, host: str, port: int, workers: int, threads: int, timeout: int = 120) -> None:
    CspdashServer(settings, gunicorn_options(settings, host, port, workers, threads, timeout)).run()
