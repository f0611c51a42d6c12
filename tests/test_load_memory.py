"""Memory stays flat as a loaded file grows, and a web worker returns to its size after an
upload. Measured in fresh processes (``benchmarks/bench_ingest.py``), as peak and resident
memory, not time: a dry-run load of a million long-form rows grew the process by ~165 MB
before (a dict of every key), ~50 MB now; a worker kept ~160 MB after a 16 MB upload, ~40 MB now."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.bench_ingest import long_file

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks" / "bench_ingest.py"


def _measure(flag: str, url: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(BENCH), flag, url, str(path)], capture_output=True, text=True, cwd=REPO, timeout=600, check=False
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_load_memory_a_million_rows_stays_flat(tmp_path: Path) -> None:
    path = long_file(tmp_path / "long.csv", 1_000_000)
    result = _measure("--one-memory", f"sqlite:///{tmp_path / 'cli.db'}", path)
    assert result["rows"] == 1_000_000
    assert result["growth_mb"] < 110, result


def test_load_memory_a_worker_returns_to_its_size_after_an_upload(tmp_path: Path) -> None:
    path = long_file(tmp_path / "long.csv", 300_000)
    result = _measure("--one-web-memory", f"sqlite:///{tmp_path / 'web.db'}", path)
    assert result["kept_mb"] < 100, result
