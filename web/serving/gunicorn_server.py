"""``cspdash serve``: the app under gunicorn, a pre-forking WSGI server. Several worker
processes each run the app, so one slow request (a committee pack, a big map) does not hold
up everyone else, and a worker that dies is replaced. Threads within each worker overlap
requests that wait on the database."""

from __future__ import annotations

import gc
import logging
import os
from typing import Any

from gunicorn.app.base import BaseApplication

from settings import Settings

log = logging.getLogger(__name__)
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
        # Everything the master has made by now (the libraries, the app, the warmed figures) lives
        # as long as the workers do: set it outside the garbage collector before forking, so a
        # worker's full collection does not sweep a few hundred thousand objects that cannot be
        # garbage (200-240 ms, paid by whichever request set it off), nor touch their pages, which
        # the workers then keep sharing with the master (copy-on-write).
        gc.collect()
        gc.freeze()
        return app.server


# The pages a reader opens first, under each warmed partnership's address.
WARM_PAGES = ("/", "/map", "/demand")
# How many partnerships are warmed before forking: each adds about half a second to start-up
# (its three pages, on a busy 2-core machine: benchmarks/bench_warm_up.py, 2.7 s for four of ten
# held against 6.1 s for all ten), and the views' smallest caches keep the figures of sixteen
# partnerships, so warming many more would only push out the first ones warmed.
MOST_WARMED = 4


def partnerships_to_warm(held: list[str], private: frozenset[str], chosen: str | None, most: int = MOST_WARMED) -> list[str]:
    """The partnerships whose pages are opened before forking: the setting's first (the one old
    addresses go to), then the others held in code order, ``most`` in all. Private ones are left
    out: their pages are refused to the signed-out warm-up, as to any signed-out reader."""
    readable = [code for code in held if code not in private]
    first = [chosen] if chosen in readable else []
    return (first + [code for code in readable if code != chosen])[:most]


def warm_up(server: Any, settings: Settings) -> None:
    """Open the main pages once in the master before forking, so every worker starts with
    plotly's lazily loaded parts imported and the current figures of the pages readers open
    first cached (copy-on-write), instead of each worker paying for that on its first readers.
    The pages are asked for as a browser's first view of them asks (``web.parts.first_view``),
    at their partnership's address, so their figures are the ones cached for that partnership;
    with several partnerships held, the list of them too (where ``/`` sends readers). They are
    opened as a signed-out reader sees them, even where reading needs signing in
    (``web.access.WARM_UP_ENVIRON``): the published figures viewers read. Best effort; the
    database connections used are closed before the fork."""
    from store.db import get_engine, session_scope
    from store.partnerships import held_codes, private_partnerships
    from web.access import WARM_UP_ENVIRON
    from web.addresses import partnership_href
    from web.parts.first_view import PAGE_HEADER

    try:
        with session_scope(get_engine(settings.database_url)) as session:
            held, private = held_codes(session) or [settings.home_area], private_partnerships(session)
        client = server.test_client()
        # (where the renderer asks for the layout, the page it names): as a browser's first visit
        pages = [("/_dash-layout", "/partnerships")] if len(held) > 1 else []
        for code in partnerships_to_warm(held, private, settings.partnership):
            pages += [(partnership_href(code, "/_dash-layout"), partnership_href(code, page)) for page in WARM_PAGES]
        refused = [
            page
            for layout, page in pages
            if client.get(layout, headers={PAGE_HEADER: page}, environ_overrides={WARM_UP_ENVIRON: True}).status_code != 200
        ]
        if refused:
            log.warning("warm-up: %d of %d pages not opened (%s)", len(refused), len(pages), ", ".join(refused))
    except Exception:  # a cold start is slower, not broken
        log.warning("warm-up before forking the workers failed", exc_info=True)
    finally:
        get_engine(settings.database_url).dispose()


def run(settings: Settings, host: str, port: int, workers: int, threads: int, timeout: int = 120) -> None:
    CspdashServer(settings, gunicorn_options(settings, host, port, workers, threads, timeout)).run()
