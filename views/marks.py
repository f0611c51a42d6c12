"""The symbols and meanings that stand beside every RAG colour and direction arrow, and the
sources and rating rule under every page and pack: shared by the pages, the packs and the
API so all say the same thing."""

from __future__ import annotations

from rag.direction import Direction
from rag.rating import Rating

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
    Rating.AMBER: "outside the tolerance, but performance improved or was maintained",
    Rating.RED: "outside the tolerance, and performance has not improved; needs corrective action",
    Rating.NO_DATA: "no figure is held for this period",
    Rating.NOT_RATED: "no target is set, so the indicator is not rated",
}
# Up means better performance, not a higher number (the report's convention).
ARROW = {Direction.BETTER: "↑", Direction.WORSE: "↓", Direction.SAME: "→", Direction.NA: "–"}
DIRECTION_MEANING = {
    Direction.BETTER: "performance improved",
    Direction.WORSE: "performance got worse",
    Direction.SAME: "performance stayed the same",
    Direction.NA: "cannot be compared: a figure is missing",
}

SOURCES = (
    "Sources: recorded crime from the Metropolitan Police Service (London Datastore); anti-social "
    "behaviour incidents from police.uk; MARAC returns; partner returns. Published figures are "
    "revised between reports, so quarters do not always add up to the year to date."
)
RATING_RULE = (
    "Green: on target or within tolerance. Amber: outside tolerance but improved or maintained. "
    "Red: outside tolerance and not improved; a Red needs a corrective action."
)
