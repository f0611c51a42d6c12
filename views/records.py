"""The records, errors and constants the pages take from the store, named here so pages
import only ``views`` (and rules and the web parts), never ``store``: what a page shows
reaches it through views, so a change of storage never reaches a page. Plain dataclasses and
exceptions; the pages read them, never query with them."""

from __future__ import annotations

from store.map_queries import MapRequestError
from store.published_document import NOT_RECORDED
from store.queries import DemandPanel, IndicatorDetail, UnknownIndicator
from store.reference import LONDON, LONDON_BOROUGHS
from store.scorecard import Scorecard, ScoreRow, format_value

__all__ = [
    "LONDON", "LONDON_BOROUGHS", "NOT_RECORDED", "DemandPanel", "IndicatorDetail", "MapRequestError", "ScoreRow", "Scorecard",
    "UnknownIndicator", "format_value",
]  # fmt: skip
