"""Comparators named by relation (issue 21 part 4): an indicator's ``comparator_area`` is an area
code as before, or a relation resolved against the area scored: ``force``, ``region``,
``country``, ``nation`` (England and Wales) or ``group:<name>`` (a group of similar areas).

Pure rules on plain values: parsing the relation, the weighted figure of a group (sum of counts
over sum of population, never the mean of rates), the home area's rank and the words for both."""

from __future__ import annotations

from dataclasses import dataclass

RELATIONS = ("force", "region", "country", "nation")
GROUP_PREFIX = "group:"
PER_1000 = 1000.0


@dataclass(frozen=True)
class ComparatorSpec:
    """What an indicator's ``comparator_area`` says: a relation (``force``…, ``group``) or a code."""

    relation: str  # "code" | "force" | "region" | "country" | "nation" | "group"
    value: str  # the code, or the group's name; "" for the other relations

    @property
    def is_national(self) -> bool:
        """A comparator from the national tables rather than the area's own source."""
        return self.relation != "code"


def parse_comparator(text: str | None) -> ComparatorSpec | None:
    """The comparator an indicator names; None when it names none. Raises ValueError for a
    ``group:`` without a name."""
    text = (text or "").strip()
    if not text:
        return None
    lowered = text.lower()
    if lowered in RELATIONS:
        return ComparatorSpec(lowered, "")
    if lowered.startswith(GROUP_PREFIX):
        name = text[len(GROUP_PREFIX) :].strip()
        if not name:
            raise ValueError("a group comparator needs the group's name, e.g. group:similar partnerships")
        return ComparatorSpec("group", name)
    return ComparatorSpec("code", text)


def relation_label(relation: str, area_name: str, level: str) -> str:
    """The words for what a relation resolved to: "Cleveland police force area", "North East"."""
    if relation == "force" or level == "force":
        lowered = area_name.lower()
        if lowered.endswith("force area"):
            return area_name
        # "Metropolitan Police force area", not "Metropolitan Police police force area"
        return f"{area_name} force area" if lowered.endswith("police") else f"{area_name} police force area"
    return area_name


def group_label(name: str, members: int) -> str:
    """A group's words with how many others it compares with: "similar partnerships (15)"."""
    return f"{name} ({members})"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class Rank:
    position: int  # 1 = the lowest value for a lower-is-better indicator, else the highest
    total: int  # the members and the home area
    tied: bool
    lowest_first: bool

    @property
    def text(self) -> str:
        """ "9th of 16" ("joint 9th of 16" when another area has the same figure)."""
        return f"{'joint ' if self.tied else ''}{ordinal(self.position)} of {self.total}"

    @property
    def order_words(self) -> str:
        """Which way round the rank counts, in words."""
        return "1st = lowest rate" if self.lowest_first else "1st = highest rate"


def rank_among(home: float, others: list[float], polarity: str) -> Rank:
    """The home area's rank among ``others`` and itself: counted from the lowest figure for a
    lower-is-better indicator (and for a band or context one), from the highest for higher-is-better."""
    lowest_first = polarity != "higher"
    better = [v for v in others if (v < home if lowest_first else v > home)]
    tied = any(v == home for v in others)
    return Rank(len(better) + 1, len(others) + 1, tied, lowest_first)


@dataclass(frozen=True)
class MemberFigure:
    """One member's count (or numerator) and population (or denominator) for the period."""

    code: str
    name: str
    count: float | None
    population: float | None


@dataclass(frozen=True)
class GroupFigure:
    value: float | None  # sum of counts over sum of population, per 1,000; None: not available
    missing: str = ""  # why not available: the members without figures or population, named


def weighted_rate(members: list[MemberFigure], scale: float = PER_1000) -> GroupFigure:
    """Sum of the members' counts over the sum of their populations, times ``scale`` (per 1,000
    residents) — never the mean of their rates. A member without either makes it not available."""
    no_count = [m.name for m in members if m.count is None]
    no_people = [m.name for m in members if m.count is not None and not m.population]
    if not members:
        return GroupFigure(None, "the group has no members other than this area")
    if no_count or no_people:
        parts = []
        if no_count:
            parts.append(f"no figures for {_names(no_count)}")
        if no_people:
            parts.append(f"no population for {_names(no_people)}")
        return GroupFigure(None, "; ".join(parts))
    count = sum(m.count or 0.0 for m in members)
    people = sum(m.population or 0.0 for m in members)
    return GroupFigure(scale * count / people)


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")
