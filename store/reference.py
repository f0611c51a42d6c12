"""Areas every install knows: England, London, its 33 boroughs, and the Met's non-geographic
reporting units (kept inside London so London totals stay right)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Area

ENGLAND = "E92000001"
LONDON = "E12000007"

LONDON_BOROUGHS: dict[str, str] = {
    "E09000001": "City of London",
    "E09000002": "Barking and Dagenham",
    "E09000003": "Barnet",
    "E09000004": "Bexley",
    "E09000005": "Brent",
    "E09000006": "Bromley",
    "E09000007": "Camden",
    "E09000008": "Croydon",
    "E09000009": "Ealing",
    "E09000010": "Enfield",
    "E09000011": "Greenwich",
    "E09000012": "Hackney",
    "E09000013": "Hammersmith and Fulham",
    "E09000014": "Haringey",
    "E09000015": "Harrow",
    "E09000016": "Havering",
    "E09000017": "Hillingdon",
    "E09000018": "Hounslow",
    "E09000019": "Islington",
    "E09000020": "Kensington and Chelsea",
    "E09000021": "Kingston upon Thames",
    "E09000022": "Lambeth",
    "E09000023": "Lewisham",
    "E09000024": "Merton",
    "E09000025": "Newham",
    "E09000026": "Redbridge",
    "E09000027": "Richmond upon Thames",
    "E09000028": "Southwark",
    "E09000029": "Sutton",
    "E09000030": "Tower Hamlets",
    "E09000031": "Waltham Forest",
    "E09000032": "Wandsworth",
    "E09000033": "Westminster",
}

# Rows in Met extracts that are not boroughs. They are real offences, so they stay in the
# London total as areas of level "other".
MET_NON_GEOGRAPHIC: dict[str, str] = {
    "MPS-AIRPORTS": "London Heathrow and London City Airports (Aviation Security, SO18)",
    "MPS-UNKNOWN": "Unknown",
}
# The ward file calls the airports unit "Aviation Security (SO18)" and the borough file
# "London Heathrow and London City Airports": one unit, so one area. Otherwise a month held
# in both files would count airport offences twice in London's total.
MET_NAME_ALIASES: dict[str, str] = {
    "London Heathrow and London City Airports": "MPS-AIRPORTS",
    "Aviation Security (SO18)": "MPS-AIRPORTS",
    "Unknown": "MPS-UNKNOWN",
}


def name_key(name: str) -> str:
    """Compare borough names loosely: case, '&' v 'and', punctuation and spacing."""
    lowered = name.strip().lower().replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", " ", lowered).strip()


_BY_NAME = {name_key(name): code for code, name in LONDON_BOROUGHS.items()}
_BY_NAME.update({name_key(name): code for name, code in MET_NAME_ALIASES.items()})


def met_area_code(name: str) -> str | None:
    """GSS code (or our code for a non-geographic unit) of a Met borough-column name."""
    return _BY_NAME.get(name_key(name))


def reference_areas() -> list[Area]:
    areas = [
        Area(code=ENGLAND, name="England", level="country", parent_code=None),
        Area(code=LONDON, name="London", level="region", parent_code=ENGLAND),
    ]
    areas += [Area(code=c, name=n, level="borough", parent_code=LONDON) for c, n in LONDON_BOROUGHS.items()]
    areas += [Area(code=c, name=n, level="other", parent_code=LONDON) for c, n in MET_NON_GEOGRAPHIC.items()]
    return areas


def ensure_reference_areas(session: Session) -> int:
    """Insert any reference area that is missing; never overwrite what users loaded."""
    existing = set(session.scalars(select(Area.code)))
    missing = [area for area in reference_areas() if area.code not in existing]
    session.add_all(missing)
    session.flush()
    return len(missing)
