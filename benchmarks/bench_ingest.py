"""Ingest benchmark: our crime loader against a plain ``pandas.DataFrame.to_sql`` of the same
long table, on SQLite and PostgreSQL, measured in the same run.

Prints month-cells per second, the ratio to the to_sql baseline, wall time and peak RSS.
Each measurement runs in a fresh subprocess so peak RSS belongs to that load alone, and the
fastest of ``--repeat`` runs is shown. ``cspdash`` is a first import into an empty database;
``reload`` loads the same file again into the database already holding it, as next month's
rolling extract does (every area-month replaced); ``onto 10y`` loads it into a database
holding the ten-year file (one run: it needs the ten-year load first).
Goals (issue 2): ≥ 5× to_sql on PostgreSQL; the 24-month file in < 10 s on either database;
peak memory roughly flat as the file grows (24 months v ten years).

    python benchmarks/bench_ingest.py            # real 24-month file + generated 10-year file
    python benchmarks/bench_ingest.py --quick    # 24-month file only
    python benchmarks/bench_ingest.py --history  # issue 9: the 14-year historical layout
    python benchmarks/bench_ingest.py --memory   # issue 26: peak memory at 1, 3 and 6 M rows

``--memory`` (issue 26) generates long-form crime files of 1, 3 and 6 million rows (the 33
boroughs, 20 years of months, as many categories as it takes) and loads each with
``--dry-run`` in a fresh process on SQLite (and PostgreSQL when reachable), printing the
process's peak resident memory above its size once the libraries are imported. Goal: flat,
under 500 MB above the start for any file within the caps.

``--history`` (issue 9) generates a file in the layout of the Met's historical ward file
(``demo/met_history.py``: every real ward row, fourteen years of months, Heathrow Villages
under both SO18 and Hillingdon; about 3.2 million month-cells) and measures, on both
databases, against a raw ``COPY`` of the melted long table into an unindexed table (on
SQLite, which has no COPY, one ``executemany`` into an unindexed table), and for reference
the same sorted by the key into a table with the count table's primary key: the first import,
a re-load of the same file, and a 24-month window (the history's last year again with 1 in 20
figures revised, and a year of new months) as a first import and onto the history; "× first"
compares each re-load with the same file's first import. Goals (issues 9 and 23): a re-load no
slower than 1.2× the first import; a first import within 1.25× the raw COPY, while readers
keep reading (its table is built beside the live one and swapped in: ``store.beside``).
Needs ../shared/data (the real Met ward file) and, for PostgreSQL, TEST_DATABASE_URL or the
local server at 127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
WARD_FILE = REPO.parent / "shared" / "data" / "crime" / "mps_ward_level_crime_most_recent_24_months_202403-202603.csv"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def ten_year_file(out: Path) -> Path:
    """All-London ward file with 120 months (2016-04 … 2026-03): the real rows, synthetic counts."""
    import numpy as np
    import pandas as pd

    source = pd.read_csv(WARD_FILE)
    month_cols = [c for c in source.columns if c.isdigit()]
    means = source[month_cols].mean(axis=1).to_numpy()
    rng = np.random.default_rng(7)
    months = pd.period_range("2016-04", "2026-03", freq="M").strftime("%Y%m")
    counts = rng.poisson(means[:, None], size=(len(source), len(months)))
    wide = pd.concat([source.drop(columns=month_cols), pd.DataFrame(counts, columns=months)], axis=1)
    wide.to_csv(out, index=False)
    return out


def history_files(workdir: Path) -> tuple[Path, Path]:
    """The 14-year historical-layout file and a 24-month window overlapping its last year."""
    import numpy as np
    import pandas as pd

    from demo.met_history import historical_file, rows_from_extract

    rows = rows_from_extract(WARD_FILE)
    history = historical_file(workdir / "mps_ward_level_crime_historical.csv", rows, "2010-04", "2024-03", seed=9)
    # Next month's extract as the Met publishes it: the last year again, a few figures revised
    # (1 in 20 cells), and a year of new months.
    fresh = pd.read_csv(historical_file(workdir / "new_months.csv", rows, "2024-04", "2025-03", seed=10))
    old = pd.read_csv(history)
    overlap = [c for c in old.columns if c.isdigit() and c >= "202304"]
    revised = old[overlap].to_numpy()
    rng = np.random.default_rng(11)
    revised = revised + (rng.random(revised.shape) < 0.05)
    window = pd.concat(
        [old.iloc[:, :5], pd.DataFrame(revised, columns=overlap), fresh[[c for c in fresh.columns if c.isdigit()]]], axis=1
    )
    window.to_csv(workdir / "window_24_months.csv", index=False)
    return history, workdir / "window_24_months.csv"


def raw_copy(url: str, path: str, keyed: bool = False) -> int:
    """The baseline: melt the wide file to the long table and bulk-write it, unindexed; or
    (``keyed``) sorted by the key into a table with the count table's primary key, the
    airports unit's rows keyed to the unit as the loader keys them (else they collide with
    Heathrow Villages' own)."""
    import numpy as np
    import pandas as pd
    from sqlalchemy import text

    from store.db import get_engine

    wide = pd.read_csv(path, dtype=str, keep_default_na=False)
    months = [c for c in wide.columns if c.isdigit()]
    if keyed:
        wide["WardCode"] = wide["WardCode"].where(wide["LookUp_BoroughName"] != "Aviation Security (SO18)", "MPS-AIRPORTS")
    long = wide.melt(id_vars=["WardCode", "MajorText", "MinorText"], value_vars=months, var_name="month", value_name="count")
    long = long[long["count"] != ""]
    if keyed:
        long = long.sort_values(["WardCode", "month", "MajorText", "MinorText"])
    engine = get_engine(url)
    key = ", PRIMARY KEY (area_code, month, major_category, minor_category)" if keyed else ""
    rowid = " WITHOUT ROWID" if keyed and engine.dialect.name == "sqlite" else ""
    with engine.begin() as conn:
        conn.execute(
            text(
                f"CREATE TABLE raw_copy (area_code varchar(32), month varchar(7), major_category varchar(100), minor_category varchar(100), count integer{key}){rowid}"
            )
        )
        dbapi = conn.connection.driver_connection
        if engine.dialect.name == "postgresql":
            import io

            buffer = io.StringIO()
            long.to_csv(buffer, index=False, header=False)
            with (
                dbapi.cursor() as cursor,
                cursor.copy(
                    "COPY raw_copy (area_code, major_category, minor_category, month, count) FROM STDIN WITH (FORMAT csv)"
                ) as copy,
            ):
                copy.write(buffer.getvalue())
        else:
            rows = zip(
                long["WardCode"].tolist(),
                long["MajorText"].tolist(),
                long["MinorText"].tolist(),
                long["month"].tolist(),
                long["count"].astype(np.int64).tolist(),
            )
            dbapi.executemany(
                "INSERT INTO raw_copy (area_code, major_category, minor_category, month, count) VALUES (?, ?, ?, ?, ?)", rows
            )
    return len(long)


def long_file(out: Path, rows: int) -> Path:
    """A long-form crime file of about ``rows`` rows: 33 boroughs x 240 months x categories."""
    import pandas as pd

    from store.reference import LONDON_BOROUGHS

    boroughs = sorted(LONDON_BOROUGHS)
    months = pd.period_range("2005-04", "2025-03", freq="M").strftime("%Y-%m").tolist()
    categories = -(-rows // (len(boroughs) * len(months)))
    with out.open("w") as handle:
        handle.write("area_code,month,major_category,minor_category,count\n")
        written = 0
        for c in range(categories):
            major, minor = f"MAJOR CATEGORY {c // 20}", f"MINOR CATEGORY {c}"
            lines = [f"{b},{m},{major},{minor},{(c + i) % 97}\n" for i, b in enumerate(boroughs) for m in months]
            lines = lines[: rows - written]
            handle.writelines(lines)
            written += len(lines)
            if written >= rows:
                break
    return out


def _rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith(field + ":")) / 1024


def _peak_mb() -> float:
    """This process's peak resident memory since it started: VmHWM, not ``ru_maxrss``, which
    Linux carries over from the parent across fork and exec (a test runner's size)."""
    return _rss_mb("VmHWM")


def measure_memory(url: str, path: str) -> dict[str, float]:
    """Runs in a subprocess: a dry-run load of ``path``; peak RSS above the start."""
    import loaders.crime  # noqa: F401 - imported before the start is taken, as a server has it
    from loaders.reading import Source
    from loaders.registry import run_load
    from store.db import get_engine
    from store.schema import upgrade

    engine = get_engine(url)
    upgrade(engine)
    start = _rss_mb()
    began = time.perf_counter()
    summary = run_load(engine, "crime", Source.from_path(path), dry_run=True)
    peak = _peak_mb()
    return {"rows": summary.rows, "start_mb": start, "peak_mb": peak, "growth_mb": peak - start,
            "seconds": time.perf_counter() - began, "after_mb": _rss_mb()}  # fmt: skip


def measure_web_memory(url: str, path: str) -> dict[str, float]:
    """Runs in a subprocess: the file checked and loaded through the upload page's callbacks
    (as a signed-in analyst, through the WSGI app, so the after-request release runs);
    the worker's size before, at its peak and after."""
    import base64

    from store.db import get_engine
    from store.schema import upgrade
    from tests.conftest import add_web_user, callback_body, make_dashboard_app, web_sign_in

    upgrade(get_engine(url))
    add_web_user(get_engine(url), "priya", "analyst")
    app = make_dashboard_app(url)
    client = app.server.test_client()
    web_sign_in(client, "priya")
    contents = "data:text/csv;base64," + base64.b64encode(Path(path).read_bytes()).decode()
    check = callback_body(app, "upload-check.children", {"upload-file.contents": contents, "upload-kind-value.data": "crime"},
                          {"upload-file.filename": Path(path).name})  # fmt: skip
    del contents
    import hashlib

    sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    start = _rss_mb()
    began = time.perf_counter()
    answer = client.post("/_dash-update-component", json=check)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    pending = {"kind": "crime", "file_name": Path(path).name, "sha256": sha}
    confirm = callback_body(app, "upload-history.children", {"upload-confirm.n_clicks": 1},
                            {"upload-file.contents": check["inputs"][0]["value"], "upload-file.filename": Path(path).name,
                             "upload-pending.data": pending, "upload-missing-choice.value": None,
                             "upload-accept-drops.value": []})  # fmt: skip
    del check
    answer = client.post("/_dash-update-component", json=confirm)
    assert answer.status_code == 200 and "Loaded" in answer.get_data(as_text=True), answer.get_data(as_text=True)[:500]
    del confirm, answer
    peak = _peak_mb()
    return {"start_mb": start, "peak_mb": peak, "growth_mb": peak - start, "after_mb": _rss_mb(), "kept_mb": _rss_mb() - start,
            "seconds": time.perf_counter() - began}  # fmt: skip


def memory_benchmark(backends: list[str], sizes: list[int], web: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print(
            f"{'rows':>10} {'file MB':>8} {'db':10} {'start MB':>9} {'peak MB':>8} {'growth MB':>10} {'seconds':>8}", flush=True
        )
        for rows in sizes:
            path = long_file(workdir / f"long_{rows}.csv", rows)
            for backend in backends:
                url, drop = _database(backend, workdir)
                try:
                    out = subprocess.run(
                        [sys.executable, __file__, "--one-memory", url, str(path)], capture_output=True, text=True, cwd=REPO
                    )
                finally:
                    drop()
                if out.returncode:
                    raise SystemExit(f"{rows:,} rows on {backend} failed:\n{out.stderr[-3000:]}")
                r = json.loads(out.stdout.strip().splitlines()[-1])
                print(f"{r['rows']:>10,} {path.stat().st_size / 2**20:>8.0f} {backend:10} {r['start_mb']:>9.0f} {r['peak_mb']:>8.0f} "
                      f"{r['growth_mb']:>10.0f} {r['seconds']:>8.1f}", flush=True)  # fmt: skip
                if web and backend == "sqlite":
                    url, drop = _database(backend, workdir)
                    out = subprocess.run(
                        [sys.executable, __file__, "--one-web-memory", url, str(path)], capture_output=True, text=True, cwd=REPO
                    )
                    if out.returncode:
                        raise SystemExit(f"web upload of {rows:,} rows failed:\n{out.stderr[-3000:]}")
                    w = json.loads(out.stdout.strip().splitlines()[-1])
                    print(f"{'':>10} {'':>8} {'web upload':10} {w['start_mb']:>9.0f} {w['peak_mb']:>8.0f} {w['growth_mb']:>10.0f} "
                          f"{w['seconds']:>8.1f}  worker after: {w['after_mb']:.0f} MB ({w['kept_mb']:+.0f} MB)", flush=True)  # fmt: skip
            path.unlink()


def _database(backend: str, workdir: Path) -> tuple[str, callable]:
    if backend == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: None
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    from sqlalchemy.engine import make_url

    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), drop


def measure_one(method: str, url: str, path: str) -> dict[str, float]:
    """Runs in a subprocess: one load, timed, with this process's peak RSS."""
    from loaders.reading import Source
    from loaders.registry import run_load
    from store.db import get_engine
    from store.schema import upgrade

    engine = get_engine(url)
    if method in ("copy", "keyed copy"):
        start = time.perf_counter()
        cells = raw_copy(url, path, keyed=method == "keyed copy")
        return {
            "seconds": time.perf_counter() - start,
            "cells": cells,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    if method in ("cspdash", "reload") or method.startswith("onto="):
        upgrade(engine)
        if method == "reload":  # next month's rolling extract: every area-month already held
            run_load(engine, "crime", Source.from_path(path))
        if method.startswith("onto="):  # the same, onto ten years of history
            run_load(engine, "crime", Source.from_path(method.removeprefix("onto=")))
        start = time.perf_counter()
        summary = run_load(engine, "crime", Source.from_path(path))
        seconds, cells = time.perf_counter() - start, summary.stored
    else:
        import pandas as pd

        start = time.perf_counter()
        wide = pd.read_csv(path)
        months = [c for c in wide.columns if c.isdigit()]
        long = wide.melt(
            id_vars=["MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName"],
            value_vars=months,
            var_name="month",
            value_name="count",
        )
        long.to_sql("plain_to_sql", engine, if_exists="replace", index=False, chunksize=10_000)
        seconds, cells = time.perf_counter() - start, len(long)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cells": cells, "peak_mb": peak_mb}


def run_measurement(method: str, backend: str, path: Path, workdir: Path, repeat: int) -> dict[str, float]:
    """The fastest of ``repeat`` runs (the machine's other work only ever adds time)."""
    best: dict[str, float] | None = None
    for _ in range(repeat):
        url, drop = _database(backend, workdir)
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--one", method, url, str(path)], capture_output=True, text=True, check=True, cwd=REPO
            )
        except subprocess.CalledProcessError as exc:
            raise SystemExit(f"{method} on {backend} failed:\n{exc.stderr}") from exc
        finally:
            drop()
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Only the real 24-month file.")
    parser.add_argument(
        "--history", action="store_true", help="Issue 9: the 14-year historical layout, re-loads and a raw COPY baseline."
    )
    parser.add_argument("--backends", default="sqlite,postgresql", help="Which databases (default both).")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each measurement; the fastest is shown (default 3).")
    parser.add_argument("--memory", action="store_true", help="Issue 26: peak memory of a dry-run load at 1, 3 and 6 M rows.")
    parser.add_argument("--sizes", default="1000000,3000000,6000000", help="Rows for --memory (default 1, 3 and 6 million).")
    parser.add_argument("--one", nargs=3, metavar=("METHOD", "URL", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--web", action="store_true", help="With --memory: also upload each file through the web page (SQLite).")
    parser.add_argument("--one-memory", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--one-web-memory", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(*args.one)))
        return
    if args.one_memory:
        print(json.dumps(measure_memory(*args.one_memory)))
        return
    if args.one_web_memory:
        print(json.dumps(measure_web_memory(*args.one_web_memory)))
        return
    if args.memory:
        memory_benchmark(args.backends.split(","), [int(n) for n in args.sizes.split(",")], web=args.web)
        return
    if not WARD_FILE.exists():
        raise SystemExit(f"needs the real Met ward file at {WARD_FILE}")
    if args.history:
        history_benchmark(args.backends.split(","), args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        files = [("24 months (real)", WARD_FILE)]
        history = None
        if not args.quick:
            history = ten_year_file(workdir / "ten_years.csv")
            files.append(("10 years (generated)", history))
        print(f"{'file':22} {'db':10} {'loader':8} {'cells':>10} {'seconds':>8} {'cells/s':>10} {'peak MB':>8} {'× to_sql':>9}")
        for label, path in files:
            for backend in ("sqlite", "postgresql"):
                real = path == WARD_FILE
                base = run_measurement("to_sql", backend, path, workdir, args.repeat) if real else None
                ours = run_measurement("cspdash", backend, path, workdir, args.repeat)
                again = run_measurement("reload", backend, path, workdir, args.repeat) if real else None
                onto = run_measurement(f"onto={history}", backend, path, workdir, 1) if real and history else None
                for name, result in (("to_sql", base), ("cspdash", ours), ("reload", again), ("onto 10y", onto)):
                    if result is None:
                        continue
                    rate = result["cells"] / result["seconds"]
                    ratio = "" if base is None else f"{rate / (base['cells'] / base['seconds']):.2f}"
                    print(
                        f"{label:22} {backend:10} {name:8} {result['cells']:>10,} {result['seconds']:>8.2f} {rate:>10,.0f} {result['peak_mb']:>8.0f} {ratio:>9}"
                    )


def history_benchmark(backends: list[str], repeat: int) -> None:
    """Issue 9: first import, re-load and 24-month window of the 14-year file, against a raw COPY."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        history, window = history_files(workdir)
        print(f"{'14-year file':28} {'db':10} {'cells':>10} {'seconds':>8} {'peak MB':>8} {'× COPY':>7} {'× first':>8}")
        for backend in backends:
            copy = run_measurement("copy", backend, history, workdir, repeat)
            keyed = run_measurement("keyed copy", backend, history, workdir, repeat)
            first = run_measurement("cspdash", backend, history, workdir, repeat)
            again = run_measurement("reload", backend, history, workdir, repeat)
            window_first = run_measurement("cspdash", backend, window, workdir, repeat)
            onto = run_measurement(f"onto={history}", backend, window, workdir, repeat)
            for name, result, base in (
                ("raw COPY (baseline)", copy, first), ("raw COPY, keyed table", keyed, first), ("first import", first, first), ("re-load, same file", again, first),
                ("24-month window, first", window_first, window_first), ("24-month window onto it", onto, window_first),
            ):  # fmt: skip
                print(
                    f"{name:28} {backend:10} {result['cells']:>10,} {result['seconds']:>8.2f} {result['peak_mb']:>8.0f} "
                    f"{result['seconds'] / copy['seconds']:>7.2f} {result['seconds'] / base['seconds']:>8.2f}",
                    flush=True,
                )
            print(
                f"goals on {backend}: first import {first['seconds'] / copy['seconds']:.2f}x the raw COPY (<= 1.25), "
                f"re-load {again['seconds'] / first['seconds']:.2f}x the first import (<= 1.2)",
                flush=True,
            )


if __name__ == "__main__":
    main()
