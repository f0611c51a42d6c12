"""Vectorised checks on columns of strings. Each returns clean values and logs every bad
cell with its row, column, value and reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from loaders.errors import ProblemLog
from loaders.seen_keys import SeenKeys
from rules.periods import FinancialYear, PeriodError, Quarter, normalise_month


def records(frame: pd.DataFrame) -> Iterator[Any]:
    """``frame.itertuples(index=False)``, each row typed ``Any``: its fields are the frame's
    columns, which pandas' types cannot know (they type every field as any scalar)."""
    return frame.itertuples(index=False)


def _log_mask(log: ProblemLog, frame: pd.DataFrame, mask: pd.Series, column: str, values: pd.Series, reason: str) -> None:
    if mask.any():
        for row, value in zip(frame.loc[mask, "__row__"], values[mask]):
            log.add(int(row), column, value, reason)


def _strip_thousands(values: pd.Series) -> pd.Series:
    # "1,392" and "1 392" are how Excel and people write counts.
    return values.str.replace(",", "", regex=False).str.replace(" ", "", regex=False).str.replace("\u00a0", "", regex=False)


def parse_counts(
    frame: pd.DataFrame, column: str, log: ProblemLog, *, label: str | None = None, blank_ok: bool = False
) -> pd.Series:
    """Whole, non-negative numbers. Blank cells are a problem unless ``blank_ok`` (then NA)."""
    label = label or column
    raw = frame[column]
    numbers = pd.to_numeric(raw, errors="coerce")
    unparsed = numbers.isna() & (raw != "")
    if unparsed.any():  # only the odd cell needs the slower clean-up ("1,392")
        numbers[unparsed] = pd.to_numeric(_strip_thousands(raw[unparsed]), errors="coerce")
    cleaned = raw
    blank = cleaned == ""
    if not blank_ok:
        _log_mask(log, frame, blank, label, raw, "a count is required here")
    _log_mask(log, frame, numbers.isna() & ~blank, label, raw, "not a number: counts must be whole numbers")
    valid = numbers.notna()
    _log_mask(log, frame, valid & (numbers < 0), label, raw, "negative count: counts cannot be below zero")
    _log_mask(log, frame, valid & (numbers >= 0) & (numbers % 1 != 0), label, raw, "not a whole number")
    return numbers.round().astype("Int64")


def parse_count_block(frame: pd.DataFrame, columns: list[str], log: ProblemLog) -> np.ndarray:
    """Counts in many columns at once (the Met's month columns), as floats with NaN where a
    cell is blank. Cells may carry spaces around the number. Well-formed chunks take one
    vectorised conversion; any other chunk is checked column by column, logging every bad cell."""
    try:
        values = frame[columns].to_numpy(dtype=object).astype(np.float64)
    except (TypeError, ValueError):  # a blank or a non-number somewhere: find and name each one
        values = None
    if values is not None and not np.isnan(values).any() and (values >= 0).all() and (values % 1 == 0).all():
        return values
    return np.column_stack(
        [
            parse_counts(frame.assign(**{c: frame[c].str.strip()}), c, log, blank_ok=True).to_numpy(
                dtype="float64", na_value=np.nan
            )
            for c in columns
        ]
    )


def parse_numbers(frame: pd.DataFrame, column: str, log: ProblemLog, *, required: bool = True) -> pd.Series:
    """Decimal numbers (targets, values); blank allowed when not required."""
    raw = frame[column]
    cleaned = _strip_thousands(raw).str.rstrip("%")
    numbers = pd.to_numeric(cleaned, errors="coerce")
    blank = cleaned == ""
    if required:
        _log_mask(log, frame, blank, column, raw, "a number is required here")
    _log_mask(log, frame, numbers.isna() & ~blank, column, raw, "not a number")
    return numbers.astype("Float64")


def _parse_each(frame: pd.DataFrame, column: str, log: ProblemLog, parse: Callable[[str], str], reason: str) -> pd.Series:
    """Apply ``parse`` to each distinct value (periods repeat a lot), logging the failures."""
    out: dict[str, str | None] = {}
    for value in frame[column].unique():
        try:
            out[value] = parse(value)
        except PeriodError:
            out[value] = None
    result = frame[column].map(out)
    _log_mask(log, frame, result.isna(), column, frame[column], reason)
    return result


def _month_or_quarter(value: str) -> str:
    try:
        return normalise_month(value)
    except PeriodError:
        return Quarter.parse(value).key


def _month_quarter_or_ytd(value: str) -> str:
    """A month, a quarter, or a published year to date: ``2015-16-YTD-Q3`` (or ``2015/16 YTD Q3``)."""
    head, sep, tail = value.upper().replace("/", "-").replace(" ", "-").partition("-YTD")
    if not sep:
        return _month_or_quarter(value)
    return f"{Quarter.parse(head + tail).financial_year.key}-YTD-Q{Quarter.parse(head + tail).q}"


def parse_value_periods(frame: pd.DataFrame, column: str, log: ProblemLog) -> pd.Series:
    """A month, a quarter or a published year to date (values files)."""
    return _parse_each(
        frame,
        column,
        log,
        _month_quarter_or_ytd,
        "not a month (2016-10), a quarter (2016-17-Q3) or a year to date (2016-17-YTD-Q3)",
    )


def parse_months(frame: pd.DataFrame, column: str, log: ProblemLog) -> pd.Series:
    """``YYYY-MM`` (or ``YYYYMM``) → ``YYYY-MM``."""
    return _parse_each(frame, column, log, normalise_month, "not a month; write it like 2016-10")


def parse_quarters(frame: pd.DataFrame, column: str, log: ProblemLog) -> pd.Series:
    return _parse_each(frame, column, log, lambda v: Quarter.parse(v).key, "not a quarter; write it like 2016-17-Q3")


def parse_periods(frame: pd.DataFrame, column: str, log: ProblemLog) -> pd.Series:
    """A month or a quarter."""
    return _parse_each(frame, column, log, _month_or_quarter, "not a month (2016-10) or a quarter (2016-17-Q3)")


def parse_years(frame: pd.DataFrame, column: str, log: ProblemLog) -> pd.Series:
    return _parse_each(frame, column, log, lambda v: FinancialYear.parse(v).key, "not a financial year; write it like 2016-17")


def parse_choice(frame: pd.DataFrame, column: str, choices: tuple[str, ...], log: ProblemLog) -> pd.Series:
    lowered = frame[column].str.lower()
    bad = ~lowered.isin(choices)
    _log_mask(log, frame, bad, column, frame[column], f"must be one of: {', '.join(choices)}")
    return lowered.where(~bad)


def parse_bools(frame: pd.DataFrame, column: str, log: ProblemLog) -> pd.Series:
    mapping = {"true": True, "yes": True, "y": True, "1": True, "false": False, "no": False, "n": False, "0": False}
    lowered = frame[column].str.lower()
    result = lowered.map(mapping)
    _log_mask(log, frame, result.isna(), column, frame[column], "must be true or false")
    return result


def require_text(frame: pd.DataFrame, column: str, log: ProblemLog) -> None:
    _log_mask(log, frame, frame[column] == "", column, frame[column], "this cell must not be blank")


def log_duplicates(
    frame: pd.DataFrame, key: list[str], seen: dict[tuple, int] | SeenKeys, log: ProblemLog, what: str
) -> pd.Series:
    """Flag rows whose key was already seen in this file (across chunks). Returns the mask.
    ``seen``: a ``SeenKeys`` (compact, for files of millions of rows) or a dict."""
    if isinstance(seen, SeenKeys):
        rows = frame["__row__"].to_numpy(np.int64)
        first = seen.first_rows(frame, key)
        mask = first != rows
        if mask.any():
            values = frame.loc[mask, key]
            for row, earlier, *parts in zip(rows[mask].tolist(), first[mask].tolist(), *(values[k].tolist() for k in key)):
                log.add(
                    int(row), ", ".join(key), " / ".join(map(str, parts)), f"duplicate {what}: already given in row {earlier}"
                )
        return pd.Series(mask, index=frame.index, dtype=bool)
    mask = np.zeros(len(frame), dtype=bool)
    keys = zip(*(frame[k].tolist() for k in key))
    for i, (row, values) in enumerate(zip(frame["__row__"].tolist(), keys)):
        earlier = seen.setdefault(values, row)
        if earlier != row:
            log.add(int(row), ", ".join(key), " / ".join(map(str, values)), f"duplicate {what}: already given in row {earlier}")
            mask[i] = True
    return pd.Series(mask, index=frame.index, dtype=bool)
