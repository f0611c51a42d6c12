"""File formats: committee packs, chart images and data downloads, written from the figures,
charts and wording in ``views/`` — the same ones the pages show.

* ``pack_content`` gathers one quarter's pack (scorecard, charts, demand pressures) from
  ``store/`` and the views' chart and wording functions (``views.figures`` builds its
  charts), so the pack shows exactly what the dashboard shows;
* ``docx_pack`` and ``html_pack`` lay that content out as Word and as a self-contained HTML
  file; ``pdf`` prints the HTML with headless Chromium; ``pack`` ties them together;
* ``images`` turns any Plotly figure into PNG or SVG (kaleido and the system Chromium, see
  ``browser``); the committee title, subtitle and source line are ``views.print_style``;
* ``views.page_figures`` dresses the ward profile, London, demand and scorecard summary
  charts the same way, and ``views.page_data`` holds the numbers behind them;
* ``tabular`` writes CSV and XLSX that spreadsheets cannot mistake for formulas, and
  ``downloads`` serves one chart or one chart's figures to the CLI and the web routes
  (``web/embed.py``).

The library raises ``ExportError`` with a message for people; the CLI and the web routes
only present it.
"""

from __future__ import annotations

from views import MapExportedApart, NoIndicatorsDefined, NotAvailable, NothingLoaded, ViewError

# One exception family for views and exports: a download fails for the same reasons its
# view would, and the CLI and the web routes present both the same way.
ExportError = ViewError


__all__ = ["ExportError", "MapExportedApart", "NoIndicatorsDefined", "NotAvailable", "NothingLoaded"]
