"""The projected year end from the stored figures (#22 part 2), on both databases: the demo's
total notifiable offences at Q3 2016/17 as docs/figures.md works it, the five-year range, the
year-end target of a quarterly count, and the refusals; `score --format json` and the API
carry the same fields."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from sqlalchemy import delete

from rules.periods import FinancialYear, Quarter
from store.coverage_record import record_coverage
from store.db import session_scope
from store.models import CrimeCount, Indicator, IndicatorValue, Target
from store.scorecard import build_scorecard
from tests.conftest import make_dashboard_app

HAVERING = "E09000016"
Q3 = Quarter.parse("2016-17-Q3")


def _row(engine, code: str, period: Quarter = Q3):
    with session_scope(engine) as session:
        return next(r for r in build_scorecard(session, period, HAVERING).rows if r.code == code)


def test_the_demos_total_notifiable_offences_at_q3_2016_17_as_the_readme_works_it(demo_engine):
    """2016/17 to Q3: 13,143. 2015/16: 12,573 to Q3, 16,873 in the year; 2014/15 is the only
    other complete year, so two years: the Poisson interval on r = 4,494.9 remaining."""
    row = _row(demo_engine, "CSP1")
    point = 13143 * 16873 / 12573
    r = point - 13143
    p = row.projection
    assert (p.value, p.low, p.high) == pytest.approx((point, point - 1.2816 * math.sqrt(r), point + 1.2816 * math.sqrt(r)))
    assert (round(p.value, 1), round(p.low, 1), round(p.high, 1)) == (17637.9, 17552.0, 17723.9)
    # Year-end (Q4) target 16,600 with a 2.5% tolerance: 17,015, below the whole range.
    assert p.on_track.value == "off track"
    record = row.json_record()
    assert {k: record[k] for k in ("projected_year_end", "projected_low", "projected_high", "projection_method", "on_track")} == {
        "projected_year_end": 17637.9, "projected_low": 17552.0, "projected_high": 17723.9,
        "projection_method": "seasonal ratio; 80% Poisson interval", "on_track": "off track",
    }  # fmt: skip
    assert "Projected year end 17,638 (17,552 to 17,724): × off track" in row.narrative


def test_a_band_indicator_is_projected_but_not_judged_and_a_context_one_not_projected(demo_engine):
    band = _row(demo_engine, "CSP2").json_record()
    assert band["on_track"] == "not judged" and band["projected_year_end"] is not None
    assert "band indicator" in band["projection_note"]
    context = _row(demo_engine, "DP1").json_record()
    assert context["projected_year_end"] is None and context["on_track"] is None


def test_no_projection_in_q4_saying_why(demo_engine):
    record = _row(demo_engine, "CSP1", Quarter.parse("2016-17-Q4")).json_record()
    assert record["projected_year_end"] is None
    assert record["projection_note"] == "no projection in Q4: the year to date is the year end"


def test_early_in_a_year_with_fewer_than_three_months_held_no_projection_says_how_short_it_is(demo_engine):
    """April and May 2016 held, June not yet: Q1 2016/17 has no year to date to project from."""
    with session_scope(demo_engine) as session:
        session.execute(delete(CrimeCount).where(CrimeCount.month == "2016-06"))
        record_coverage(session, ["crime"])  # as every load does: the record (and its totals) follow the counts
    record = _row(demo_engine, "CSP1", Quarter.parse("2016-17-Q1")).json_record()
    assert record["projected_year_end"] is None and record["on_track"] is None
    assert (
        record["projection_note"] == "no projection: the year to date is not complete (only 2 of the quarter's 3 months loaded)"
    )
    # ASB's June is still held: its projection is made.
    assert _row(demo_engine, "CSP3", Quarter.parse("2016-17-Q1")).json_record()["projected_year_end"] is not None


def test_the_year_to_date_charts_table_and_its_csv_give_the_dashed_projection(demo_database_url):
    """The table under the chart (and its download) gives what the dashed line shows: the
    projected year end and its range beside Q4, with the year-end target it is judged against."""
    client = make_dashboard_app(demo_database_url).server.test_client()

    def ytd_csv(period: str) -> list[list[str]]:
        got = client.get(f"/p/E09000016/export/data/CSP1.csv?period={period}&area={HAVERING}&table=year-to-date")
        assert got.status_code == 200, got.get_data(as_text=True)
        return list(csv.reader(io.StringIO(got.get_data(as_text=True))))

    headers, *rows = ytd_csv(Q3.key)
    assert headers[-3:] == ["Projected year end", "Projected low", "Projected high"]
    q4 = dict(zip(headers, rows[3], strict=True))
    assert (q4["Target"], q4["Still Green up to"]) == ("16600", "17015")  # the year-end target, 2.5% tolerance
    assert (q4["Projected year end"], q4["Projected low"], q4["Projected high"]) == ("17638", "17552", "17724")
    assert all(row[-3:] == ["–", "–", "–"] for row in rows[:3])
    # In Q4 the year to date is the year end: nothing projected, no projection columns.
    headers, *rows = ytd_csv("2016-17-Q4")
    assert "Projected year end" not in headers and rows[3][1] == "17393"


def _seven_years_of(engine, code: str) -> None:
    """A quarterly count, 2009/10 to 2016/17 Q2: each earlier year 100·(1, 2, 3, 4 + k) by
    quarter, so the ratio full ÷ to Q2 is (10 + k) ÷ 3 for k = 0 (2009/10) to 6 (2015/16)."""
    with session_scope(engine) as session:
        session.add(
            Indicator(
                code=code,
                name="Test count",
                goal="Safe",
                unit="count",
                polarity="lower",
                basis="quarter",
                measure="values",
                rated=True,
                sort_order=99,
            )
        )
        session.flush()
        for k, start in enumerate(range(2009, 2016)):
            for q, v in zip((1, 2, 3, 4), (100, 200, 300, 400 + 100 * k)):
                session.add(IndicatorValue(indicator_code=code, area_code=HAVERING, period=Quarter(start, q).key, value=v))
        for q, v in ((1, 150), (2, 150)):
            session.add(IndicatorValue(indicator_code=code, area_code=HAVERING, period=Quarter(2016, q).key, value=v))
        for q in FinancialYear(2016).quarters():
            session.add(Target(indicator_code=code, year="2016-17", quarter=q.q, target=350, tolerance=20, tolerance_type="abs"))


def test_the_range_takes_the_last_five_complete_years_and_a_quarterly_counts_year_end_target_is_the_quarters_added(demo_engine):
    _seven_years_of(demo_engine, "PX")
    p = _row(demo_engine, "PX", Quarter(2016, 2)).projection
    # Year to date 300; ratios 16/3 (2015/16) down to 12/3 (2011/12); 2010/11 and 2009/10 too old.
    assert (p.value, p.low, p.high) == pytest.approx((300 * 16 / 3, 300 * 12 / 3, 300 * 16 / 3))
    assert p.method == "seasonal ratio; range from earlier years (5 years)"
    # Target 4 × 350 = 1,400, tolerance 4 × 20 = 80: the range 1,200 to 1,600 is at risk.
    assert p.on_track.value == "at risk" and "(1,400)" in p.on_track_reason


def test_score_json_and_the_api_carry_the_projection(demo_engine, database_url, tmp_path):
    from click.testing import CliRunner

    from cli.main import cli

    result = CliRunner().invoke(cli, ["score", "--period", "2016-17-Q3", "--format", "json"], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    csp1 = next(r for r in json.loads(result.output)["indicators"] if r["code"] == "CSP1")
    assert (csp1["projected_year_end"], csp1["on_track"]) == (17637.9, "off track")

    from views.api import scorecard

    with session_scope(demo_engine) as session:
        table = scorecard(session, HAVERING, "2016-17-Q3")
    row = next(r for r in table.rows if r["code"] == "CSP1")
    assert (row["projected_year_end"], row["projected_low"], row["projected_high"], row["on_track"]) == (
        17637.9,
        17552.0,
        17723.9,
        "off track",
    )
    assert row["projection_method"] == "seasonal ratio; 80% Poisson interval"
    assert {"projected_year_end", "projected_low", "projected_high", "projection_method", "on_track"} <= set(table.columns)


def test_a_published_row_keeps_its_projection_and_an_older_one_has_none(demo_engine):
    from reporting.frozen_json import frozen_value
    from store.published_document import row_document, row_from_document

    row = _row(demo_engine, "CSP1")
    stored = json.loads(json.dumps(frozen_value(row_document(row))))
    again = row_from_document(stored, scorecard_row=True)
    assert again.projection == row.projection
    assert again.json_record()["on_track"] == "off track"
    del stored["projection"]  # published before projections existed
    assert row_from_document(stored, scorecard_row=True).projection is None
