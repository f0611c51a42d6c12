"""How far the upload page's load has got (issue 21: the Home Office tables take minutes): the
load, running in the confirm request, writes its latest line here; the page polls for it about
once a second while the load runs (``dashboards/upload.py``).

The line is kept where every worker reads it (``web/parts/progress_notes.py``)."""

from __future__ import annotations

import hashlib
import time

from dash import html
from dash.development.base_component import Component

from web.parts.progress_notes import get_note, put_note

# The loader's rows between lines (the CLI's is 100,000): a few lines a second at the speed the
# Home Office tables are read, each one small write to the cache; the page polls once a second.
ROWS_BETWEEN_LINES = 20_000


def progress_key(database_url: str, user: str, file_name: str) -> str:
    """One upload's key: the database (several may share one Redis), who uploads and the file."""
    where = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return f"cspdash-upload-progress:{where}:{user}:{file_name}"


def write_line(key: str, line: str, started: float) -> None:
    """Record the load's latest line and when it started (epoch seconds)."""
    put_note(key, [line, started], timeout=3600)


def read_line(key: str) -> tuple[str, float] | None:
    found = get_note(key)
    return (str(found[0]), float(found[1])) if found else None


class PageProgress:
    """A ``LoadProgress`` report that writes the loader's latest line for the page."""

    def __init__(self, key: str, first_line: str) -> None:
        self.key = key
        self.started = time.time()
        write_line(key, first_line, self.started)

    def __call__(self, line: str) -> None:
        write_line(self.key, line[:1].upper() + line[1:], self.started)


def progress_line(found: tuple[str, float] | None) -> Component | str:
    """The line the page shows: the loader's latest words and how long the load has run."""
    if found is None:
        return ""
    line, started = found
    seconds = max(0, int(time.time() - started))
    took = f"{seconds} s" if seconds < 120 else f"{seconds // 60} min {seconds % 60} s"
    return html.Span([line, f" ({took} so far)"], id="upload-progress-line")
