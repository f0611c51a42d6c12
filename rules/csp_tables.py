"""Plain rules for the Home Office "Police recorded crime by Community Safety Partnership" tables
(issue 21 part 2): which sheets hold a year, which quarter a row is, one spelling per offence
group, and a partnership's name as the lookup spells it. No files, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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


def fold_spellings(names: Iterable[str], chosen: dict[str, str] | None = None) -> dict[str, str]:
    """{spelling: the one spelling used} for offence groups written differently between years
    ("Drug offences" / "Drug Offences"): names equal but for case and spacing are one group, shown
    as the spelling seen first. ``chosen`` (name as compared -> spelling), when given, carries the
    spellings seen so far from one call to the next, so names can be folded as they are read."""
    chosen = {} if chosen is None else chosen
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


# --- What an indicator counts from the tables (a ``csp-crime`` measure) ----------------------
#
#   csp-crime                                  all recorded crime in the tables
#   csp-crime:Theft offences                   one offence group
#   csp-crime:Theft offences/Shoplifting       one subgroup of a group
#   csp-crime:code=8N,8P                       Home Office offence codes
#   csp-crime:except=Fraud offences            all recorded crime but a group
#   csp-crime:Violence against the person;except=Violence against the person/Homicide
#
# Terms are separated by ";". Groups and subgroups match ignoring case, spacing and
# punctuation, so the spellings the loader folds into one group match it alike; codes ignore
# case and spacing. ``except=`` takes the same kinds of term as the rest, several separated by
# ";" after it.

MEASURE_HELP = (
    "csp-crime, csp-crime:<offence group>, csp-crime:<offence group>/<offence subgroup>, "
    "csp-crime:code=<code>[,<code>…], or any of these followed by ;except=<group, group/subgroup or code=…>"
)


def code_key(code: object) -> str:
    """An offence code as compared: upper case, no spaces (``8n`` and ``8N`` are one code); a
    numeric code a spreadsheet held as a number (``3.0``) as the code it is (``3``)."""
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    return "".join(str(code).split()).upper()


@dataclass(frozen=True)
class OffenceTerm:
    """One group, one subgroup of a group, or a set of offence codes (keys as compared)."""

    group: str | None = None
    subgroup: str | None = None
    codes: frozenset[str] = frozenset()
    text: str = ""  # as the measure writes it, for messages

    def matches(self, group: str, subgroup: str, code: str) -> bool:
        if self.codes:
            return code_key(code) in self.codes
        if self.group is not None and name_key(group) != self.group:
            return False
        return self.subgroup is None or name_key(subgroup) == self.subgroup

    def words(self) -> str:
        if self.codes:
            return "offence code" + ("s " if len(self.codes) > 1 else " ") + ", ".join(sorted(self.codes))
        return ("offence subgroup " if self.subgroup else "offence group ") + repr(self.text)


@dataclass(frozen=True)
class OffenceSelection:
    """What a ``csp-crime`` measure counts: the offences any ``include`` term matches (all of
    them when there is none), less those any ``exclude`` term matches."""

    include: tuple[OffenceTerm, ...] = ()
    exclude: tuple[OffenceTerm, ...] = ()

    @property
    def everything(self) -> bool:
        return not self.include and not self.exclude

    def matches(self, group: str, subgroup: str, code: str) -> bool:
        if self.include and not any(t.matches(group, subgroup, code) for t in self.include):
            return False
        return not any(t.matches(group, subgroup, code) for t in self.exclude)

    def terms(self) -> tuple[OffenceTerm, ...]:
        return self.include + self.exclude


def _term(text: str, measure: str) -> OffenceTerm:
    text = text.strip()
    if text.lower().startswith("code="):
        codes = frozenset(code_key(c) for c in text[5:].split(",") if code_key(c))
        if not codes:
            raise ValueError(f"measure {measure!r}: code= names no offence code; expected {MEASURE_HELP}")
        return OffenceTerm(codes=codes, text=text)
    group, slash, subgroup = text.partition("/")
    if not name_key(group) or (slash and not name_key(subgroup)) or "/" in subgroup:
        raise ValueError(f"measure {measure!r}: {text!r} is not an offence group or group/subgroup; expected {MEASURE_HELP}")
    return OffenceTerm(name_key(group), name_key(subgroup) if slash else None, text=text)


def parse_offence_selection(body: str, measure: str | None = None) -> OffenceSelection:
    """The selection a ``csp-crime`` measure's text after the colon (``body``) names; a
    ValueError naming the measure and the accepted forms when it is not one of them."""
    measure = measure if measure is not None else f"csp-crime:{body}"
    include: list[OffenceTerm] = []
    exclude: list[OffenceTerm] = []
    excluding = False
    if not body.strip():
        return OffenceSelection()
    for part in body.split(";"):
        part = part.strip()
        if part.lower().startswith("except="):
            excluding, part = True, part[len("except=") :]
            if not part.strip():
                raise ValueError(f"measure {measure!r}: except= names nothing to leave out; expected {MEASURE_HELP}")
        elif not part:
            raise ValueError(f"measure {measure!r}: an empty term between ';'; expected {MEASURE_HELP}")
        (exclude if excluding else include).append(_term(part, measure))
    return OffenceSelection(tuple(include), tuple(exclude))
