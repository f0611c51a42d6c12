"""The targets file's rows checked against the one meaning each form has (``rules.targets``), and
the load summary's account of what each row will be used for.

One form per indicator, year and area: a row with a blank quarter (the same target every
quarter) or rows for single quarters. Within a file the two forms together are refused; a file's
form replaces the other form already stored for that indicator, year and area, and the summary
says so (so a stored row is never left unused beside the new ones).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, select

from loaders.context import LoadContext
from rules.periods import FinancialYear
from rules.targets import blank_quarter_refusal, row_use
from store.input_changes import record_input_change, upload_cause
from store.models import Indicator, Target

BASIS_WORDS = {"ytd": "rated on the year to date", "quarter": "rated each quarter"}


def _key(code: str, year: str, area: str) -> tuple[str, str, str | None]:
    return (code, year, area or None)


def check_target_forms(ctx: LoadContext, frame: pd.DataFrame, indicators: dict[str, Indicator]) -> None:
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


def replace_other_form(ctx: LoadContext, keys: set[tuple[str, str, int | None, str | None]]) -> None:
    """Delete stored rows of the other form for each indicator, year and area the file sets,
    and say so in the summary."""
    blank = {(c, y, a) for c, y, q, a in keys if q is None}
    by_quarter = {(c, y, a) for c, y, q, a in keys if q is not None}
    gone: list[str] = []
    own = select(Target).where(Target.partnership_code == ctx.partnership, Target.indicator_code.in_({k[0] for k in keys}))
    for t in ctx.session.scalars(own):
        key = (t.indicator_code, t.year, t.area_code)
        if (t.quarter is None and key in by_quarter) or (t.quarter is not None and key in blank):
            gone.append(target_key_label(t.indicator_code, t.year, t.quarter, t.area_code))
            old = target_values(t.target, t.target_low, t.target_high, t.tolerance, t.tolerance_type)
            cause = upload_cause(ctx.upload_id, ctx.summary.kind, ctx.source.name, ctx.user, datetime.now(UTC))
            record_input_change(
                ctx.session,
                cause,
                "target",
                t.indicator_code,
                target_key_label(t.indicator_code, t.year, t.quarter, t.area_code),
                old,
                {"removed": True},
            )
            ctx.session.execute(delete(Target).where(Target.id == t.id))
    if gone:
        ctx.summary.notes.append(
            "replaced the other form of target held for the same indicator, year and area: " + ", ".join(sorted(gone))
        )


def describe_target_uses(
    ctx: LoadContext, keys: list[tuple[str, str, int | None, str | None]], indicators: dict[str, Indicator]
) -> None:
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


def target_values(
    target: float | None, low: float | None, high: float | None, tolerance: float, tolerance_type: str
) -> dict[str, Any]:
    return {
        "target": target,
        "target_low": low,
        "target_high": high,
        "tolerance": float(tolerance),
        "tolerance_type": tolerance_type,
    }


def target_key_label(code: str, year: str, quarter: int | None, area: str | None) -> str:
    """As ``store.edits.TargetKey.label``: ``CSP1 2016-17 Q3 every area``."""
    return f"{code} {year} {f'Q{quarter}' if quarter else 'every quarter'} {area or 'every area'}"


def record_target_change(
    ctx: LoadContext,
    key: tuple[str, str, int | None, str | None],
    old: dict[str, object] | None,
    new: dict[str, object],
    at: datetime,
) -> None:
    cause = upload_cause(ctx.upload_id, ctx.summary.kind, ctx.source.name, ctx.user, at)
    record_input_change(ctx.session, cause, "target", key[0], target_key_label(*key), old, new)
