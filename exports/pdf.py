"""HTML to PDF with headless Chromium: the PDF is the HTML pack, printed.

Chromium honours the pack's ``@page`` rules (A4, the landscape appendix page, page numbers
in the margin) and keeps text as text, so the PDF is searchable and copyable. Each run
gets a fresh profile directory, and the flags keep the browser off the network.

The PDF is typeset in the project's own copy of Liberation Sans (``exports/fonts``, SIL OFL),
metric-compatible with the Arial the pack and its charts ask for: Chromium gets a fontconfig
file that adds that folder and prefers it, so every machine prints the same pages whatever
fonts it has (a machine with only DejaVu would otherwise print "notiﬁable" with a ligature).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from exports import ExportError
from exports.browser import QUIET_FLAGS, chromium_path

PRINT_TIMEOUT = 120  # seconds
FONTS = Path(__file__).resolve().parent / "fonts"
PACK_FAMILY = "Liberation Sans"
_ASKED_FOR = ("Arial", "Helvetica", "Helvetica Neue", "sans-serif")


def fontconfig_file(folder: Path) -> Path:
    """A fontconfig file in ``folder``: the system's configuration, the bundled fonts, preferred."""
    aliases = "".join(
        f'<alias binding="same"><family>{family}</family><prefer><family>{PACK_FAMILY}</family></prefer></alias>'
        for family in _ASKED_FOR
    )
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{FONTS}</dir><cachedir>{folder / 'fontconfig-cache'}</cachedir>{aliases}</fontconfig>",
        encoding="utf-8",
    )
    return path


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
            env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(folder))}
            result = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT, check=False, env=env)
        except subprocess.TimeoutExpired:
            raise ExportError(f"Chromium did not finish printing the PDF within {PRINT_TIMEOUT} seconds.") from None
        if result.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ExportError(f"Chromium could not print the PDF (exit status {result.returncode}): {' '.join(tail)}")
        return out.read_bytes()
