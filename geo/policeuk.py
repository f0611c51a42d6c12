"""``cspdash ingest policeuk FILE…``: data.police.uk bulk "street" CSVs (one month or many,
plain or zipped as downloaded) → ward × month × crime type counts.

"Anti-social behaviour" rows become ASB counts; every other crime type becomes a crime count
with major_category = the police.uk crime type (police.uk publishes no minor category).
Records with no location, or outside every loaded ward, are counted and reported, never
silently dropped; records with no location and those with no LSOA code are also counted per
force and month (``store.policeuk_months``).

The monthly archive from data.police.uk (a zip of ``YYYY-MM/YYYY-MM-<force>-street.csv`` for
many forces and months, beside ``-outcomes`` and ``-stop-and-search`` files, which are left
out and said so) is read member by member, straight from the zip. A force-month the archive
covers (its first to its last month) with no street file, or a file with no ASB rows, is a
gap in coverage for the force's wards: marked, never stored as zero.

Each force's records are their own part of a ward-month (``police.uk:<force>``, from the
"Reported by" column): the City of London Police's records placed in Camden wards replace
neither the Met's figures for those wards nor the Met's police.uk records there. The same
file placed again (in another ward vintage) replaces what it placed before.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.options import PoliceUkOptions, options_of
from geo.placement import SNAP_M, WardPlacer, choose_placer
from geo.vector import fail
from loaders.cells import parse_months, require_text
from loaders.context import LoadContext
from loaders.options import progress_of
from loaders.reading import CsvReader, OpenedZip, Source, ZipMember, require_columns
from rules.periods import months_between
from store.count_sources import PART_PREFIX, UNNAMED_FORCE, clear_earlier_placements
from store.policeuk_months import ForceMonth, Gap, mark_gaps, record_force_months

ASB_TYPE = "Anti-social behaviour"
REQUIRED = ["Month", "Longitude", "Latitude", "Crime type"]
OPTIONAL = ["LSOA code", "Reported by"]

_ZIP_MAGIC = b"PK\x03\x04"
# How police.uk names the files of its downloads: 2024-01/2024-01-cleveland-street.csv.
_ARCHIVE_NAME = re.compile(r"(?:^|/)(\d{4}-\d{2})-(.+?)-(street|outcomes|stop-and-search)\.csv$", re.IGNORECASE)
FORCE_NAME_CHARS = 54  # a count's part is 64 characters: "police.uk:" and the force
# Per force-month lines in a load's notes: an archive of every force over three years would
# give over a thousand; the rest are summed in one line (and held in the coverage record).
MAX_FORCE_MONTH_NOTES = 40
FORCE_MONTH_COUNTS = ("crime", "asb", "no_location", "no_lsoa")  # what is counted per force-month, in ForceMonth's order


KEY = ["ward", "month", "type", "part"]
# Bits of the packed key given to each column's number (ward, month, crime type, force part):
# 62 in all, so a key is one int64. Ample: a lookup holds tens of thousands of wards or LSOAs.
KEY_BITS = {"ward": 26, "month": 12, "type": 12, "part": 12}
# Chunks' counts are merged into the tally once this many are waiting: few enough to hold, many
# enough that merging (a sort of everything held) is rare.
MERGE_ROWS = 500_000
WRITE_ROWS = 250_000  # records handed to the count writer at a time


@dataclass
class Tally:
    """Counts for the whole load: the writer replaces area-months, so each key is written once.

    Each key (ward, month, type, part) is held as one int64, the four columns' numbers (an
    index into each column's values, numbered as first seen) packed together, with its count
    and first row, in three arrays merged as chunks arrive: the archive of every force over
    three years has millions of keys, which as a dict of tuples of strings took over a
    gigabyte, and as a pandas frame grouped at each merge most of one (18 million records)."""

    rows: int = 0
    unlocated: int = 0
    outside: int = 0
    by_lsoa: int = 0
    values: dict[str, dict[str, int]] = field(default_factory=lambda: {column: {} for column in KEY})
    # (key, n, first): keys in the order first seen
    held: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    waiting: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    waiting_rows: int = 0

    def add(self, frame: pd.DataFrame) -> None:
        key = np.zeros(len(frame), dtype=np.int64)
        for column in KEY:
            numbers = self._numbered(frame[column], self.values[column])
            bits = KEY_BITS[column]
            if len(self.values[column]) > 1 << bits:
                raise ValueError(f"more than {1 << bits:,} distinct values of {column} in one load")
            key = (key << bits) | numbers
        rows = frame["__row__"].to_numpy(dtype=np.int64)
        grouped = _grouped(key, np.ones(len(key), dtype=np.int64), rows, np.minimum)
        self.waiting.append(grouped)
        self.waiting_rows += len(grouped[0])
        if self.waiting_rows >= MERGE_ROWS:
            self._merge()

    @staticmethod
    def _numbered(column: pd.Series, seen: dict[str, int]) -> np.ndarray:
        codes, uniques = pd.factorize(column)
        numbers = np.array([seen.setdefault(value, len(seen)) for value in uniques], dtype=np.int64)
        return numbers[codes] if len(numbers) else np.zeros(len(codes), dtype=np.int64)

    def _merge(self) -> None:
        if not self.waiting:
            return
        parts = ([self.held] if self.held is not None else []) + self.waiting
        self.waiting, self.waiting_rows = [], 0
        # In order: a key's first row is the one from the chunk it was first seen in.
        key, n, first = (np.concatenate([part[i] for part in parts]) for i in range(3))
        del parts
        self.held = _grouped(key, n, first, None)

    def keys(self, asb: bool | None = None) -> pd.DataFrame:
        """Every key held with its count and first row, the columns as read; ``asb``: only
        the keys of anti-social behaviour (True) or of crime (False)."""
        self._merge()
        if self.held is None:
            return pd.DataFrame({**{column: pd.Series(dtype=object) for column in KEY}, "n": [], "first": []})
        key, n, first = self.held
        numbers: dict[str, np.ndarray] = {}
        for column in reversed(KEY):
            numbers[column] = key & ((1 << KEY_BITS[column]) - 1)
            key = key >> KEY_BITS[column]
        if asb is not None:
            asb_number = self.values["type"].get(ASB_TYPE, -1)
            wanted = (numbers["type"] == asb_number) == asb
            numbers = {column: held[wanted] for column, held in numbers.items()}
            n, first = n[wanted], first[wanted]
        out = pd.DataFrame({column: self._names(column)[numbers[column]] for column in KEY})
        out["n"], out["first"] = n, first
        return out

    def _names(self, column: str) -> np.ndarray:
        names = np.empty(len(self.values[column]), dtype=object)
        for value, number in self.values[column].items():
            names[number] = value
        return names

    def placings(self) -> set[tuple[str, str, str]]:
        """Each (ward, month, part) the load places records in."""
        keys = self.keys()
        return set(keys[["ward", "month", "part"]].drop_duplicates().itertuples(index=False, name=None))

    def records(self, asb: bool) -> pd.DataFrame:
        keys = self.keys(asb)
        frame = pd.DataFrame(
            {
                "__row__": keys["first"].to_numpy(),
                "area_code": keys["ward"].to_numpy(),
                "month": keys["month"].to_numpy(),
                "category": keys["type"].to_numpy(),
                "part": keys["part"].to_numpy(),
                "count": keys["n"].to_numpy(),
            }
        )
        if asb:
            return frame
        return frame.rename(columns={"category": "major_category"}).assign(minor_category="")


def _grouped(
    key: np.ndarray, n: np.ndarray, first: np.ndarray, first_of: np.ufunc | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(key, n, first) with one entry per key, in the order each key first appears: ``n``
    summed, ``first`` reduced by ``first_of`` (``np.minimum``), or the first appearance's."""
    if not len(key):
        return key, n, first
    order = np.argsort(key, kind="stable")  # stable: a key's entries keep their order
    sorted_keys = key[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    sums = np.add.reduceat(n[order], starts)
    firsts = first_of.reduceat(first[order], starts) if first_of is not None else first[order][starts]
    appearance = np.argsort(order[starts], kind="stable")  # back to the order first seen
    return sorted_keys[starts][appearance], sums[appearance], firsts[appearance]


@dataclass
class ForceMonths:
    """Per force and month: records of each kind, and those with no location or no LSOA code;
    and, for an archive, which street files it held (gaps are the months it lacks)."""

    counts: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    files: dict[str, set[str]] = field(default_factory=dict)  # force (as named in the archive) → months with a file
    names: dict[str, Counter[str]] = field(default_factory=dict)  # force in the archive's names → "Reported by"

    def add(self, frame: pd.DataFrame, located: pd.Series) -> None:
        dated = frame["month"].notna()
        parts = pd.DataFrame(
            {
                "force": frame["force"],
                "month": frame["month"],
                "asb": frame["type"] == ASB_TYPE,
                "crime": (frame["type"] != ASB_TYPE) & (frame["type"] != ""),
                "no_location": ~located,
                "no_lsoa": frame["lsoa"] == "",
            }
        )[dated]
        sums = parts.groupby(["force", "month"])[list(FORCE_MONTH_COUNTS)].sum()
        for key, values in zip(sums.index, sums.itertuples(index=False, name=None)):
            self.counts.setdefault(key, Counter()).update(dict(zip(FORCE_MONTH_COUNTS, map(int, values))))

    def add_file(self, member: ArchiveMember, frame: pd.DataFrame | None) -> None:
        self.files.setdefault(member.force, set()).add(member.month)
        names = self.names.setdefault(member.force, Counter())
        if frame is not None:
            names.update(str(name) for name in frame["force"])

    def seen(self) -> list[ForceMonth]:
        """Every force-month the load covers: with its records, or as a month with no file."""
        out = {key: ForceMonth(key[0], key[1], True, *(c[k] for k in FORCE_MONTH_COUNTS)) for key, c in self.counts.items()}
        months = sorted({m for held in self.files.values() for m in held})
        for force, held in self.files.items():
            name = self._name(force)
            for month in months_between(months[0], months[-1]) if months else []:
                if (name, month) not in out:
                    out[(name, month)] = ForceMonth(name, month, month in held)
        return [out[k] for k in sorted(out)]

    def _name(self, force: str) -> str:
        """The force's name as its records give it ("Cleveland Police"), else as the archive's
        file names do ("cleveland")."""
        named = self.names.get(force)
        return named.most_common(1)[0][0] if named else force[:FORCE_NAME_CHARS]


@dataclass(frozen=True)
class ArchiveMember:
    """A file of a police.uk download: its month and force as its name gives them."""

    source: Source
    prefix: str  # names it in problem reports
    month: str = ""
    force: str = ""


@dataclass
class Archive:
    """What a zip holds: the street files to read, and how many others are left out."""

    street: list[ArchiveMember]
    left_out: Counter[str] = field(default_factory=Counter)
    opened: OpenedZip | None = None  # the zip, opened once for every member; closed after the load

    def close(self) -> None:
        if self.opened is not None:
            self.opened.close()


def load_policeuk(ctx: LoadContext) -> None:
    options = options_of(ctx.source, PoliceUkOptions)
    archive = _archive(ctx.source)
    try:
        _read_archive(ctx, options, archive)
    finally:
        archive.close()


def _read_archive(ctx: LoadContext, options: PoliceUkOptions, archive: Archive) -> None:
    tally = Tally()
    by_force = ForceMonths()
    placer: WardPlacer | None = None
    progress = progress_of(ctx.source)
    for number, member in enumerate(archive.street, start=1):
        reader = CsvReader.open(member.source)
        ctx.summary.encoding = reader.encoding
        cols = require_columns(reader, REQUIRED, OPTIONAL)
        read_any = False
        told = tally.rows
        for chunk in reader.chunks():
            frame = _frame(chunk, cols, member.prefix)
            tally.rows += len(frame)
            if tally.rows - told >= progress.every:
                told = tally.rows
                progress.tell(f"{_member_name(member, number, len(archive.street))}: {tally.rows:,} rows read in all")
            require_text(frame, member.prefix + "Crime type", ctx.log)
            frame["month"] = parse_months(frame, member.prefix + "Month", ctx.log)
            located = _locate(ctx, frame, member.prefix)
            by_force.add(frame, located)
            if member.force:
                by_force.add_file(member, frame)
                read_any = True
            if placer is None:
                placer = _first_placer(ctx, options, frame, located)
            frame["ward"] = _place(placer, frame, located, tally)
            frame = frame[frame["ward"].notna() & frame["month"].notna() & (frame["type"] != "")]
            tally.add(frame)
        if member.force and not read_any:
            by_force.add_file(member, None)  # a header and nothing under it: the month has no records
        progress.tell(f"{_member_name(member, number, len(archive.street))}: {tally.rows:,} rows read in all")
    if placer is None:
        raise fail(ctx.source.name, "the file holds no records")
    _write(ctx, tally, placer, len(archive.street))
    _write_force_months(ctx, by_force.seen())
    if archive.left_out:
        kinds = ", ".join(f"{n:,} {kind}" for kind, n in sorted(archive.left_out.items()))
        ctx.summary.notes.append(f"left out of the zip ({kinds} files): only the street files are loaded")


def _member_name(member: ArchiveMember, number: int, members: int) -> str:
    """How a progress line names the file being read: a zip's member and how far through."""
    if members == 1:
        return "file"
    return f"file {number:,} of {members:,} ({member.source.name.rsplit('/', 1)[-1]})"


def _archive(source: Source) -> Archive:
    """Each CSV to read with the prefix that names it in problem reports (zips hold many),
    read straight from the zip: a download of every force is gigabytes."""
    with source.open_raw() as raw:
        zipped = raw.read(4) == _ZIP_MAGIC
    if not zipped:
        return Archive([ArchiveMember(source, "")])
    try:
        opened = OpenedZip(source)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise fail(source.name, "the zip file is damaged and cannot be opened (download it again)") from exc
    try:
        return _members(source, opened)
    except BaseException:
        opened.close()
        raise


def _members(source: Source, opened: OpenedZip) -> Archive:
    listed = opened.zip.namelist()
    names = sorted(n for n in listed if n.lower().endswith(".csv") and not n.startswith("__MACOSX/"))
    if not names:
        raise fail(source.name, "the zip holds no CSV files", ", ".join(listed[:5]))
    archive = Archive([], opened=opened)
    for name in names:
        match = _ARCHIVE_NAME.search(name)
        kind = match.group(3).lower() if match else None
        if kind is not None and kind != "street":
            # A police.uk download also holds outcomes and stop-and-search files: street files only.
            archive.left_out[kind] += 1
            continue
        member = ZipMember(name=name, limits=source.limits, archive=source, member=name, opened=opened)
        month, force = (match.group(1), match.group(2).lower()) if match else ("", "")
        archive.street.append(ArchiveMember(member, f"{name}: ", month, force))
    if not archive.street:
        raise fail(source.name, "the zip holds no police.uk street files", ", ".join(names[:5]))
    named = [m for m in archive.street if m.force]
    if named and len(named) < len(archive.street):
        # A police.uk download: CSVs not named like its street files are not street records.
        archive.left_out["other CSV"] += len(archive.street) - len(named)
        archive.street = named
    return archive


def _frame(chunk: pd.DataFrame, cols: dict[str, str], prefix: str) -> pd.DataFrame:
    frame = pd.DataFrame({"__row__": chunk["__row__"], "type": chunk[cols["Crime type"]]})
    for name in ["Month", "Longitude", "Latitude", "Crime type"]:
        frame[prefix + name] = chunk[cols[name]]  # named as the analyst sees it, for problem reports
    frame["lsoa"] = chunk[cols["LSOA code"]] if "LSOA code" in cols else ""
    force = chunk[cols["Reported by"]].str.strip() if "Reported by" in cols else pd.Series("", index=chunk.index)
    frame["force"] = force.where(force != "", UNNAMED_FORCE).str.slice(0, FORCE_NAME_CHARS)
    frame["part"] = PART_PREFIX + frame["force"]
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
    placing = tally.placings()
    cleared = clear_earlier_placements(ctx.session, summary.sha256, ctx.upload_id, placing)
    if cleared:
        summary.notes.append(
            f"this file was loaded before: the {cleared:,} values it placed then, in the same months, are replaced"
        )
    writers = []
    for kind, is_asb in (("crime", False), ("asb", True)):
        writer = ctx.count_writer(kind)
        records = tally.records(is_asb)
        # In slices: the writer copies what it is given on its way to the database (millions
        # of keys for an archive of every force), and a slice's area-months are cleared once.
        for start in range(0, len(records), WRITE_ROWS):
            writer.write(records.iloc[start : start + WRITE_ROWS])
        writer.close()
        writers.append(writer)
    ctx.drain()  # the writers' "replaced" counts are final only once the deletes have run
    if not cleared:  # placements cleared elsewhere emptied area-months: the record is worked out whole
        for writer in writers:
            ctx.note_loaded(writer)
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


def _write_force_months(ctx: LoadContext, seen: list[ForceMonth]) -> None:
    """Hold the load's force-months, mark the gaps, and say per force and month what was
    missing and which records had no location or no LSOA code."""
    record_force_months(ctx.session, seen, ctx.upload_id)
    gaps = mark_gaps(ctx.session, ctx.upload_id)
    loaded = {(f.force, f.month) for f in seen}
    lines = [_gap_line(g) for g in gaps if (g.force_month.force, g.force_month.month) in loaded]
    lines += [_unlocated_line(f) for f in seen if f.no_location or f.no_lsoa]
    ctx.summary.notes += lines[:MAX_FORCE_MONTH_NOTES]
    if len(lines) > MAX_FORCE_MONTH_NOTES:
        ctx.summary.notes.append(f"and {len(lines) - MAX_FORCE_MONTH_NOTES:,} more force-months like these")


def _gap_line(gap: Gap) -> str:
    item = gap.force_month
    why = "no street file in the download" if not item.has_file else f"no {'ASB' if gap.source == 'asb' else 'crime'} rows"
    what = "ASB" if gap.source == "asb" else "crime"
    return f"{item.force} {item.month}: {why}, so {what} there is a gap in coverage (not zero) for the force's {gap.wards} wards"


def _unlocated_line(item: ForceMonth) -> str:
    total = item.crime_records + item.asb_records
    return (
        f"{item.force} {item.month}: of {total:,} records, {item.no_location:,} had no location and {item.no_lsoa:,} no LSOA code"
    )
