"""A schematic map of Havering's 18 wards (2002–2022 codes) for the demo: one hexagon per ward,
each roughly where the ward is, so maps work on a fresh install with nothing downloaded.

Positions were read once from the London Datastore 2018 ward boundaries (ward centroids in
British National Grid, snapped to a 1.9 km hex grid, one ward per cell) and are hard-coded:
the generator reads no data. Written as ``data/demo/havering_wards_schematic.geojson`` with
``schematic: true`` on every feature, which the boundary loader files as vintage "schematic".

    python -m geo.schematic [OUT]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from settings import DEMO_DIR

HAVERING = "E09000016"
FILE_NAME = "havering_wards_schematic.geojson"

# (code, name, column, row): pointy-top hexes, row 0 at the top (north), odd rows shifted
# half a cell east. Harold Hill is top right, Rainham bottom, Romford in the middle.
HAVERING_WARDS: list[tuple[str, str, int, int]] = [
    ("E05000306", "Brooklands", 0, 3),
    ("E05000307", "Cranham", 4, 3),
    ("E05000308", "Elm Park", 1, 5),
    ("E05000309", "Emerson Park", 3, 3),
    ("E05000310", "Gooshays", 3, 0),
    ("E05000311", "Hacton", 2, 5),
    ("E05000312", "Harold Wood", 4, 2),
    ("E05000313", "Havering Park", 1, 0),
    ("E05000314", "Heaton", 2, 1),
    ("E05000315", "Hylands", 2, 4),
    ("E05000316", "Mawneys", 0, 2),
    ("E05000317", "Pettits", 1, 2),
    ("E05000318", "Rainham and Wennington", 2, 6),
    ("E05000319", "Romford Town", 1, 3),
    ("E05000320", "St. Andrew's", 3, 4),
    ("E05000321", "South Hornchurch", 1, 6),
    ("E05000322", "Squirrel's Heath", 2, 3),
    ("E05000323", "Upminster", 4, 5),
]

# Centre of cell (0, 0): BNG 549000 E, 193500 N (north-west Havering), in WGS84.
ORIGIN_LON, ORIGIN_LAT = 0.150921, 51.620604
CELL_M = 1900.0  # centre-to-centre distance across a row
GAP = 0.94  # hexes drawn slightly smaller than their cell, so the layout reads as a diagram


def _metres_per_degree(lat: float) -> tuple[float, float]:
    phi = math.radians(lat)
    per_lat = 111_132.954 - 559.822 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    per_lon = 111_412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi)
    return per_lon, per_lat


def hexagon(col: int, row: int, origin: tuple[float, float] = (ORIGIN_LON, ORIGIN_LAT)) -> list[list[float]]:
    """The closed ring (lon, lat) of cell (col, row) of a grid whose cell (0, 0) is centred on
    ``origin`` (Havering's by default); a local flat projection is plenty here."""
    origin_lon, origin_lat = origin
    per_lon, per_lat = _metres_per_degree(origin_lat)
    cx = col * CELL_M + (row % 2) * CELL_M / 2
    cy = -row * CELL_M * math.sqrt(3) / 2
    radius = CELL_M / math.sqrt(3) * GAP  # circumradius of a hex whose flat width is the cell
    ring = []
    for corner in range(7):
        angle = math.radians(90 + 60 * (corner % 6))  # pointy top
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        ring.append([round(origin_lon + x / per_lon, 6), round(origin_lat + y / per_lat, 6)])
    return ring[::-1] if _signed_area(ring) < 0 else ring  # GeoJSON: exterior rings anticlockwise


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:])) / 2


def feature_collection() -> dict:
    features = [
        {
            "type": "Feature",
            "properties": {"GSS_CODE": code, "NAME": name, "LAGSSCODE": HAVERING, "DISTRICT": "Havering", "schematic": True},
            "geometry": {"type": "Polygon", "coordinates": [hexagon(col, row)]},
        }
        for code, name, col, row in HAVERING_WARDS
    ]
    return {"type": "FeatureCollection", "name": "havering_wards_schematic", "features": features}


def write(out: Path = DEMO_DIR / FILE_NAME) -> Path:
    """Write the layout (byte-identical on every run)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(feature_collection(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the schematic Havering ward layout for the demo.")
    parser.add_argument("out", nargs="?", type=Path, default=DEMO_DIR / FILE_NAME)
    print(write(parser.parse_args(argv).out))


if __name__ == "__main__":
    main()
