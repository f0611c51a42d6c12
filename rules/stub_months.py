"""Which months of a wide file are incomplete in the source, and which re-loads are drops.

The Met's rolling ward and borough files open with a stub month: its column holds a handful
of offences (47 for all of London against about 74,000 in every other month). Stored as
figures, the stub would read as a collapse in crime and, in next month's file, overwrite the
complete figures the previous file held. These rules work on plain numbers; the loaders
apply them (``loaders.month_checks``).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import median

DEFAULT_STUB_SHARE = 0.2
MIN_MONTHS_FOR_STUB_RULE = 3  # with fewer months there is no "usual" month to compare with
DROP_FALL = 0.5  # an area-month falls when its new total is under half what is held
DROP_AREA_SHARE = 0.05  # a month is a drop when more than this share of the file's areas fall


@dataclass(frozen=True)
class StubMonth:
    """A month whose file-wide total is far below the median of the file's other months."""

    month: str  # YYYY-MM
    total: int
    median_of_others: float

    def sentence(self) -> str:
        """What the upload check and the CLI say about it."""
        offences = "offence" if self.total == 1 else "offences"
        middle = math.floor(self.median_of_others + 0.5)  # half up: 74,374.5 reads 74,375
        return (
            f"{month_label(self.month)} holds {self.total:,} {offences} against a median of {middle:,} "
            "in the file's other months: treated as incomplete; the figures held for it are kept."
        )


def month_label(month: str) -> str:
    """``2024-03`` → ``March 2024``."""
    year, number = month.split("-")
    return f"{calendar.month_name[int(number)]} {year}"


def stub_months(totals: Mapping[str, float], share: float = DEFAULT_STUB_SHARE) -> list[StubMonth]:
    """The months of ``totals`` (month → file-wide total) under ``share`` × the median of
    the other months. Fewer than three months: none (no rule)."""
    if len(totals) < MIN_MONTHS_FOR_STUB_RULE:
        return []
    found = []
    for month, total in sorted(totals.items()):
        others = median(v for m, v in totals.items() if m != month)
        if others > 0 and total < share * others:
            found.append(StubMonth(month, int(total), float(others)))
    return found


@dataclass(frozen=True)
class Drop:
    """A month in which a re-load would lower the held totals of many of the file's areas."""

    month: str
    falling: int  # areas whose total would fall by more than half
    areas_named: int  # the areas the file names at its own level
    held: int  # those areas' held total
    new: int  # and what the file would leave them with
    level: str  # "wards", "boroughs", "areas"

    @property
    def fall(self) -> float:
        return 1 - self.new / self.held if self.held else 0.0

    def sentence(self) -> str:
        # Rounded down: a fall of 99.96% is not "100%" while anything is left.
        share = f"{math.floor(self.fall * 1000) / 10:.1f}%"
        noun = self.level if self.falling != 1 else self.level.rstrip("s")
        return f"{month_label(self.month)}: {self.falling:,} {noun} would fall by {share}"


def drops(
    held: Mapping[tuple[str, str], float],
    new: Mapping[tuple[str, str], float],
    areas_named: int,
    level: str = "areas",
    fall: float = DROP_FALL,
    area_share: float = DROP_AREA_SHARE,
) -> list[Drop]:
    """Months in which more than ``area_share`` of the ``areas_named`` would see their held
    total (``held``: (area, month) → total, all categories) fall by more than ``fall`` to
    ``new`` (what the file gives the same area-month). Area-months the file does not give,
    or that hold nothing, cannot fall."""
    by_month: dict[str, list[tuple[float, float]]] = {}
    for key, before in held.items():
        after = new.get(key)
        if after is None or before <= 0 or after >= (1 - fall) * before:
            continue
        by_month.setdefault(key[1], []).append((before, after))
    out = []
    for month, falls in sorted(by_month.items()):
        if len(falls) > area_share * areas_named:
            out.append(Drop(month, len(falls), areas_named, int(sum(b for b, _ in falls)), int(sum(a for _, a in falls)), level))
    return out
