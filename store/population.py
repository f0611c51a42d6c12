"""Population denominators as stored: the nearest year held for an area, and rates per 1,000
residents. Loaded by ``geo.population`` (``cspdash ingest population FILE``); read by the map
queries, so they live here, below both."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Population


def rate_per_1000(count: float | None, population: float | None) -> float | None:
    """Events per 1,000 residents; None when either figure is missing or there is no one."""
    if count is None or population is None or pd.isna(count) or pd.isna(population) or population <= 0:
        return None
    return count * 1000.0 / population


def population_for(session: Session, area_code: str, year: int) -> tuple[int, int] | None:
    """(year used, population) for ``area_code``: ``year`` if held, else the nearest year held
    (the earlier on a tie: it was published first). None when the area has no figures."""
    held = session.execute(select(Population.year, Population.population).where(Population.area_code == area_code)).all()
    if not held:
        return None
    best = min(held, key=lambda r: (abs(r[0] - year), r[0]))
    return int(best[0]), int(best[1])


def populations_for(session: Session, area_codes: list[str], year: int) -> dict[str, tuple[int, int]]:
    """``population_for`` for many areas in one query (e.g. every ward on a map)."""
    rows = session.execute(
        select(Population.area_code, Population.year, Population.population).where(Population.area_code.in_(area_codes))
    ).all()
    out: dict[str, tuple[int, int]] = {}
    for code, held_year, people in sorted(rows, key=lambda r: (r[0], abs(r[1] - year), r[1])):
        out.setdefault(code, (int(held_year), int(people)))
    return out
