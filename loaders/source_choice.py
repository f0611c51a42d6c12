"""After a load of counts: each borough-month counts one source (``store.count_sources``),
and the upload check says which is used and what is kept beside it."""

from __future__ import annotations

from loaders.context import LoadContext
from settings import get_settings
from store.areas import AreaTree
from store.count_sources import describe, settle


def settle_after_load(ctx: LoadContext, sources: tuple[str, ...]) -> None:
    """``sources``: the count tables the load wrote (its kind's ``writes_counts``)."""
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
