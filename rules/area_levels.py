"""The levels of the area tree and the words people use for them (issue 21).

Ward → district → Community Safety Partnership → police force area → England and Wales, with
region (England only) and country alongside. A district is stored with the level ``borough``
(what London's districts were called first), and ``borough`` stays an accepted name for it."""

from __future__ import annotations

DISTRICT = "borough"  # how a local authority district's level is stored
NATION = "K04000001"  # England and Wales
NATION_NAME = "England and Wales"
COUNTRIES = {"E": ("E92000001", "England"), "W": ("W92000004", "Wales")}

# The names a user may give a level, in the order they are offered, and the level stored.
LEVEL_NAMES: dict[str, str] = {
    "ward": "ward",
    "district": DISTRICT,
    "borough": DISTRICT,  # the older name, still accepted
    "csp": "csp",
    "force": "force",
    "region": "region",
    "country": "country",
    "nation": "nation",
}


def stored_level(name: str) -> str:
    """The stored level for a name a user gives (``district`` → ``borough``)."""
    try:
        return LEVEL_NAMES[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown area level {name!r}: expected one of {', '.join(LEVEL_NAMES)}") from None


def country_of(code: str) -> tuple[str, str] | None:
    """(code, name) of the country an English or Welsh GSS code is in; None for others."""
    return COUNTRIES.get(code[:1].upper())


def is_london_borough(code: str) -> bool:
    """A London borough (or the City of London): its figures come from the Met's files and it
    is compared with the other boroughs on the London page."""
    return code.strip().upper().startswith("E09")


# How a level is named beside an area's name in a list of areas ("Hartlepool (district)").
_LEVEL_WORDS = {"csp": "partnership", "force": "police force area"}


def level_word(level: str, code: str) -> str:
    """The word for an area's level: a London district is a borough, one elsewhere a district."""
    if level == DISTRICT:
        return DISTRICT if is_london_borough(code) else "district"
    return _LEVEL_WORDS.get(level, level)
