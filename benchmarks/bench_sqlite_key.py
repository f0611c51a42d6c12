"""What a primary key costs SQLite on a first import, with no cspdash code in the way.

Inserts the same 3.1 million month-cells (680 wards × 100 months × 46 categories, in key
order, one ``executemany``) into three fresh SQLite files: an unkeyed table (the baseline of
``bench_ingest.py --history`` on SQLite), an ordinary table with the count tables' primary
key (a table b-tree plus an index b-tree), and the same as ``WITHOUT ROWID`` (the key's
b-tree alone, as migration 0009 makes ``crime_count`` and ``asb_count``). Prints seconds,
file size and each as a ratio of the unkeyed baseline, fastest of ``--repeat`` runs.

    python benchmarks/bench_sqlite_key.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

COLUMNS = "area_code varchar(32) NOT NULL, month varchar(7) NOT NULL, major_category varchar(100) NOT NULL, minor_category varchar(100) NOT NULL, count integer NOT NULL, upload_id integer"
KEY = "PRIMARY KEY (area_code, month, major_category, minor_category)"
TABLES = {
    "unkeyed (baseline)": f"CREATE TABLE t ({COLUMNS})",
    "keyed, with rowid": f"CREATE TABLE t ({COLUMNS}, {KEY})",
    "keyed, WITHOUT ROWID": f"CREATE TABLE t ({COLUMNS}, {KEY}) WITHOUT ROWID",
}


def cells() -> Iterator[tuple[str, str, str, str, int, int]]:
    categories = [(f"MAJOR CATEGORY {i // 3}", f"MINOR CATEGORY NUMBER {i}") for i in range(46)]
    for ward in range(680):
        for month in range(100):
            for major, minor in categories:
                yield (f"E0500{ward:04d}", f"{2010 + month // 12}-{month % 12 + 1:02d}", major, minor, (ward + month) % 17, 1)


def insert(path: Path, create: str) -> float:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")  # as store.db sets it
        connection.execute(create)
        start = time.perf_counter()
        connection.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", cells())
        connection.commit()
        return time.perf_counter() - start
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results: dict[str, tuple[float, int]] = {}
        for _ in range(args.repeat):  # interleaved, so a busy spell hits every table alike
            for name, create in TABLES.items():
                path = Path(tmp) / "bench.db"
                seconds = insert(path, create)
                size = (
                    path.stat().st_size + Path(f"{path}-wal").stat().st_size
                    if Path(f"{path}-wal").exists()
                    else path.stat().st_size
                )
                if name not in results or seconds < results[name][0]:
                    results[name] = (seconds, size)
        base_seconds, base_size = results["unkeyed (baseline)"]
        print(f"{'3.1 million cells':24} {'seconds':>8} {'× base':>7} {'MB':>6} {'× base':>7}")
        for name, (seconds, size) in results.items():
            print(f"{name:24} {seconds:>8.2f} {seconds / base_seconds:>7.2f} {size / 1e6:>6.0f} {size / base_size:>7.2f}")


if __name__ == "__main__":
    main()
