"""Which Chromium the exports use, and the flags that keep it off the network.

Nothing may be downloaded at run time: kaleido would otherwise look for (or fetch) its own
Chrome. We always hand it, and the PDF printer, an explicit executable: ``BROWSER_PATH``
(the variable kaleido's browser library honours, so both agree) or Debian's
``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
from pathlib import Path

from exports import ExportError

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")

# No updates, sync, metrics or first-run pings: the export must work on an offline server
# and must not leak that a report is being made.
QUIET_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
)


def chromium_path() -> Path:
    """The browser to drive; raises ExportError (not a hang or a download) when it is missing."""
    path = Path(os.environ.get("BROWSER_PATH") or DEFAULT_CHROMIUM)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ExportError(
            f"Chromium was not found at {path}. Install it (Debian: apt-get install chromium) "
            "or set BROWSER_PATH to a Chromium or Chrome executable."
        )
    return path
