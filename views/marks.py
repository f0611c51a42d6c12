"""The symbols and meanings that stand beside every RAG colour and direction arrow, and the
sources and rating rule under every page and pack: shared by the pages, the packs and the
API so all say the same thing."""

from __future__ import annotations

from rules.area_levels import is_london_borough
from rules.direction import Direction
from rules.rating import Rating

# Shapes differ as well as colours, so ratings survive greyscale printing and colour blindness.
RAG_SHAPE = {
    Rating.RED: "■",
    Rating.AMBER: "▲",
    Rating.GREEN: "●",
    Rating.NOT_RATED: "–",
    Rating.NO_DATA: "○",
}
RAG_MEANING = {
    Rating.GREEN: "on target, or within the target tolerance",
    Rating.AMBER: "outside the tolerance, but better than or the same as the same period last year",
    Rating.RED: "outside the tolerance, and worse than the same period last year; needs corrective action",
    Rating.NO_DATA: "no figure is held for this period",
    Rating.NOT_RATED: "no target is set, so the indicator is not rated",
}
# Up means better performance, not a higher number (the report's convention).
# Context indicators move up or down without being better or worse: slanted arrows, neutral words.
ARROW = {
    Direction.BETTER: "↑", Direction.WORSE: "↓", Direction.SAME: "→", Direction.NA: "–",
    Direction.UP: "↗", Direction.DOWN: "↘",
}  # fmt: skip
DIRECTION_MEANING = {
    Direction.BETTER: "performance improved",
    Direction.WORSE: "performance got worse",
    Direction.SAME: "performance stayed the same",
    Direction.NA: "cannot be compared: a figure is missing",
    Direction.UP: "the number rose (a context indicator: neither better nor worse)",
    Direction.DOWN: "the number fell (a context indicator: neither better nor worse)",
}
# What Amber and Red are judged against, for the key: a rating compares the period with the
# indicator's comparison period, not with last quarter (the short-term arrow).
RATING_COMPARISON = (
    "Amber and Red are judged against the same period last year (or, where an indicator says so, "
    "the previous quarter): the long-term arrow. The short-term arrow, this quarter against last "
    "quarter, does not change the rating."
)

SOURCES = (
    "Sources: recorded crime from the Metropolitan Police Service (London Datastore); anti-social "
    "behaviour incidents from police.uk; MARAC returns; partner returns. Published figures are "
    "revised between reports, so quarters do not always add up to the year to date."
)
NATIONAL_SOURCES = (
    "Sources: recorded crime from police.uk street-level records and the Home Office tables of police recorded "
    "crime by Community Safety Partnership; anti-social behaviour incidents from police.uk; MARAC returns; partner "
    "returns. Published figures are revised between reports, so quarters do not always add up to the year to date."
)


def sources_note(home_area: str) -> str:
    """Where the figures come from, for the footer of pages and packs: the Met's files for a
    London borough, the national sources for a partnership elsewhere."""
    return SOURCES if is_london_borough(home_area) else NATIONAL_SOURCES


RATING_RULE = (
    "Green: on target or within tolerance. Amber: outside tolerance but better than or the same as the same "
    "period last year. Red: outside tolerance and worse than the same period last year; a Red needs a "
    "corrective action."
)
