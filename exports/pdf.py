"""HTML to PDF with headless Chromium: the PDF is the HTML pack, printed.

Chromium honours the pack's ``@page`` rules (A4, the landscape appendix page, page numbers
in the margin) and keeps text as text, so the PDF is searchable and copyable. Each run
gets a fresh profile directory, and the flags keep the browser off the network.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from exports import ExportError
from exports.browser import QUIET_FLAGS, chromium_path

PRINT_TIMEOUT = 120  # seconds


def html_to_pdf(html: str) -> bytes:
    """Print ``html`` (a self-contained document) to PDF bytes."""
    browser = chromium_path()
    with tempfile.TemporaryDirectory(prefix="cspdash-pdf-") as tmp:
        folder = Path(tmp)
        page, out, profile = folder / "pack.html", folder / "pack.pdf", folder / "profile"
        page.write_text(html, encoding="utf-8")
        command = [
            str(browser),
            *QUIET_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise ExportError(f"Chromium did not finish printing the PDF within {PRINT_TIMEOUT} seconds.") from None
        if result.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ExportError(f"Chromium could not print the PDF (exit status {result.returncode}): {' '.join(tail)}")
        return out.read_bytes()
