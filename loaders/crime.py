"""Crime counts in the three layouts analysts have, told apart by their headers:

(a) the Met's London Datastore ward file: MajorText, MinorText, WardName, WardCode,
    LookUp_BoroughName and one column per month (YYYYMM);
(b) the Met's borough file: MajorText, MinorText, BoroughName (or LookUp_BoroughName) and months;
(c) long form: area_code, month, major_category, minor_category, count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.cells import log_duplicates, parse_count_block, parse_counts, parse_months, require_text
from loaders.context import LoadContext
from loaders.counts import CountWriter
from loaders.errors import LoadError, Problem
from loaders.month_checks import (
    DropsNotConfirmed,
    FileMonths,
    MonthChecks,
    check_months,
    mark_incomplete,
    read_long_months,
    read_met_months,
)
from loaders.reading import CsvReader, require_columns
from loaders.seen_keys import SeenKeys
from rules.ward_generations import MET_WARD_FILE_VINTAGE
from store.reference import MET_NON_GEOGRAPHIC, met_area_code
from store.ward_generations import settle_after_load

_MONTH_COLUMN = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")
# Headers that look like a month (201613, 2016-13, 2016-04): each must be a real YYYYMM month.
_MONTH_LIKE = re.compile(r"^\d{4}[-/ ]?\d{1,2}$")
LONG_COLUMNS = ["area_code", "month", "major_category", "minor_category", "count"]


@dataclass(frozen=True)
class CrimeOptions:
    """Options a crime load takes (attached to its file, as the geographic loaders' are)."""

    keep_held_wards: bool = False  # keep the ward generation held for months the file also has


def detect_layout(columns: list[str]) -> str:
    keys = {c.lower() for c in columns}
    months = [c for c in columns if _MONTH_LIKE.match(c)]
    if {"majortext", "minortext", "wardcode"} <= keys and months:
        return "met_ward"
    if {"majortext", "minortext"} <= keys and ({"boroughname"} & keys or {"lookup_boroughname"} & keys) and months:
        return "met_borough"
    if set(LONG_COLUMNS) <= keys:
        return "long"
    return "unknown"


def load_crime(ctx: LoadContext) -> None:
    reader = CsvReader.open(ctx.source, log=ctx.log)
    layout = detect_layout(reader.columns)
    if layout == "unknown":
        raise LoadError(
            ctx.source.name,
            [
                Problem(
                    1,
                    None,
                    ", ".join(reader.columns[:8]) + ("…" if len(reader.columns) > 8 else ""),
                    "not a crime file we recognise: expected the Met ward file (MajorText, MinorText, WardName, "
                    "WardCode, LookUp_BoroughName, YYYYMM…), the Met borough file (MajorText, MinorText, BoroughName, "
                    "YYYYMM…) or long form (area_code, month, major_category, minor_category, count)",
                )
            ],
        )
    ctx.summary.encoding = reader.encoding
    writer = ctx.count_writer("crime")
    if layout == "long":
        file_months, checks = _load_long(ctx, reader, writer)
    else:
        file_months, checks = _load_met(ctx, reader, writer, layout)
    ctx.finish_counts(writer)
    _after_checks(ctx, file_months, checks)
    keep_held = getattr(getattr(ctx.source, "options", None), "keep_held_wards", False)
    ctx.summary.notes += settle_after_load(ctx.session, "crime", ctx.loaded["crime"].area_months, keep_held, ctx.user)


def _check(ctx: LoadContext, file_months: FileMonths, wide: bool) -> MonthChecks:
    """Stub months and drops, before anything is written (``loaders.month_checks``)."""
    return check_months(ctx.session, file_months, wide=wide, share=ctx.stub_month_share)


def _after_checks(ctx: LoadContext, file_months: FileMonths, checks: MonthChecks) -> None:
    """Say what the checks found; mark the stub months' empty area-months incomplete. Drops
    not accepted are refused here, once the whole file has been read: a file with problems
    lists them all first (the caller rolls back what was written)."""
    from loaders.borough_summary import summarise  # the upload check's tables

    if checks.drops and not ctx.accept_drops and not ctx.log:
        raise DropsNotConfirmed(ctx.source.name, checks.drops)
    ctx.summary.incomplete = [s.sentence() for s in checks.stubs]
    ctx.summary.drops = [d.sentence() for d in checks.drops]
    if checks.stubs and not ctx.log:
        marked = mark_incomplete(ctx.session, file_months, checks, ctx.upload_id)
        if marked:
            ctx.summary.notes.append(
                f"{marked:,} area-months held nothing for the incomplete months: marked incomplete in source file, not stored as figures"
            )
    summarise(ctx, file_months, checks)


def _load_long(ctx: LoadContext, reader: CsvReader, writer: CountWriter) -> tuple[FileMonths, MonthChecks]:
    cols = require_columns(reader, LONG_COLUMNS)
    file_months = read_long_months(reader, cols)
    checks = _check(ctx, file_months, wide=False)
    seen = SeenKeys()  # every key of the file, compactly: millions of rows stay flat in memory
    ctx.summary.notes.append("layout: long form (area_code, month, major_category, minor_category, count)")
    writer.expected = reader.lines
    for chunk in reader.chunks():
        ctx.summary.rows += len(chunk)
        frame = pd.DataFrame({"__row__": chunk["__row__"]})
        for name in LONG_COLUMNS:
            frame[name] = chunk[cols[name]]
        require_text(frame, "area_code", ctx.log)
        require_text(frame, "major_category", ctx.log)
        frame["month"] = parse_months(frame, "month", ctx.log)
        frame["count"] = parse_counts(frame, "count", ctx.log)
        dup = log_duplicates(frame, ["area_code", "month", "major_category", "minor_category"], seen, ctx.log, "row")
        writer.write(frame[~dup & frame["month"].notna() & frame["count"].notna()])
    return file_months, checks


def _load_met(ctx: LoadContext, reader: CsvReader, writer: CountWriter, layout: str) -> tuple[FileMonths, MonthChecks]:
    ward = layout == "met_ward"
    borough_col = "LookUp_BoroughName" if ward or "lookup_boroughname" in {c.lower() for c in reader.columns} else "BoroughName"
    required = ["MajorText", "MinorText", borough_col] + (["WardName", "WardCode"] if ward else [])
    cols = require_columns(reader, required)
    month_columns = [c for c in reader.columns if _MONTH_COLUMN.match(c)]
    not_months = [c for c in reader.columns if _MONTH_LIKE.match(c) and not _MONTH_COLUMN.match(c)]
    if not_months:
        raise LoadError(
            ctx.source.name,
            [
                Problem(1, c, c, "this column looks like a month but is not one: month columns are YYYYMM, e.g. 201604")
                for c in not_months
            ],
        )
    months = {c: f"{c[:4]}-{c[4:]}" for c in month_columns}
    ctx.summary.notes.append(
        f"layout: Met {'ward' if ward else 'borough'} file, {len(month_columns)} monthly columns "
        f"{months[month_columns[0]]} to {months[month_columns[-1]]}"
    )
    file_months = read_met_months(reader, cols, borough_col, month_columns, ward)
    checks = _check(ctx, file_months, wide=True)
    # A stub month is not written: figures held for it stay as they are.
    written = np.array([months[c] not in checks.stub_set for c in month_columns])
    seen = SeenKeys()  # every key of the file, compactly: millions of rows stay flat in memory
    unknown_names: set[str] = set()
    non_geographic: set[str] = set()
    ward_rows: dict[str, tuple[str, str, int]] = {}
    month_names = [m for m, w in zip(months.values(), written) if w]
    writer.expected = reader.lines * len(month_names)
    for chunk in reader.chunks(keep_spaces=month_columns):
        ctx.summary.rows += len(chunk)
        frame = pd.DataFrame(
            {"__row__": chunk["__row__"], "major_category": chunk[cols["MajorText"]], "minor_category": chunk[cols["MinorText"]]}
        )
        require_text(frame, "major_category", ctx.log)
        borough_names = chunk[cols[borough_col]]
        codes = {name: met_area_code(name) if name else None for name in borough_names.unique()}
        borough_codes = borough_names.map(codes)
        for row, name in zip(chunk["__row__"][borough_codes.isna()], borough_names[borough_codes.isna()]):
            ctx.log.add(
                int(row), borough_col, name, "not a London borough name (nor a Met non-geographic unit such as 'Unknown')"
            )
            unknown_names.add(name)
        non_geographic.update(n for n, c in codes.items() if c in MET_NON_GEOGRAPHIC)
        if ward:
            # A row of a non-geographic unit (the airports' Aviation Security, SO18) belongs to
            # the unit, whatever ward code it carries: the historical file gives Heathrow
            # Villages' code to both SO18 and Hillingdon rows, and they are different offences.
            unit = borough_codes.isin(list(MET_NON_GEOGRAPHIC)).to_numpy()
            frame["area_code"] = chunk[cols["WardCode"]].where(~unit, borough_codes)
            require_text(chunk[~unit], cols["WardCode"], ctx.log)
            _learn_wards(ctx, chunk[~unit], cols, borough_codes[~unit], ward_rows)
        else:
            frame["area_code"] = borough_codes
        key = ["area_code", "major_category", "minor_category"]
        dup = log_duplicates(frame.fillna({"area_code": ""}), key, seen, ctx.log, "row (same area and category)")
        # Blank cells mean no figure was published for that month: NaN, and not stored.
        counts = parse_count_block(chunk, month_columns, ctx.log)
        keep = (~dup & frame["area_code"].notna() & (frame["area_code"] != "")).to_numpy()
        writer.write_months(frame[keep], month_names, counts[keep][:, written])
    if non_geographic:
        names = ", ".join(sorted(non_geographic))
        ctx.summary.notes.append(
            f"rows for {names} are not boroughs: kept as non-geographic areas inside London so London totals stay right"
        )
    if ward:
        ctx.summary.notes.append(f"{len(ward_rows)} wards named in the file")
    return file_months, checks


def _learn_wards(ctx: LoadContext, chunk: pd.DataFrame, cols: dict[str, str], borough_codes: pd.Series, ward_rows: dict) -> None:
    wards = pd.DataFrame(
        {"row": chunk["__row__"], "code": chunk[cols["WardCode"]], "name": chunk[cols["WardName"]], "parent": borough_codes}
    )
    for row, code, name, parent in wards.drop_duplicates(["code", "name", "parent"]).itertuples(index=False):
        if not code or parent is None or pd.isna(parent):
            continue
        first = ward_rows.get(code)
        if first is None:
            ward_rows[code] = (name, parent, int(row))
            ctx.areas.learn(code, name or code, "ward", parent, vintage=MET_WARD_FILE_VINTAGE)
            ctx.areas.set_generation(code, MET_WARD_FILE_VINTAGE, only_if_unknown=True)  # one held before, of unknown generation
        elif first[1] != parent:
            ctx.log.add(
                int(row), "WardCode", code,
                f"this ward code is under {ctx.areas.areas.get(parent, (parent,))[0]} here and under "
                f"{ctx.areas.areas.get(first[1], (first[1],))[0]} in row {first[2]}: a ward belongs to one borough",
            )  # fmt: skip
        elif first[0] != name:
            ctx.log.add(int(row), "WardName", name, f"ward {code} was named {first[0]!r} in row {first[2]}")
