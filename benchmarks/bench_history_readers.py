"""Issue 23: readers during the load of the 14-year Met ward history, and the cost of
Havering's scorecard with that history held beside the demo, on PostgreSQL.

1. On a fresh database holding the demo, Havering's scorecard for 2016-17-Q3 is timed (the
   API, ``/api/v1/scorecard``, and the page's routing callback), in process: as the first
   request after a load of figures (the shared data version raised before each call, so every
   cache keyed by it misses), and again with the caches a running server keeps (keyed by the
   data version). Best of ``--repeat``.
2. ``cspdash serve --workers 2`` is started; one reader asks for the scorecard API every 0.2 s
   while ``cspdash ingest crime`` loads the 14-year history (``demo/met_history.py``: every
   real ward row, April 2010 to March 2024, about 3.1 million month-cells). The reader's
   requests that overlapped the load are reported: count, errors, p50, p95, p99, max; and a
   sampler of ``pg_locks`` (every 0.1 s) reports any backend seen waiting for a lock on a
   table of the run's schema, and for how long (goal: none, or none for long: no reader waits
   for a load).
3. The scorecard is timed again as in 1, with the history held: the ratio to 1 is the
   figure (goal: within 1.5x). The SQL of one uncached API call is timed too (SQLAlchemy
   cursor events), on the demo and with the history, to show what still grows with data held.

Figures are ratios against the baseline of the same run: the machine is shared.

    python benchmarks/bench_history_readers.py [--repeat 3] [--interval 0.2]
Needs ../shared/data (the Met ward file) and PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from bench_serve import HOST, WARD_FILE, _body, fresh_database, start_server, stop_server  # noqa: E402

PERIOD = "2016-17-Q3"
API = f"/api/v1/p/E09000016/scorecard?period={PERIOD}"  # Havering's address (issue 23)


def _as_after_a_load(app: object) -> None:
    """What a load of figures leaves a running server: the shared data version one higher (every
    load commits that), so every cache keyed by it misses, and the shared answer cache (for
    visitors who are not signed in) emptied. What is kept per the area tree's version (the tree
    itself) stays: a load of figures writes no area (``store.area_changes``)."""
    from store.data_version import bump_data_version
    from store.db import get_engine, session_scope

    with session_scope(get_engine(os.environ["DATABASE_URL"])) as session:
        bump_data_version(session)
    app.server.extensions["cspdash_cache"].clear()  # type: ignore[attr-defined]


def time_scorecard(url: str, data_dir: str, repeat: int) -> dict[str, float]:
    """Best of ``repeat`` calls of the API and of the scorecard page's callback: "first", every
    cache emptied before each (a first request after a load), and "again", repeated as a
    running server answers them (the caches keyed by the data version kept)."""
    os.environ.update({"DATABASE_URL": url, "CSPDASH_DATA_DIR": data_dir, "CSPDASH_SHOW_DRAFTS": "1"})
    from app import create_app

    app = create_app()
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    routing = next(d for d in deps if "_pages_content.children" in d["output"])
    page = _body(routing, {"pathname": "/", "search": f"?period={PERIOD}"})
    out: dict[str, float] = {}
    for name, call in (
        ("API", lambda: client.get(API)),
        ("page", lambda: client.post("/_dash-update-component", json=page)),
    ):
        for when, best in best_times(app, name, call, repeat).items():
            out[f"{name}, {when}"] = best
    return out


def best_times(app: object, name: str, call: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Seconds, best of ``repeat`` calls: "first" as the first request after a load of figures
    (``_as_after_a_load`` before each) and "again" as a running server answers a repeat. A call
    answered with anything but 200 stops the benchmark, saying what it was told."""
    out: dict[str, float] = {}
    for when in ("first", "again"):
        best = float("inf")
        for _ in range(repeat):
            if when == "first":
                _as_after_a_load(app)
            start = time.perf_counter()
            answer = call()
            best = min(best, time.perf_counter() - start)
            if answer.status_code != 200:
                raise SystemExit(f"{name}: HTTP {answer.status_code}: {answer.get_data(as_text=True)[:300]}")
        out[when] = best
    return out


def _in_subprocess(function: str, *args: str) -> dict[str, float]:
    """Run ``function`` of this module in a fresh process (each app reads its settings once)."""
    code = f"import sys, json; sys.path.insert(0, {str(REPO / 'benchmarks')!r}); import bench_history_readers as b; print(json.dumps(b.{function}(*sys.argv[1:-1], int(sys.argv[-1]))))"
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def readers_during_load(url: str, data_dir: str, history: Path, interval: float) -> dict:
    port = 18000 + os.getpid() % 1000
    process = start_server("gunicorn", url, port, 2, data_dir, {"CSPDASH_SHOW_DRAFTS": "1"})
    base = f"http://{HOST}:{port}"
    results: list[tuple[float, float, bool]] = []
    stop = threading.Event()

    def reader() -> None:
        session = requests.Session()
        while not stop.is_set():
            start = time.monotonic()
            try:
                ok = session.get(base + API, timeout=30).status_code == 200
            except requests.RequestException:
                ok = False
            results.append((start, time.monotonic() - start, ok))
            time.sleep(max(0.0, interval - (time.monotonic() - start)))

    locks = LockSampler(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSPDASH_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": url, "CSPDASH_DATA_DIR": data_dir})
    thread = threading.Thread(target=reader, daemon=True)
    try:
        thread.start()
        time.sleep(3)  # the reader settles before the load
        locks.start()
        began = time.monotonic()
        load = subprocess.run(
            [sys.executable, "-c", "from cli.main import cli; cli()", "ingest", "crime", str(history)],
            cwd=REPO, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        ended = time.monotonic()
        time.sleep(3)  # and the first reads after it commits
        locks.stop()
        stop.set()
        thread.join(timeout=35)
    finally:
        stop_server(process)
    if load.returncode != 0:
        raise SystemExit(f"the load failed: {load.stderr[-2000:]}")
    during = [r for r in results if r[0] + r[1] >= began and r[0] <= ended + 3]
    return {"load_seconds": ended - began, "during": during, "locks": locks}


class LockSampler:
    """Every 0.1 s during the load, the backends waiting for a lock on a table of this
    run's schema (the database is shared with other people's work), with how long each had
    waited: what a reader waiting for the load would look like from the server."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples = 0
        self.waits: list[tuple[float, str]] = []  # (seconds waited so far, the query)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        query = text(
            "SELECT DISTINCT a.pid, extract(epoch FROM now() - a.query_start), left(a.query, 80) FROM pg_locks l "
            "JOIN pg_class c ON c.oid = l.relation JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND c.relnamespace = to_regnamespace(current_schema())::oid"
        )
        with engine.connect() as conn:
            while not self._stop.is_set():
                self.samples += 1
                self.waits += [(float(seconds), q) for _pid, seconds, q in conn.execute(query)]
                conn.commit()
                time.sleep(0.1)
        engine.dispose()

    def words(self) -> str:
        if not self.waits:
            return f"{self.samples} samples of pg_locks, no backend ever waiting for a lock on this run's tables"
        longest = max(self.waits)
        return (f"{self.samples} samples of pg_locks; {len(self.waits)} waits seen for a lock on this run's tables, "
                f"the longest {longest[0] * 1000:.0f} ms so far: {longest[1]!r}")  # fmt: skip


def sql_of_one_call(url: str, data_dir: str, repeat: int) -> dict[str, float]:
    """One uncached API call's SQL, timed by SQLAlchemy cursor events: the statements run
    and their total time (best of ``repeat``), to see what still grows with data held."""
    os.environ.update({"DATABASE_URL": url, "CSPDASH_DATA_DIR": data_dir, "CSPDASH_SHOW_DRAFTS": "1"})
    from sqlalchemy import Engine, event

    from app import create_app

    app = create_app()
    client = app.server.test_client()
    spent: list[float] = []

    def before(conn, *_args) -> None:
        conn.info["cspdash_bench_t0"] = time.perf_counter()

    def after(conn, *_args) -> None:
        spent.append(time.perf_counter() - conn.info["cspdash_bench_t0"])

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    best = {"sql_seconds": float("inf"), "statements": 0.0}
    for _ in range(repeat):
        _as_after_a_load(app)
        spent.clear()
        client.get(API)
        if sum(spent) < best["sql_seconds"]:
            best = {"sql_seconds": sum(spent), "statements": float(len(spent))}
    return best


def summary(rows: list[tuple[float, float, bool]]) -> dict[str, float]:
    times = sorted(r[1] * 1000 for r in rows if r[2])
    if not times:
        return {"n": len(rows), "errors": len(rows)}

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))]

    return {"n": len(rows), "errors": sum(1 for r in rows if not r[2]), "p50": statistics.median(times),
            "p95": pct(0.95), "p99": pct(0.99), "max": times[-1]}  # fmt: skip


def first_import_readers(url: str, data_dir: str, history: Path, interval: float) -> str:
    """The same reader during the history's load as a first import into an empty count table
    (the demo's crime counts deleted first): the load builds the table beside the live one
    and swaps it in as it commits (``store.beside``)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM crime_count"))
        conn.execute(text("DELETE FROM source_month WHERE source = 'crime'"))  # kept with the counts
        conn.execute(text("ANALYZE crime_count"))  # the load sees an empty table, as a first import does
    engine.dispose()
    during = readers_during_load(url, data_dir, history, interval)
    s = summary(during["during"])
    return (
        f"reader every {interval} s during the {during['load_seconds']:.0f} s first import of the 14-year history "
        f"into an empty count table:\n  requests {s['n']}, errors {s['errors']}, p50 {s.get('p50', 0):.0f} ms, "
        f"p95 {s.get('p95', 0):.0f} ms, p99 {s.get('p99', 0):.0f} ms, max {s.get('max', 0):.0f} ms\n"
        f"  lock sampler: {during['locks'].words()}\nload average after: {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument(
        "--first-import",
        action="store_true",
        help="Readers only: empty the crime counts first, so the history is a first import into an empty table.",
    )
    args = parser.parse_args()
    if not WARD_FILE.exists():
        raise SystemExit(f"{WARD_FILE} is missing (../shared/data)")
    from demo.met_history import historical_file, rows_from_extract

    print(f"load average before: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)", flush=True)
    url, drop = fresh_database()
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            history = historical_file(
                Path(data_dir) / "mps_ward_level_crime_historical.csv", rows_from_extract(WARD_FILE), "2010-04", "2024-03", seed=9
            )
            if args.first_import:
                print(first_import_readers(url, data_dir, history, args.interval))
                return
            demo = _in_subprocess("time_scorecard", url, data_dir, str(args.repeat))
            demo_sql = _in_subprocess("sql_of_one_call", url, data_dir, str(args.repeat))
            print("demo alone: " + ", ".join(f"{k} {v:.2f} s" for k, v in demo.items()), flush=True)
            during = readers_during_load(url, data_dir, history, args.interval)
            with_history = _in_subprocess("time_scorecard", url, data_dir, str(args.repeat))
            history_sql = _in_subprocess("sql_of_one_call", url, data_dir, str(args.repeat))
    finally:
        drop()
    s = summary(during["during"])
    print(f"\nreader every {args.interval} s during the {during['load_seconds']:.0f} s load of the 14-year history "
          f"(cspdash serve --workers 2):")  # fmt: skip
    print(f"  requests {s['n']}, errors {s['errors']}, p50 {s.get('p50', 0):.0f} ms, p95 {s.get('p95', 0):.0f} ms, "
          f"p99 {s.get('p99', 0):.0f} ms, max {s.get('max', 0):.0f} ms (goal: no errors, max under 1000 ms)")  # fmt: skip
    print(f"  lock sampler: {during['locks'].words()}")
    print(f"\nHavering's scorecard, {PERIOD}          demo alone   with the history   ratio (goal <= 1.5)")
    for name in demo:
        print(f"  {name:<32} {demo[name]:>10.3f} s {with_history[name]:>14.3f} s {with_history[name] / demo[name]:>9.2f}")
    print(f"  {'API, its SQL (cursor events)':<32} {demo_sql['sql_seconds']:>10.3f} s {history_sql['sql_seconds']:>14.3f} s "
          f"{history_sql['sql_seconds'] / demo_sql['sql_seconds']:>9.2f}   ({demo_sql['statements']:.0f} and "
          f"{history_sql['statements']:.0f} statements)")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
