"""UK financial-year periods."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.periods import FinancialYear, PeriodError, Quarter, month_to_quarter, normalise_month, quarters_between


@pytest.mark.parametrize("text", ["2016-17-Q3", "2016/17 Q3", "Q3 2016/17", "2016-17 Q3", "q3 2016/2017", " 2016-17-q3 "])
def test_periods_quarter_parse_accepts_report_spellings(text):
    assert Quarter.parse(text) == Quarter(2016, 3)


@pytest.mark.parametrize("text", ["2016-18-Q3", "2016-17-Q5", "Q0 2016/17", "2016 Q3", "", "Oct 2016"])
def test_periods_quarter_parse_rejects_nonsense(text):
    with pytest.raises(PeriodError):
        Quarter.parse(text)


def test_periods_quarter_key_and_label():
    q = Quarter(2016, 3)
    assert q.key == "2016-17-Q3"
    assert q.label == "Q3 2016/17"
    assert str(q) == "2016-17-Q3"


@pytest.mark.parametrize(
    ("quarter", "months"),
    [
        (Quarter(2016, 1), ["2016-04", "2016-05", "2016-06"]),
        (Quarter(2016, 3), ["2016-10", "2016-11", "2016-12"]),
        (Quarter(2016, 4), ["2017-01", "2017-02", "2017-03"]),
    ],
)
def test_periods_quarter_months(quarter, months):
    assert quarter.months() == months


@pytest.mark.parametrize(
    ("month", "key"),
    [
        ("2016-04", "2016-17-Q1"),
        ("2016-12", "2016-17-Q3"),
        ("2017-01", "2016-17-Q4"),
        ("2017-03", "2016-17-Q4"),
        ("201703", "2016-17-Q4"),
    ],
)
def test_periods_month_to_quarter(month, key):
    assert month_to_quarter(month).key == key


def test_periods_previous_quarter_of_q1_is_q4_of_year_before():
    assert Quarter(2016, 1).previous() == Quarter(2015, 4)
    assert Quarter(2016, 3).previous() == Quarter(2016, 2)


def test_periods_same_quarter_last_year():
    assert Quarter(2016, 3).same_quarter_last_year() == Quarter(2015, 3)


def test_periods_year_to_date_months():
    assert Quarter(2016, 3).ytd_months() == [f"2016-{m:02d}" for m in range(4, 13)]
    assert Quarter(2016, 4).ytd_months()[-1] == "2017-03"
    assert len(Quarter(2016, 4).ytd_months()) == 12


def test_periods_financial_year_parse_and_century():
    assert FinancialYear.parse("2016-17").key == "2016-17"
    assert FinancialYear.parse("2016/2017").label == "2016/17"
    assert FinancialYear.parse("1999-00").start == 1999


@pytest.mark.parametrize("text", ["2016-13", "2016-2018", "13", "2016-17-Q1"])
def test_periods_normalise_month_rejects(text):
    with pytest.raises(PeriodError):
        normalise_month(text)


def test_periods_quarters_between_spans_years():
    keys = [q.key for q in quarters_between(Quarter(2015, 4), Quarter(2016, 2))]
    assert keys == ["2015-16-Q4", "2016-17-Q1", "2016-17-Q2"]


@given(st.integers(1990, 2100), st.integers(1, 4))
def test_periods_round_trip_and_month_membership(year, q):
    quarter = Quarter(year, q)
    assert Quarter.parse(quarter.key) == quarter
    assert Quarter.parse(quarter.label) == quarter
    assert all(month_to_quarter(m) == quarter for m in quarter.months())
    assert quarter.previous().next() == quarter
