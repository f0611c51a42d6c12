"""ASB, MARAC, values, areas, indicators, targets and commentary loaders: the happy paths."""

from __future__ import annotations

from sqlalchemy import select

from store.db import session_scope
from store.indicator_queries import indicator_by_code
from store.models import Area, IndicatorValue, MaracReturn, Target
from tests.conftest import table_counts
from tests.helpers import load, write


def test_loaders_asb_optional_category_and_replacement(engine, tmp_path):
    first = write(tmp_path / "asb.csv", 'area_code,month,count\nE09000016,2016-10,"1,392"\nE09000016,2016-11,5\n')
    summary = load(engine, "asb", first)
    assert (summary.stored, summary.total, summary.periods) == (2, 1397, ["2016-10", "2016-11"])
    second = write(
        tmp_path / "asb2.csv", "area_code,month,category,count\nE09000016,2016-10,Nuisance,7\nE09000016,2016-10,Personal,3\n"
    )
    again = load(engine, "asb", second)
    assert again.replaced == 1  # the uncategorised October row is replaced; November is kept
    assert table_counts(engine)["asb_count"] == 3


def test_loaders_marac_keeps_extra_columns_and_replaces_quarters(engine, tmp_path):
    path = write(
        tmp_path / "marac.csv",
        "area_code,quarter,cases_discussed,repeat_cases,referrals_from_police,idva_caseload\nE09000016,2016/17 Q3,59,17,31,44\n",
    )
    summary = load(engine, "marac", path)
    assert summary.periods == ["2016-17-Q3"]
    assert "further columns kept: referrals_from_police, idva_caseload" in summary.notes
    load(engine, "marac", path)
    with session_scope(engine) as session:
        rows = session.scalars(select(MaracReturn)).all()
        assert len(rows) == 1
        assert (rows[0].quarter, rows[0].cases_discussed, rows[0].repeat_cases) == ("2016-17-Q3", 59, 17)
        assert rows[0].extra == {"referrals_from_police": "31", "idva_caseload": "44"}


def test_loaders_areas_in_any_order_and_updates(engine, tmp_path):
    path = write(
        tmp_path / "areas.csv",
        "area_code,area_name,level,parent_code\nE05000306,Brooklands,ward,E09900001\nE09900001,Test borough,borough,E12000007\n",
    )
    summary = load(engine, "areas", path)
    assert sorted(summary.areas_added) == ["E05000306", "E09900001"]
    rename = write(
        tmp_path / "rename.csv", "area_code,area_name,level,parent_code\nE05000306,Brooklands (renamed),ward,E09900001\n"
    )
    load(engine, "areas", rename)
    with session_scope(engine) as session:
        assert session.get(Area, "E05000306").name == "Brooklands (renamed)"


def test_loaders_areas_take_the_national_levels_and_district_is_borough(engine, tmp_path):
    """Issue 21: an areas file may name districts (stored as the borough level), partnerships,
    police force areas and England and Wales."""
    path = write(
        tmp_path / "areas.csv",
        "area_code,area_name,level,parent_code\n"
        "E07000043,North Devon,District,E22000203\n"
        "E22000203,Northern Devon,csp,E23000035\n"
        "E23000035,Devon & Cornwall,force,K04000001\n"
        "K04000001,England and Wales,nation,\n",
    )
    load(engine, "areas", path)
    with session_scope(engine) as session:
        levels = {code: session.get(Area, code).level for code in ("E07000043", "E22000203", "E23000035", "K04000001")}
    assert levels == {"E07000043": "borough", "E22000203": "csp", "E23000035": "force", "K04000001": "nation"}


def test_loaders_indicators_targets_values_upsert(engine, tmp_path):
    indicators = write(
        tmp_path / "ind.csv",
        "code,name,goal,unit,polarity,basis,measure,rated,rag_comparison\n"
        "K1,Repeat rate,Safe,percent,band,quarter,values,TRUE,previous_quarter\n",
    )
    load(engine, "indicators", indicators)
    targets = write(
        tmp_path / "t.csv",
        "code,year,quarter,target,target_low,target_high,tolerance,tolerance_type,area_code\n"
        "K1,2016/17,,,28,40,3,abs,\nK1,2016-17,Q3,,30,40,2,ABS,E09000016\n",
    )
    load(engine, "targets", targets)
    values = write(
        tmp_path / "v.csv",
        "indicator_code,area_code,period,value,numerator,denominator\n"
        "K1,E09000016,2016-17-Q3,28.8,17,59\nK1,E12000007,2016-10,24.5,,\n",
    )
    load(engine, "values", values)
    load(engine, "values", values)  # replaces, no duplicates
    with session_scope(engine) as session:
        ind = indicator_by_code(session, "K1")
        assert (ind.rated, ind.rag_comparison) == (True, "previous_quarter")
        got = {(t.quarter, t.area_code, t.target_low, t.tolerance_type) for t in session.scalars(select(Target))}
        assert got == {(None, None, 28.0, "abs"), (3, "E09000016", 30.0, "abs")}
        assert len(session.scalars(select(IndicatorValue)).all()) == 2


def test_loaders_commentary_upserts_with_user(demo_engine, tmp_path):
    path = write(
        tmp_path / "c.csv",
        "indicator_code,area_code,period,commentary,corrective_action\nCSP1,E09000016,2016-17-Q3,New words,New action\n",
    )
    summary = load(demo_engine, "commentary", path, user="analyst")
    assert summary.replaced == 1
    from store.models import Commentary

    with session_scope(demo_engine) as session:
        note = session.scalars(
            select(Commentary).where(Commentary.indicator_code == "CSP1", Commentary.period == "2016-17-Q3")
        ).one()
        assert (note.commentary, note.corrective_action, note.updated_by) == ("New words", "", "analyst")
    from store.actions import list_actions

    def new_actions():
        with session_scope(demo_engine) as session:
            return [a for a in list_actions(session, indicator="CSP1", area="E09000016") if a.text == "New action"]

    [action] = new_actions()
    assert (action.period, action.status, action.owner, action.due_date) == ("2016-17-Q3", "open", "", None)
    load(demo_engine, "commentary", path, user="analyst")  # the same file again adds no second action
    assert len(new_actions()) == 1
