"""Committee pack benchmark: time to build the Word and the PDF pack for the demo quarter
(Q3 2016/17, charts included), against a baseline measured in the same run: rendering one
chart to PNG.

Each measurement runs in a fresh subprocess, so each pays for starting Chromium once, as
`cspdash export …` does. The demo has 3 rated indicators; copies of them (same measures and
targets, new codes) make it up to ``--indicators`` (default 10). Goal (issue 5): under 15 s
for a 10-indicator pack. Prints figures only; no asserts.

    python benchmarks/bench_pack.py                 # 10 rated indicators
    python benchmarks/bench_pack.py --indicators 3  # the demo as it is
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PERIOD, AREA = "2016-17-Q3", "E09000016"


def make_database(folder: Path, rated: int) -> str:
    """The demo in a fresh SQLite file, with copies of its rated indicators up to ``rated``."""
    from demo.load import load_demo
    from loaders.reading import Source
    from loaders.registry import run_load
    from settings import DEMO_DIR
    from store.db import get_engine
    from store.schema import upgrade

    url = f"sqlite:///{folder / 'bench.db'}"
    engine = get_engine(url)
    upgrade(engine)
    load_demo(engine)
    indicators = list(csv.DictReader((DEMO_DIR / "indicators.csv").open(encoding="utf-8")))
    targets = list(csv.DictReader((DEMO_DIR / "targets.csv").open(encoding="utf-8")))
    originals = [r for r in indicators if r["rated"].lower() == "true"]
    extra_indicators, extra_targets = [], []
    for n in range(len(originals) + 1, rated + 1):
        source = originals[(n - 1) % len(originals)]
        code = f"BCH{n}"
        extra_indicators.append({**source, "code": code, "name": f"{source['name']} (copy {n})"})
        extra_targets += [{**t, "code": code} for t in targets if t["code"] == source["code"]]
    for kind, rows, fields in (
        ("indicators", extra_indicators, indicators[0].keys()),
        ("targets", extra_targets, targets[0].keys()),
    ):
        if rows:
            path = folder / f"{kind}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(fields))
                writer.writeheader()
                writer.writerows(rows)
            run_load(engine, kind, Source.from_path(path))
    return url


def measure(kind: str, url: str, out: Path) -> dict[str, float | int]:
    """One measurement, in this (fresh) process."""
    from exports.images import figure_to_image
    from exports.pack import load_content, render_pack
    from rules.periods import Quarter
    from settings import Settings
    from store.db import get_engine, session_scope

    engine, quarter, settings = get_engine(url), Quarter.parse(PERIOD), Settings.from_env({})
    started = time.perf_counter()
    if kind == "one-chart":
        from views.figures import indicator_chart

        with session_scope(engine) as session:
            chart = indicator_chart(session, "CSP1", quarter, AREA, "trend")
        size = len(figure_to_image(chart.figure, "png", chart.width, chart.height, 3))
        return {"seconds": time.perf_counter() - started, "bytes": size, "charts": 1}
    content = load_content(engine, quarter, AREA, settings)
    sizes = {}
    for fmt in kind.split("+"):
        data = render_pack(content, fmt)
        (out / f"pack.{fmt}").write_bytes(data)
        sizes[fmt] = len(data)
    return {
        "seconds": time.perf_counter() - started,
        "bytes": sum(sizes.values()),
        "charts": len(content.charts),
        "rated": len(content.sections),
    }


def run(kind: str, url: str, out: Path) -> dict[str, float | int]:
    command = [sys.executable, __file__, "--measure", kind, "--url", url, "--out", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=10, help="rated indicators in the pack")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.url, Path(args.out))))
        return
    with tempfile.TemporaryDirectory(prefix="cspdash-bench-") as tmp:
        folder = Path(tmp)
        url = make_database(folder, args.indicators)
        results = {kind: run(kind, url, folder) for kind in ("one-chart", "docx", "pdf", "docx+pdf")}
    base = results["one-chart"]["seconds"]
    print(f"Committee pack for {PERIOD}, {results['docx']['rated']} rated indicators, {results['docx']['charts']} charts")
    print(f"{'measurement':<34}{'seconds':>9}{'× baseline':>12}{'size':>10}")
    labels = {
        "one-chart": "baseline: one chart to PNG",
        "docx": "Word pack (PNG charts)",
        "pdf": "PDF pack (SVG charts, printed)",
        "docx+pdf": "Word and PDF, one process",
    }
    for kind, r in results.items():
        print(f"{labels[kind]:<34}{r['seconds']:>9.2f}{r['seconds'] / base:>12.1f}{r['bytes'] / 1e6:>8.1f} MB")
    worst = max(results["docx"]["seconds"], results["pdf"]["seconds"])
    print(f"goal: each pack under 15 s -> {'met' if worst < 15 else 'NOT met'} (slowest {worst:.1f} s)")


if __name__ == "__main__":
    main()
