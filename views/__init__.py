"""What each chart, table and sentence shows, built once for the pages, the downloads and the
API: functions from (period, area, choices) to plain data — figures, the words of findings,
Plotly figures as dicts. Nothing here lays out a page or writes a file format.

* ``data`` reads the figures the pages need (cached per database URL and data version) and
  turns URL query values into a page state; ``api`` gives the public API's figures, each
  request in one database session;
* ``charts`` and ``wording`` make the indicator and scorecard charts and the sentences
  that state what they show; ``marks`` holds the RAG and direction symbols and meanings;
* ``maps`` classes values into colours and draws the choropleth; ``map_state`` resolves a
  map page's URL into the figures behind it; ``ward_charts`` and ``london_maps`` are the
  ward profile's and the London comparison's views (``svg_lines`` draws the ward profile's
  small category charts as SVG on the server);
* ``figures``, ``page_figures`` and ``small_multiples`` dress those charts for a committee
  paper (``print_style``), and ``page_data`` and ``indicator_data`` hold the numbers behind
  them as tables.

Layers point one way (``tests/test_layering.py``): ``dashboards``, ``cli`` and ``api`` ->
``exports`` -> ``views`` -> ``loaders``, ``geo`` -> ``store`` -> ``rules``.
"""

from __future__ import annotations


class ViewError(Exception):
    """A view, download or export that cannot be made, with a message saying why and what to do."""


class NotAvailable(ViewError):
    """The chart or figures asked for do not exist (e.g. an indicator with no monthly figures)."""


class MapExportedApart(NotAvailable):
    """The ward map is not one of an indicator's charts: it has an export of its own (the CLI
    names its command; the routes give its address)."""


class NothingLoaded(ViewError):
    """No figures are held at all (the CLI says how to load them or the demo)."""


class NoIndicatorsDefined(ViewError):
    """No indicator definitions are held (the CLI says which command loads them)."""


__all__ = ["MapExportedApart", "NoIndicatorsDefined", "NotAvailable", "NothingLoaded", "ViewError"]
