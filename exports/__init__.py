"""Committee packs, chart images and data downloads built from the dashboard's own figures.

* ``pack_content`` gathers one quarter's pack (scorecard, charts, demand pressures) from
  ``store/`` and the dashboard's chart and wording functions, so the pack shows exactly
  what the dashboard shows; ``figures`` builds its charts (``page_parts`` borrows wording
  that still lives in page modules);
* ``docx_pack`` and ``html_pack`` lay that content out as Word and as a self-contained HTML
  file; ``pdf`` prints the HTML with headless Chromium; ``pack`` ties them together;
* ``images`` turns any Plotly figure into PNG or SVG (kaleido and the system Chromium, see
  ``browser``) and adds the committee title, subtitle and source line;
* ``page_figures`` dresses the ward profile, London, demand and scorecard summary charts
  the same way (``small_multiples`` lays several small charts out as one image), and
  ``page_data`` holds the numbers behind them;
* ``tabular`` writes CSV and XLSX that spreadsheets cannot mistake for formulas, and
  ``downloads`` serves one chart or one chart's figures to the CLI and the web routes
  (``dashboards/embed.py``).

The library raises ``ExportError`` with a message for people; the CLI and the web routes
only present it.
"""

from __future__ import annotations


class ExportError(Exception):
    """An export that cannot be made, with a message saying why and what to do."""


class NotAvailable(ExportError):
    """The export asked for does not exist yet (e.g. a map, before a map builder exists)."""


__all__ = ["ExportError", "NotAvailable"]
