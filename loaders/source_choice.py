"""After a load of counts: each borough-month counts one source (``store.count_sources``),
and the upload check says which is used and what is kept beside it."""

from __future__ import annotations

from loaders.context import LoadContext
from settings import get_settings
from store.areas import AreaTree
from store.count_sources import describe, settle

# Which count tables a load of each kind writes.
COUNT_SOURCES_OF_KIND = {"crime": ("crime",), "asb": ("asb",), "policeuk": ("crime", "asb")}


def settle_after_load(ctx: LoadContext, kind: str) -> None:
    sources = COUNT_SOURCES_OF_KIND.get(kind, ())
    if not sources:
        return
    primary = get_settings().primary_source
    tree: AreaTree | None = None
    for source in sources:
        settled = settle(ctx.session, source, primary)
        if settled.moved:
            # Rows moved in area-months the load did not write: the coverage record is worked
            # out again whole, not from what the load wrote.
            ctx.loaded.pop(source, None)
        if settled.set_aside:
            tree = tree or AreaTree.load(ctx.session)
            ctx.summary.notes += describe(settled.set_aside, tree, primary, months=ctx.summary.periods)
