"""How fast the main pages open in a real browser, on the demo in SQLite.

For each main page, in headless Chromium (Playwright driving /usr/bin/chromium; nothing is
downloaded): a first visit (a fresh browser profile, empty cache) and warm visits (the same
profile again). It records, from the start of navigation:

* table — the page's main table (or, on /demand, its finding) is in the page and visible;
* chart — the first chart has a trace drawn (an SVG ``g.trace`` inside a Plotly graph);
* bytes — bytes received over the network (compressed size where compressed), until idle.

The floor, measured in the same run: a static HTML file holding the same table (copied from
the page) and the app's stylesheet, served by the same server. Times are medians of
``--runs`` visits; ratios are against the floor. No asserts: it is for reading.

    .venv/bin/python benchmarks/bench_browser.py            # as served by cspdash
    .venv/bin/python benchmarks/bench_browser.py --gzip     # with gzip on every response

The app compresses its own responses (``web/serving/compression.py``: brotli or gzip), so
``--gzip`` now changes little; it wraps the server in a small gzip middleware, which was how
compression was first measured. The machine's load average is printed with the figures:
other work on the machine moves them.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import os
import statistics
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PERIOD, HOME, WARD = "2016-17-Q3", "E09000016", "E05000306"
PAGES = [  # (name, path, the main element)
    ("scorecard", f"/?period={PERIOD}", "#scorecard-table"),
    ("indicator", f"/indicator/CSP1?period={PERIOD}", "#indicator-reason"),
    ("demand", f"/demand?period={PERIOD}", "#demand-summary"),
    ("ward map", "/map", "#ward-map-table"),
    ("london", "/london", "#london-table"),
    ("ward profile", f"/ward/{WARD}", "#ward-profile-heading"),
]
# Runs in the page before its own scripts: notes when the main element is first visible and
# when the first Plotly trace is drawn, in ms since navigation started.
WATCH = """
(() => {
  const marks = window.__bench = {table: null, chart: null};
  const check = () => {
    const now = performance.now();
    if (marks.table === null) {
      const el = document.querySelector('%s');
      if (el && el.checkVisibility()) marks.table = now;
    }
    if (marks.chart === null && document.querySelector('.js-plotly-plot .main-svg g.trace')) marks.chart = now;
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true});
})();
"""
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


def gzip_middleware(app: Callable) -> Callable:
    """Gzip any compressible response when the browser accepts it (for measurement only)."""

    def wrapped(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return app(environ, start_response)
        captured: dict = {}

        def capture(status: str, headers: list, exc_info: object = None) -> Callable:
            captured.update(status=status, headers=headers)
            return lambda data: None

        body = b"".join(app(environ, capture))
        headers = captured["headers"]
        kind = next((v for k, v in headers if k.lower() == "content-type"), "")
        encoded = any(k.lower() == "content-encoding" for k, _ in headers)
        if len(body) > 500 and kind.startswith(COMPRESSIBLE) and not encoded:
            body = gzip.compress(body, 6)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body))), ("Vary", "Accept-Encoding")]
        start_response(captured["status"], headers)
        return [body]

    return wrapped


def build_database(folder: Path) -> str:
    from demo.load import load_demo
    from store.db import get_engine
    from store.schema import upgrade

    url = f"sqlite:///{folder / 'bench.db'}"
    engine = get_engine(url)
    upgrade(engine)
    load_demo(engine)
    return url


def serve(
    url: str, use_gzip: bool, static: dict[str, str], extra: dict[str, str] | None = None
) -> tuple[str, Callable[[], None]]:
    """The app on ``url`` served in this process; ``extra`` settings (``CSPDASH_PARTNERSHIP``
    where several partnerships are held) beside the benchmark's own."""
    from werkzeug.serving import make_server

    from app import create_app
    from settings import Settings

    env = {"DATABASE_URL": url, "CSPDASH_SECRET_KEY": "bench", "CSPDASH_HOME_AREA": HOME, **(extra or {})}
    settings = Settings.from_env(env)
    app = create_app(settings)
    server_app = app.server
    server_app.add_url_rule("/bench-static/<name>", "bench_static", lambda name: static[name])
    wsgi = gzip_middleware(server_app.wsgi_app) if use_gzip else server_app.wsgi_app
    server_app.wsgi_app = wsgi
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", lambda: (server.shutdown(), thread.join(10))


def visit(page, cdp, url: str, main: str, timeout: float = 30.0) -> dict[str, float | None]:
    """One navigation: ms to the main element and to the first chart, and bytes received."""
    received: list[float] = []
    handler = lambda event: received.append(event.get("encodedDataLength", 0))  # noqa: E731
    cdp.on("Network.loadingFinished", handler)
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.__bench && window.__bench.table !== null", timeout=timeout * 1000)
    try:
        page.wait_for_function("() => window.__bench.chart !== null", timeout=5000)
    except Exception:  # a page (or the static floor) with no chart
        pass
    page.wait_for_load_state("networkidle")
    marks = page.evaluate("() => window.__bench")
    cdp.remove_listener("Network.loadingFinished", handler)
    return {"table": marks["table"], "chart": marks["chart"], "bytes": sum(received)}


def new_page(browser, main: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(WATCH % main.replace("'", "\\'"))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    return context, page, cdp


def median(values: list[float | None]) -> float | None:
    held = [v for v in values if v is not None]
    return statistics.median(held) if held else None


def measure(browser, base: str, path: str, main: str, runs: int) -> dict[str, dict[str, float | None]]:
    first, warm = [], []
    for _ in range(runs):
        context, page, cdp = new_page(browser, main)
        first.append(visit(page, cdp, base + path, main))
        warm.append(visit(page, cdp, base + path, main))
        warm.append(visit(page, cdp, base + path, main))
        context.close()
    return {
        label: {k: median([r[k] for r in rows]) for k in ("table", "chart", "bytes")}
        for label, rows in (("first", first), ("warm", warm))
    }


def static_copy(browser, base: str, path: str, main: str) -> str:
    """The page's main element and stylesheets as a plain HTML document."""
    context, page, _ = new_page(browser, main)
    page.goto(base + path)
    page.wait_for_function("() => window.__bench && window.__bench.table !== null")
    html = page.evaluate(f"() => document.querySelector({main!r}).outerHTML")
    sheets = page.evaluate("() => [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.getAttribute('href'))")
    context.close()
    links = "".join(f'<link rel="stylesheet" href="{h}">' for h in sheets)
    return f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>floor</title>{links}</head><body><main class="width-container">{html}</main></body></html>'


def fmt_s(ms: float | None) -> str:
    return "–" if ms is None else f"{ms / 1000:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--gzip", action="store_true", help="gzip every compressible response (measures compression)")
    parser.add_argument("--pages", nargs="*", help="only these page names")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log in the output
    pages = [p for p in PAGES if not args.pages or p[0] in args.pages]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        url = build_database(Path(tmp))
        static: dict[str, str] = {}
        base, stop = serve(url, args.gzip, static)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                for _name, path, main_el in pages:  # warm the server's caches once; not timed
                    context, page, _ = new_page(browser, main_el)
                    page.goto(base + path, wait_until="networkidle")
                    context.close()
                rows = []
                for name, path, main_el in pages:
                    key = name.replace(" ", "-")
                    static[key] = static_copy(browser, base, path, main_el)
                    floor = measure(browser, base, f"/bench-static/{key}", main_el, args.runs)
                    result = measure(browser, base, path, main_el, args.runs)
                    rows.append((name, path, result, floor))
                browser.close()
        finally:
            stop()
    print(
        f"Chromium, demo on SQLite, median of {args.runs} first visits and {2 * args.runs} warm visits"
        + (", gzip on" if args.gzip else "")
    )
    load = " → ".join(", ".join(f"{x:.2f}" for x in avg) for avg in (load_before, os.getloadavg()))
    print(f"Load average (1, 5, 15 min) at the start → at the end: {load} on {os.cpu_count()} cores")
    print(f"{'page':<13} {'visit':<6} {'table':>8} {'chart':>8} {'MB':>6} | {'floor table':>11} {'ratio':>6} {'floor MB':>8}")
    for name, _path, result, floor in rows:
        for label in ("first", "warm"):
            r, f = result[label], floor[label]
            ratio = f"{r['table'] / f['table']:.1f}×" if r["table"] and f["table"] else "–"
            print(
                f"{name:<13} {label:<6} {fmt_s(r['table']):>8} {fmt_s(r['chart']):>8} {r['bytes'] / 1e6:>6.2f} | {fmt_s(f['table']):>11} {ratio:>6} {f['bytes'] / 1e6:>8.3f}"
            )


if __name__ == "__main__":
    main()
