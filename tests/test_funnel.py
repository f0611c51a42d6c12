"""The funnel plot (issue 21 part 4) on both databases, from files generated in the real
layouts and loaded through the real loaders: the ONS district lookup (a two-district
partnership), population by district, and the Home Office CSP tables (Shepway for Folkestone
and Hythe, two spellings of a group, Kent's "Unassigned"). Points, limits, marks and the
partnerships left out, counted in words."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.funnel import Position, position_of, rate_limits
from rules.periods import Quarter
from store.db import session_scope
from tests import test_csp_tables_reading as reading
from tests.helpers import load, statements_run, write
from tests.test_csp_lookup import (
    CARDIFF,
    CARDIFF_CSP,
    CORNWALL,
    CWM_TAF,
    HAVERING,
    MERTHYR,
    NORTH_DEVON,
    NORTHERN_DEVON,
    RCT,
    TORRIDGE,
    write_lookup,
)
from tests.test_csp_tables_load import FOLKESTONE, LOOKUP_ROWS
from views.funnel import (
    FunnelMeasure,
    funnel_alt,
    funnel_figure,
    funnel_measure,
    funnel_table,
    funnel_title,
    funnel_view,
)

PERIOD = Quarter(2024, 4)
PEOPLE = {NORTH_DEVON: 100_000, TORRIDGE: 70_000, CORNWALL: 570_000, HAVERING: 260_000, CARDIFF: 370_000, RCT: 240_000}
THEFT = {"Northern Devon": 2000, "Cornwall": 6000, "Havering": 5000, "Cardiff": 4000, "Cwm Taf": 3000, "Shepway": 900}
FORCE = {
    "Shepway": "Kent",
    "Unassigned": "Kent",
    "Havering": "Metropolitan Police",
    "Cardiff": "South Wales",
    "Cwm Taf": "South Wales",
}


def _row(quarter: int, csp: str, group: str, count: int, year: str = "2024/25") -> list:
    return [year, quarter, FORCE.get(csp, "Devon & Cornwall"), csp, "Shoplifting", group, "Shoplifting", "46", count]


def tables_rows(folkestone_quarters: int = 3, year: str = "2024/25") -> dict[str, list[list]]:
    """``year`` in full for every partnership but Folkestone (as "Shepway", ``folkestone_quarters``
    of them), theft and drugs ("Drug Offences" in Q4), and Kent's Unassigned part."""
    rows = []
    for q in (1, 2, 3, 4):
        for csp, theft in THEFT.items():
            if csp == "Shepway" and q > folkestone_quarters:
                continue
            rows.append(_row(q, csp, "Theft offences", theft, year))
            rows.append(_row(q, csp, "Drug offences" if q < 4 else "Drug Offences", 100, year))
        rows.append(_row(q, "Unassigned", "Theft offences", 50, year))
    return {year.replace("/", "_"): rows}


def loaded(
    engine, tmp_path: Path, monkeypatch, *, folkestone_quarters: int = 3, people: dict[str, int] = PEOPLE, year: str = "2024/25"
) -> None:
    """The lookup, population (mid-2024) and the tables, each through its real loader."""
    load(engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv", LOOKUP_ROWS))
    lines = "".join(f"{code},2024,{n}\n" for code, n in people.items())
    load(engine, "population", write(tmp_path / "population.csv", "area_code,year,population\n" + lines))
    monkeypatch.setattr(reading, "ROWS", tables_rows(folkestone_quarters, year))
    load(engine, "csp-tables", reading.write_tables(tmp_path / "prc-csp-tables.xlsx"))


def test_the_funnel_of_all_offences_reads_the_nations_counts_once(engine, tmp_path, monkeypatch):
    """Every partnership's totals for the year (kept by the load: the tables hold 1.25 million
    rows with the nation held) are read once: the year found complete is the year drawn, with the same counts."""
    loaded(engine, tmp_path, monkeypatch)
    with statements_run() as statements, session_scope(engine) as session:
        view = funnel_view(session, FunnelMeasure(), PERIOD, NORTH_DEVON)
    assert view.points
    # as the load kept them (``store.kept_totals``): the year's totals once, no sum over the tables
    assert len([s for s in statements if "FROM csp_quarter_total WHERE" in s]) == 1
    assert not [s for s in statements if "sum(csp_crime_count.count)" in s]


def test_funnel_points_limits_marks_and_who_is_left_out(engine, tmp_path, monkeypatch):
    loaded(engine, tmp_path, monkeypatch)
    with session_scope(engine) as session:
        view = funnel_view(session, FunnelMeasure(), PERIOD, NORTH_DEVON, group_members=[CORNWALL, CARDIFF_CSP])
    by_code = {p.code: p for p in view.points}
    # Cwm Taf has no population for Merthyr Tydfil; Folkestone and Hythe three quarters only
    assert set(by_code) == {NORTHERN_DEVON, "E22000204", "E22000164", CARDIFF_CSP}
    assert view.notes == [
        "1 partnership left out: not all four quarters of 2024/25 held (Folkestone and Hythe).",
        "1 partnership left out: no population (Cwm Taf).",
    ]
    assert CWM_TAF not in by_code and MERTHYR not in PEOPLE
    home = by_code[NORTHERN_DEVON]  # the two districts' residents, four quarters of both groups
    assert (home.count, home.population, home.mark) == (4 * 2100, 170_000, "home")
    assert home.rate == pytest.approx(8400 / 170)
    assert {p.code for p in view.group} == {"E22000204", CARDIFF_CSP}
    # not everyone is drawn, so the centre is the rate of those drawn, and says so
    drawn = [NORTHERN_DEVON, "E22000204", "E22000164", CARDIFF_CSP]
    expected = sum(by_code[c].count for c in drawn) * 1000 / sum(by_code[c].population for c in drawn)
    assert view.national_rate == pytest.approx(expected) and view.centre_name == "the partnerships drawn"
    assert view.year is not None and view.year.label == "2024/25" and view.population_years == (2024,)
    havering = by_code["E22000164"]  # 20,400 crimes in 260,000 residents: far above the others
    assert havering.position is Position.ABOVE_998
    assert havering.rate > rate_limits(expected, 260_000, 0.998)[1]
    for p in view.points:
        assert p.position is position_of(p.rate, expected, p.population)
    assert funnel_title(view).startswith("Northern Devon: 49.4 per 1,000, ")
    headers, rows = funnel_table(view)
    assert rows[0][:2] == ["Havering", "E22000164"] and rows[0][5] == "above the 99.8% limit"
    assert [r[6] for r in rows if r[1] == NORTHERN_DEVON] == ["home area"]
    figure = funnel_figure(view, funnel_title(view))
    metas = [t.get("meta") for t in figure["data"]]
    assert {"limit-95%-upper", "limit-99.8%-lower", "points-home", "points-group", "points-other"} <= set(metas)
    home_trace = figure["data"][metas.index("points-home")]
    assert home_trace["marker"]["symbol"] == "star" and home_trace["text"] == ["Northern Devon"]
    assert "Similar partnerships (diamonds)" in funnel_alt(view)


def test_funnel_around_england_and_wales_when_every_partnership_is_drawn(engine, tmp_path, monkeypatch):
    loaded(engine, tmp_path, monkeypatch, folkestone_quarters=4, people={**PEOPLE, MERTHYR: 60_000, FOLKESTONE: 110_000})
    with session_scope(engine) as session:
        view = funnel_view(session, FunnelMeasure(), PERIOD, CARDIFF_CSP)
        drugs = funnel_view(session, funnel_measure("CSP-Crime: drug offences"), PERIOD, CARDIFF_CSP)
        unknown = funnel_view(session, FunnelMeasure("Burglary"), PERIOD, CARDIFF_CSP)
        too_early = funnel_view(session, FunnelMeasure(), Quarter(2023, 4), CARDIFF_CSP)
        mid_year = funnel_view(session, FunnelMeasure(), Quarter(2024, 3), CARDIFF_CSP)  # Q4 not yet reported
    assert view.notes == [] and view.centre_name == "England and Wales" and len(view.points) == 6
    # every count in the tables, Kent's Unassigned part too, over every partnership's residents
    crimes = 4 * (sum(THEFT.values()) + 100 * len(THEFT) + 50)
    assert view.national_rate == pytest.approx(crimes * 1000 / (sum(PEOPLE.values()) + 60_000 + 110_000))
    assert view.home is not None and view.home.name == "Cardiff"
    # "Drug offences" and "Drug Offences" are one group
    assert {p.count for p in drugs.points} == {400} and drugs.measure.words == "drug offences"
    assert "no offence group called 'Burglary'" in unknown.unavailable and "Theft offences" in unknown.unavailable
    assert too_early.unavailable == "the Home Office CSP tables are not loaded for any year ended by Q4 2023/24"
    assert mid_year.unavailable == "the Home Office CSP tables are not loaded for any year ended by Q3 2024/25"


@pytest.mark.parametrize(
    ("measure", "unit", "expected"),
    [
        ("crime", "count", FunnelMeasure()),
        ("csp-crime:Theft offences", "count", FunnelMeasure("Theft offences")),
        ("csp-crime: Drug offences ", "count", FunnelMeasure("Drug offences")),
        ("csp-crime", "count", FunnelMeasure()),
        # a Met measure through the shipped mapping to the Home Office groups
        ("crime:VIOLENCE AGAINST THE PERSON", "count", FunnelMeasure("Violence against the person")),
    ],
)
def test_funnel_measures_read_as_the_source_reads_them(measure, unit, expected):
    assert funnel_measure(measure, unit) == expected


@pytest.mark.parametrize(
    ("measure", "unit", "why"),
    [
        ("crime:BURGLARY/", "count", "Met crime category"),
        ("marac:repeat_rate", "percent", "percentage"),
        ("asb", "count", "not a count of recorded crime"),
        ("crime:BURGLARY", "count", "part of the offences"),  # mapped by offence code, not a group
        ("csp-crime:Theft offences;except=code=44", "count", "part of the offences"),
        ("csp-crime:code=", "count", "code= names no offence code"),
    ],
)
def test_funnel_measures_without_a_funnel_say_why(measure, unit, why):
    assert why in str(funnel_measure(measure, unit))


def test_funnel_population_ticks_are_few_and_round():
    from views.funnel import population_ticks

    assert population_ticks(54_000, 1_210_000) == [100_000, 200_000, 500_000, 1_000_000]
    assert population_ticks(9_000, 60_000) == [10_000, 20_000, 50_000]
