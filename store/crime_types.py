"""Which police.uk crime types count as a Met category: the shipped, stated mapping in
``store/police_uk_crime_types.csv`` (one row per police.uk type, bulk-file and API names).

A Met major category is matched by the police.uk types mapped to it (THEFT by bicycle theft,
shoplifting, theft from the person and other theft); a minor category by the types mapped to
exactly it. A category no police.uk type maps to (VIOLENCE AGAINST THE PERSON: police.uk's
"Violence and sexual offences" also holds sexual offences) is one police.uk records do not
have: a figure for it from police.uk counts is not available, never 0.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MAPPING_FILE = Path(__file__).resolve().parent / "police_uk_crime_types.csv"


@dataclass(frozen=True)
class CrimeType:
    police_uk: str
    met_major: str
    met_minor: str
    note: str


@lru_cache(maxsize=1)
def crime_types() -> tuple[CrimeType, ...]:
    with MAPPING_FILE.open(newline="", encoding="utf-8") as handle:
        return tuple(
            CrimeType(r["police_uk_crime_type"], r["met_major_category"].upper(), r["met_minor_category"].upper(), r["note"])
            for r in csv.DictReader(handle)
        )


def police_uk_types_for(major: str | None, minor: str | None) -> tuple[str, ...] | None:
    """The police.uk types (upper case) that count as this Met category; ``None`` when none
    does (the category is not one police.uk records have). ``major`` None: every type."""
    if major is None:
        return None if minor else tuple(t.police_uk.upper() for t in crime_types())
    major, minor = major.upper(), (minor or "").upper()
    found = tuple(t.police_uk.upper() for t in crime_types() if t.met_major == major and (not minor or t.met_minor == minor))
    return found or None


def lacking_reason(major: str | None, minor: str | None) -> str:
    """Why a figure for this Met category cannot come from police.uk records."""
    name = " / ".join(x for x in (major, minor) if x)
    notes = sorted({t.note for t in crime_types() if not t.met_major and name and major and major.upper() in t.note.upper()})
    why = f" ({'; '.join(notes)})" if notes else ""
    return f"police.uk street-level records, which hold these months, have no category matching {name}{why}"


def is_police_uk_type(name: str) -> bool:
    """Is ``name`` a police.uk crime type itself (a measure on police.uk's own names)?"""
    return name.upper() in {t.police_uk.upper() for t in crime_types()}
