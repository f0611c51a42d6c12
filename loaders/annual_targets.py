"""The targets file's annual rows (``quarter`` = ``year``): one target for the whole year with a
``profile`` (``even`` by default, ``seasonal``, or ``custom`` with twelve ``shares``, April
first, separated by ``;``) that spreads it over the months (``rules.profiles``). Checked here,
stored in ``annual_target`` in the load's transaction."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd

from loaders.cells import log_duplicates, parse_numbers
from loaders.context import LoadContext
from rules.profiles import Profile, ProfileError, custom_shares
from store.annual_targets import save_annual_targets
from store.input_changes import upload_cause

YEAR_WORD = "year"


def is_annual(frame: pd.DataFrame) -> pd.Series:
    return frame["quarter"].str.strip().str.lower() == YEAR_WORD


def _shares(text: str) -> list[float]:
    parts = [p for p in str(text or "").replace(",", ";").split(";") if p.strip()]
    return [float(p) for p in parts]


def check_annual(ctx: LoadContext, frame: pd.DataFrame, polarities: Mapping[str, str]) -> list[dict[str, object]]:
    """Each annual row as the values to store (``polarities``: each known indicator's); problems
    logged with row, column and value."""
    target = parse_numbers(frame, "target", ctx.log, required=True)
    tolerance = parse_numbers(frame, "tolerance", ctx.log, required=False).fillna(0.0)
    profiles = (
        frame["profile"].str.strip().str.lower().replace("", Profile.EVEN.value)
        if "profile" in frame
        else pd.Series(Profile.EVEN.value, index=frame.index)
    )
    log_duplicates(frame, ["code", "year", "area_code"], {}, ctx.log, "annual target")
    out = []
    for i, (row, code) in enumerate(zip(frame["__row__"], frame["code"])):
        row = int(row)
        if code not in polarities:
            continue
        if polarities[code] == "band":
            ctx.log.add(row, "quarter", YEAR_WORD, f"{code} is a band indicator: give its band per quarter, not an annual target")
            continue
        kind = frame["tolerance_type"].iloc[i]
        if kind not in ("abs", "pct"):
            ctx.log.add(row, "tolerance_type", kind, "must be one of: abs, pct")
            continue
        if tolerance.iloc[i] < 0:
            ctx.log.add(row, "tolerance", frame["tolerance"].iloc[i], "tolerance cannot be negative")
            continue
        profile = profiles.iloc[i]
        if profile not in {p.value for p in Profile}:
            ctx.log.add(row, "profile", profile, "must be one of: even, seasonal, custom")
            continue
        shares = None
        if profile == Profile.CUSTOM:
            raw = frame["shares"].iloc[i] if "shares" in frame else ""
            try:
                shares = custom_shares(_shares(raw))
            except (ValueError, ProfileError) as e:
                ctx.log.add(
                    row, "shares", raw, f"a custom profile needs twelve shares (April to March, separated by ;) summing to 1: {e}"
                )
                continue
        value = target.iloc[i]
        if pd.isna(value) or not math.isfinite(value):
            continue  # logged by parse_numbers
        out.append(
            {
                "indicator_code": code, "year": frame["year"].iloc[i], "area_code": frame["area_code"].iloc[i] or None,
                "target": float(value), "tolerance": float(tolerance.iloc[i]), "tolerance_type": frame["tolerance_type"].iloc[i],
                "profile": profile, "shares": shares,
            }
        )  # fmt: skip
    return out


def store_annual(ctx: LoadContext, rows: list[dict[str, object]]) -> None:
    cause = upload_cause(ctx.upload_id, ctx.summary.kind, ctx.source.name, ctx.user, datetime.now(UTC))
    for saved in save_annual_targets(ctx.session, rows, cause, ctx.partnership):
        key, values = saved.key, saved.values
        ctx.summary.replaced += saved.replaced
        ctx.summary.notes.append(
            f"annual target {key[0]} {key[1]}{' for ' + str(key[2]) if key[2] else ''}: {values['target']:g}, "
            f"spread {values['profile']}; a quarter target typed for the same year wins for its quarter"
        )
        # Stored, but a profile that cannot spread it (a seasonal one short of years) rates nothing: say so.
        ctx.summary.notes += [f"annual target {key[0]} {key[1]} gives no quarter targets for {why}" for why in saved.problems]
