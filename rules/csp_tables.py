"""Plain rules for the Home Office "Police recorded crime by Community Safety Partnership" tables
(issue 21 part 2): which sheets hold a year, which quarter a row is, one spelling per offence
group, and a partnership's name as the lookup spells it. No files, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

YEAR_SHEET = re.compile(r"^(\d{4})_(\d{2})$")  # "2024_25": the financial year 2024/25
COLUMNS = (
    "Financial Year",
    "Financial Quarter",
    "Police Force",
    "CSP Name",
    "Offence Description",
    "Offence Group",
    "Offence Subgroup",
    "Offence Code",
    "Offence Count",
)
UNASSIGNED = "unassigned"  # each force's pseudo-partnership: in the force's and nation's totals only


def year_of_sheet(name: str) -> str | None:
    """``2024-25`` for a sheet named ``2024_25``; None for any other sheet (``Notes``)."""
    match = YEAR_SHEET.match(name.strip())
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        return None
    return f"{match.group(1)}-{match.group(2)}"


def quarter_key(financial_year: str, quarter: object) -> str:
    """The product's quarter key (``2024-25-Q1``) for a row's year (``2024/25``, ``2024-25``,
    ``2024_25``) and quarter (1-4, ``Q1``); ValueError naming what is wrong otherwise."""
    year = re.sub(r"[/_]", "-", str(financial_year).strip())
    match = re.fullmatch(r"(\d{4})-(\d{2})", year)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"not a financial year like 2024/25: {financial_year!r}")
    text = str(quarter).strip().upper().removeprefix("Q")
    if text.endswith(".0"):
        text = text[:-2]
    if text not in {"1", "2", "3", "4"}:
        raise ValueError(f"not a quarter 1 to 4: {quarter!r}")
    return f"{year}-Q{text}"


def name_key(name: str) -> str:
    """A name as compared: case, spacing, ``&``/``and`` and punctuation set aside."""
    text = str(name).casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def is_unassigned(csp_name: str) -> bool:
    return name_key(csp_name) == UNASSIGNED


def fold_spellings(names: Iterable[str]) -> dict[str, str]:
    """{spelling: the one spelling used} for offence groups written differently between years
    ("Drug offences" / "Drug Offences"): names equal but for case and spacing are one group, shown
    as the spelling seen first."""
    chosen: dict[str, str] = {}
    out: dict[str, str] = {}
    for name in names:
        out[name] = chosen.setdefault(name_key(name), " ".join(str(name).split()))
    return out


def match_partnership(name: str, known: Mapping[str, str], aliases: Mapping[str, str]) -> str | None:
    """The code of the partnership a table names: by its name in the lookup (``known``: name →
    code), else through ``aliases`` (a former or other name → the lookup's name: "Shepway" →
    "Folkestone and Hythe"). None when neither knows it."""
    by_key = {name_key(k): code for k, code in known.items()}
    key = name_key(name)
    if key in by_key:
        return by_key[key]
    alias_keys = {name_key(a): n for a, n in aliases.items()}
    target = alias_keys.get(key)
    return by_key.get(name_key(target)) if target is not None else None
