"""Open an analyst's CSV however it arrives: path or uploaded bytes, plain or gzip, UTF-8
(with or without BOM) or Windows-1252 from Excel; read it in chunks so memory stays flat."""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from loaders.errors import LoadError, Problem

CHUNK_CELLS = 200_000  # cells per chunk: wide files with many month columns get fewer rows
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Source:
    """A file to load: a path on disk, or bytes from the upload page with their file name."""

    name: str
    path: Path | None = None
    data: bytes | None = None

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
            return open(self.path, "rb")  # noqa: SIM115 - caller closes
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
            return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
        if head == _ZIP_MAGIC:
            return _open_single_csv_in_zip(self.name, raw)
        return raw


def _open_single_csv_in_zip(name: str, raw: BinaryIO) -> BinaryIO:
    try:
        archive = zipfile.ZipFile(raw)
        members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
    except zipfile.BadZipFile as exc:
        raise LoadError(name, [Problem(None, None, None, "the zip file is damaged and cannot be opened")]) from exc
    if len(members) != 1:
        raise LoadError(name, [Problem(None, None, None, f"expected one CSV inside the zip, found {len(members)}")])
    return archive.open(members[0])  # type: ignore[return-value]


def detect_encoding(source: Source) -> tuple[str, int]:
    """UTF-8 (BOM or not) if the whole file decodes as UTF-8, otherwise Windows-1252; and
    the number of lines, which tells the writers about how big the load will be."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    bom = False
    lines = 0
    try:
        with source.open_binary() as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                if first:
                    bom = block.startswith(codecs.BOM_UTF8)
                    first = False
                lines += block.count(b"\n")
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _check_cp1252(source), lines
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise LoadError(source.name, [Problem(None, None, None, f"the file is damaged or not a CSV ({exc})")]) from exc
    return ("utf-8-sig" if bom else "utf-8"), lines


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
                    [Problem(data_row, None, f"byte 0x{bad}", "the file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8")],
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

    @classmethod
    def open(cls, source: Source, chunk_rows: int = 0) -> CsvReader:
        encoding, lines = detect_encoding(source)
        with source.open_binary() as stream:
            text = io.TextIOWrapper(stream, encoding=encoding, newline="")
            header = next(csv.reader(text), None)
        columns = [c.strip().lstrip("\ufeff").strip() for c in header or []]
        if not any(columns):
            raise LoadError(source.name, [Problem(None, None, None, "the file is empty: no header row")])
        return cls(source, encoding, columns, chunk_rows or max(500, CHUNK_CELLS // len(columns)), lines)

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
                    chunk[strip] = chunk[strip].apply(lambda s: s.str.strip())
                    chunk["__row__"] = chunk.index + 2
                    blank = (chunk[strip] == "").all(axis=1)
                    if blank.any() and len(strip) < len(self.columns):
                        rest = chunk.loc[blank, [c for c in self.columns if c not in strip]]
                        blank[blank] = rest.apply(lambda s: s.str.strip() == "").all(axis=1)
                    chunk = chunk[~blank]
                    if len(chunk):
                        yield chunk
            except pd.errors.ParserError as exc:
                raise LoadError(self.source.name, [Problem(None, None, None, f"not a readable CSV: {exc}")]) from exc


def require_columns(reader: CsvReader, required: list[str], optional: list[str] = ()) -> dict[str, str]:
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
