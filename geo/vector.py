"""Read a boundary file however it arrives (GeoJSON, GeoPackage, or a zipped ESRI Shapefile;
a path on disk or bytes from the upload page) and bring it to WGS84 lon/lat.

GDAL (through pyogrio) reads everything from a real file, so uploads and zips are written to
a private temporary folder first: a GeoPackage is an SQLite database and a shapefile is
several sidecar files, neither of which can be read from one stream.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS
from pyproj.exceptions import CRSError

from loaders.errors import LoadError, Problem
from loaders.reading import Source

WGS84 = "EPSG:4326"
BRITISH_NATIONAL_GRID = "EPSG:27700"
# In the order we prefer them when a zip holds more than one kind.
VECTOR_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json")
# Reasons the CLI recognises to add how to declare the coordinate system (``--crs``).
NO_CRS = "the file does not say which coordinate system it uses (a shapefile needs its .prj file)"
LOOKS_LIKE_METRES = "they look like metres (British National Grid is EPSG:27700)"
_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"


def fail(source_name: str, reason: str, value: str | None = None) -> LoadError:
    """A whole-file problem (no row): the file cannot be used as it is."""
    return LoadError(source_name, [Problem(None, None, value, reason)])


def read_vector(source: Source) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The file's features with its declared CRS (None when it declares none), and notes."""
    with tempfile.TemporaryDirectory(prefix="cspdash-geo-") as tmp:
        path, notes = _materialise(source, Path(tmp))
        frame, more = _read(source.name, path)
    return frame, notes + more


def _materialise(source: Source, tmp: Path) -> tuple[Path, list[str]]:
    with source.open_raw() as raw:
        head = raw.read(4)
        raw.seek(0)
        if head == _ZIP_MAGIC or source.name.lower().endswith(".zip"):
            return _extract_zip(source.name, raw, tmp)
        if head[:2] == _GZIP_MAGIC:
            target = tmp / _safe_name(source.name.removesuffix(".gz").removesuffix(".GZ"))
            try:
                with gzip.GzipFile(fileobj=raw) as unzipped, open(target, "wb") as out:
                    shutil.copyfileobj(unzipped, out)
            except (OSError, EOFError) as exc:
                raise fail(source.name, f"the gzip file is damaged and cannot be opened ({exc})") from exc
            return target, []
        if source.path is not None:
            return source.path, []  # read in place, so a .shp finds its .dbf/.prj beside it
        target = tmp / _safe_name(source.name)
        target.write_bytes(raw.read())
        return target, []


def _extract_zip(name: str, raw, tmp: Path) -> tuple[Path, list[str]]:  # binary stream
    try:
        archive = zipfile.ZipFile(raw)
        damaged = archive.testzip()  # CRC-checks every member: a truncated download fails here
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise fail(name, "the zip file is damaged and cannot be opened (download it again)") from exc
    if damaged is not None:
        raise fail(name, "the zip file is damaged: a member fails its checksum (download it again)", damaged)
    members = [m for m in archive.namelist() if not m.startswith("__MACOSX/") and not m.endswith("/")]
    for suffix in VECTOR_SUFFIXES:
        found = [m for m in members if m.lower().endswith(suffix)]
        if len(found) > 1:
            raise fail(name, f"the zip holds {len(found)} {suffix} files; zip one boundary layer per file", ", ".join(found[:5]))
        if found:
            archive.extractall(tmp)  # zipfile drops absolute paths and '..', so this stays in tmp
            notes = [f"read {found[0]} from the zip"]
            return tmp / PurePosixPath(found[0]), notes
    listing = ", ".join(members[:8]) + ("…" if len(members) > 8 else "")
    raise fail(name, "the zip holds no boundary file (.shp, .gpkg or .geojson)", listing or "(empty)")


def _safe_name(name: str) -> str:
    return Path(name).name or "upload"


def _read(name: str, path: Path) -> tuple[gpd.GeoDataFrame, list[str]]:
    notes: list[str] = []
    try:
        layers = pyogrio.list_layers(path)
        if len(layers) > 1:
            notes.append(f"the file has {len(layers)} layers; read the first, {layers[0][0]!r}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "more than one layer": reported as a note instead
            frame = gpd.read_file(path, engine="pyogrio", layer=layers[0][0] if len(layers) else None)
    except (DataSourceError, DataLayerError, OSError, ValueError) as exc:
        detail = _first_line(exc).replace(str(path), name)
        if "not recognized as" in detail or "not a supported" in detail:
            detail = "GDAL does not recognise the format"
        raise fail(name, f"cannot read this as GeoJSON, GeoPackage or a zipped shapefile: {detail}") from exc
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise fail(name, "the file has no geometries: it is not a boundary file (GeoJSON, GeoPackage or zipped shapefile)")
    if frame.empty:
        raise fail(name, "the file holds no features")
    return frame, notes


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def to_wgs84(frame: gpd.GeoDataFrame, declared: str | None, name: str) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Reproject to WGS84. ``declared`` (``--crs``) names the CRS when the file gives none, and
    overrides a wrong one: a GeoJSON without a ``crs`` member is WGS84 by specification, which
    GDAL assumes, so British National Grid metres saved that way need ``--crs EPSG:27700``."""
    notes: list[str] = []
    if declared:
        try:
            crs = CRS.from_user_input(declared)
        except CRSError as exc:
            raise fail(name, f"the coordinate system {declared!r} is not one we know; write it like EPSG:27700") from exc
        if frame.crs is not None and not CRS.from_user_input(frame.crs).equals(crs, ignore_axis_order=True):
            notes.append(f"the file declares {_crs_label(frame.crs)}; used {_crs_label(crs)} as given by --crs")
        frame = frame.set_crs(crs, allow_override=True)
    elif frame.crs is None:
        raise fail(
            name,
            NO_CRS,
        )
    crs = CRS.from_user_input(frame.crs)
    minx, miny, maxx, maxy = frame.total_bounds
    if crs.is_geographic and (minx < -180 or maxx > 180 or miny < -90 or maxy > 90):
        raise fail(
            name,
            f"the file says it is in longitude/latitude ({_crs_label(crs)}) but its coordinates reach "
            f"{maxx:,.0f}, {maxy:,.0f}: {LOOKS_LIKE_METRES}",
        )
    is_wgs84 = crs.equals(CRS.from_user_input(WGS84), ignore_axis_order=True)
    notes.append(f"coordinate system: {_crs_label(crs)}" + ("" if is_wgs84 else ", reprojected to WGS84"))
    return frame.to_crs(WGS84), notes


def _crs_label(crs: object) -> str:
    parsed = CRS.from_user_input(crs)
    code = parsed.to_authority(min_confidence=70)
    return f"{code[0]}:{code[1]} ({parsed.name})" if code else parsed.name
