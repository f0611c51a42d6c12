"""The scorecard query: measures, year to date, comparators, targets and flags, on both databases."""

from __future__ import annotations

import pytest

from rules.periods import Quarter
from rules.rating import Rating
from store.db import session_scope
from store.scorecard import build_scorecard
from tests.helpers import load, write

Q3 = Quarter.parse("2016-17-Q3")


def rows_of(engine, period=Q3, area="E09000016"):
    with session_scope(engine) as session:
        return {r.code: r for r in build_scorecard(session, period, area).rows}


def test_scorecard_demo_quarter_and_year_to_date_figures(demo_engine):
    rows = rows_of(demo_engine)
    tno = rows["CSP1"]
    assert (tno.quarter_value, tno.ytd_value, tno.quarter_last_year, tno.ytd_last_year) == (4355, 13143, 4520, 12573)
    assert round(tno.change_on_last_year, 1) == 4.5
    assert round(tno.comparator_change, 1) == 3.8  # London, from uploaded comparator values
    marac = rows["CSP2"]
    assert round(marac.quarter_value, 1) == 28.8
    assert round(marac.ytd_value, 1) == 25.7  # 45 / 175: a ratio of sums, not a mean of rates
    assert rows["CSP3"].rag == Rating.RED and rows["CSP3"].quarter_value == 1322


def test_scorecard_q1_previous_quarter_is_last_years_q4(demo_engine):
    rows = rows_of(demo_engine, Quarter.parse("2016-17-Q1"))
    assert rows["CSP1"].previous_quarter == 4300  # Q4 2015/16


def test_scorecard_ward_level_sums_for_borough_measures(demo_engine):
    with session_scope(demo_engine) as session:
        card = build_scorecard(session, Q3, "E05000312")  # a ward: crime from the ward's own rows
        ward_tno = {r.code: r for r in card.rows}["CSP1"]
    assert 0 < ward_tno.quarter_value < 4355


ROMFORD = "E05000319"


def test_scorecard_ward_is_not_rated_against_the_boroughs_target(demo_engine):
    """Romford Town's 2,212 offences are not rated against Havering's 12,400: a target without
    an area is the borough's, so a ward without its own target is Not rated and not counted."""
    with session_scope(demo_engine) as session:
        card = build_scorecard(session, Q3, ROMFORD)
    tno = {r.code: r for r in card.rows}["CSP1"]
    assert tno.actual and tno.target is None
    assert tno.rag == Rating.NOT_RATED and tno.reason == "no target for this ward (borough targets do not apply to a ward)"
    assert card.summary.overall.rated_total == 0


def test_scorecard_ward_is_rated_against_its_own_target(demo_engine, tmp_path):
    path = write(
        tmp_path / "t.csv",
        "code,year,quarter,target,target_low,target_high,tolerance,tolerance_type,area_code\n"
        f"CSP1,2016-17,Q3,1000,,,2.5,pct,{ROMFORD}\n",
    )
    load(demo_engine, "targets", path)
    ward = rows_of(demo_engine, area=ROMFORD)["CSP1"]
    assert ward.target is not None and ward.target.target == 1000
    assert ward.rag in (Rating.RED, Rating.AMBER)  # far above 1,000
    assert rows_of(demo_engine)["CSP1"].target.target == 12400  # the borough keeps its own


def test_scorecard_summary_counts_every_indicator_in_the_table(demo_engine, tmp_path):
    """A ward with its own target for one of its three rated indicators: the summary above
    the table of three says three, not "Of the 1 indicator, 1 (100.0%) is Red"."""
    from rules.summary import summary_sentence

    path = write(
        tmp_path / "t.csv",
        "code,year,quarter,target,target_low,target_high,tolerance,tolerance_type,area_code\n"
        f"CSP1,2016-17,Q3,1000,,,2.5,pct,{ROMFORD}\n",
    )
    load(demo_engine, "targets", path)
    with session_scope(demo_engine) as session:
        card = build_scorecard(session, Q3, ROMFORD)
    shown = [r for r in card.rows if r.rated]
    counts = card.summary.overall
    assert counts.total == len(shown) == 3
    rag = {r.code: r for r in shown}["CSP1"].rag.value
    # MARAC is borough-wide: no ward figure.
    assert (
        summary_sentence(counts)
        == f"Of the 3 indicators, 1 is Not rated and 1 has no figure; of the 1 rated, 1 (100.0%) is {rag}."
    )


def test_scorecard_no_data_and_red_without_action_flag(demo_engine, tmp_path):
    rows = rows_of(demo_engine, Quarter.parse("2017-18-Q1"))
    assert rows["CSP1"].rag == Rating.NO_DATA
    path = write(
        tmp_path / "c.csv", "indicator_code,area_code,period,commentary,corrective_action\nCSP1,E09000016,2016-17-Q3,Words,\n"
    )
    load(demo_engine, "commentary", path)
    assert "Red without corrective action" not in rows_of(demo_engine)["CSP1"].flags  # an empty cell drops no action
    from datetime import UTC, datetime

    from store.actions import drop_action, list_actions

    with session_scope(demo_engine) as session:  # CSP1's corrective actions for the quarter are dropped
        for action in list_actions(session, indicator="CSP1", area="E09000016", periods=[Quarter.parse("2016-17-Q3")]):
            drop_action(session, action.id, "priya", datetime.now(UTC))
    assert "Red without corrective action" in rows_of(demo_engine)["CSP1"].flags


def test_scorecard_previous_quarter_comparison_can_turn_red_amber(demo_engine, tmp_path):
    # Rated on the quarter and compared with the previous quarter, ASB's Q3 (1,322) beat Q2
    # (2,096): still outside tolerance, but improved, so Amber rather than Red.
    path = write(
        tmp_path / "i.csv",
        "code,name,goal,unit,polarity,basis,measure,rated,rag_comparison\n"
        "CSP3,Anti-social behaviour incidents,Safe,count,lower,quarter,asb,true,previous_quarter\n",
    )
    load(demo_engine, "indicators", path)
    targets = write(tmp_path / "t.csv", "code,year,quarter,target,tolerance,tolerance_type\nCSP3,2016-17,Q3,1000,0,abs\n")
    load(demo_engine, "targets", targets)
    row = rows_of(demo_engine)["CSP3"]
    assert (row.actual, row.rag) == (1322, Rating.AMBER)  # 1,322 is better than Q2's 2,096
    assert "previous quarter" in row.reason


@pytest.mark.parametrize(("value", "expected"), [(1200, Rating.GREEN), (1300, Rating.RED)])
def test_scorecard_uploaded_values_override_the_measure(demo_engine, tmp_path, value, expected):
    ind = write(
        tmp_path / "i.csv",
        "code,name,goal,unit,polarity,basis,measure,rated\nDP2,Domestic abuse,Safe,count,lower,quarter,values,true\n",
    )
    load(demo_engine, "indicators", ind)
    load(
        demo_engine,
        "targets",
        write(tmp_path / "t.csv", "code,year,quarter,target,tolerance,tolerance_type\nDP2,2016-17,,1200,0,abs\n"),
    )
    load(
        demo_engine,
        "values",
        write(tmp_path / "v.csv", f"indicator_code,area_code,period,value\nDP2,E09000016,2016-17-Q3,{value}\n"),
    )
    assert rows_of(demo_engine)["DP2"].rag == expected
