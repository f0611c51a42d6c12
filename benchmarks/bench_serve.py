"""Serving benchmark: 50 simulated readers open the scorecard, indicator and map pages'
callbacks while an analyst uploads the real 24-month Met ward file through the upload page,
against ``cspdash serve`` (gunicorn, 4 workers) on PostgreSQL and, in the same run, Flask's
development server as the baseline.

Prints p50 / p95 / p99 / max latency and errors for all callbacks and for those that overlapped
the load, and the ratio to the baseline. Goals: no errors, p95 under 500 ms during the load (issue
13); no reader request over 1 s because of a load (issue 23: the maximum, and p99, during it).

Bounded and local only: the servers listen on 127.0.0.1, each phase stops after --seconds or
--max-requests, whichever comes first; every request has a timeout.

    python benchmarks/bench_serve.py [--readers 50] [--seconds 30] [--workers 4]
Needs ../shared/data (the Met ward file) and PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
WARD_FILE = REPO.parent / "shared" / "data" / "crime" / "mps_ward_level_crime_most_recent_24_months_202403-202603.csv"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HOST = "127.0.0.1"  # never anywhere else
PERIODS = ["2016-17-Q3", "2016-17-Q2", "2016-17-Q1", "2015-16-Q4", "2015-16-Q3"]
PAGES = ["/", "/indicator/CSP1", "/indicator/CSP3", "/map"]
ANALYST, PASSWORD = "bench-analyst", "bench-passphrase-123"


def fresh_database() -> tuple[str, callable]:
    """A new PostgreSQL schema holding the demo and an analyst."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from demo.load import load_demo
    from store.db import get_engine, session_scope
    from store.schema import upgrade
    from store.users import add_user

    schema = f"bench_serve_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    engine = get_engine(url)
    upgrade(engine)
    load_demo(engine)
    with session_scope(engine) as session:
        add_user(session, ANALYST, PASSWORD, "analyst", by="bench")
    engine.dispose()

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return url, drop


def start_server(
    kind: str, url: str, port: int, workers: int, data_dir: str, settings: dict[str, str] | None = None
) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSPDASH_", "DATABASE_URL", "REDIS_URL"))}
    env.update({"DATABASE_URL": url, "CSPDASH_DATA_DIR": data_dir, **(settings or {})})
    if kind == "gunicorn":
        command = [sys.executable, "-c", "from cli.main import cli; cli()", "serve", "--host", HOST, "--port", str(port),
                   "--workers", str(workers), "--threads", "4"]  # fmt: skip
    else:  # Flask's development server, threaded, as `python app.py` runs it
        command = [
            sys.executable,
            "-c",
            f"from app import create_app; create_app().run(host='{HOST}', port={port}, debug=False, threaded=True)",
        ]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    base = f"http://{HOST}:{port}"
    for _ in range(300):
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return process
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{kind} server did not start")


def stop_server(process: subprocess.Popen) -> None:
    import signal

    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def reader_requests(base: str) -> list[tuple[str, dict]]:
    """The callbacks a reader's browser makes opening each page: the page itself (Dash Pages'
    routing callback) and, for the map, drawing it."""
    deps = requests.get(base + "/_dash-dependencies", timeout=30).json()
    routing = next(d for d in deps if "_pages_content.children" in d["output"])
    draw = next(d for d in deps if d["output"] == "ward-map-graph.figure")
    out = []
    for page in PAGES:
        for period in PERIODS:
            search = f"?period={period}"
            out.append((f"open {page}", _body(routing, {"pathname": page, "search": search})))
            if page == "/map":
                out.append(("draw map", _body(draw, {"data": search})))
    return out


def _body(dep: dict, values: dict[str, object]) -> dict:
    output = dep["output"]
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outputs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    inputs = [{"id": i["id"], "property": i["property"], "value": values.get(i["property"])} for i in dep["inputs"]]
    return {"output": output, "outputs": outputs if output.startswith("..") else outputs[0], "inputs": inputs,
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"], "state": []}  # fmt: skip


def analyst_upload(base: str, events: dict) -> None:
    """Sign in and upload the ward file through the upload page's callbacks: check, then confirm."""
    session = requests.Session()
    form = session.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    session.post(base + "/login", data={"name": ANALYST, "password": PASSWORD, "csrf_token": token, "next": "/"}, timeout=30)
    data = WARD_FILE.read_bytes()
    contents = "data:text/csv;base64," + base64.b64encode(data).decode()
    deps = session.get(base + "/_dash-dependencies", timeout=30).json()
    check = next(d for d in deps if "upload-check.children" in d["output"] and "@" not in d["output"])
    confirm = next(d for d in deps if "upload-history.children" in d["output"])
    name = WARD_FILE.name
    values = {"contents": contents, "data": "crime", "filename": name, "n_clicks": 1}
    events["load_start"] = time.monotonic()
    body = _body(check, values)
    body["state"] = [{"id": s["id"], "property": s["property"], "value": values.get(s["property"])} for s in check["state"]]
    events["check_status"] = session.post(base + "/_dash-update-component", json=body, timeout=300).status_code
    body = _body(confirm, values)
    pending = {"kind": "crime", "file_name": name, "sha256": hashlib.sha256(data).hexdigest()}
    body["state"] = [{"id": s["id"], "property": s["property"],
                      "value": pending if s["id"] == "upload-pending" else values.get(s["property"])} for s in confirm["state"]]  # fmt: skip
    answer = session.post(base + "/_dash-update-component", json=body, timeout=300)
    events["confirm_status"] = answer.status_code
    events["loaded"] = "Loaded" in answer.text
    events["load_end"] = time.monotonic()


def start_readers(
    base: str, catalogue: list[tuple[str, dict]], readers: int, max_requests: int
) -> tuple[list[tuple[float, float, str, bool]], threading.Event, list[threading.Thread]]:
    """Start ``readers`` simulated readers, each posting a random callback of ``catalogue`` and
    reading a moment between clicks, until the returned event is set or ``max_requests`` have
    been made in all. Returns the results (start, seconds, what, ok) as they come, the event
    and the threads."""
    results: list[tuple[float, float, str, bool]] = []
    lock = threading.Lock()
    stop = threading.Event()
    budget = [max_requests]

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        session = requests.Session()
        while not stop.is_set():
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            what, body = rng.choice(catalogue)
            start = time.monotonic()
            try:
                ok = session.post(base + "/_dash-update-component", json=body, timeout=30).status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                results.append((start, time.monotonic() - start, what, ok))
            time.sleep(rng.uniform(0.05, 0.25))  # a person reads between clicks

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(readers)]
    for thread in threads:
        thread.start()
    return results, stop, threads


def run_phase(kind: str, readers: int, seconds: float, max_requests: int, workers: int) -> dict:
    url, drop = fresh_database()
    port = 18000 + random.randint(0, 999)
    with tempfile.TemporaryDirectory() as data_dir:
        process = start_server(kind, url, port, workers, data_dir)
        base = f"http://{HOST}:{port}"
        try:
            catalogue = reader_requests(base)
            results, stop, threads = start_readers(base, catalogue, readers, max_requests)
            began = time.monotonic()
            time.sleep(3)  # readers settle before the analyst starts
            events: dict = {}
            loader = threading.Thread(target=analyst_upload, args=(base, events), daemon=True)
            loader.start()
            loader.join(timeout=max(5.0, seconds - 3))
            while time.monotonic() - began < seconds and any(t.is_alive() for t in threads):
                time.sleep(0.2)
            stop.set()
            for thread in threads:
                thread.join(timeout=35)
        finally:
            stop_server(process)
            drop()
    start, end = events.get("load_start", began), events.get("load_end", time.monotonic())
    during = [r for r in results if r[0] + r[1] >= start and r[0] <= end]
    return {"all": results, "during": during, "events": events, "load_seconds": end - start}


def stats(rows: list) -> dict:
    times = sorted(r[1] * 1000 for r in rows if r[3])
    if not times:
        nan = float("nan")
        return {"n": len(rows), "errors": len(rows), "p50": nan, "p95": nan, "p99": nan, "max": nan}
    return {"n": len(rows), "errors": sum(1 for r in rows if not r[3]), "p50": statistics.median(times),
            "p95": times[min(len(times) - 1, int(0.95 * len(times)))],
            "p99": times[min(len(times) - 1, int(0.99 * len(times)))], "max": times[-1]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--max-requests", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not WARD_FILE.exists():
        raise SystemExit(f"{WARD_FILE} is missing (../shared/data)")
    readers = min(args.readers, 100)
    phases = {}
    for kind in ("development server", "gunicorn"):
        print(f"{kind}: {readers} readers for up to {args.seconds:.0f} s while the analyst uploads {WARD_FILE.name}…", flush=True)
        phases[kind] = run_phase(
            "gunicorn" if kind == "gunicorn" else "dev", readers, args.seconds, args.max_requests, args.workers
        )
    print()
    print(f"{'server':<32} {'span':<12} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, phase in phases.items():
        label = f"gunicorn, {args.workers} workers x 4 threads" if kind == "gunicorn" else "Flask development server"
        for span in ("all", "during"):
            s = stats(phase[span])
            print(f"{label:<32} {('whole run' if span == 'all' else 'during load'):<12} {s['n']:>8} {s['errors']:>6} "
                  f"{s['p50']:>8.0f} {s['p95']:>8.0f} {s['p99']:>8.0f} {s['max']:>8.0f}")  # fmt: skip
        events = phase["events"]
        print(f"{'':<32} upload: check {events.get('check_status')}, confirm {events.get('confirm_status')}, "
              f"loaded={events.get('loaded')}, {phase['load_seconds']:.1f} s")  # fmt: skip
    dev, gun = stats(phases["development server"]["during"]), stats(phases["gunicorn"]["during"])
    if gun["p95"] and dev["p95"]:
        print(f"\nduring the load, gunicorn p95 / development server p95 = {gun['p95'] / dev['p95']:.2f} "
              f"(below 1 is better); goal no errors and p95 < 500 ms: {'met' if gun['errors'] == 0 and gun['p95'] < 500 else 'NOT met'}")  # fmt: skip
        print(f"during the load, gunicorn p99 {gun['p99']:.0f} ms and maximum {gun['max']:.0f} ms; goal maximum < 1000 ms: "
              f"{'met' if gun['max'] < 1000 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
