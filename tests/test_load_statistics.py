"""A load that writes a large share of a count table leaves the database's statistics
describing the table as it now is (issue 23): stale statistics made PostgreSQL plan a page
about one borough as if that borough were a quarter of the table, and read all of it."""

from __future__ import annotations

from sqlalchemy import text

from tests.helpers import load, write

MONTHS = [f"{year}{month:02d}" for year in (2023, 2024) for month in range(1, 13)]
HEADER = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName," + ",".join(MONTHS) + "\n"
WARDS = [f"E05000{n}" for n in range(306, 324)]  # Havering's 18 wards of 2002
CATEGORIES = [("BURGLARY", "BURGLARY - RESIDENTIAL"), ("THEFT", "OTHER THEFT"), ("ROBBERY", "PERSONAL PROPERTY")]


def test_a_large_load_refreshes_the_count_tables_statistics(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    small = HEADER + "BURGLARY,BURGLARY - RESIDENTIAL,Harold Wood,E05000312,Havering," + ",".join("1" for _ in MONTHS) + "\n"
    load(engine, "crime", write(tmp_path / "small.csv", small))
    rows = [
        f"{major},{minor},Ward {code},{code},Havering," + ",".join(str(2 + i % 5) for i in range(len(MONTHS)))
        for code in WARDS
        for major, minor in CATEGORIES
    ]
    summary = load(engine, "crime", write(tmp_path / "large.csv", HEADER + "\n".join(rows) + "\n"))
    cells = len(WARDS) * len(CATEGORIES) * len(MONTHS)
    assert summary.stored + summary.replaced >= cells - len(MONTHS)  # every cell written (Harold Wood's burglaries replaced)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM crime_count")).scalar() == cells
        if engine.dialect.name == "postgresql":
            # The planner's row count, from the statistics: the table as loaded, not as it was
            # after the small file (autovacuum is off on the test server, so only the load did it).
            estimate = conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'crime_count'::regclass")).scalar()
            assert estimate == cells
