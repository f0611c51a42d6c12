"""Start-up of ``cspdash serve`` before it forks its workers: the app built (``create_app``) and
its main pages opened once (``web.serving.gunicorn_server.warm_up``), on the demo in PostgreSQL
holding Havering alone, then Havering and more London partnerships (each with its own four
indicators and their targets, as ``bench_national`` adds them). Each figure is the best of
``--runs`` fresh processes' worth of caches (the views' caches are emptied between runs).

    .venv/bin/python benchmarks/bench_warm_up.py [--more 9] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_national import partnership_files  # noqa: E402
from bench_serve import fresh_database  # noqa: E402

HAVERING = "E09000016"
OTHERS = [f"E090000{n:02d}" for n in range(1, 34) if n != 16]  # London's other boroughs and the City


def empty_view_caches() -> None:
    """As in a fresh process: every cached figure of the views worked out again."""
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("views", "exports", "dashboards"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == name:
                    value.cache_clear()


def start_up(url: str, runs: int) -> tuple[float, float, float]:
    """Seconds of building the app, of warming it up the first time in this process (plotly's
    lazily loaded parts imported then), and the best of warming it up again."""
    from app import create_app
    from settings import Settings
    from tests.conftest import reset_dash_pages
    from web.serving.gunicorn_server import warm_up

    built, warmed = [], []
    for _ in range(runs):
        empty_view_caches()
        reset_dash_pages()
        settings = Settings.from_env({"DATABASE_URL": url, "CSPDASH_SECRET_KEY": "bench-" + "x" * 32,
                                      "CSPDASH_DATA_DIR": tempfile.mkdtemp(prefix="cspdash-warm-"), "CSPDASH_SHOW_DRAFTS": "1"})  # fmt: skip
        t0 = time.perf_counter()
        app = create_app(settings)
        t1 = time.perf_counter()
        warm_up(app.server, settings)
        t2 = time.perf_counter()
        built.append(t1 - t0)
        warmed.append(t2 - t1)
    return min(built), warmed[0], min(warmed[1:] or warmed)


def add_partnerships(url: str, codes: list[str]) -> None:
    from loaders.reading import Source
    from loaders.registry import run_load
    from store.db import get_engine, session_scope
    from store.partnerships import add_partnership

    indicators, targets = partnership_files(Path(tempfile.mkdtemp(prefix="cspdash-warm-files-")))
    engine = get_engine(url)
    with session_scope(engine) as session:
        for code in codes:
            add_partnership(session, code, f"Partnership {code}")
    for code in codes:
        run_load(engine, "indicators", Source.from_path(indicators), user="bench", partnership=code)
        run_load(engine, "targets", Source.from_path(targets), user="bench", partnership=code)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--more", type=int, default=9, help="partnerships added beside Havering")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url, drop = fresh_database()
    try:
        print(f"{'partnerships held':>18} {'app built (s)':>14} {'first warm-up (s)':>18} {'warm-up (s)':>12}")
        for held in (1, 1 + args.more):
            if held > 1:
                add_partnerships(url, OTHERS[: args.more])
            built, first, again = start_up(url, args.runs)
            print(f"{held:>18} {built:>14.2f} {first:>18.2f} {again:>12.2f}")
    finally:
        from store.db import get_engine

        get_engine(url).dispose()
        drop()


if __name__ == "__main__":
    main()
