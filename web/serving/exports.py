"""At most N expensive downloads (packs, chart images, spreadsheets) are made at once across
all the workers on this machine (CSPDASH_EXPORT_CONCURRENCY): each needs a browser render or
seconds of work, and a burst of them must not starve the dashboard's readers. Slots are
locked files in the data folder (``flock``), so they are shared by every process and freed
by the kernel if a worker dies. A request that waits too long is told to try again."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import flask

from settings import Settings

EXPENSIVE = (".png", ".svg", ".pdf", ".docx", ".html", ".xlsx")
WAIT_SECONDS = 60.0
BUSY = "The server is busy making other downloads. Please try again in a minute.\n"


class Slots:
    """N cross-process slots; ``acquire`` returns a held file descriptor or None."""

    def __init__(self, folder: Path, count: int) -> None:
        self.paths = [folder / f"export-slot-{i}.lock" for i in range(count)]
        folder.mkdir(parents=True, exist_ok=True)

    def try_acquire(self) -> int | None:
        for path in self.paths:
            fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                os.close(fd)
        return None

    def acquire(self, wait: float) -> int | None:
        deadline = time.monotonic() + wait
        while True:
            fd = self.try_acquire()
            if fd is not None or time.monotonic() >= deadline:
                return fd
            time.sleep(0.05)

    @staticmethod
    def release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def is_expensive(request: flask.Request) -> bool:
    return request.method == "GET" and request.path.startswith("/export/") and request.path.endswith(EXPENSIVE)


def install_export_limits(server: flask.Flask, settings: Settings) -> None:
    slots = Slots(settings.data_dir / "run", settings.export_concurrency)

    @server.before_request
    def take_a_slot() -> flask.Response | None:
        if not is_expensive(flask.request) or flask.g.get("cspdash_cache_hit"):
            return None
        fd = slots.acquire(server.config.get("CSPDASH_EXPORT_WAIT", WAIT_SECONDS))
        if fd is None:
            return flask.Response(BUSY, status=503, mimetype="text/plain", headers={"Retry-After": "30"})
        flask.g.cspdash_export_slot = fd
        return None

    @server.teardown_request
    def give_it_back(_exc: BaseException | None) -> None:
        fd = flask.g.pop("cspdash_export_slot", None)
        if fd is not None:
            Slots.release(fd)
