"""Open an analyst's CSV however it arrives: path or uploaded bytes, plain or gzip, UTF-8
(with or without BOM) or Windows-1252 from Excel; read it in chunks so memory stays flat.

Hostile files are stopped before they can hurt the service: caps on the decompressed size,
the number of columns and the length of a field (``LoadLimits``, raised by settings), and
text with NUL or other control characters is refused with its row and column."""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO

import pandas as pd

from loaders.errors import LoadError, Problem, ProblemLimitReached, ProblemLog
from settings import Settings

CHUNK_CELLS = 200_000  # cells per chunk: wide files with many month columns get fewer rows
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
# C0 controls other than tab, line feed and carriage return, and DEL: never meant in a CSV cell
# (PostgreSQL refuses NUL in text outright). In UTF-8 and Windows-1252 these bytes are these characters.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_TEXT = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


@dataclass(frozen=True)
class LoadLimits:
    """Caps that keep one hostile or broken file from taking the service down. Each has a
    setting to raise it (see settings.py and the README)."""

    max_bytes: int = 500 * 1024 * 1024  # decompressed
    # A spreadsheet is a zip of XML far larger than the figures it holds (the Home Office CSP
    # tables: about 50 MB as .ods, over 1 GB unpacked), so it has a cap of its own.
    max_unpacked_bytes: int = 2048 * 1024 * 1024
    max_columns: int = 2_000
    max_field_chars: int = 10_000
    max_problems: int = 1_000
    lock_wait_seconds: float = 60.0  # how long a load waits for another to finish

    @classmethod
    def from_settings(cls, settings: Settings) -> LoadLimits:
        return cls(
            max_bytes=settings.max_file_mb * 1024 * 1024,
            max_unpacked_bytes=settings.max_unpacked_mb * 1024 * 1024,
            max_columns=settings.max_columns,
            max_field_chars=settings.max_field_chars,
            max_problems=settings.max_problems,
            lock_wait_seconds=settings.load_wait_seconds,
        )

    @property
    def max_line_bytes(self) -> int:
        # A line can hold at most every column at the longest field (4 bytes a character in UTF-8).
        return self.max_columns * (self.max_field_chars * 4 + 3)


class _CappedStream(io.RawIOBase):
    """A decompressed stream that stops with a clear error past ``limit`` bytes: a small gzip
    can expand to gigabytes."""

    def __init__(self, name: str, inner: BinaryIO, limit: int, setting: str = "CSPDASH_MAX_FILE_MB") -> None:
        self._name, self._inner, self._limit, self._read = name, inner, limit, 0
        self._setting = setting  # the setting that raises this cap

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._inner.read(len(buffer))
        self._read += len(data)
        if self._read > self._limit:
            raise LoadError(
                self._name,
                [
                    Problem(
                        None,
                        None,
                        None,
                        f"the file is larger than {self._limit / 1024 / 1024:,.0f} MB once decompressed; "
                        f"split it, or raise {self._setting}",
                    )
                ],
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


@dataclass(frozen=True)
class Source:
    """A file to load: a path on disk, or bytes from the upload page with their file name."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    limits: LoadLimits = field(default_factory=LoadLimits)

    @classmethod
    def from_path(cls, path: str | Path) -> Source:
        path = Path(path)
        return cls(name=path.name, path=path)

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> Source:
        return cls(name=name, data=data)

    def open_raw(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        try:
            return open(self.path, "rb")  # caller closes
        except OSError as exc:
            raise LoadError(self.name, [Problem(None, None, None, f"cannot open the file: {exc.strerror}")]) from exc

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.open_raw() as raw:
            for block in iter(lambda: raw.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    def open_binary(self) -> BinaryIO:
        """The file's content, decompressed if it is gzip or a zip holding one CSV."""
        raw = self.open_raw()
        head = raw.read(4)
        raw.seek(0)
        if head[:2] == _GZIP_MAGIC:
            inner: BinaryIO = gzip.GzipFile(fileobj=raw)  # type: ignore[assignment]
        elif head == _ZIP_MAGIC:
            inner = _open_single_csv_in_zip(self.name, raw)
        else:
            inner = raw
        return io.BufferedReader(_CappedStream(self.name, inner, self.limits.max_bytes), 1 << 16)


@dataclass(frozen=True)
class ZipMember(Source):
    """One file inside a zip of many (the police.uk archive), read straight from the zip each
    time it is opened: never unpacked whole, so an archive of gigabytes reads in the memory of
    one chunk. Each member is capped on its own by the unpacked-size cap
    (``CSPDASH_MAX_UNPACKED_MB``), checked against what the zip declares before reading and
    against what is actually read."""

    archive: Source | None = None
    member: str = ""
    # The zip opened once for all its members (``OpenedZip``): opening the zip again for each
    # member reads its whole directory each time, which for the archive of every force over
    # three years (thousands of files) cost more than reading the records.
    opened: OpenedZip | None = field(default=None, compare=False, repr=False)

    def open_raw(self) -> BinaryIO:
        assert self.archive is not None
        if self.opened is not None:
            return self._member_stream(self.opened.zip, None)
        raw = self.archive.open_raw()
        try:
            return self._member_stream(zipfile.ZipFile(raw), raw)
        except BaseException:
            raw.close()
            raise

    def _member_stream(self, archive: zipfile.ZipFile, raw: BinaryIO | None) -> BinaryIO:
        """The member's stream. Given ``raw`` (a zip opened for this member alone), closing the
        stream closes the zip and its file too; a zip shared by the members stays open."""
        try:
            size = archive.getinfo(self.member).file_size
            if size > self.limits.max_unpacked_bytes:
                raise LoadError(
                    self.name,
                    [
                        Problem(
                            None,
                            None,
                            f"{size / 1024 / 1024:,.0f} MB",
                            f"this file in the zip unpacks to more than {self.limits.max_unpacked_bytes / 1024 / 1024:,.0f} MB; "
                            "raise CSPDASH_MAX_UNPACKED_MB to load it",
                        )
                    ],
                )
            member = archive.open(self.member)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
            raise LoadError(self.name, [Problem(None, None, None, f"this file in the zip cannot be read ({exc})")]) from exc
        if raw is None:
            return io.BufferedReader(_MemberStream(member), 1 << 16)
        return io.BufferedReader(_MemberStream(member, archive, raw), 1 << 16)

    def open_binary(self) -> BinaryIO:
        limit = self.limits.max_unpacked_bytes
        return io.BufferedReader(_CappedStream(self.name, self.open_raw(), limit, "CSPDASH_MAX_UNPACKED_MB"), 1 << 16)


class OpenedZip:
    """A zip opened once and shared by the members read from it, one after another; closed by
    whoever opened it (a ``with`` block) once every member has been read."""

    def __init__(self, source: Source) -> None:
        self._raw = source.open_raw()
        try:
            self.zip = zipfile.ZipFile(self._raw)
        except BaseException:
            self._raw.close()
            raise

    def __enter__(self) -> OpenedZip:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.zip.close()
        self._raw.close()


class _MemberStream(io.RawIOBase):
    """A zip member's stream that, closed, closes its zip and the archive's file too when it
    was given them (a zip opened for this member alone)."""

    def __init__(self, member: IO[bytes], archive: zipfile.ZipFile | None = None, raw: BinaryIO | None = None) -> None:
        self._member, self._archive, self._raw = member, archive, raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._member.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        for part in (self._member, self._archive, self._raw):
            if part is not None:
                part.close()
        super().close()


def _open_single_csv_in_zip(name: str, raw: BinaryIO) -> BinaryIO:
    try:
        archive = zipfile.ZipFile(raw)
        members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
    except zipfile.BadZipFile as exc:
        raise LoadError(name, [Problem(None, None, None, "the zip file is damaged and cannot be opened")]) from exc
    if len(members) != 1:
        raise LoadError(name, [Problem(None, None, None, f"expected one CSV inside the zip, found {len(members)}")])
    return archive.open(members[0])  # type: ignore[return-value]


@dataclass
class FileScan:
    """What one streamed pass over the file found, before any parsing."""

    encoding: str = "utf-8"
    lines: int = 0
    longest_line: int = 0  # bytes
    has_control: bool = False


def scan_file(source: Source) -> FileScan:
    """UTF-8 (BOM or not) if the whole file decodes as UTF-8, otherwise Windows-1252; the
    number of lines (how big the load will be), the longest line and whether any control
    character is present, so the parse can skip checks no cell could fail. Streams the file
    in 1 MB blocks, so a line that never ends cannot exhaust memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    scan = FileScan()
    first = True
    bom = False
    utf8 = True
    run = 0  # bytes since the last line break
    limit = source.limits.max_line_bytes
    try:
        with source.open_binary() as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                if first:
                    bom = block.startswith(codecs.BOM_UTF8)
                    first = False
                breaks = block.count(b"\n")
                if breaks:
                    parts = block.split(b"\n")
                    lengths = [run + len(parts[0]), *map(len, parts[1:])]
                    run = lengths.pop()  # the last line goes on into the next block
                    longest = max(lengths)
                    scan.longest_line = max(scan.longest_line, longest)
                    if longest > limit:
                        _line_too_long(source, scan.lines + lengths.index(longest) + 1, limit)
                else:
                    run += len(block)
                if run > limit:
                    _line_too_long(source, scan.lines + breaks + 1, limit)
                scan.longest_line = max(scan.longest_line, run)
                scan.lines += breaks
                if not scan.has_control and _CONTROL_BYTES.search(block):
                    scan.has_control = True
                if utf8:
                    try:
                        decoder.decode(block)
                    except UnicodeDecodeError:
                        utf8 = False
            if utf8:
                decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        utf8 = False
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise LoadError(source.name, [Problem(None, None, None, f"the file is damaged or not a CSV ({exc})")]) from exc
    scan.encoding = ("utf-8-sig" if bom else "utf-8") if utf8 else _check_cp1252(source)
    return scan


def _line_too_long(source: Source, row: int, limit: int) -> None:
    raise LoadError(
        source.name,
        [
            Problem(
                row,
                None,
                None,
                f"this row is longer than {limit:,} bytes (over {source.limits.max_columns:,} columns "
                f"of {source.limits.max_field_chars:,} characters): not a CSV we can read",
            )
        ],
    )


def detect_encoding(source: Source) -> tuple[str, int]:
    """The file's encoding and its number of lines (see ``scan_file``)."""
    scan = scan_file(source)
    return scan.encoding, scan.lines


def _check_cp1252(source: Source) -> str:
    with source.open_binary() as stream:
        data_row = 1
        for line in stream:
            try:
                line.decode("cp1252")
            except UnicodeDecodeError as exc:
                bad = line[exc.start : exc.start + 1].hex()
                raise LoadError(
                    source.name,
                    [
                        Problem(
                            data_row,
                            None,
                            f"byte 0x{bad}",
                            "the file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8",
                        )
                    ],
                ) from exc
            data_row += 1
    return "cp1252"


@dataclass
class CsvReader:
    """Header and chunks of a CSV, every cell a stripped string; ``row`` numbers match Excel's."""

    source: Source
    encoding: str
    columns: list[str]
    chunk_rows: int = 0
    lines: int = 0  # newlines in the file: an upper bound on its data rows, plus one
    scan: FileScan = field(default_factory=FileScan)
    log: ProblemLog | None = None  # the load's log: reading stops once it holds too many problems

    @classmethod
    def open(cls, source: Source, chunk_rows: int = 0, log: ProblemLog | None = None) -> CsvReader:
        scan = scan_file(source)
        limits = source.limits
        with source.open_binary() as stream:
            text = io.TextIOWrapper(stream, encoding=scan.encoding, newline="")
            try:
                header = next(csv.reader(text), None)
            except csv.Error as exc:  # e.g. a header field past the csv module's own 128 KB limit
                raise LoadError(source.name, [Problem(1, None, None, f"the header row cannot be read: {exc}")]) from exc
        columns = [c.strip().lstrip("\ufeff").strip() for c in header or []]
        if not any(columns):
            raise LoadError(source.name, [Problem(None, None, None, "the file is empty: no header row")])
        if len(columns) > limits.max_columns:
            raise LoadError(
                source.name,
                [
                    Problem(
                        1,
                        None,
                        f"{len(columns):,} columns",
                        f"more than {limits.max_columns:,} columns; "
                        "no file we load has so many (raise CSPDASH_MAX_COLUMNS if this one really does)",
                    )
                ],
            )
        long = [Problem(1, f"column {i + 1}", c[:60] + "…", f"a column name longer than {limits.max_field_chars:,} characters")
                for i, c in enumerate(columns) if len(c) > limits.max_field_chars]  # fmt: skip
        control = [
            Problem(1, f"column {i + 1}", repr(c[:60]), _CONTROL_REASON)
            for i, c in enumerate(columns)
            if re.search(_CONTROL_TEXT, c)
        ]
        if long or control:
            raise LoadError(source.name, long + control)
        return cls(source, scan.encoding, columns, chunk_rows or max(500, CHUNK_CELLS // len(columns)), scan.lines, scan, log)

    def chunks(self, keep_spaces: Sequence[str] = ()) -> Iterator[pd.DataFrame]:
        """DataFrames of strings, with a ``__row__`` column; wholly blank rows are dropped.

        Every cell is stripped of surrounding spaces except in ``keep_spaces``: columns the
        caller parses as numbers (which allow the spaces), since stripping every cell of a
        wide file costs more than the rest of reading it."""
        strip = [c for c in self.columns if c not in set(keep_spaces)]
        with self.source.open_binary() as stream:
            text = io.TextIOWrapper(stream, encoding=self.encoding, newline="")
            try:
                reader = pd.read_csv(
                    text,
                    dtype=str,
                    keep_default_na=False,
                    na_filter=False,
                    skip_blank_lines=False,
                    chunksize=self.chunk_rows,
                    header=0,
                    names=self.columns,
                )
                for chunk in reader:
                    if self.log is not None and self.log.total >= self.source.limits.max_problems:
                        raise ProblemLimitReached()
                    chunk[strip] = chunk[strip].apply(lambda s: s.str.strip())
                    chunk["__row__"] = chunk.index + 2
                    self._check_cells(chunk)
                    blank = (chunk[strip] == "").all(axis=1)
                    if blank.any() and len(strip) < len(self.columns):
                        rest = chunk.loc[blank, [c for c in self.columns if c not in strip]]
                        blank[blank] = rest.apply(lambda s: s.str.strip() == "").all(axis=1)
                    chunk = chunk[~blank]
                    if len(chunk):
                        yield chunk
            except pd.errors.ParserError as exc:
                raise LoadError(self.source.name, [Problem(None, None, None, f"not a readable CSV: {exc}")]) from exc

    def _check_cells(self, chunk: pd.DataFrame) -> None:
        """Refuse fields past the length cap and text with control characters, naming each
        cell. Only run when the scan found a long line or a control byte somewhere."""
        limit = self.source.limits.max_field_chars
        problems: list[Problem] = []
        for column in self.columns if self.scan.longest_line > limit or self.scan.has_control else ():
            values = chunk[column]
            bad = values.str.len() > limit
            for row, value in zip(chunk.loc[bad, "__row__"], values[bad]):
                problems.append(
                    Problem(
                        int(row),
                        column,
                        value[:60] + "…",
                        f"longer than {limit:,} characters (raise CSPDASH_MAX_FIELD_CHARS if it must be)",
                    )
                )
            if self.scan.has_control:
                bad = values.str.contains(_CONTROL_TEXT, regex=True)
                for row, value in zip(chunk.loc[bad, "__row__"], values[bad]):
                    problems.append(Problem(int(row), column, repr(value[:60]), _CONTROL_REASON))
            if len(problems) >= self.source.limits.max_problems:
                break
        if problems:
            raise LoadError(self.source.name, problems[: self.source.limits.max_problems], len(problems))


_CONTROL_REASON = "contains a control character (such as NUL); remove it and save the file again"


def require_columns(reader: CsvReader, required: list[str], optional: Sequence[str] = ()) -> dict[str, str]:
    """Map each expected column to the file's spelling (case and spacing ignored) or raise."""
    by_key = {_column_key(c): c for c in reader.columns}
    problems = [
        Problem(1, name, None, f"missing column {name!r}; the file has: {', '.join(reader.columns)}")
        for name in required
        if _column_key(name) not in by_key
    ]
    duplicates = sorted({c for c in reader.columns if reader.columns.count(c) > 1})
    problems += [Problem(1, name, None, "this column appears more than once") for name in duplicates]
    if problems:
        raise LoadError(reader.source.name, problems)
    return {name: by_key[_column_key(name)] for name in [*required, *optional] if _column_key(name) in by_key}


def _column_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())
