"""Indicators on the Home Office CSP tables (issue 21 parts 2 and 4), on both databases: a
``csp-crime`` measure on a generated workbook in the real layout (two years' sheets, each force's
Unassigned rows, "Theft offences" spelt two ways, Shepway for Folkestone and Hythe, the
two-district Northern Devon and Cwm Taf) gives quarter values, year to date, a partial quarter
never shown complete, and figures for partnerships, forces, countries, a region, England and
Wales and districts that are whole partnerships; the code= and except= forms; bad wording named;
and the shipped mapping from the Met's categories."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.errors import LoadError
from rules.csp_tables import COLUMNS, parse_offence_selection
from rules.direction import Direction
from rules.met_home_office import home_office_measure, mapping
from rules.periods import Quarter
from store.areas import AreaTree
from store.csp_crime import uploads_behind
from store.db import session_scope
from store.measures import Measure, series
from store.met_categories import met_categories
from store.queries import IndicatorInfo, indicator_info, rating_history
from tests.conftest import table_counts
from tests.helpers import load
from tests.test_csp_lookup import (
    CORNWALL,
    CORNWALL_CSP,
    DEVON_CORNWALL,
    ENGLAND,
    HAVERING,
    LONDON,
    NORTH_DEVON,
    WALES,
    write_lookup,
)
from tests.test_csp_tables_load import FOLKESTONE_CSP, KENT, LOOKUP_ROWS

NATION = "K04000001"
Q = {key: Quarter.parse(key) for key in ("2023-24-Q1", "2023-24-Q2", "2023-24-Q3", "2023-24-Q4", "2024-25-Q1", "2024-25-Q2")}

# (force, CSP name as the tables spell it, offence group, subgroup, code, count in 2023/24):
# each is one more in 2024/25, when the tables spell two groups with capitals.
OFFENCES = [
    ("Kent", "Shepway", "Theft offences", "Shoplifting", "46", 10),  # Folkestone and Hythe's old name
    ("Kent", "Shepway", "Drug offences", "Possession of drugs", "92D", 5),
    ("Kent", "Unassigned", "Theft offences", "Shoplifting", "46", 1),
    ("Devon and Cornwall", "Northern Devon", "Theft offences", "Shoplifting", "46", 20),
    ("Devon and Cornwall", "Northern Devon", "Criminal damage and arson", "Criminal damage", "58A", 7),
    ("Devon and Cornwall", "Cornwall", "Theft offences", "Bicycle theft", "44", 30),
    ("Devon and Cornwall", "Cornwall", "Violence against the person", "Violence with injury", "8N", 12),
    ("Devon and Cornwall", "Unassigned", "Theft offences", "Shoplifting", "46", 2),
    ("Metropolitan Police", "Havering", "Theft offences", "Shoplifting", "46", 50),
    ("South Wales", "Cwm Taf", "Theft offences", "Shoplifting", "46", 60),
    ("South Wales", "Cardiff", "Theft offences", "Shoplifting", "46", 70),
]
NEW_SPELLING = {"Theft offences": "Theft Offences", "Criminal damage and arson": "Criminal Damage and Arson"}


def _year_rows(year: str, quarters: list[int], extra: int) -> list[list[object]]:
    rows: list[list[object]] = []
    for q in quarters:
        for force, csp, group, subgroup, code, count in OFFENCES:
            if year == "2024/25" and q == 2 and csp == "Cornwall":
                continue  # Cornwall's 2024/25 Q2 is not in the file: Devon and Cornwall's quarter is partial
            group = NEW_SPELLING.get(group, group) if extra else group
            rows.append([year, q, force, csp, f"{subgroup} ({code})", group, subgroup, code, count + extra])
    return rows


def write_workbook(path: Path) -> Path:
    """The tables as the Home Office publishes them: Notes, then one long sheet per year."""
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Updated: 24 July 2025"])
    for name, rows in (("2023_24", _year_rows("2023/24", [1, 2, 3, 4], 0)), ("2024_25", _year_rows("2024/25", [1, 2], 1))):
        sheet = book.create_sheet(name)
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


INDICATOR_HEADER = ["code", "name", "goal", "unit", "polarity", "basis", "measure", "rated"]


def write_indicators(path: Path, measures: dict[str, str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(INDICATOR_HEADER)
        for code, measure in measures.items():
            out.writerow([code, f"Indicator {code}", "Reduce crime", "count", "lower", "ytd", measure, "true"])
    return path


MEASURES = {
    "THEFT": "csp-crime: theft  OFFENCES",  # case and spacing do not matter
    "ALL": "csp-crime",
    "CODES": "csp-crime:code=8n, 44",
    "NOTHEFT": "csp-crime:except=Theft offences",
    "SHOP": "csp-crime:Theft offences/Shoplifting",
    "TYPO": "csp-crime:Thfet offences",
}


@pytest.fixture
def loaded(engine, tmp_path):
    load(engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv", LOOKUP_ROWS))
    load(engine, "csp-tables", write_workbook(tmp_path / "prc-csp-tables.xlsx"))
    load(engine, "indicators", write_indicators(tmp_path / "indicators.csv", MEASURES))
    return engine


def _values(engine, code: str, area: str, quarters: list[str]) -> tuple[dict[str, float], dict[str, str]]:
    with session_scope(engine) as session:
        s = series(session, indicator_info(session, code), area, [Q[k] for k in quarters])
    return {q.key: v.value for q, v in s.values.items()}, {q.key: g for q, g in s.gaps.items()}


def test_a_group_indicator_by_quarter_year_to_date_and_direction_of_travel(loaded):
    """Theft offences in Devon and Cornwall: its two partnerships and its Unassigned part; both
    spellings one group; the quarter Cornwall's figures are missing from has no value, and says why."""
    values, gaps = _values(loaded, "THEFT", DEVON_CORNWALL, list(Q))
    assert values == {k: 52.0 for k in list(Q)[:4]} | {"2024-25-Q1": 55.0}  # 20 + 30 + 2; then 21 + 31 + 3
    assert gaps == {"2024-25-Q2": "only 1 of 2 partnerships held in the Home Office CSP tables for Q2 2024/25"}
    with session_scope(loaded) as session:
        info = indicator_info(session, "THEFT")
        q1, q2 = rating_history(session, info, DEVON_CORNWALL, [Q["2024-25-Q1"], Q["2024-25-Q2"]])
        s = series(session, info, DEVON_CORNWALL, list(Q.values()))
    assert (q1.quarter_value, q1.ytd_value, q1.same_period_last_year, q1.actual) == (55.0, 55.0, 52.0, 55.0)
    assert q1.dot_long == Direction.WORSE  # 55 against 52 a year earlier, where lower is better
    assert s.ytd(Q["2023-24-Q4"]) == 208.0
    # the partial quarter is never a figure: no quarter value, no year to date, and the reason
    assert q2.quarter_value is None and q2.ytd_value is None and q2.actual is None
    assert s.gap(Q["2024-25-Q2"]) == gaps["2024-25-Q2"]


def test_partnership_nation_country_region_and_district_figures(loaded):
    quarter = ["2023-24-Q1"]
    assert _values(loaded, "THEFT", CORNWALL_CSP, quarter)[0] == {"2023-24-Q1": 30.0}
    assert _values(loaded, "THEFT", FOLKESTONE_CSP, quarter)[0] == {"2023-24-Q1": 10.0}  # loaded as Shepway
    assert _values(loaded, "THEFT", KENT, quarter)[0] == {"2023-24-Q1": 11.0}  # and Kent's Unassigned 1
    # England and Wales: every force, Unassigned parts included, each offence once
    assert _values(loaded, "THEFT", NATION, quarter)[0] == {"2023-24-Q1": 11.0 + 52.0 + 50.0 + 130.0}
    assert _values(loaded, "THEFT", WALES, quarter)[0] == {"2023-24-Q1": 130.0}  # South Wales
    assert _values(loaded, "THEFT", ENGLAND, quarter)[0] == {"2023-24-Q1": 113.0}  # Kent, Devon and Cornwall, the Met
    assert _values(loaded, "THEFT", LONDON, quarter)[0] == {"2023-24-Q1": 50.0}  # the Met polices only Havering here
    # a district that is a whole partnership takes its figures; one of two districts has none, and says why
    assert _values(loaded, "THEFT", CORNWALL, quarter)[0] == {"2023-24-Q1": 30.0}
    assert _values(loaded, "THEFT", HAVERING, quarter)[0] == {"2023-24-Q1": 50.0}
    values, gaps = _values(loaded, "THEFT", NORTH_DEVON, quarter)
    assert values == {}
    assert gaps["2023-24-Q1"].startswith("North Devon (E07000043) is one of 2 districts of the partnership Northern Devon")
    # what a revision of those figures came from: the load behind them; none for North Devon
    with session_scope(loaded) as session:
        tree = AreaTree.load(session)
        assert len(uploads_behind(session, tree, DEVON_CORNWALL, quarter)) == 1
        assert uploads_behind(session, tree, NORTH_DEVON, quarter) == set()
    # the nation in the quarter Cornwall is missing: partial, never a figure
    values, gaps = _values(loaded, "ALL", NATION, ["2024-25-Q2"])
    assert values == {} and gaps == {"2024-25-Q2": "only 5 of 6 partnerships held in the Home Office CSP tables for Q2 2024/25"}


def test_code_except_and_subgroup_forms(loaded):
    quarter = ["2023-24-Q1", "2024-25-Q1"]
    assert _values(loaded, "CODES", DEVON_CORNWALL, quarter)[0] == {"2023-24-Q1": 42.0, "2024-25-Q1": 44.0}  # 8N + 44
    # all crime but theft: criminal damage (both spellings) and violence
    assert _values(loaded, "NOTHEFT", DEVON_CORNWALL, quarter)[0] == {"2023-24-Q1": 19.0, "2024-25-Q1": 21.0}
    assert _values(loaded, "SHOP", DEVON_CORNWALL, quarter)[0] == {"2023-24-Q1": 22.0, "2024-25-Q1": 24.0}
    assert _values(loaded, "ALL", DEVON_CORNWALL, quarter)[0] == {"2023-24-Q1": 71.0, "2024-25-Q1": 76.0}


def test_a_measure_naming_nothing_held_says_so_rather_than_nought(loaded):
    values, gaps = _values(loaded, "TYPO", DEVON_CORNWALL, ["2023-24-Q1"])
    assert values == {}
    assert gaps["2023-24-Q1"].startswith("the Home Office CSP tables held have no offence group 'Thfet offences'")
    assert "Theft offences" in gaps["2023-24-Q1"]


def test_spc_by_month_says_the_source_is_quarterly(loaded):
    from store.spc_series import NoMonthlyValues, indicator_spc

    with session_scope(loaded) as session, pytest.raises(NoMonthlyValues) as caught:
        indicator_spc(session, "THEFT", DEVON_CORNWALL, by="month")
    assert "quarterly" in str(caught.value)
    with session_scope(loaded) as session:
        chart = indicator_spc(session, "THEFT", DEVON_CORNWALL, by="quarter")
    assert chart is not None


def test_counts_source_csp_crime_as_csp_tables(loaded, database_url):
    from click.testing import CliRunner

    from cli.main import cli

    runner = CliRunner(env={"DATABASE_URL": database_url})
    for source in ("csp-crime", "csp-tables"):
        result = runner.invoke(cli, ["counts", "--source", source, "--area", KENT, "--format", "csv"])
        assert result.exit_code == 0, result.output
        assert "2023-24-Q1" in result.output and "complete" in result.output
    result = runner.invoke(cli, ["counts", "--source", "csp-crime", "--area", KENT, "--by", "month"])
    assert result.exit_code != 0 and "quarterly" in result.output


def test_bad_measure_wording_is_named_with_its_row_and_nothing_stored(engine, tmp_path):
    path = write_indicators(tmp_path / "indicators.csv", {"OK": "csp-crime", "BAD": "csp-crime:Theft offences/Shoplifting/x"})
    before = table_counts(engine)
    with pytest.raises(LoadError) as caught:
        load(engine, "indicators", path)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (3, "measure", "csp-crime:Theft offences/Shoplifting/x")
    assert "not an offence group or group/subgroup" in problem.reason and "code=" in problem.reason
    assert table_counts(engine) == before


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("code=", "names no offence code"),
        ("except=", "names nothing to leave out"),
        ("/Shoplifting", "not an offence group"),
        ("A;;B", "empty term"),
    ],
)
def test_offence_selection_wording_refused(body, why):
    with pytest.raises(ValueError, match=why):
        parse_offence_selection(body)


def test_offence_selection_matches_as_the_loader_folds():
    selection = parse_offence_selection("Violence against the person;except=Violence against the person/Homicide;code=8n")
    assert selection.matches("Violence Against the Person", "Violence with injury", "9")
    assert not selection.matches("Violence against the person", "homicide", "1")
    assert not selection.matches("Violence against the person", "Violence with injury", " 8N")  # excluded by code
    assert not selection.matches("Robbery", "Robbery of personal property", "34B")
    assert Measure.parse("csp-crime").offences.everything


def test_met_measures_map_to_home_office_measures_that_parse():
    assert home_office_measure("crime") == "csp-crime"
    assert home_office_measure("crime:violence against the person") == "csp-crime:Violence against the person"
    assert home_office_measure("crime:THEFT / SHOPLIFTING") == "csp-crime:Theft offences/Shoplifting"
    assert home_office_measure("crime:NFIB FRAUD") is None and home_office_measure("crime:THEFT") is None
    assert home_office_measure("asb") is None and home_office_measure("crime:NO SUCH") is None
    rows = mapping().values()
    for row in rows:  # every mapped measure is one the source accepts; every unmapped one says why
        if row.home_office_measure:
            assert Measure.parse(row.home_office_measure).source == "csp-crime"
        else:
            assert row.note
    majors = {text for level, text in met_categories() if level == "major"}
    assert majors <= {row.met_measure.removeprefix("crime:") for row in rows}  # each major category is stated


def test_indicator_info_names_the_source():
    info = IndicatorInfo("X", "x", "", "count", "lower", "ytd", "csp-crime:Robbery", True, "", None, None, "", 0)
    assert info.source == "csp-crime"


def test_offence_codes_migration_keeps_the_counts_both_ways(loaded):
    """0022 adds the offence code to the key: down, the codes of a subgroup are summed into one
    row; up again, rows held before keep their counts with a blank code, so a group measure
    gives the same figures and a code measure finds none until the file is loaded again."""
    from alembic import command

    from store.schema import alembic_config, current_revision, head_revision, upgrade

    def theft_by_quarter() -> dict[str, float]:
        return _values(loaded, "THEFT", DEVON_CORNWALL, ["2023-24-Q1", "2024-25-Q1"])[0]

    def total() -> int:
        with loaded.connect() as conn:
            return int(conn.exec_driver_sql("SELECT SUM(count) FROM csp_crime_count").scalar_one())

    before, held = theft_by_quarter(), total()
    config = alembic_config()
    with loaded.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0021_pack_sections")
    assert total() == held
    upgrade(loaded)
    assert current_revision(loaded) == head_revision()
    assert total() == held and theft_by_quarter() == before
    with loaded.connect() as conn:
        assert {c for (c,) in conn.exec_driver_sql("SELECT DISTINCT offence_code FROM csp_crime_count")} == {""}
    values, gaps = _values(loaded, "CODES", DEVON_CORNWALL, ["2023-24-Q1"])
    assert values == {} and "no offence codes 44, 8N" in gaps["2023-24-Q1"]


def test_loading_the_tables_reports_each_sheet_and_its_rows(engine, tmp_path):
    """The progress the CLI shows on a terminal: each year sheet as it is reached and the rows
    read, every ``every`` rows and at the sheet's end."""
    from geo.options import with_options
    from loaders.options import LoadProgress
    from loaders.reading import Source
    from loaders.registry import run_load

    load(engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv", LOOKUP_ROWS))
    told: list[str] = []
    source = with_options(Source.from_path(write_workbook(tmp_path / "tables.xlsx")), LoadProgress(told.append, every=40))
    assert run_load(engine, "csp-tables", source).rows == 44 + 20  # Cornwall's two rows of Q2 2024/25 are not in the file
    assert told == [
        "reading sheet 2023_24",
        "sheet 2023_24: 40 rows read",
        "sheet 2023_24: 44 rows read",
        "reading sheet 2024_25",
        "sheet 2024_25: 20 rows read",
    ]


def test_a_region_a_force_crosses_has_no_figure_and_says_which_force():
    """Worked on a tree in memory: the Thames Valley force polices districts in two regions, so
    neither region's figure can be made from the tables; a ward has none either."""
    from store.areas import AreaInfo
    from store.csp_crime import NotCounted, counted_area

    tree = AreaTree(
        [
            AreaInfo("SE", "South East", "region", None),
            AreaInfo("SW", "South West", "region", None),
            AreaInfo("TV", "Thames Valley", "force", NATION),
            AreaInfo(NATION, "England and Wales", "nation", None),
            AreaInfo("C1", "Reading", "csp", "TV"),
            AreaInfo("C2", "Swindon", "csp", "TV"),
            AreaInfo("D1", "Reading", "borough", "C1"),
            AreaInfo("D2", "Swindon", "borough", "C2"),
            AreaInfo("W1", "Abbey", "ward", "D1"),
        ],
        links=[("D1", "SE"), ("D2", "SW")],
    )
    with pytest.raises(NotCounted, match=r"Thames Valley \(TV\) also polices Swindon \(D2\), outside South East \(SE\)"):
        counted_area(tree, "SE")
    with pytest.raises(NotCounted, match="is a ward"):
        counted_area(tree, "W1")
    assert counted_area(tree, NATION).partnerships == ("C1", "C2")
    assert counted_area(tree, "D1").rows == ("C1", "D1", "W1")  # a whole partnership: its rows
