"""A target row has one meaning or is refused, and the load summary says what each row is used
for (#27 item 3), on both databases."""

from __future__ import annotations

from sqlalchemy import delete, select

from rules.periods import Quarter
from rules.rating import Rating
from store.db import session_scope
from store.indicator_queries import indicator_by_code
from store.models import Target
from store.scorecard import build_scorecard
from store.spc_series import spc_target
from tests.helpers import load, write
from tests.test_loaders_bad_input import problems_of

HEADER = "code,year,quarter,target,target_low,target_high,tolerance,tolerance_type\n"
Q1 = Quarter.parse("2016-17-Q1")
HAVERING = "E09000016"


def _rows(engine, period):
    with session_scope(engine) as session:
        return {r.code: r for r in build_scorecard(session, period, HAVERING).rows}


def test_blank_quarter_on_a_year_to_date_indicator_is_refused_saying_which_form_to_use(demo_engine, tmp_path):
    problems, error = problems_of(demo_engine, "targets", write(tmp_path / "t.csv", HEADER + "CSP3,2016-17,,4700,,,5,pct\n"))
    [(row, column, _, reason)] = problems
    assert (row, column) == (2, "quarter")
    assert "CSP3 2016-17" in reason and "year-to-date indicator" in reason and "Q4" in reason and "each quarter" in reason


def test_a_blank_quarter_stored_before_the_rule_is_never_compared_with_a_year_to_date(demo_engine):
    """CSP3 with 2016-17,,4700 was Green at Q1 with 1,392 ("3,308 below target"), and SPC
    assurance spread 4,700 over Q1's months."""
    with session_scope(demo_engine) as session:
        session.execute(delete(Target).where(Target.indicator_code == "CSP3", Target.year == "2016-17"))
        session.add(Target(indicator_code="CSP3", year="2016-17", quarter=None, target=4700, tolerance=5, tolerance_type="pct"))
    row = _rows(demo_engine, Q1)["CSP3"]
    assert row.target is None and row.rag == Rating.NOT_RATED
    with session_scope(demo_engine) as session:
        assert spc_target(session, indicator_by_code(session, "CSP3"), HAVERING, Q1, "month") == (None, "")


def test_blank_quarter_beside_quarter_rows_in_the_file_is_refused(demo_engine, tmp_path):
    path = write(tmp_path / "t.csv", HEADER + "DP2,2016-17,,1200,,,0,abs\nDP2,2016-17,Q3,1100,,,0,abs\n")
    problems, _ = problems_of(demo_engine, "targets", path)
    assert [(p[0], p[1]) for p in problems] == [(2, "quarter")]
    assert "Q3" in problems[0][3] and "either one row with a blank quarter or a row per quarter" in problems[0][3]


def test_each_rows_use_is_in_the_summary_and_a_files_form_replaces_the_stored_other_form(demo_engine, tmp_path):
    load(
        demo_engine,
        "indicators",
        write(
            tmp_path / "i.csv",
            "code,name,goal,unit,polarity,basis,measure,rated\nDP2,Domestic abuse,Safe,count,lower,quarter,values,true\n",
        ),
    )
    every = load(demo_engine, "targets", write(tmp_path / "t1.csv", HEADER + "DP2,2016-17,,1200,,,0,abs\n"))
    assert any("DP2 (rated each quarter)" in n and "the same target for each quarter" in n for n in every.notes), every.notes
    quarterly = load(
        demo_engine, "targets", write(tmp_path / "t2.csv", HEADER + "DP2,2016-17,Q3,1100,,,0,abs\nCSP3,2016-17,Q4,4800,,,5,pct\n")
    )
    notes = " | ".join(quarterly.lines())
    assert "DP2 2016-17 every quarter every area" in notes  # the stored blank row is replaced, and said so
    assert (
        "CSP3 (rated on the year to date), 1 row: each compared with the year to date at its quarter (Q4: the year-end target) (2016/17 Q4)"
        in notes
    )
    with session_scope(demo_engine) as session:
        held = [(t.quarter, t.target) for t in session.scalars(select(Target).where(Target.indicator_code == "DP2"))]
    assert held == [(3, 1100.0)]
