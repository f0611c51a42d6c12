"""The targets file's rows checked against the one meaning each form has (``rules.targets``), and
the load summary's account of what each row will be used for.

One form per indicator, year and area: a row with a blank quarter (the same target every
quarter) or rows for single quarters. Within a file the two forms together are refused; a file's
form replaces the other form already stored for that indicator, year and area, and the summary
says so (so a stored row is never left unused beside the new ones).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from loaders.context import LoadContext
from rules.periods import FinancialYear
from rules.targets import blank_quarter_refusal, row_use
from store.input_changes import Cause, upload_cause
from store.target_writes import TargetedIndicator, TargetKey, remove_other_form

BASIS_WORDS = {"ytd": "rated on the year to date", "quarter": "rated each quarter"}


def _key(code: str, year: str, area: str) -> tuple[str, str, str | None]:
    return (code, year, area or None)


def check_target_forms(ctx: LoadContext, frame: pd.DataFrame, indicators: dict[str, TargetedIndicator]) -> None:
    """Refuse a blank quarter on a year-to-date indicator, and one beside quarter rows of the
    same indicator, year and area in the file. ``frame['quarter']``: '1'–'4' or None."""
    quarters_in_file: dict[tuple[str, str, str | None], list[int]] = {}
    for code, year, quarter, area in frame[["code", "year", "quarter", "area_code"]].itertuples(index=False):
        if quarter is not None and not pd.isna(quarter):
            quarters_in_file.setdefault(_key(code, year, area), []).append(int(quarter))
    for row, code, year, quarter, area in frame[["__row__", "code", "year", "quarter", "area_code"]].itertuples(index=False):
        indicator = indicators.get(code)
        if indicator is None or (quarter is not None and not pd.isna(quarter)):
            continue
        refusal = blank_quarter_refusal(indicator.basis, quarters_in_file.get(_key(code, year, area), []))
        if refusal:
            ctx.log.add(int(row), "quarter", "", f"{code} {year}: {refusal}")


def upload_cause_of(ctx: LoadContext, at: datetime) -> Cause:
    return upload_cause(ctx.upload_id, ctx.summary.kind, ctx.source.name, ctx.user, at)


def replace_other_form(ctx: LoadContext, keys: set[TargetKey]) -> None:
    """Delete stored rows of the other form for each indicator, year and area the file sets,
    and say so in the summary."""
    gone = remove_other_form(ctx.session, ctx.partnership, keys, upload_cause_of(ctx, datetime.now(UTC)))
    if gone:
        ctx.summary.notes.append(
            "replaced the other form of target held for the same indicator, year and area: " + ", ".join(gone)
        )


def describe_target_uses(ctx: LoadContext, keys: list[TargetKey], indicators: dict[str, TargetedIndicator]) -> None:
    """One summary note per indicator, area and form: what its rows will be compared with."""
    groups: dict[tuple[str, str | None, bool], list[tuple[str, int | None]]] = {}
    for code, year, quarter, area in keys:
        groups.setdefault((code, area, quarter is None), []).append((year, quarter))
    for (code, area, blank), rows in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or "", g[0][2])):
        basis = indicators[code].basis
        where = f" for {area}" if area else ""
        years = sorted({y for y, _ in rows})
        if blank:
            what = row_use(basis, "the year", None)
        elif basis == "ytd":
            what = "each compared with the year to date at its quarter (Q4: the year-end target)"
        else:
            what = "each compared with its quarter's figure"
        listed = ", ".join(
            FinancialYear.parse(y).label
            + ("" if blank else " " + "/".join(f"Q{q}" for _, q in sorted(r for r in rows if r[0] == y)))
            for y in years
        )
        ctx.summary.notes.append(
            f"target {code}{where} ({BASIS_WORDS.get(basis, basis)}), {len(rows)} row{'s' if len(rows) != 1 else ''}: {what} ({listed})"
        )
