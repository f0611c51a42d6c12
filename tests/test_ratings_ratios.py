"""Year-to-date ratios are the sum of numerators over the sum of denominators, nothing else
(#27 items 1 and 2), on both databases."""

from __future__ import annotations

from rules.periods import Quarter
from rules.rating import Rating
from rules.ratios import PeriodValue, combine
from store.db import session_scope
from store.scorecard import build_scorecard
from tests.helpers import load, write

Q2, Q3 = Quarter.parse("2016-17-Q2"), Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"
P1 = "code,name,goal,unit,polarity,basis,measure,rated\nP1,Share resolved,Safe,percent,higher,ytd,values,true\n"


def _p1(engine, tmp_path, values: str, target: str = "") -> None:
    load(engine, "indicators", write(tmp_path / "i.csv", P1))
    load(engine, "values", write(tmp_path / "v.csv", "indicator_code,area_code,period,value,numerator,denominator\n" + values))
    if target:
        load(engine, "targets", write(tmp_path / "t.csv", "code,year,quarter,target,tolerance,tolerance_type\n" + target))


def _row(engine, period=Q3):
    with session_scope(engine) as session:
        return {r.code: r for r in build_scorecard(session, period, HAVERING).rows}["P1"]


def test_ytd_percentage_is_the_ratio_of_sums_not_rescaled_by_the_first_quarter(demo_engine, tmp_path):
    _p1(
        demo_engine, tmp_path,
        f"P1,{HAVERING},2016-17-Q1,33,1,3\nP1,{HAVERING},2016-17-Q2,50,5,10\nP1,{HAVERING},2016-17-Q3,99,99,100\n",
        "P1,2016-17,Q3,92.5,0,abs\n",
    )  # fmt: skip
    row = _row(demo_engine)
    assert round(row.actual, 1) == 92.9  # 105 / 113, not 92.0 (scaled by 33 / (1/3))
    assert row.rag == Rating.GREEN
    assert round(_row(demo_engine, Q2).actual, 1) == 46.2  # 6 / 13, not 45.7


def test_ytd_percentage_is_not_available_when_a_quarter_lacks_its_parts(demo_engine, tmp_path):
    _p1(
        demo_engine, tmp_path,
        f"P1,{HAVERING},2016-17-Q1,50,5,10\nP1,{HAVERING},2016-17-Q2,10,10,100\nP1,{HAVERING},2016-17-Q3,80,,\n",
        "P1,2016-17,Q3,40,0,abs\n",
    )  # fmt: skip
    row = _row(demo_engine)
    assert row.actual is None and row.ytd_value is None  # never (50 + 10 + 80) / 3 = 46.7
    assert row.rag == Rating.NO_DATA
    assert row.quarter_value == 80  # the quarter itself is still shown
    assert any("Q3 2016/17" in n and "no numerator and denominator" in n for n in row.notes), row.notes


def test_last_years_values_only_year_to_date_is_not_averaged_for_the_long_term_arrow(demo_engine, tmp_path):
    _p1(
        demo_engine, tmp_path,
        f"P1,{HAVERING},2015-16-Q1,50,,\nP1,{HAVERING},2015-16-Q2,10,,\nP1,{HAVERING},2015-16-Q3,80,,\n"
        f"P1,{HAVERING},2016-17-Q1,50,5,10\nP1,{HAVERING},2016-17-Q2,10,10,100\nP1,{HAVERING},2016-17-Q3,80,8,10\n",
    )  # fmt: skip
    row = _row(demo_engine)
    assert round(row.actual, 1) == round(100 * 23 / 120, 1)
    assert row.same_period_last_year is None and row.ytd_last_year is None  # not 46.7
    assert row.dot_long.value == "n/a"
    assert any("2015/16" in n and "no numerator and denominator" in n for n in row.notes), row.notes


def test_combine_is_a_ratio_of_sums_or_nothing():
    parts = [PeriodValue(33, 1, 3), PeriodValue(50, 5, 10), PeriodValue(99, 99, 100)]
    assert round(combine(parts, "percent").value.value, 4) == round(100 * 105 / 113, 4)
    rates = [PeriodValue(3.3, 1, 300), PeriodValue(5.0, 5, 1000)]  # per 1,000
    assert round(combine(rates, "rate").value.value, 4) == round(1000 * 6 / 1300, 4)
    missing = combine([PeriodValue(50, 5, 10), PeriodValue(80)], "percent", ["Q1 2016/17", "Q2 2016/17"])
    assert missing.value is None and "Q2 2016/17" in missing.missing
    assert combine([PeriodValue(3), PeriodValue(4)], "count").value.value == 7
