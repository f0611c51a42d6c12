"""MARAC returns by area and quarter, each knowing its coverage.

A MARAC return is quarterly: an area's figure for a quarter is its own return or, failing
that, the sum of its children's returns, complete only when every child that should make a
return did (the same rule as the monthly counts, ``store.counts.resolve_coverage``: London
needs its 33 boroughs; other areas every child that reports MARAC returns in that quarter).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.areas import AreaTree
from store.bulk import IN_LIMIT
from store.counts import Covered, Held, resolve_coverage
from store.models import MaracReturn


@dataclass(frozen=True)
class MaracFigure:
    """Cases discussed (with its coverage) and repeat cases for one area and quarter."""

    cases: Covered
    repeat_cases: int


def marac_coverage_many(
    session: Session, areas: list[str], quarters: list[str], tree: AreaTree | None = None
) -> dict[str, dict[str, MaracFigure]]:
    """{area: {quarter: MaracFigure}} for every quarter with any return for each area (or
    below it), complete or not."""
    tree = tree or AreaTree.load(session)
    involved = tree.with_descendants(areas)
    cases: dict[str, dict[str, Held]] = defaultdict(dict)
    repeats: dict[str, dict[str, Held]] = defaultdict(dict)
    spans: dict[str, tuple[str, str]] = {}
    returns = select(
        MaracReturn.area_code, MaracReturn.quarter, MaracReturn.cases_discussed, MaracReturn.repeat_cases, MaracReturn.upload_id
    )
    # Returns are one a partnership (or borough) a quarter: far fewer than the areas below a
    # comparator such as England and Wales (7,700 with the nation held), whose codes as an IN
    # list cost more to send and plan than reading every return.
    if len(involved) <= IN_LIMIT:
        returns = returns.where(MaracReturn.area_code.in_(involved))
    wanted = set(involved)
    rows = (row for row in session.execute(returns) if row[0] in wanted)
    for code, quarter, n_cases, n_repeats, upload in rows:
        cases[code][quarter] = Held(int(n_cases), upload)
        repeats[code][quarter] = Held(int(n_repeats), upload)
        lo, hi = spans.get(code, (quarter, quarter))
        spans[code] = (min(lo, quarter), max(hi, quarter))
    by_cases = resolve_coverage(tree, areas, quarters, cases, spans)
    by_repeats = resolve_coverage(tree, areas, quarters, repeats, spans)
    return {
        area: {q: MaracFigure(c, by_repeats[area][q].value) for q, c in per_quarter.items()}
        for area, per_quarter in by_cases.items()
    }


def marac_quarters_held(session: Session) -> list[str]:
    return [q for (q,) in session.execute(select(MaracReturn.quarter).distinct().order_by(MaracReturn.quarter))]
