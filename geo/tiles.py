"""A tile map of London: one equal square per borough on our own 8 × 6 grid, so small
central boroughs are as visible as big outer ones. Column 0 is west, row 0 north; each
borough keeps its real neighbours where a grid allows.

``feature_collection()`` places the squares over London's extent in lon/lat, so the same
choropleth code can draw real outlines or tiles.
"""

from __future__ import annotations

from store.reference import LONDON_BOROUGHS

LONDON_TILES: dict[str, tuple[int, int]] = {
    "E09000010": (4, 0),  # Enfield
    "E09000015": (2, 1),  # Harrow
    "E09000003": (3, 1),  # Barnet
    "E09000014": (4, 1),  # Haringey
    "E09000031": (5, 1),  # Waltham Forest
    "E09000026": (6, 1),  # Redbridge
    "E09000016": (7, 1),  # Havering
    "E09000017": (0, 2),  # Hillingdon
    "E09000009": (1, 2),  # Ealing
    "E09000005": (2, 2),  # Brent
    "E09000007": (3, 2),  # Camden
    "E09000019": (4, 2),  # Islington
    "E09000012": (5, 2),  # Hackney
    "E09000025": (6, 2),  # Newham
    "E09000002": (7, 2),  # Barking and Dagenham
    "E09000018": (0, 3),  # Hounslow
    "E09000013": (1, 3),  # Hammersmith and Fulham
    "E09000020": (2, 3),  # Kensington and Chelsea
    "E09000033": (3, 3),  # Westminster
    "E09000001": (4, 3),  # City of London
    "E09000030": (5, 3),  # Tower Hamlets
    "E09000011": (6, 3),  # Greenwich
    "E09000004": (7, 3),  # Bexley
    "E09000027": (1, 4),  # Richmond upon Thames
    "E09000032": (2, 4),  # Wandsworth
    "E09000022": (3, 4),  # Lambeth
    "E09000028": (4, 4),  # Southwark
    "E09000023": (5, 4),  # Lewisham
    "E09000021": (1, 5),  # Kingston upon Thames
    "E09000024": (2, 5),  # Merton
    "E09000029": (3, 5),  # Sutton
    "E09000008": (4, 5),  # Croydon
    "E09000006": (5, 5),  # Bromley
}
COLUMNS, ROWS = 8, 6

# London's extent (WGS84), so tiles sit where London is on any basemap.
WEST, SOUTH, EAST, NORTH = -0.51, 51.29, 0.33, 51.69
GAP = 0.08  # share of a cell left empty around each square


def tile_ring(col: int, row: int) -> list[list[float]]:
    width, height = (EAST - WEST) / COLUMNS, (NORTH - SOUTH) / ROWS
    x0, y1 = WEST + col * width, NORTH - row * height
    pad_x, pad_y = width * GAP / 2, height * GAP / 2
    west, east, north, south = x0 + pad_x, x0 + width - pad_x, y1 - pad_y, y1 - height + pad_y
    corners = [[west, south], [east, south], [east, north], [west, north], [west, south]]  # anticlockwise
    return [[round(x, 6), round(y, 6)] for x, y in corners]


def feature_collection() -> dict:
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"GSS_CODE": code, "NAME": LONDON_BOROUGHS[code], "col": col, "row": row, "schematic": True},
            "geometry": {"type": "Polygon", "coordinates": [tile_ring(col, row)]},
        }
        for code, (col, row) in sorted(LONDON_TILES.items())
    ]
    return {"type": "FeatureCollection", "name": "london_borough_tiles", "features": features}
