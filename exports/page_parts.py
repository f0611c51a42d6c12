"""Wording the packs borrow from the dashboard's page modules, so a chart title or a demand
statement reads the same in Word as on screen.

Page modules register themselves with Dash Pages when imported, and Dash refuses that
before any ``Dash()`` exists (the CLI never builds the web app). When no app exists yet,
an unserved ``Dash()`` is made first, which is all ``register_page`` checks for. In the web
app the modules are already imported, so this costs nothing there.

TODO(lead): move ``target_finding``, ``noun``, ``ytd_values`` (dashboards/indicator.py) and
``statement`` (dashboards/demand.py) into ``dashboards/wording.py``; this module then
becomes plain imports.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from rag.periods import Quarter
from store.queries import DemandPanel, IndicatorDetail
from store.scorecard import ScoreRow


def _page(name: str) -> ModuleType:
    qualified = f"dashboards.{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    import dash
    import dash._pages

    if not dash._pages.CONFIG.get("assets_folder"):  # no Dash app in this process yet
        dash.Dash(__name__)
    return importlib.import_module(qualified)


def target_finding(row: ScoreRow, period: Quarter) -> str:
    return _page("indicator").target_finding(row, period)


def noun(detail: IndicatorDetail) -> str:
    return _page("indicator").noun(detail)


def ytd_values(detail: IndicatorDetail) -> tuple[list[float | None], list[float | None]]:
    return _page("indicator").ytd_values(detail)


def demand_statement(panel: DemandPanel) -> str:
    return _page("demand").statement(panel)
