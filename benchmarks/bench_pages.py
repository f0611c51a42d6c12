"""How long the read-only pages take to build on the server, on the demo in SQLite.

Calls the page ``layout`` functions directly (as Dash Pages does for each page view), with
the page cache cleared before each call ("cold": every query runs) and left warm ("warm":
one data-version query, then cached objects turned into components). Prints p50/p95 in ms
and the ratio to baselines measured in the same run on the same database: a bare
``SELECT 1`` round trip and loading the indicator list. No asserts: it is for reading.

    .venv/bin/python benchmarks/bench_pages.py            # the demo (Havering, three years)
    .venv/bin/python benchmarks/bench_pages.py --london   # plus five years of every London borough

``--london`` adds 2012-04 to 2017-03 crime counts for the other 32 boroughs through the
long-form crime loader, so the London comparator is summed from real rows.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from demo.load import load_demo
from loaders.reading import Source
from loaders.registry import run_load
from settings import Settings
from store.db import get_engine, session_scope
from store.reference import LONDON_BOROUGHS
from store.schema import upgrade
from store.scorecard import indicators

HOME, PERIOD = "E09000016", "2016-17-Q3"


def london_crime_file(folder: Path) -> tuple[Path, int]:
    """Long-form crime counts: 32 boroughs x 60 months x the demo's crime categories."""
    with open(Path(__file__).resolve().parents[1] / "data" / "demo" / "crime_wards_met_format.csv", newline="") as f:
        categories = sorted({(r["MajorText"], r["MinorText"]) for r in csv.DictReader(f)})
    months = [f"{y}-{m:02d}" for y in range(2012, 2018) for m in range(1, 13)]
    months = [m for m in months if "2012-04" <= m <= "2017-03"]
    rng = random.Random(2017)
    path = folder / "london_crime_long.csv"
    rows = 0
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["area_code", "month", "major_category", "minor_category", "count"])
        for code in LONDON_BOROUGHS:
            if code == HOME:
                continue  # Havering keeps the demo's ward figures
            size = rng.uniform(0.5, 2.0)
            for month in months:
                for major, minor in categories:
                    writer.writerow([code, month, major, minor, int(rng.expovariate(1 / (40 * size)))])
                    rows += 1
    return path, rows


def timed(fn: Callable[[], object], runs: int, before: Callable[[], None] | None = None) -> list[float]:
    out = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--london", action="store_true", help="add five years of crime counts for every London borough")
    parser.add_argument("--runs", type=int, default=30, help="cold runs per page (warm runs are ten times as many)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="cspdash-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = get_engine(url)
    start = time.perf_counter()
    upgrade(engine)
    load_demo(engine)
    note = "demo (Havering wards, Apr 2014 - Mar 2017)"
    if args.london:
        path, rows = london_crime_file(folder)
        run_load(engine, "crime", Source.from_path(path), user="bench")
        note += f" + {rows:,} long-form crime rows for 32 more boroughs, Apr 2012 - Mar 2017"
    with engine.connect() as conn:
        crime_rows = conn.execute(text("SELECT COUNT(*) FROM crime_count")).scalar_one()
    print(f"Database: SQLite, {note}; {crime_rows:,} crime rows; built in {time.perf_counter() - start:.1f} s\n")

    from app import create_app

    settings = Settings.from_env({"DATABASE_URL": url, "CSPDASH_SECRET_KEY": "bench-" + "x" * 40})
    app = create_app(settings)
    from dashboards import demand, indicator, scorecard
    from views import data

    def select_one() -> None:
        with session_scope(engine) as session:
            session.execute(text("SELECT 1")).scalar_one()

    def indicator_list() -> None:
        with session_scope(engine) as session:
            indicators(session)

    pages: dict[str, Callable[[], object]] = {
        "scorecard /": lambda: scorecard.layout(period=PERIOD, area=HOME),
        "indicator /indicator/CSP1": lambda: indicator.layout(code="CSP1", period=PERIOD, area=HOME),
        "indicator /indicator/CSP2": lambda: indicator.layout(code="CSP2", period=PERIOD, area=HOME),
        "demand /demand": lambda: demand.layout(period=PERIOD, area=HOME),
    }
    warm_runs = args.runs * 10
    with app.server.test_request_context("/"):
        for fn in pages.values():  # first call imports plotly bits etc.; not timed
            fn()
        baselines = {"SELECT 1": timed(select_one, warm_runs), "indicator list": timed(indicator_list, warm_runs)}
        results = {}
        for name, fn in pages.items():
            results[f"{name} (cold)"] = timed(fn, args.runs, before=data.clear_caches)
            fn()
            results[f"{name} (warm)"] = timed(fn, warm_runs)

    base_select = statistics.median(baselines["SELECT 1"])
    base_list = statistics.median(baselines["indicator list"])
    print(f"{'':38} {'p50 ms':>9} {'p95 ms':>9} {'x SELECT 1':>11} {'x ind. list':>12}")
    for name, values in {**baselines, **results}.items():
        p50 = statistics.median(values)
        print(f"{name:38} {p50:9.2f} {p(values, 0.95):9.2f} {p50 / base_select:11.1f} {p50 / base_list:12.1f}")


if __name__ == "__main__":
    main()
