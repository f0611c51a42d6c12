"""What a target row is used for: each form of row has one meaning, or is refused with a message
saying which form to use.

* A row **for a quarter** (Q1–Q4) is compared with the figure the indicator is rated on at that
  quarter: the quarter's own figure, or the year to date at that quarter for a year-to-date
  indicator (so a year-end target is the Q4 row).
* A row **with a blank quarter** means *the same target for every quarter* and is used only by
  indicators rated quarter by quarter. On a year-to-date indicator one figure cannot be the
  target for Q1's three months and Q4's twelve alike, so it is refused (give a row per quarter,
  the year-end target as Q4). Beside rows for single quarters of the same indicator, year and
  area it would be used for some quarters and never for others, so that is refused too: give
  either one row with a blank quarter or a row per quarter.

Pure rules: no database, no Dash.
"""

from __future__ import annotations

BLANK_ON_YTD = (
    "a blank quarter would compare one target with every quarter's year to date (Q1's 3 months and "
    "Q4's 12 alike), so it is refused for a year-to-date indicator: give a year-to-date target for "
    "each quarter (Q1 to Q4), the year-end target as Q4"
)
BLANK_BESIDE_QUARTERS = (
    "a blank quarter (the same target every quarter) beside rows for single quarters ({quarters}) of "
    "the same indicator, year and area would be used for some quarters and not others: give either one "
    "row with a blank quarter or a row per quarter"
)


def blank_quarter_applies(basis: str) -> bool:
    """Whether a target row with a blank quarter is used at all for an indicator on ``basis``."""
    return basis != "ytd"


def blank_quarter_refusal(basis: str, quarters_beside: list[int]) -> str | None:
    """Why a blank-quarter row is refused, or None when it has its one meaning (every quarter).
    ``quarters_beside``: the quarters with rows of their own for the same indicator, year and area."""
    if not blank_quarter_applies(basis):
        return BLANK_ON_YTD
    if quarters_beside:
        return BLANK_BESIDE_QUARTERS.format(quarters=", ".join(f"Q{q}" for q in sorted(set(quarters_beside))))
    return None


def row_use(basis: str, year_label: str, quarter: int | None) -> str:
    """What a target row will be compared with, in words for the load summary."""
    if quarter is None:
        return f"the same target for each quarter of {year_label}, compared with that quarter's figure"
    if basis == "ytd":
        end = " (the year-end target)" if quarter == 4 else ""
        return f"compared with the year to date at Q{quarter} {year_label}{end}"
    return f"compared with the Q{quarter} {year_label} figure"
