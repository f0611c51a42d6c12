"""Annual targets spread by their profiles reach the ratings (#22 part 1), on both databases:
even, custom and seasonal (from the last three complete years' months), a hand-typed quarter
winning, and a seasonal profile without three complete years giving no target and saying why.
SPC assurance spreads a span's target over its months by the profile."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from rules.periods import FinancialYear, Quarter
from store.annual_targets import profile_problem
from store.db import session_scope
from store.indicator_queries import indicator_by_code
from store.models import AnnualTarget, Target
from store.scorecard import build_scorecard
from tests.helpers import load, write

HAVERING = "E09000016"


def _target(engine, code: str, period: str) -> float | None:
    with session_scope(engine) as session:
        row = next(r for r in build_scorecard(session, Quarter.parse(period), HAVERING).rows if r.code == code)
        return None if row.target is None else row.target.target


def _annual(
    engine, code: str, year: str, target: float, profile: str = "even", shares=None, keep_typed: tuple[int, ...] = ()
) -> None:
    with session_scope(engine) as session:
        session.execute(
            delete(Target).where(Target.indicator_code == code, Target.year == year, Target.quarter.not_in(keep_typed))
        )
        session.add(
            AnnualTarget(
                indicator_code=code, year=year, target=target, tolerance=2.5, tolerance_type="pct", profile=profile, shares=shares
            )
        )


def test_an_even_annual_target_gives_each_year_to_date_its_share(demo_engine):
    _annual(demo_engine, "CSP1", "2016-17", 16_000)
    assert [_target(demo_engine, "CSP1", f"2016-17-Q{q}") for q in (1, 2, 3)] == pytest.approx([4000, 8000, 12_000])


def test_a_hand_typed_quarter_target_wins_for_its_quarter(demo_engine):
    _annual(demo_engine, "CSP1", "2016-17", 16_000, keep_typed=(3,))  # the demo's Q3 row: 12,400
    assert _target(demo_engine, "CSP1", "2016-17-Q3") == 12_400
    assert _target(demo_engine, "CSP1", "2016-17-Q2") == pytest.approx(8000)


def _projection(engine, code: str, period: str) -> dict[str, object]:
    with session_scope(engine) as session:
        row = next(r for r in build_scorecard(session, Quarter.parse(period), HAVERING).rows if r.code == code)
        return row.json_record()


def test_the_year_end_is_judged_against_the_annual_target_even_where_typed_quarters_win(demo_engine):
    """CSP1 at Q3 2016/17 projects 17,552 to 17,724. The demo's typed quarters (Q4: 16,600) keep
    rating their quarters, but "will we meet the target by March?" is asked of the year's target."""
    _annual(demo_engine, "CSP1", "2016-17", 18_000, keep_typed=(1, 2, 3, 4))
    record = _projection(demo_engine, "CSP1", "2016-17-Q3")
    assert record["target"] == 12_400  # the typed Q3 target still rates Q3
    assert record["on_track"] == "on track"
    assert record["projection_note"] == "on track: the whole range is on the right side of the year-end target (18,000)"


def test_a_seasonal_target_short_of_years_still_judges_the_year_end(demo_engine):
    """No quarter targets (two complete years held, three needed), but the year's target stands."""
    _annual(demo_engine, "CSP1", "2016-17", 17_600)  # 2.5%: still on target up to 18,040
    with session_scope(demo_engine) as session:
        session.execute(update(AnnualTarget).values(profile="seasonal"))
    record = _projection(demo_engine, "CSP1", "2016-17-Q3")
    assert record["target"] == "" and record["rag"] == "Not rated"
    assert record["on_track"] == "at risk"  # 17,552 to 17,724 straddles 17,600, within the tolerance


def test_a_custom_profile_spreads_by_its_twelve_shares(demo_engine):
    shares = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.1, 0.1, 0.1, 0.0833, 0.0833, 0.0834]
    _annual(demo_engine, "CSP1", "2016-17", 10_000, "custom", shares)
    assert [_target(demo_engine, "CSP1", f"2016-17-Q{q}") for q in (1, 2, 3)] == pytest.approx([3000, 4500, 7500])


def test_a_seasonal_profile_without_three_complete_years_gives_no_target_and_says_why(demo_engine):
    _annual(demo_engine, "CSP1", "2016-17", 16_000, "seasonal")
    assert _target(demo_engine, "CSP1", "2016-17-Q3") is None  # the demo holds 2014/15 and 2015/16 only
    with session_scope(demo_engine) as session:
        annual = session.scalars(select(AnnualTarget)).one()
        assert (
            profile_problem(session, annual, HAVERING)
            == "a seasonal profile needs 3 complete years of monthly figures; 2 are held"
        )


def test_a_seasonal_profile_takes_each_months_share_of_the_last_three_complete_years(engine, tmp_path):
    # April carries 100, May 110 … March 210 in each of 2013/14 to 2015/16: 1,860 a year.
    lines = [
        f"{HAVERING},{m},THEFT,,{100 + 10 * i}\n"
        for start in (2013, 2014, 2015)
        for i, m in enumerate(FinancialYear(start).months())
    ]
    load(engine, "crime", write(tmp_path / "crime.csv", "area_code,month,major_category,minor_category,count\n" + "".join(lines)))
    load(
        engine,
        "indicators",
        write(
            tmp_path / "i.csv",
            "code,name,goal,unit,polarity,basis,measure,rated\nTNO,All crime,Safe,count,lower,quarter,crime,true\n",
        ),
    )
    with session_scope(engine) as session:
        session.add(
            AnnualTarget(
                indicator_code="TNO", year="2016-17", target=18_600, tolerance=0, tolerance_type="abs", profile="seasonal"
            )
        )
    # Q1's share: (100 + 110 + 120) / 1,860; Q4's: (190 + 200 + 210) / 1,860.
    assert _target(engine, "TNO", "2016-17-Q1") == pytest.approx(3300)
    assert _target(engine, "TNO", "2016-17-Q4") == pytest.approx(6000)


HEADER = "code,year,quarter,target,target_low,target_high,tolerance,tolerance_type,profile,shares\n"


def test_a_targets_file_year_row_is_stored_as_an_annual_target_and_rates_the_quarters(demo_engine, tmp_path):
    with session_scope(demo_engine) as session:
        session.execute(delete(Target).where(Target.indicator_code == "CSP1", Target.year == "2016-17"))
    shares = ";".join(["0.1"] * 3 + ["0.05"] * 3 + ["0.1"] * 3 + ["0.0833", "0.0833", "0.0834"])
    summary = load(
        demo_engine, "targets", write(tmp_path / "t.csv", HEADER + f"CSP1,2016-17,year,10000,,,2.5,pct,custom,{shares}\n")
    )
    assert any("annual target CSP1 2016-17: 10000, spread custom" in n for n in summary.notes), summary.notes
    assert _target(demo_engine, "CSP1", "2016-17-Q2") == pytest.approx(4500)


@pytest.mark.parametrize(
    ("row", "column", "why"),
    [
        ("CSP1,2016-17,year,10000,,,2.5,pct,custom,0.5;0.5", "shares", "twelve shares"),
        ("CSP1,2016-17,year,10000,,,2.5,pct,monthly,", "profile", "even, seasonal, custom"),
        ("CSP2,2016-17,year,30,,,2.5,abs,even,", "quarter", "band indicator"),
    ],
)
def test_a_bad_year_row_is_refused_naming_row_column_and_value_and_nothing_is_stored(demo_engine, tmp_path, row, column, why):
    from tests.test_loaders_bad_input import problems_of

    problems, _ = problems_of(demo_engine, "targets", write(tmp_path / "t.csv", HEADER + row + "\n"))
    assert [(p[0], p[1]) for p in problems] == [(2, column)] and why in problems[0][3], problems
    with session_scope(demo_engine) as session:
        assert session.scalars(select(AnnualTarget)).all() == []


def test_loading_an_annual_target_records_the_change_once(demo_engine, tmp_path):
    from store.models import InputChange

    path = write(tmp_path / "t.csv", HEADER + "CSP3,2016-17,year,4700,,,5,pct,even,\n")
    load(demo_engine, "targets", path)
    load(demo_engine, "targets", path)  # the same again: nothing changed, nothing recorded
    with session_scope(demo_engine) as session:
        keys = [c.key for c in session.scalars(select(InputChange).where(InputChange.key.like("CSP3 2016-17 year%")))]
    assert keys == ["CSP3 2016-17 year every area"]


def test_spc_assurance_spreads_the_target_by_the_profile_not_evenly(demo_engine):
    from store.spc_series import spc_target

    shares = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.1, 0.1, 0.1, 0.0833, 0.0833, 0.0834]
    _annual(demo_engine, "CSP1", "2016-17", 10_000, "custom", shares)
    with session_scope(demo_engine) as session:
        csp1 = indicator_by_code(session, "CSP1")
        # Q3's year-to-date target is 7,500 (0.75 of the year); December carries 0.1 of the year.
        value, how = spc_target(session, csp1, HAVERING, Quarter.parse("2016-17-Q3"), "month", "2016-12")
        assert value == pytest.approx(1000)
        assert (
            how
            == "assurance against the Q3 2016/17 target of 7,500 for the year to date, spread by the annual target's custom profile: 1,000 for this month"
        )
        # August carries 0.05 of the year: 500, not the even 4,500 / 6 = 750 of the Q2 year to date.
        assert spc_target(session, csp1, HAVERING, Quarter.parse("2016-17-Q2"), "month", "2016-08")[0] == pytest.approx(500)
        # By quarter: Q3's three months carry 0.3 of the year.
        assert spc_target(session, csp1, HAVERING, Quarter.parse("2016-17-Q3"), "quarter")[0] == pytest.approx(3000)


def test_spc_assurance_spreads_a_hand_typed_quarter_target_by_the_profile_within_its_span(demo_engine):
    from store.spc_series import spc_target

    shares = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.1, 0.1, 0.1, 0.0833, 0.0833, 0.0834]
    _annual(demo_engine, "CSP1", "2016-17", 10_000, "custom", shares, keep_typed=(3,))  # Q3 typed: 12,400
    with session_scope(demo_engine) as session:
        value, _ = spc_target(
            session, indicator_by_code(session, "CSP1"), HAVERING, Quarter.parse("2016-17-Q3"), "month", "2016-12"
        )
        assert value == pytest.approx(12_400 * 0.1 / 0.75)


def test_cspdash_ingest_targets_says_when_a_seasonal_year_row_gives_no_quarter_targets(demo_engine, database_url, tmp_path):
    from click.testing import CliRunner

    from cli.main import cli

    path = write(tmp_path / "t.csv", HEADER + "CSP1,2016-17,year,16000,,,2.5,pct,seasonal,\n")
    result = CliRunner().invoke(cli, ["ingest", "targets", str(path)], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert (
        "note: annual target CSP1 2016-17 gives no quarter targets for Havering (E09000016): "
        "a seasonal profile needs 3 complete years of monthly figures; 2 are held"
    ) in result.output
    with session_scope(demo_engine) as session:
        assert session.scalars(select(AnnualTarget)).one().profile == "seasonal"  # stored: next year's months may complete it
