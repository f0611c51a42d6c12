"""RAG summary: counts and percentages of rated indicators, per goal and overall."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from rules.rating import Rating

# Report order for the summary sentence: worst first.
RATED = (Rating.RED, Rating.AMBER, Rating.GREEN)

_FIELDS = {
    Rating.RED: "red",
    Rating.AMBER: "amber",
    Rating.GREEN: "green",
    Rating.NOT_RATED: "not_rated",
    Rating.NO_DATA: "no_data",
}


@dataclass(frozen=True)
class RagCounts:
    """Number of indicators with each rating. Percentages are of rated (R/A/G) indicators only."""

    red: int = 0
    amber: int = 0
    green: int = 0
    not_rated: int = 0
    no_data: int = 0

    @property
    def rated_total(self) -> int:
        """Denominator for percentages: Not rated and No data are reported separately."""
        return self.red + self.amber + self.green

    @property
    def total(self) -> int:
        """All indicators, including Not rated and No data."""
        return self.rated_total + self.not_rated + self.no_data

    def count(self, rating: Rating | str) -> int:
        return int(getattr(self, _FIELDS[Rating(rating)]))

    def percent(self, rating: Rating | str) -> float:
        """Unrounded share of rated indicators with `rating` (0.0 when nothing is rated)."""
        rating = Rating(rating)
        if rating not in RATED:
            raise ValueError(f"{rating} is not counted in the rated percentage")
        return 100.0 * self.count(rating) / self.rated_total if self.rated_total else 0.0

    def percent_label(self, rating: Rating | str) -> str:
        """Percentage to one decimal place, rounded half up as in the reports (2/3 -> "66.7%")."""
        rating = Rating(rating)
        self.percent(rating)  # validates the rating
        if not self.rated_total:
            return "0.0%"
        # Decimal avoids float artefacts: 1/16 = 6.25% must round up to 6.3%, not 6.2%.
        exact = Decimal(100 * self.count(rating)) / Decimal(self.rated_total)
        return f"{exact.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"

    @classmethod
    def from_ratings(cls, ratings: Iterable[Rating | str]) -> RagCounts:
        tally = Counter(Rating(r) for r in ratings)
        return cls(**{name: tally[rating] for rating, name in _FIELDS.items()})


@dataclass(frozen=True)
class RagSummary:
    overall: RagCounts
    by_goal: dict[str, RagCounts] = field(default_factory=dict)  # goals in first-seen order


def summarise(items: Iterable[tuple[str, Rating | str]]) -> RagSummary:
    """Summarise (goal, rating) pairs into overall and per-goal counts."""
    per_goal: dict[str, list[Rating]] = {}
    everything: list[Rating] = []
    for goal, rating in items:
        rating = Rating(rating)
        per_goal.setdefault(goal, []).append(rating)
        everything.append(rating)
    return RagSummary(
        overall=RagCounts.from_ratings(everything),
        by_goal={goal: RagCounts.from_ratings(ratings) for goal, ratings in per_goal.items()},
    )


def _join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _unrated_parts(counts: RagCounts) -> list[str]:
    parts = []
    if counts.not_rated:
        parts.append(f"{counts.not_rated} {'is' if counts.not_rated == 1 else 'are'} {Rating.NOT_RATED.value}")
    if counts.no_data:
        parts.append(f"{counts.no_data} {'has' if counts.no_data == 1 else 'have'} no figure")
    return parts


def summary_sentence(counts: RagCounts) -> str:
    """Report-style sentence, e.g. "Of the 3 indicators, 2 (66.7%) are Red and 1 (33.3%) is Green.".

    It counts every indicator in the table it sums up: where some are Not rated or have no
    figure it says so, and the percentages are of the rated ones, as it says ("Of the 3
    indicators, 2 are Not rated; of the 1 rated, 1 (100.0%) is Amber."), never "Of the 1
    indicator" above a table of three."""
    total = counts.total
    if not total:
        return "No indicators are rated for this period."
    rated = counts.rated_total
    noun = "indicator" if total == 1 else "indicators"
    unrated = _unrated_parts(counts)
    if not rated and total == 1:
        return f"The 1 indicator is not rated for this period: it {'is ' + Rating.NOT_RATED.value if counts.not_rated else 'has no figure'}."
    if not rated:
        return f"None of the {total} {noun} is rated for this period: {_join(unrated)}."
    parts = [
        f"{counts.count(r)} ({counts.percent_label(r)}) {'is' if counts.count(r) == 1 else 'are'} {r.value}"
        for r in RATED
        if counts.count(r)
    ]
    if not unrated:
        return f"Of the {total} {noun}, {_join(parts)}."
    return f"Of the {total} {noun}, {_join(unrated)}; of the {rated} rated, {_join(parts)}."
