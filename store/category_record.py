"""Each partnership's monthly figures by category, worked out with the coverage record and
kept (``category_figure``), so a page about one partnership does not sum counts it does not show.

A scorecard's SPC charts of a category (``crime:BURGLARY``) need the partnership's figure for
every month held up to the quarter shown; summed from the counts, that reads every ward's
every category of every month, both ward generations where two are held, however long the
history held beside it. The figures only change when the counts, the areas or the ward
generations do, and each of those rewrites the coverage record (``record_coverage``), which
then calls ``record_category_figures``: each partnership whose areas the change touched has
the figures of every category its indicators chart worked out again, whole (coverage of one
month can change with another month's figures), exactly as ``store.counts.summed_coverage``
makes them, since that is what works them out. A reader falls back to summing for any area
or category not kept (``store.counts.kept_figures``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.periods import months_between
from store.areas import AreaTree
from store.category_figures import Row, category_key, replace_kept
from store.counts import SOURCES, CountFilter, covered_row, month_spans, summed_coverage
from store.measures import Measure
from store.models import Indicator
from store.partnerships import held_codes


class _Loaded(Protocol):  # store.coverage_record.Loaded, without importing it (it imports this)
    @property
    def area_months(self) -> set[tuple[str, str]]: ...


def record_category_figures(
    session: Session, sources: Iterable[str], tree: AreaTree, loaded: Mapping[str, _Loaded] | None = None
) -> None:
    """Work out again, and keep, the figures by category of each partnership the change to
    ``sources`` touched: those whose area or an area below it a load of counts wrote
    (``loaded``), or every partnership when the change is not a load of counts."""
    counted = [s for s in dict.fromkeys(sources) if s in SOURCES]
    if not counted:
        return
    loaded = loaded or {}
    charted = _charted_categories(session)
    partnerships = [code for code in held_codes(session) if code in tree.by_code]
    for source in counted:
        load = loaded.get(source)
        touched = None if load is None else {area for area, _ in load.area_months}
        for area in partnerships:
            below = tree.with_descendants([area])
            if touched is not None and touched.isdisjoint(below):
                continue  # none of its figures changed
            categories = charted.get((source, area), {})
            replace_kept(session, source, area, _worked_out(session, source, area, below, categories, tree))


def _charted_categories(session: Session) -> dict[tuple[str, str], dict[str, CountFilter]]:
    """(source, partnership area) -> {category key: selection} its indicators chart."""
    out: dict[tuple[str, str], dict[str, CountFilter]] = {}
    for partnership, text in session.execute(select(Indicator.partnership_code, Indicator.measure)):
        try:
            measure = Measure.parse(text)
        except ValueError:
            continue  # not a count measure (a definitions load refuses a bad one)
        key = category_key(measure.selection.major, measure.selection.minor)
        if key is not None and measure.source in SOURCES:
            out.setdefault((measure.source, partnership), {})[key] = measure.selection
    return out


def _worked_out(
    session: Session, source: str, area: str, below: list[str], categories: dict[str, CountFilter], tree: AreaTree
) -> dict[str, dict[str, Row]]:
    if not categories:
        return {}
    spans = month_spans(session, source, below).values()
    months = months_between(min(s[0] for s in spans), max(s[1] for s in spans)) if spans else []
    return {
        key: {
            month: covered_row(c) for month, c in summed_coverage(session, source, [area], months, selection, tree)[area].items()
        }
        for key, selection in categories.items()
    }
