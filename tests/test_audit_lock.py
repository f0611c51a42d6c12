"""The dependency audit in ``make test`` always says how many pins it checked, and says plainly
when it could check nothing (offline), without failing the build; ``--strict`` fails it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _audit(lock: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Every request goes to a proxy that refuses connections: nothing can be reached.
    dead = "http://127.0.0.1:9"
    env = {
        **os.environ,
        "HTTPS_PROXY": dead,
        "https_proxy": dead,
        "HTTP_PROXY": dead,
        "http_proxy": dead,
        "NO_PROXY": "",
        "no_proxy": "",
    }
    command = [sys.executable, str(REPO / "tools" / "audit_lock.py"), str(lock), *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_audit_lock_offline_says_it_checked_nothing(tmp_path: Path) -> None:
    lock = tmp_path / "tiny.lock"
    lock.write_text("six==1.16.0 \\\n    --hash=sha256:00\nidna==3.7 \\\n    --hash=sha256:00\n")
    out = _audit(lock)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "checked 0 of 2 pinned packages" in out.stdout
    assert "DEPENDENCY AUDIT COULD CHECK NOTHING" in out.stdout
    assert "no known vulnerabilities" not in out.stdout  # not passed off as a clean bill
    strict = _audit(lock, "--strict")
    assert strict.returncode == 1 and "checked 0 of 2 pinned packages" in strict.stdout
