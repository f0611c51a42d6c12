"""Map benchmark (issue 4): the all-London ward map, timed server-side, and what it sends.

Loads the real 2018 London ward boundaries (657 wards) and generated crime counts for every
ward (long form, 12 months, through the crime loader) into a fresh SQLite file, then times
the /map callback that draws the map for all London's wards. The outlines are cached per boundary set (built on the first request); the ward figures are
re-queried on every timed call, so each call does the real per-request work.

Prints p50/p95 in ms of the map callback (``ward_map.map_figure`` plus the JSON encoding Dash
does), its JSON payload in KB, the same for the page layout with its 657-row table, and ratios against a baseline measured in the same run: json-serialising
the bare FeatureCollection of the stored web outlines (what a naive map would send).
Goals: map figure under 1 MB; p95 under 200 ms. No asserts.

    python benchmarks/bench_maps.py [--runs 40]
Needs ../shared/data (the London ward boundaries).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
WARDS = REPO.parent / "shared" / "data" / "boundaries" / "london_wards_2018_wgs84_simplified5m.geojson"
MONTHS = [f"{y}-{m:02d}" for y, m in [(2017, m) for m in range(4, 13)] + [(2018, m) for m in range(1, 4)]]
CATEGORIES = [
    ("VIOLENCE AGAINST THE PERSON", "VIOLENCE WITH INJURY"), ("VIOLENCE AGAINST THE PERSON", "VIOLENCE WITHOUT INJURY"),
    ("THEFT", "OTHER THEFT"), ("THEFT", "THEFT FROM THE PERSON"), ("BURGLARY", "BURGLARY - RESIDENTIAL"),
    ("VEHICLE OFFENCES", "THEFT FROM A MOTOR VEHICLE"), ("ARSON AND CRIMINAL DAMAGE", "CRIMINAL DAMAGE"),
    ("DRUG OFFENCES", "POSSESSION OF DRUGS"), ("PUBLIC ORDER OFFENCES", "PUBLIC FEAR ALARM OR DISTRESS"), ("ROBBERY", "ROBBERY OF PERSONAL PROPERTY"),
]  # fmt: skip


def crime_file(codes: list[str], out: Path) -> Path:
    """Long-form counts for every ward, month and category (Poisson, fixed seed)."""
    import numpy as np

    rng = np.random.default_rng(4)
    with out.open("w", encoding="utf-8") as f:
        f.write("area_code,month,major_category,minor_category,count\n")
        for code in codes:
            base = rng.uniform(2, 40, size=len(CATEGORIES))
            for month in MONTHS:
                for (major, minor), mean in zip(CATEGORIES, base):
                    f.write(f"{code},{month},{major},{minor},{rng.poisson(mean)}\n")
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    if not WARDS.exists():
        sys.exit(f"{WARDS} is missing: the benchmark needs the shared real data folder")

    from plotly.io.json import to_json_plotly

    from geo.queries import feature_collection
    from loaders.reading import Source
    from loaders.registry import run_load
    from store.db import get_engine, session_scope
    from store.reference import LONDON
    from store.schema import upgrade
    from tests.conftest import make_dashboard_app
    from views import map_state, maps

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench-maps.db'}"
        engine = get_engine(url)
        upgrade(engine)
        started = time.perf_counter()
        run_load(engine, "boundaries", Source.from_path(WARDS))
        with session_scope(engine) as session:
            codes = [f["id"] for f in feature_collection(session, "ward", "2018")["features"]]
        run_load(engine, "crime", Source.from_path(crime_file(codes, Path(tmp) / "crime_long.csv")))
        print(
            f"setup: {len(codes)} wards, {len(codes) * len(MONTHS) * len(CATEGORIES):,} count rows, {time.perf_counter() - started:.1f} s"
        )

        # Baseline: the bare FeatureCollection of the stored web outlines, serialised.
        base_ms, base_kb = [], 0.0
        for _ in range(max(5, args.runs // 4)):
            t0 = time.perf_counter()
            with session_scope(engine) as session:
                text = json.dumps(feature_collection(session, "ward", "2018"))
            base_ms.append((time.perf_counter() - t0) * 1000)
            base_kb = len(text.encode()) / 1024

        app = make_dashboard_app(url)
        from dashboards import ward_map  # the module Dash Pages executed for this app

        home = "E09000016"
        params = {"measure": "crime", "span": "quarter", "period": "2017-18-Q4", "area": LONDON}
        queries = [f"?{urlencode({**params, 'view': view})}" for view in ("count", "change")]
        # a request, as a page view has: the page asks who is signed in (an analyst gets upload links)
        with app.server.test_request_context("/map"):
            t0 = time.perf_counter()
            ward_map.map_figure(url, home, queries[0])
            cold_ms = (time.perf_counter() - t0) * 1000
            map_ms, map_total_ms, page_ms, page_total_ms = [], [], [], []
            for i in range(args.runs):
                map_state._figures.cache_clear()  # re-query the ward figures every time; outlines stay cached
                t0 = time.perf_counter()
                figure = ward_map.map_figure(url, home, queries[i % 2])
                t1 = time.perf_counter()
                payload = to_json_plotly(figure)
                t2 = time.perf_counter()
                map_ms.append((t1 - t0) * 1000)
                map_total_ms.append((t2 - t0) * 1000)
            for i in range(max(5, args.runs // 4)):
                map_state._figures.cache_clear()
                t0 = time.perf_counter()
                page = ward_map.page(url, home, {**params, "view": ("count", "change")[i % 2]})
                t1 = time.perf_counter()
                body = to_json_plotly(page)
                page_ms.append((t1 - t0) * 1000)
                page_total_ms.append((time.perf_counter() - t0) * 1000)
        figure_kb = len(payload.encode()) / 1024
        page_kb = len(body.encode()) / 1024
        maps.clear_caches()

    p50, p95 = statistics.median(map_total_ms), percentile(map_total_ms, 95)
    print(f"baseline (json.dumps of the bare FeatureCollection): p50 {statistics.median(base_ms):.1f} ms, {base_kb:,.0f} KB")
    print(f"first map request (builds the outline cache): {cold_ms:.0f} ms")
    print(
        f"map callback, all {len(codes)} London wards: p50 {statistics.median(map_ms):.1f} ms, p95 {percentile(map_ms, 95):.1f} ms"
    )
    print(f"  with JSON serialisation:             p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"  payload: {figure_kb:,.0f} KB")
    print(f"page layout with its {len(codes)}-row table: p50 {statistics.median(page_total_ms):.1f} ms, p95 {percentile(page_total_ms, 95):.1f} ms "
          f"(serialised), {page_kb:,.0f} KB")  # fmt: skip
    print(f"ratio to baseline: map time {p50 / statistics.median(base_ms):.2f}x (p50 v p50), map size {figure_kb / base_kb:.2f}x")
    print(
        f"goals: map payload < 1,024 KB: {'met' if figure_kb < 1024 else 'NOT met'}; map p95 < 200 ms: {'met' if p95 < 200 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
