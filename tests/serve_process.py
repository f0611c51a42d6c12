"""Run the real ``cspdash serve`` (gunicorn, several processes) on a free local port for a test
or a benchmark, and stop it afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(env: dict[str, str], *args: str, startup: float = 60.0) -> Iterator[str]:
    """``cspdash serve ARGS`` with ``env`` added to a clean copy of the environment (without
    CSPDASH_SECRET_KEY unless given); yields the base URL once /healthz answers."""
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("CSPDASH_", "DATABASE_URL", "REDIS_URL"))}
    full_env["CSPDASH_SHOW_DRAFTS"] = "true"  # as make_web_app: the demo fixtures publish nothing
    full_env.update(env)
    command = [sys.executable, "-c", "from cli.main import cli; cli()", "serve", "--port", str(port), *args]
    process = subprocess.Popen(
        command, cwd=REPO, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"cspdash serve exited: {process.stderr.read().decode()[-3000:]}")
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("cspdash serve did not answer /healthz in time")
            time.sleep(0.2)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # gunicorn's master and its workers
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        process.stderr.close()
