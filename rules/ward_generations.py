"""Ward generations: which set of wards covers a borough in a month, and what to call them.

Wards are redrawn in boundary reviews (most of London's in May 2022), and the Met keys its
whole ward history, back to 2010, to the current wards. A borough can therefore hold two
complete sets of wards for the same months: the old wards from files loaded before its review,
and the current wards from the Met's re-keyed history. Summing both counts every offence twice,
so a borough-month is covered by one generation only: the one the most recent load of that
borough-month used, unless the analyst picked the other one.

Pure rules on plain values: no Dash, no database.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping

# The generation of a ward whose boundary vintage is not known: a generation of its own, so
# wards of unknown vintage are never summed with wards of a known one either.
UNKNOWN = ""
# The Met publishes its ward files keyed to the wards in force since May 2022, history included.
MET_WARD_FILE_VINTAGE = "2022"
# When each dated generation came into force in London, for labels ("wards before May 2022").
IN_FORCE_FROM = {"2022": "May 2022", "2018": "May 2018", "2014": "May 2014", "2002": "May 2002"}


def is_generation(vintage: str | None) -> bool:
    """Is a boundary vintage a generation of wards (a year), rather than a drawing
    ("schematic") or an undated set ("current")?"""
    return vintage is not None and vintage.isdigit() and len(vintage) == 4


def generation_of(vintages: Iterable[str]) -> str | None:
    """A ward's generation from the outline vintages held for its code: the newest dated one
    (a ward left unchanged by a review keeps its code and belongs to the newer set too)."""
    dated = sorted(v for v in vintages if is_generation(v))
    return dated[-1] if dated else None


def chosen_generation(latest_upload: Mapping[str, int | None], choice: str | None = None) -> str:
    """The generation covering a borough-month, given each generation present's latest upload
    (``{vintage: upload id}``) and any generation the analyst picked for it: the pick when that
    generation holds figures, else the one the most recent load used (on a tie, the newer)."""
    if choice is not None and choice in latest_upload:
        return choice
    return max(latest_upload, key=lambda v: (latest_upload[v] if latest_upload[v] is not None else -1, v))


def generation_label(vintage: str | None, current: str | None) -> str:
    """How a list or a map names a generation: ``current wards`` for the newest held,
    ``wards before May 2022`` for the one it replaced, ``2018 wards`` otherwise."""
    if vintage == current:
        return "current wards"
    if not vintage:
        return "wards of unknown boundary year"
    later = _next_after(vintage)
    if later and later == current and later in IN_FORCE_FROM:
        return f"wards before {IN_FORCE_FROM[later]}"
    return f"{vintage} wards"


_KNOWN_ORDER = sorted(IN_FORCE_FROM)


def _next_after(vintage: str) -> str | None:
    later = [v for v in _KNOWN_ORDER if v > vintage]
    return later[0] if later else None


def current_generation(vintages: Iterable[str | None]) -> str | None:
    """The newest dated generation among ``vintages`` (the one lists show by default)."""
    dated = sorted(v for v in vintages if v and is_generation(v))
    return dated[-1] if dated else None


def month_name(month: str) -> str:
    """``April 2010`` for ``2010-04``."""
    return f"{calendar.month_name[int(month[5:7])]} {month[:4]}"
