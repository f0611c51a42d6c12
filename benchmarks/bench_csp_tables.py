"""Loading the Home Office CSP tables streamed: peak memory and time against reading the same
workbook whole with python-calamine (how it was read before), in the same run.

The real file is about 50 MB as .ods and over 1 GB of XML unpacked (issue 21 part 2: the loading
process's peak memory must stay under 500 MB more than at its start). This writes a workbook in
the real layout (Notes, then one long sheet per financial year; every partnership of a lookup,
every quarter, each offence subgroup), then, each in a fresh process:

- ``calamine``: python-calamine reads every year sheet whole (the baseline);
- ``cspdash``: ``cspdash ingest csp-tables`` into a fresh SQLite database (lookup loaded first).

    .venv/bin/python benchmarks/bench_csp_tables.py [--rows 1000000]

Prints rows, unpacked XML size, seconds and peak memory growth, each as a ratio to calamine, and
each process's memory at its start, its peak and the ratio of the two.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from demo.spreadsheets import write_ods  # noqa: E402
from rules.csp_tables import COLUMNS  # noqa: E402

FORCES = 40
CSPS_PER_FORCE = 8
SUBGROUPS = [(f"Group {g}", f"Subgroup {g}.{s}", f"{g}{s:02d}") for g in range(1, 13) for s in range(1, 8)]
YEARS = ["2019_20", "2020_21", "2021_22", "2022_23", "2023_24", "2024_25"]


def lookup_rows() -> list[list[str]]:
    rows = []
    for f in range(FORCES):
        for c in range(CSPS_PER_FORCE):
            n = f * CSPS_PER_FORCE + c
            rows.append([f"E0700{n:04d}", f"District {n}", f"E2200{n:04d}", f"Partnership {n}", f"E2300{f:04d}", f"Force {f}"])
    return rows


def write_lookup(path: Path) -> Path:
    header = "LAD24CD,LAD24NM,CSP24CD,CSP24NM,PFA24CD,PFA24NM\n"
    path.write_text(header + "".join(",".join(r) + "\n" for r in lookup_rows()))
    return path


def _year_rows(year: str, rows_per_year: int) -> Iterator[list[object]]:
    yield list(COLUMNS)
    label = year.replace("_", "/")
    written = 0
    partnerships = lookup_rows()
    while written < rows_per_year:
        for quarter in (1, 2, 3, 4):
            for district in partnerships:
                for group, subgroup, code in SUBGROUPS:
                    yield [label, quarter, district[5], district[3], f"Offence {code}", group, subgroup, code, (written % 97) + 1]
                    written += 1
                    if written >= rows_per_year:
                        return


def write_tables(path: Path, rows: int) -> Path:
    per_year = max(1, rows // len(YEARS))
    sheets: dict[str, object] = {
        "Notes": [["Police recorded crime by Community Safety Partnership"], ["Updated: 6 December 2026"]]
    }
    sheets.update({year: _year_rows(year, per_year) for year in YEARS})
    return write_ods(path, sheets)  # type: ignore[arg-type]


def _peak_mb() -> float:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:")) / 1024


def _rss_mb() -> float:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:")) / 1024


def measure(method: str, path: str, url: str, lookup: str) -> dict[str, float]:
    """Runs in a fresh process: one way of reading ``path``."""
    if method == "calamine":
        from python_calamine import CalamineWorkbook

        start = _rss_mb()
        began = time.perf_counter()
        book = CalamineWorkbook.from_path(path)
        rows = sum(len(book.get_sheet_by_name(name).to_python()) - 1 for name in book.sheet_names if name[:2] == "20")
    else:
        from loaders.reading import Source
        from loaders.registry import run_load
        from store.db import get_engine
        from store.schema import upgrade

        engine = get_engine(url)
        upgrade(engine)
        run_load(engine, "csp-lookup", Source.from_path(lookup))
        start = _rss_mb()
        began = time.perf_counter()
        rows = run_load(engine, "csp-tables", Source.from_path(path)).rows
    peak = _peak_mb()
    return {"rows": rows, "seconds": time.perf_counter() - began, "growth_mb": peak - start, "start_mb": start, "peak_mb": peak}


def _run(method: str, path: Path, workdir: Path, lookup: Path) -> dict[str, float]:
    url = f"sqlite:///{workdir / (method + '.db')}"
    out = subprocess.run(
        [sys.executable, __file__, "--one", method, str(path), url, str(lookup)], capture_output=True, text=True, cwd=REPO
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Offence rows across the year sheets.")
    parser.add_argument("--one", nargs=4, metavar=("METHOD", "FILE", "URL", "LOOKUP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(*args.one)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        path = write_tables(workdir / "prc-csp-tables.ods", args.rows)
        lookup = write_lookup(workdir / "lookup.csv")
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(i.file_size for i in archive.infolist()) / 1024 / 1024
        print(f"workbook: {path.stat().st_size / 1024 / 1024:,.0f} MB as .ods, {unpacked:,.0f} MB unpacked")
        base = _run("calamine", path, workdir, lookup)
        ours = _run("cspdash", path, workdir, lookup)
        print(
            f"{'reader':10} {'rows':>10} {'seconds':>8} {'× time':>7} {'growth MB':>10} {'× memory':>9}"
            f" {'start MB':>9} {'peak MB':>8} {'peak/start':>10}"
        )
        for name, result in (("calamine", base), ("cspdash", ours)):
            print(
                f"{name:10} {result['rows']:>10,.0f} {result['seconds']:>8.1f} {result['seconds'] / base['seconds']:>7.2f}"
                f" {result['growth_mb']:>10.0f} {result['growth_mb'] / max(base['growth_mb'], 1):>9.2f}"
                f" {result['start_mb']:>9.0f} {result['peak_mb']:>8.0f} {result['peak_mb'] / result['start_mb']:>10.2f}"
            )
        print(f"cspdash: peak memory {ours['growth_mb']:,.0f} MB above its start (the cap is 500 MB)")


if __name__ == "__main__":
    main()
