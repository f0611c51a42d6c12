"""The Met's crime category names in plain words: the shipped mapping in
``store/met_categories.csv`` (one row per MajorText or MinorText the Met publishes).

The Met writes categories in capitals and abbreviates them to fit its columns ("THEFT OR
UNAUTH TAKING OF A MOTOR VEH"); people read "Theft or unauthorised taking of a motor vehicle".
Residential burglary was split into burglary of a home and of an unconnected building: the
older and current categories both appear in the Met's files, so their words say which is which.
A category the mapping does not hold (a new one the Met adds) falls back to sentence case, so a
page never fails for want of a label; the stored codes are never changed.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

MAPPING_FILE = Path(__file__).resolve().parent / "met_categories.csv"


@lru_cache(maxsize=1)
def met_categories() -> dict[tuple[str, str], str]:
    """(level, MET TEXT) -> plain words; level is ``major`` or ``minor``."""
    with MAPPING_FILE.open(newline="", encoding="utf-8") as handle:
        return {(r["level"], r["met_text"].strip().upper()): r["plain_words"].strip() for r in csv.DictReader(handle)}


def _sentence_case(text: str) -> str:
    lowered = text.strip().lower()
    return lowered[:1].upper() + lowered[1:]


def plain_category(text: str, level: str | None = None) -> str:
    """The plain words for a Met category (``level`` major or minor; None: either, minor first
    as the more specific). Unknown names come back in sentence case."""
    key = (text or "").strip().upper()
    mapping = met_categories()
    for lvl in (level,) if level else ("minor", "major"):
        if (lvl, key) in mapping:
            return mapping[(lvl, key)]
    return _sentence_case(text or "")


def is_mapped(text: str, level: str) -> bool:
    return (level, (text or "").strip().upper()) in met_categories()
