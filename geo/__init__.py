"""Geography: ward and borough boundaries, police.uk street-level records placed in wards,
population denominators, and the schematic layouts the demo uses when no boundaries are held.

Geometries are stored as portable WKB and GeoJSON text (no PostGIS), so SQLite and
PostgreSQL installs behave the same; spatial work happens in geopandas/shapely at load time.
"""
