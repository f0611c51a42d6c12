"""The geography loader kinds registered in ``loaders/registry.py``, each ``fn(ctx)``."""

from __future__ import annotations

from geo.boundaries import load_boundaries
from geo.lookup import load_lsoa_lookup
from geo.policeuk import load_policeuk
from geo.population import load_population

__all__ = ["load_boundaries", "load_lsoa_lookup", "load_policeuk", "load_population"]
