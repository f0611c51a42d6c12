"""Definitions analysts maintain: areas, indicators and targets. Each row is upserted by its key."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from loaders.annual_targets import check_annual, is_annual, store_annual
from loaders.cells import log_duplicates, parse_bools, parse_choice, parse_numbers, parse_years, records, require_text
from loaders.context import LoadContext
from loaders.errors import UNKNOWN_AREA, UNKNOWN_INDICATOR
from loaders.indicators import check_missing, finish_indicator_load, held_definitions
from loaders.keyed import read_all
from loaders.targets import check_target_forms, describe_target_uses, replace_other_form, upload_cause_of
from rules.area_levels import LEVEL_NAMES
from rules.comparators import RELATIONS, parse_comparator
from rules.csp_tables import MEASURE_HELP, parse_offence_selection
from rules.ward_generations import is_generation
from store import indicator_writes
from store.comparison_groups import group_names
from store.target_writes import save_quarter_targets, target_values, targeted_indicators

LEVELS = (*LEVEL_NAMES, "other")  # district and borough are one level, stored as borough
UNITS = ("count", "percent", "rate")
POLARITIES = ("lower", "higher", "band")
BASES = ("quarter", "ytd")
RAG_COMPARISONS = ("same_period_last_year", "previous_quarter")
CSP_CRIME_MEASURE = "csp-crime"  # the Home Office tables (``sources.csp_tables``): checked by its own rule
MEASURE = re.compile(r"^(crime(:[^/]+(/.+)?)?|asb|marac:(repeat_rate|cases|repeat_cases)|values)$")


def load_areas(ctx: LoadContext) -> None:
    frame, _ = read_all(ctx, ["area_code", "area_name", "level"], ["parent_code", "boundary_vintage"])
    require_text(frame, "area_code", ctx.log)
    require_text(frame, "area_name", ctx.log)
    frame["level"] = parse_choice(frame, "level", LEVELS, ctx.log).map(
        lambda name: LEVEL_NAMES.get(name, name) if isinstance(name, str) else name
    )
    for row, vintage in zip(frame["__row__"], frame["boundary_vintage"]):
        if vintage and not is_generation(vintage):
            ctx.log.add(
                int(row),
                "boundary_vintage",
                vintage,
                "a ward boundary generation is the year its wards came in, e.g. 2022 (blank: not known)",
            )
    log_duplicates(frame, ["area_code"], {}, ctx.log, "area code")
    declared = set(frame["area_code"])
    for row, code, parent in frame[["__row__", "area_code", "parent_code"]].itertuples(index=False):
        if parent and parent not in ctx.areas and parent not in declared:
            ctx.log.add(int(row), "parent_code", parent, "unknown parent area: declare it in this file or load it first")
        if parent == code:
            ctx.log.add(int(row), "parent_code", parent, "an area cannot be its own parent")
    if ctx.log:
        return
    # Parents first, so foreign keys hold whatever order the file is in.
    pending = list(records(frame[["area_code", "area_name", "level", "parent_code", "boundary_vintage"]]))
    while pending:
        ready = [r for r in pending if not r.parent_code or r.parent_code in ctx.areas]
        if not ready:  # a cycle: report it rather than loop
            for r in pending:
                ctx.log.add(None, "parent_code", r.parent_code, f"{r.area_code}: parent areas form a loop")
            return
        for r in ready:
            ctx.areas.learn(r.area_code, r.area_name, r.level, r.parent_code or None)
            ctx.areas.set_generation(r.area_code, r.boundary_vintage or None)
        ctx.session.flush()
        pending = [r for r in pending if r not in ready]
    ctx.summary.stored = len(frame)
    ctx.summary.areas = len(frame)
    ctx.summary.replaced = len(ctx.areas.updated)


def load_indicators(ctx: LoadContext) -> None:
    frame, _ = read_all(
        ctx,
        ["code", "name", "goal", "unit", "polarity", "basis", "measure", "rated"],
        ["description", "comparator_area", "comparator_label", "rag_comparison"],
    )
    for column in ("code", "name", "goal"):
        require_text(frame, column, ctx.log)
    frame["unit"] = parse_choice(frame, "unit", UNITS, ctx.log)
    frame["polarity"] = parse_choice(frame, "polarity", POLARITIES, ctx.log)
    frame["basis"] = parse_choice(frame, "basis", BASES, ctx.log)
    frame["rated"] = parse_bools(frame, "rated", ctx.log)
    frame["rag_comparison"] = frame["rag_comparison"].replace("", RAG_COMPARISONS[0])
    parse_choice(frame, "rag_comparison", RAG_COMPARISONS, ctx.log)
    for row, measure in zip(frame["__row__"], frame["measure"]):
        head, _, body = measure.partition(":")
        if head.strip() == CSP_CRIME_MEASURE:
            try:
                parse_offence_selection(body, measure)
            except ValueError as exc:
                ctx.log.add(int(row), "measure", measure, str(exc))
            continue
        if not MEASURE.match(measure):
            ctx.log.add(
                int(row),
                "measure",
                measure,
                "not a measure: use crime, crime:<major>, crime:<major>/<minor>, asb, marac:repeat_rate, "
                f"marac:cases, marac:repeat_cases, values or the Home Office tables' {MEASURE_HELP}",
            )
    check_comparators(ctx, frame)
    log_duplicates(frame, ["code"], {}, ctx.log, "indicator code")
    held = held_definitions(ctx)
    missing = check_missing(ctx, held, set(frame["code"]))
    if ctx.log:
        return
    ctx.summary.replaced += indicator_writes.save_definitions(
        ctx.session,
        ctx.partnership,
        (
            {
                "code": row.code,
                "name": row.name,
                "goal": row.goal,
                "unit": row.unit,
                "polarity": row.polarity,
                "basis": row.basis,
                "measure": row.measure,
                "rated": bool(row.rated),
                "description": row.description,
                "comparator_area": row.comparator_area or None,
                "comparator_label": row.comparator_label or None,
                "rag_comparison": row.rag_comparison,
            }  # fmt: skip
            for row in records(frame)
        ),
    )
    finish_indicator_load(ctx, held, set(frame["code"]), missing)
    ctx.summary.stored = len(frame)


def check_comparators(ctx: LoadContext, frame: pd.DataFrame) -> None:
    """A comparator is an area code held, a relation (force, region, country, nation) or a
    group of similar areas that is loaded (``group:<name>``)."""
    groups = group_names(ctx.session)
    for row, text in zip(frame["__row__"], frame["comparator_area"]):
        try:
            spec = parse_comparator(text)
        except ValueError as exc:
            ctx.log.add(int(row), "comparator_area", text, str(exc))
            continue
        if spec is None or spec.relation in RELATIONS:
            continue
        if spec.relation == "group" and spec.value not in groups:
            held = ", ".join(sorted(groups)) or "none"
            ctx.log.add(
                int(row), "comparator_area", text, f"no group of similar areas named {spec.value!r} is loaded (held: {held})"
            )
        elif spec.relation == "code" and spec.value not in ctx.areas:
            ctx.log.add(
                int(row), "comparator_area", text, f"{UNKNOWN_AREA} (or name a relation: {', '.join(RELATIONS)}, group:<name>)"
            )


def load_targets(ctx: LoadContext) -> None:
    frame, _ = read_all(
        ctx,
        ["code", "year", "quarter"],
        ["target", "target_low", "target_high", "tolerance", "tolerance_type", "area_code", "profile", "shares"],
    )
    indicators = targeted_indicators(ctx.session, ctx.partnership)
    for row, code in zip(frame["__row__"], frame["code"]):
        if code not in indicators:
            ctx.log.add(int(row), "code", code, UNKNOWN_INDICATOR)
    frame["year"] = parse_years(frame, "year", ctx.log)
    # Annual rows (quarter = year) are a kind of their own, spread by a profile.
    frame["tolerance_type"] = frame["tolerance_type"].str.lower().replace("", "abs")
    annual_frame, frame = frame[is_annual(frame)].copy(), frame[~is_annual(frame)].copy()
    annual = check_annual(ctx, annual_frame, {code: i.polarity for code, i in indicators.items()}) if len(annual_frame) else []
    quarter = frame["quarter"].str.upper().str.removeprefix("Q")
    bad_quarter = ~quarter.isin(["", "1", "2", "3", "4"])
    for row, value in zip(frame["__row__"][bad_quarter], frame["quarter"][bad_quarter]):
        ctx.log.add(int(row), "quarter", value, "must be Q1, Q2, Q3, Q4 or blank (every quarter)")
    frame["quarter"] = quarter.where(~bad_quarter & (quarter != ""), None)
    target = parse_numbers(frame, "target", ctx.log, required=False)
    low = parse_numbers(frame, "target_low", ctx.log, required=False)
    high = parse_numbers(frame, "target_high", ctx.log, required=False)
    tolerance = parse_numbers(frame, "tolerance", ctx.log, required=False).fillna(0.0)
    for row, value in zip(frame["__row__"][tolerance < 0], frame["tolerance"][tolerance < 0]):
        ctx.log.add(int(row), "tolerance", value, "tolerance cannot be negative")
    frame["tolerance_type"] = frame["tolerance_type"].str.lower().replace("", "abs")
    parse_choice(frame, "tolerance_type", ("abs", "pct"), ctx.log)
    for i, (row, code) in enumerate(zip(frame["__row__"], frame["code"])):
        indicator = indicators.get(code)
        if indicator is None:
            continue
        _check_target_shape(ctx, int(row), indicator.polarity, target.iloc[i], low.iloc[i], high.iloc[i])
    for row, area in zip(frame["__row__"], frame["area_code"]):
        if area and area not in ctx.areas:
            ctx.log.add(int(row), "area_code", area, UNKNOWN_AREA)
    log_duplicates(frame.fillna({"quarter": ""}), ["code", "year", "quarter", "area_code"], {}, ctx.log, "target")
    check_target_forms(ctx, frame[~bad_quarter], indicators)
    if ctx.log:
        return
    store_annual(ctx, annual)
    keys = [
        (r.code, r.year, None if pd.isna(r.quarter) else int(r.quarter), r.area_code or None)
        for r in records(frame[["code", "year", "quarter", "area_code"]])
    ]
    replace_other_form(ctx, set(keys))
    values = (
        target_values(
            _float(target.iloc[i]), _float(low.iloc[i]), _float(high.iloc[i]), float(tolerance.iloc[i]), row.tolerance_type
        )
        for i, row in enumerate(records(frame))
    )
    cause = upload_cause_of(ctx, datetime.now(UTC))
    ctx.summary.replaced += save_quarter_targets(ctx.session, ctx.partnership, zip(keys, values), cause)
    ctx.summary.stored = len(frame) + len(annual)
    ctx.summary.periods = sorted(set(frame["year"]) | {str(a["year"]) for a in annual})
    describe_target_uses(ctx, keys, indicators)


def _check_target_shape(ctx: LoadContext, row: int, polarity: str, target: float, low: float, high: float) -> None:
    if polarity == "band":
        if pd.isna(low) or pd.isna(high):
            ctx.log.add(row, "target_low, target_high", None, "a band indicator needs target_low and target_high")
        elif low > high:
            ctx.log.add(row, "target_low", str(low), f"target_low is above target_high ({high})")
    elif pd.isna(target):
        ctx.log.add(row, "target", None, f"a {polarity}-is-better indicator needs a target")


def _float(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)
