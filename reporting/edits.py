"""Editing a target or a commentary on the web, as rules: which target a form edits (its key,
and the label the change log knows it by), the values it holds, and the refusal when someone
else saved the row after the form was opened. ``store.edits`` reads and writes the rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


class StaleEdit(Exception):
    """Someone saved this row after the form was opened."""

    def __init__(self, what: str, by: str, at: datetime | None) -> None:
        self.what, self.by, self.at = what, by, at
        super().__init__(f"{by} changed the {what} after you opened this form")


@dataclass(frozen=True)
class TargetKey:
    indicator: str
    year: str  # financial year key, 2016-17
    quarter: int | None  # None: every quarter of the year
    area_code: str | None  # None: every area

    def label(self) -> str:
        quarter = f"Q{self.quarter}" if self.quarter else "every quarter"
        return f"{self.indicator} {self.year} {quarter} {self.area_code or 'every area'}"


@dataclass(frozen=True)
class TargetValues:
    target: float | None
    low: float | None
    high: float | None
    tolerance: float
    tolerance_type: str  # abs | pct

    @classmethod
    def of(cls, row: Any) -> TargetValues:
        """From a stored target row (``store.models.Target``)."""
        return cls(row.target, row.target_low, row.target_high, row.tolerance, row.tolerance_type)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


ANNUAL_WORD = "year"  # the targets file's quarter for an annual target, and its change-log label


def annual_label(indicator: str, year: str, area_code: str | None) -> str:
    """The change-log label of an annual target (``store.annual_targets``)."""
    return f"{indicator} {year} {ANNUAL_WORD} {area_code or 'every area'}"


def target_label_applies(label: str, year: str, quarter: int, area: str) -> bool:
    """Whether the target a change-log ``label`` names (``TargetKey.label``: ``CSP1 2016-17 Q3
    every area``, ``CSP1 2016-17 every quarter E09000016``) rates quarter ``quarter`` of
    financial year ``year`` for ``area``. An annual target's label (``CSP1 2016-17 year every
    area``, as ``annual_label`` writes it) rates every quarter of its year."""
    parts = label.split(" ")
    if len(parts) < 3 or parts[1] != year:
        return False
    rest = " ".join(parts[2:])
    quarter_ok = rest.startswith(f"Q{quarter} ") or rest.startswith("every quarter ") or rest.startswith(f"{ANNUAL_WORD} ")
    return quarter_ok and (rest.endswith(" every area") or rest.endswith(f" {area}"))
