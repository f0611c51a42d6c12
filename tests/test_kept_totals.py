"""Issue 23 part 3: what the funnel plot and the map read about the nation's count tables is kept
in the database by the loads that change them, in the load's own transaction
(``store.kept_totals``): the Home Office tables' totals per quarter, area and offence group, and
the categories each count table holds. After every kind of change the kept answers are what
summing or walking the tables gives (a group or category no longer held goes), a failed or
dry-run load leaves them as they were, and migration 0032 fills them from the figures held
before it."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import Engine, text

from loaders.errors import LoadError
from store.csp_crime import offence_keys_held, quarters_held
from store.db import session_scope
from store.funnel_counts import counts_by_area, offence_groups_held
from store.map_queries import categories_held
from tests import test_csp_tables_reading as reading
from tests.helpers import load, migrate_to, write
from tests.test_funnel import loaded, tables_rows

HEADER = "MajorText,MinorText,WardName,WardCode,LookUp_BoroughName,202410,202411,202412,202501\n"
HAROLD_WOOD = "Harold Wood,E05000312,Havering"
ABBEY = "Abbey,E05014053,Barking and Dagenham"
BURGLARY = "BURGLARY,BURGLARY - RESIDENTIAL"
THEFT = "THEFT,OTHER THEFT"
ROBBERY = "ROBBERY,PERSONAL PROPERTY"


def year_quarters() -> list[str]:
    return [f"2024-25-Q{q}" for q in (1, 2, 3, 4)]


def answers(engine: Engine) -> dict[str, object]:
    """What requests read, from the kept tables: the funnel's totals and groups, the tables'
    quarters and offences, the map's categories."""
    with session_scope(engine) as session:
        return {
            "totals": counts_by_area(session, year_quarters() + ["2023-24-Q4"]),
            "drugs": counts_by_area(session, year_quarters(), "drug offences"),
            "groups": offence_groups_held(session),
            "quarters": quarters_held(session),
            "offences": sorted(offence_keys_held(session)),
            "categories": sorted(categories_held(session)["crime"]),
        }


def worked_out(engine: Engine) -> dict[str, object]:
    """The same answers summed and walked from the count tables themselves."""
    with session_scope(engine) as session:
        rows = session.execute(
            text(
                "SELECT area_code, quarter, offence_group, SUM(count) FROM csp_crime_count "
                "GROUP BY area_code, quarter, offence_group"
            )
        ).all()
        offences = session.execute(text("SELECT DISTINCT offence_group, offence_subgroup, offence_code FROM csp_crime_count"))
        crime = session.execute(text("SELECT DISTINCT major_category, minor_category FROM crime_count"))
        offences, crime = sorted(tuple(r) for r in offences), sorted(tuple(r) for r in crime)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    drugs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for area, quarter, group, count in rows:
        if quarter in year_quarters() + ["2023-24-Q4"]:
            totals[area][quarter] += int(count)
        if quarter in year_quarters():
            drugs[area][quarter] += int(count) if group.lower() == "drug offences" else 0
    return {
        "totals": {a: dict(q) for a, q in totals.items()},
        "drugs": {a: dict(q) for a, q in drugs.items()},
        "groups": sorted({g for g, _, _ in offences}),
        "quarters": sorted({q for _, q, _, _ in rows}),
        "offences": offences,
        "categories": crime,
    }


def assert_kept(engine: Engine) -> dict[str, object]:
    kept = answers(engine)
    assert kept == worked_out(engine)
    return kept


def crime_file(tmp_path, name: str, lines: list[str]) -> object:
    return write(tmp_path / name, HEADER + "".join(line + "\n" for line in lines))


def test_the_tables_totals_and_offences_follow_each_load_and_re_load(engine, tmp_path, monkeypatch):
    assert assert_kept(engine)["groups"] == []
    loaded(engine, tmp_path, monkeypatch)
    first = assert_kept(engine)
    assert first["groups"] == ["Drug offences", "Theft offences"] and first["quarters"] == year_quarters()
    # Another year: added beside the first (nothing replaced).
    monkeypatch.setattr(reading, "ROWS", tables_rows(year="2023/24"))
    load(engine, "csp-tables", reading.write_tables(tmp_path / "earlier.xlsx"))
    assert assert_kept(engine)["quarters"] == [f"2023-24-Q{q}" for q in (1, 2, 3, 4)] + year_quarters()
    # 2024/25 again, with no drug offences and other figures: the group stays (2023/24 holds it),
    # and the year's totals are the new ones.
    rows = {k: [[*r[:-1], r[-1] + 1] for r in v if r[5].lower() != "drug offences"] for k, v in tables_rows().items()}
    monkeypatch.setattr(reading, "ROWS", rows)
    load(engine, "csp-tables", reading.write_tables(tmp_path / "revised.xlsx"))
    revised = assert_kept(engine)
    assert revised["groups"] == ["Drug offences", "Theft offences"] and revised["totals"] != first["totals"]
    # 2023/24 again without them: no quarter holds the group any more, and it is gone.
    rows = {k: [r for r in v if r[5].lower() != "drug offences"] for k, v in tables_rows(year="2023/24").items()}
    monkeypatch.setattr(reading, "ROWS", rows)
    load(engine, "csp-tables", reading.write_tables(tmp_path / "earlier-revised.xlsx"))
    assert assert_kept(engine)["groups"] == ["Theft offences"]


def test_the_categories_held_follow_each_load_of_counts_and_re_load(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    load(engine, "crime", crime_file(tmp_path, "first.csv", [f"{BURGLARY},{HAROLD_WOOD},3,4,,", f"{THEFT},{HAROLD_WOOD},5,6,,"]))
    assert assert_kept(engine)["categories"] == [tuple(BURGLARY.split(",")), tuple(THEFT.split(","))]
    load(engine, "crime", crime_file(tmp_path, "abbey.csv", [f"{THEFT},{ABBEY},,,7,8", f"{ROBBERY},{ABBEY},,,1,2"]))
    assert len(assert_kept(engine)["categories"]) == 3
    # Harold Wood again without theft: Abbey still holds theft, so it stays.
    load(engine, "crime", crime_file(tmp_path, "again.csv", [f"{BURGLARY},{HAROLD_WOOD},3,4,,"]), accept_drops=True)
    assert len(assert_kept(engine)["categories"]) == 3
    # Abbey again without robbery: no area holds it any more, and it is gone from the map's list.
    load(engine, "crime", crime_file(tmp_path, "abbey2.csv", [f"{THEFT},{ABBEY},,,7,8"]), accept_drops=True)
    assert assert_kept(engine)["categories"] == [tuple(BURGLARY.split(",")), tuple(THEFT.split(","))]


def test_counts_gone_with_a_retired_area_take_their_categories_with_them(engine, tmp_path, monkeypatch):
    from sources.registry import counted
    from store.area_retirement import retire_areas
    from store.coverage_record import record_coverage

    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    load(engine, "crime", crime_file(tmp_path, "both.csv", [f"{BURGLARY},{HAROLD_WOOD},3,4,,", f"{ROBBERY},{ABBEY},,,1,2"]))
    with session_scope(engine) as session:
        retire_areas(session, "2022", {"E05014053": ""}, None)
        record_coverage(session, tuple(counted()))
    assert assert_kept(engine)["categories"] == [tuple(BURGLARY.split(","))]


def test_a_failed_or_dry_run_load_leaves_what_is_kept_as_it_was(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    loaded(engine, tmp_path, monkeypatch)
    load(engine, "crime", crime_file(tmp_path, "first.csv", [f"{BURGLARY},{HAROLD_WOOD},3,4,,", f"{THEFT},{HAROLD_WOOD},5,6,,"]))
    before = assert_kept(engine)
    # The tables without drug offences and with other figures, then the same with a name unknown.
    rows = {k: [[*r[:-1], r[-1] + 1] for r in v if r[5].lower() != "drug offences"] for k, v in tables_rows().items()}
    monkeypatch.setattr(reading, "ROWS", rows)
    summary = load(engine, "csp-tables", reading.write_tables(tmp_path / "revised.xlsx"), dry_run=True)
    assert summary.stored
    assert assert_kept(engine) == before
    bad = {k: [list(r) for r in v] for k, v in rows.items()}
    bad["2024_25"][-1][3] = "Atlantis"
    monkeypatch.setattr(reading, "ROWS", bad)
    with pytest.raises(LoadError):
        load(engine, "csp-tables", reading.write_tables(tmp_path / "bad.xlsx"))
    assert assert_kept(engine) == before
    # Counts: Harold Wood without theft and with robbery, as a dry run, then failing on a bad value.
    lines = [f"{BURGLARY},{HAROLD_WOOD},3,4,,", f"{ROBBERY},{HAROLD_WOOD},1,1,,"]
    load(engine, "crime", crime_file(tmp_path, "dry.csv", lines), dry_run=True, accept_drops=True)
    assert assert_kept(engine) == before
    with pytest.raises(LoadError):
        load(engine, "crime", crime_file(tmp_path, "bad.csv", [*lines, f"{THEFT},{ABBEY},,,lots,8"]), accept_drops=True)
    assert assert_kept(engine) == before


def test_migrating_keeps_the_totals_and_categories_of_the_figures_held_before_it(engine, tmp_path, monkeypatch):
    """0032 fills what is kept from the figures already held: the funnel, the tables' measures
    and the map give the same answers after it as before."""
    monkeypatch.setenv("CSPDASH_STUB_MONTH_SHARE", "0")
    loaded(engine, tmp_path, monkeypatch)
    load(engine, "crime", crime_file(tmp_path, "both.csv", [f"{BURGLARY},{HAROLD_WOOD},3,4,,", f"{ROBBERY},{ABBEY},,,1,2"]))
    before = assert_kept(engine)
    assert before["groups"] and before["categories"]
    migrate_to(engine, "0031_partnership_versions", down=True)
    migrate_to(engine, "0032_kept_totals")
    assert assert_kept(engine) == before
