"""Indicator values uploaded directly: ``indicator_code,area_code,period,value,numerator,denominator``.

``period`` is a month, a quarter, or a published year to date (``2015-16-YTD-Q3``): the
figure a report published for the year so far, which takes precedence over the sum of the
quarters where the two differ.

Used for indicators whose measure is ``values`` and for comparators (London E12000007,
England E92000001). Where numerator and denominator are given, year-to-date ratios are
ratios of sums rather than averages of ratios."""

from __future__ import annotations

from loaders.cells import log_duplicates, parse_numbers, parse_value_periods, require_text
from loaders.context import LoadContext
from loaders.keyed import check_known_areas, check_known_indicators, read_all
from store.figure_writes import ValueRow, replace_indicator_values


def load_values(ctx: LoadContext) -> None:
    frame, _ = read_all(ctx, ["indicator_code", "area_code", "period", "value"], ["numerator", "denominator"])
    require_text(frame, "indicator_code", ctx.log)
    check_known_indicators(ctx, frame)
    check_known_areas(ctx, frame)
    frame["period"] = parse_value_periods(frame, "period", ctx.log)
    values = parse_numbers(frame, "value", ctx.log)
    numerators = parse_numbers(frame, "numerator", ctx.log, required=False)
    denominators = parse_numbers(frame, "denominator", ctx.log, required=False)
    half = numerators.isna() != denominators.isna()
    for row in frame["__row__"][half]:
        ctx.log.add(int(row), "numerator, denominator", None, "give both numerator and denominator, or neither")
    zero = denominators.notna() & (denominators == 0)
    for row in frame["__row__"][zero]:
        ctx.log.add(int(row), "denominator", "0", "denominator cannot be zero")
    log_duplicates(frame, ["indicator_code", "area_code", "period"], {}, ctx.log, "value for this indicator, area and period")
    if ctx.log:
        return
    keys = list(zip(frame["indicator_code"], frame["area_code"], frame["period"]))
    rows = [
        ValueRow(
            indicator_code=code,
            area_code=area,
            period=period,
            value=float(values.iloc[i]),
            numerator=None if numerators.isna().iloc[i] else float(numerators.iloc[i]),
            denominator=None if denominators.isna().iloc[i] else float(denominators.iloc[i]),
        )
        for i, (code, area, period) in enumerate(keys)
    ]
    ctx.summary.replaced = replace_indicator_values(ctx.session, rows, ctx.upload_id, ctx.partnership)
    ctx.summary.stored = len(keys)
    ctx.summary.periods = sorted(set(frame["period"]))
    ctx.summary.areas = frame["area_code"].nunique()
