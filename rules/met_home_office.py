"""The Met's crime categories as Home Office offence groups (issue 21 part 4): a shipped, stated
mapping in ``store/met_home_office.csv`` (beside the Met's category names), from a Met measure
(``crime``, ``crime:VIOLENCE AGAINST THE PERSON``, ``crime:THEFT/SHOPLIFTING``) to the
``csp-crime`` measure counting the same offences in the Home Office CSP tables, where one does.

Used where a London borough's own indicator is on the Met's files and its force, region,
England and Wales or group comparators come from the national tables. A Met category with no
Home Office counterpart (fraud, which Action Fraud records; the Met's Theft, which leaves out
burglary and vehicle crime that the Home Office's Theft offences hold) maps to None, and the
file says why. Plain file reading only: no database."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MAPPING_FILE = Path(__file__).resolve().parent.parent / "store" / "met_home_office.csv"


@dataclass(frozen=True)
class HomeOfficeMatch:
    """One row of the mapping: the Home Office measure (None: there is none) and why."""

    met_measure: str
    home_office_measure: str | None
    note: str


def _key(measure: str) -> str:
    """A Met measure as compared: the source lower case, the categories upper case, spacing
    around ':' and '/' set aside (``crime: theft / shoplifting`` is ``crime:THEFT/SHOPLIFTING``)."""
    head, _, rest = measure.partition(":")
    parts = [" ".join(p.split()).upper() for p in rest.split("/")] if rest.strip() else []
    return ":".join([head.strip().lower(), "/".join(parts)]) if parts else head.strip().lower()


@lru_cache(maxsize=1)
def mapping() -> dict[str, HomeOfficeMatch]:
    """Met measure (as compared) → its row of the shipped mapping."""
    with MAPPING_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        _key(r["met_measure"]): HomeOfficeMatch(
            r["met_measure"].strip(), r["home_office_measure"].strip() or None, (r["note"] or "").strip()
        )
        for r in rows
    }


def home_office_match(measure: str) -> HomeOfficeMatch | None:
    """The mapping's row for a Met measure; None when the mapping does not list it."""
    return mapping().get(_key(measure))


def home_office_measure(measure: str) -> str | None:
    """The ``csp-crime`` measure with the same meaning as the Met measure ``measure``, or None
    where there is none (or ``measure`` is not a Met crime measure)."""
    found = home_office_match(measure)
    return found.home_office_measure if found is not None else None
