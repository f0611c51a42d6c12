"""Which attribute holds the area code, name and parent in the boundary layouts people have:
ONS Open Geography (WD22CD/WD22NM/LAD22CD, LAD22CD/LAD22NM), the London Datastore
(GSS_CODE/NAME/LAGSSCODE/DISTRICT), or our own simple one (area_code/area_name)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.errors import LoadError, Problem

GSS_CODE = re.compile(r"^[ENSW]\d{8}$")
# GSS entity prefixes: electoral wards, and local authority districts (London boroughs are E09).
LEVEL_PREFIXES = {
    "ward": ("E05", "W05", "S13", "N08"),
    "borough": ("E06", "E07", "E08", "E09", "W06", "S12", "N09"),
}
_ONS_WARD = re.compile(r"^WD(\d{2})CD$", re.IGNORECASE)
_ONS_DISTRICT = re.compile(r"^LAD?(\d{2})CD$", re.IGNORECASE)
_YEAR_IN_NAME = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
FIELDS_SHOWN = "the file has the fields shown"  # the CLI adds which options name the fields


@dataclass(frozen=True)
class Fields:
    code: str
    name: str | None
    parent: str | None
    parent_name: str | None
    level: str | None  # what the layout implies, before looking at the codes
    vintage: str | None  # ditto, e.g. "2022" from WD22CD


def level_of_code(code: str) -> str | None:
    if not GSS_CODE.match(code):
        return None
    return next((level for level, prefixes in LEVEL_PREFIXES.items() if code[:3] in prefixes), None)


def choose_fields(columns: list[str], *, code: str | None, name: str | None, parent: str | None, file_name: str) -> Fields:
    """The explicit fields if given (each must exist), otherwise the first known layout found."""
    by_key = {c.lower(): c for c in columns}
    for given in (code, name, parent):
        if given and given.lower() not in by_key:
            raise _missing(file_name, f"there is no field {given!r}", columns)
    found = _detect(columns, by_key)
    if code:
        code_field = by_key[code.lower()]
        base = (
            found if found and found.code == code_field else Fields(code_field, None, None, None, None, _vintage_of(code_field))
        )
    elif found:
        base = found
    else:
        raise _missing(file_name, "no area code field found (looked for WDnnCD, LADnnCD, GSS_CODE, area_code)", columns)
    return Fields(
        code=base.code,
        name=by_key[name.lower()] if name else base.name,
        parent=by_key[parent.lower()] if parent else base.parent,
        parent_name=base.parent_name if not parent else None,
        level=base.level,
        vintage=base.vintage,
    )


def _detect(columns: list[str], by_key: dict[str, str]) -> Fields | None:
    def pick(*names: str) -> str | None:
        return next((by_key[n.lower()] for n in names if n.lower() in by_key), None)

    for column in columns:
        match = _ONS_WARD.match(column)
        if match:
            nn = match.group(1)
            return Fields(
                column,
                pick(f"WD{nn}NM"),
                pick(f"LAD{nn}CD", f"LA{nn}CD", "LAGSSCODE"),
                pick(f"LAD{nn}NM", f"LA{nn}NM"),
                "ward",
                f"20{nn}",
            )
    for column in columns:
        match = _ONS_DISTRICT.match(column)
        if match:
            nn = match.group(1)
            return Fields(column, pick(f"LAD{nn}NM", f"LA{nn}NM"), None, None, "borough", f"20{nn}")
    gss = pick("GSS_CODE", "GSSCODE", "GSS_CD")
    if gss:
        return Fields(gss, pick("NAME", "GSS_NAME"), pick("LAGSSCODE", "LA_GSS_CODE"), pick("DISTRICT", "BOROUGH"), None, None)
    plain = pick("area_code", "code")
    if plain:
        return Fields(plain, pick("area_name", "name"), pick("parent_code"), None, None, None)
    return None


def _vintage_of(column: str) -> str | None:
    match = _ONS_WARD.match(column) or _ONS_DISTRICT.match(column)
    return f"20{match.group(1)}" if match else None


def _missing(file_name: str, reason: str, columns: list[str]) -> LoadError:
    listing = ", ".join(c for c in columns if c != "geometry")
    return LoadError(file_name, [Problem(None, None, listing, f"{reason}; {FIELDS_SHOWN}")])


def year_in_name(file_name: str) -> str | None:
    """A boundary year written in the file name, e.g. london_wards_2018_wgs84.geojson → 2018."""
    years = _YEAR_IN_NAME.findall(file_name)
    return years[0] if len(years) == 1 else None
