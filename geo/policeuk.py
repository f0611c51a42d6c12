"""``cspdash ingest policeuk FILE…``: data.police.uk bulk "street" CSVs (one month or many,
plain or zipped as downloaded) → ward × month × crime type counts.

"Anti-social behaviour" rows become ASB counts; every other crime type becomes a crime count
with major_category = the police.uk crime type (police.uk publishes no minor category).
Records with no location, or outside every loaded ward, are counted and reported, never
silently dropped.

Each force's records are their own part of a ward-month (``police.uk:<force>``, from the
"Reported by" column): the City of London Police's records placed in Camden wards replace
neither the Met's figures for those wards nor the Met's police.uk records there. The same
file placed again (in another ward vintage) replaces what it placed before.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from geo.options import PoliceUkOptions, options_of
from geo.placement import SNAP_M, WardPlacer, choose_placer
from geo.vector import fail
from loaders.cells import parse_months, require_text
from loaders.context import LoadContext
from loaders.reading import CsvReader, Source, require_columns
from store.count_sources import PART_PREFIX, UNNAMED_FORCE, clear_earlier_placements

ASB_TYPE = "Anti-social behaviour"
REQUIRED = ["Month", "Longitude", "Latitude", "Crime type"]
OPTIONAL = ["LSOA code", "Reported by"]

_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Tally:
    """Counts for the whole load: the writer replaces area-months, so each key is written once."""

    counts: dict[tuple[str, str, str, str], list[int]] = field(default_factory=dict)  # (ward, month, type, part) → [n, first row]
    rows: int = 0
    unlocated: int = 0
    outside: int = 0
    by_lsoa: int = 0

    def add(self, frame: pd.DataFrame) -> None:
        grouped = frame.groupby(["ward", "month", "type", "part"]).agg(n=("__row__", "size"), first=("__row__", "min"))
        for key, n, first in zip(grouped.index, grouped["n"], grouped["first"]):
            held = self.counts.setdefault(key, [0, int(first)])
            held[0] += int(n)

    def records(self, asb: bool) -> pd.DataFrame:
        rows = [
            (first, ward, month, kind, part, n)
            for (ward, month, kind, part), (n, first) in self.counts.items()
            if (kind == ASB_TYPE) == asb
        ]
        frame = pd.DataFrame(rows, columns=["__row__", "area_code", "month", "category", "part", "count"])
        if asb:
            return frame
        return frame.rename(columns={"category": "major_category"}).assign(minor_category="")


def load_policeuk(ctx: LoadContext) -> None:
    options = options_of(ctx.source, PoliceUkOptions)
    tally = Tally()
    placer: WardPlacer | None = None
    members = 0
    for member, prefix in _members(ctx.source):
        members += 1
        reader = CsvReader.open(member)
        ctx.summary.encoding = reader.encoding
        cols = require_columns(reader, REQUIRED, OPTIONAL)
        for chunk in reader.chunks():
            frame = _frame(chunk, cols, prefix)
            tally.rows += len(frame)
            require_text(frame, prefix + "Crime type", ctx.log)
            frame["month"] = parse_months(frame, prefix + "Month", ctx.log)
            located = _locate(ctx, frame, prefix)
            if placer is None:
                placer = _first_placer(ctx, options, frame, located)
            frame["ward"] = _place(placer, frame, located, tally)
            frame = frame[frame["ward"].notna() & frame["month"].notna() & (frame["type"] != "")]
            tally.add(frame)
    if placer is None:
        raise fail(ctx.source.name, "the file holds no records")
    _write(ctx, tally, placer, members)


def _members(source: Source) -> Iterator[tuple[Source, str]]:
    """Each CSV to read and the prefix that names it in problem reports (zips hold many)."""
    with source.open_raw() as raw:
        zipped = raw.read(4) == _ZIP_MAGIC
    if not zipped:
        yield source, ""
        return
    try:
        with source.open_raw() as raw, zipfile.ZipFile(raw) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv") and not n.startswith("__MACOSX/")]
            # A police.uk download also holds outcomes and stop-and-search files: street files only.
            street = [n for n in names if n.lower().endswith("-street.csv")] or names
            if not street:
                raise fail(source.name, "the zip holds no CSV files", ", ".join(archive.namelist()[:5]))
            for name in sorted(street):
                yield Source.from_bytes(name, archive.read(name)), f"{name}: "
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise fail(source.name, "the zip file is damaged and cannot be opened (download it again)") from exc


def _frame(chunk: pd.DataFrame, cols: dict[str, str], prefix: str) -> pd.DataFrame:
    frame = pd.DataFrame({"__row__": chunk["__row__"], "type": chunk[cols["Crime type"]]})
    for name in ["Month", "Longitude", "Latitude", "Crime type"]:
        frame[prefix + name] = chunk[cols[name]]  # named as the analyst sees it, for problem reports
    frame["lsoa"] = chunk[cols["LSOA code"]] if "LSOA code" in cols else ""
    force = chunk[cols["Reported by"]].str.strip() if "Reported by" in cols else pd.Series("", index=chunk.index)
    frame["part"] = PART_PREFIX + force.where(force != "", UNNAMED_FORCE).str.slice(0, 54)  # part is 64 characters
    return frame


def _locate(ctx: LoadContext, frame: pd.DataFrame, prefix: str) -> pd.Series:
    """Mask of records with a usable point; fills ``lon``/``lat``. Blank = no location (police.uk
    publishes some records unlocated); anything else unreadable is a problem in the file."""
    ok = pd.Series(True, index=frame.index)
    for name, limit, target in (("Longitude", 180, "lon"), ("Latitude", 90, "lat")):
        raw = frame[prefix + name]
        value = pd.to_numeric(raw, errors="coerce")
        blank = raw == ""
        bad = (value.isna() & ~blank) | (value.abs() > limit)
        for row, text in zip(frame.loc[bad, "__row__"], raw[bad]):
            ctx.log.add(int(row), prefix + name, text, f"not a {name.lower()} in degrees")
        frame[target] = value
        ok &= value.notna() & ~bad
    return ok


def _first_placer(ctx: LoadContext, options: PoliceUkOptions, frame: pd.DataFrame, located: pd.Series) -> WardPlacer:
    """The ward vintage is chosen once, from the first chunk (police.uk zips hold one month per
    file, oldest first), so a download spanning a ward redraw needs --vintage to say which."""
    sample = frame[located].head(5000)
    months = frame["month"].dropna()
    max_year = int(months.max()[:4]) if len(months) else None
    return choose_placer(ctx.session, options.vintage, sample["lon"], sample["lat"], max_year, ctx.source.name)


def _place(placer: WardPlacer, frame: pd.DataFrame, located: pd.Series, tally: Tally) -> pd.Series:
    wards = pd.Series(None, index=frame.index, dtype=object)
    placed = placer.by_point(frame.loc[located, "lon"], frame.loc[located, "lat"])
    wards.loc[placed.index] = placed.values
    # Points first (exact for the chosen vintage); the best-fit LSOA lookup only for the rest.
    rest = wards.isna() & (frame["lsoa"] != "")
    if placer.lookup and rest.any():
        found = placer.by_lsoa(frame.loc[rest, "lsoa"])
        wards.loc[found.index] = found.values
        tally.by_lsoa += int(found.notna().sum())
    unplaced = wards.isna()
    tally.unlocated += int((unplaced & ~located).sum())
    tally.outside += int((unplaced & located).sum())
    return wards


def _write(ctx: LoadContext, tally: Tally, placer: WardPlacer, members: int) -> None:
    summary = ctx.summary
    summary.rows = tally.rows
    # Placed before (in another ward vintage, say), this same file's records are replaced,
    # not added to: one file, one load.
    placing = {(ward, month, part) for (ward, month, _, part) in tally.counts}
    cleared = clear_earlier_placements(ctx.session, summary.sha256, ctx.upload_id, placing)
    if cleared:
        summary.notes.append(
            f"this file was loaded before: the {cleared:,} values it placed then, in the same months, are replaced"
        )
    writers = []
    for kind, is_asb in (("crime", False), ("asb", True)):
        writer = ctx.count_writer(kind)
        records = tally.records(is_asb)
        if len(records):
            writer.write(records)
        writer.close()
        writers.append(writer)
    ctx.drain()  # the writers' "replaced" counts are final only once the deletes have run
    crime, asb = writers
    summary.stored = crime.stored + asb.stored
    summary.replaced = crime.replaced + asb.replaced
    summary.total = crime.total + asb.total
    summary.periods = sorted(crime.months | asb.months)
    summary.areas = len(crime.area_codes | asb.area_codes)
    summary.notes += [
        f"{crime.total:,} crime records and {asb.total:,} ASB records placed in {summary.areas} wards",
        placer.reason,
        f"{tally.unlocated:,} records had no location; {tally.outside:,} fell outside every loaded ward",
    ]
    if placer.snapped:
        summary.notes.append(
            f"{placer.snapped:,} records lay in hairline gaps between wards (within {SNAP_M:g} m) and went to the nearest ward"
        )
    if tally.by_lsoa:
        summary.notes.append(f"{tally.by_lsoa:,} records placed through the LSOA→ward lookup")
    if members > 1:
        summary.notes.append(f"read {members} street files from the zip")
