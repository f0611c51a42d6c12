"""A new year on stored data (SQLite and PostgreSQL): the SPC baseline breaks at a gap of more
than 12 months, and no verdict is given for a quarter the series has no point for."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from rules.periods import Quarter
from store.db import session_scope
from store.scorecard import build_scorecard
from store.spc_series import attach_spc, indicator_spc
from tests.helpers import load, write

DEMO_ASB = Path(__file__).resolve().parent.parent / "data" / "demo" / "asb.csv"


def asb_nine_years_on(tmp_path: Path) -> Path:
    """The demo's ASB counts moved on nine years: April 2023 – March 2026, after six empty years."""
    lines = DEMO_ASB.read_text().splitlines()
    moved = [lines[0]]
    for line in lines[1:]:
        area, month, rest = line.split(",", 2)
        moved.append(f"{area},{int(month[:4]) + 9}{month[4:]},{rest}")
    return write(tmp_path / "asb_2023_2026.csv", "\n".join(moved) + "\n")


def test_spc_baseline_breaks_at_a_gap_of_more_than_twelve_months(demo_engine, database_url, tmp_path):
    load(demo_engine, "asb", asb_nine_years_on(tmp_path))
    with session_scope(demo_engine) as session:
        chart = indicator_spc(session, "CSP3", "E09000016", "month")
    assert chart.periods[0] == "2014-04" and chart.periods[-1] == "2026-03" and len(chart.periods) == 72
    assert chart.result.rebase_periods == ["2023-04"]
    assert [(s.start, s.end) for s in chart.result.segments] == [(0, 36), (36, 72)]
    # The same figures nine years on: the new baseline's limits are the old one's, not a blend
    # with a moving range across six empty years.
    old, new = chart.result.segments
    assert round(old.mean, 6) == round(new.mean, 6) and round(old.upper_limit, 6) == round(new.upper_limit, 6)
    assert any("the baseline restarts at April 2023: no figures for 6 years (April 2017 to March 2023)" in n for n in chart.notes)
    out = CliRunner().invoke(
        cli, ["spc", "--indicator", "CSP3", "--format", "json"], env={"DATABASE_URL": database_url}, catch_exceptions=False
    )
    data = json.loads(out.output)
    assert data["rebase_periods"] == ["2023-04"] and len(data["segments"]) == 2


def test_no_spc_verdict_for_a_quarter_the_series_has_no_point_for(demo_engine, database_url):
    with session_scope(demo_engine) as session:
        then = build_scorecard(session, Quarter(2016, 4), "E09000016")
        attach_spc(session, then)
        now = build_scorecard(session, Quarter(2025, 4), "E09000016")
        attach_spc(session, now)
    was = {r.code: r for r in then.rows}["CSP3"]
    row = {r.code: r for r in now.rows}["CSP3"]
    assert was.spc_variation is not None  # the demo's own last quarter has a verdict
    assert row.spc is not None and row.spc.periods[-1] == "2017-03"
    assert row.spc_variation is None and row.spc_assurance is None
    from views.wording import spc_cell, spc_variation_words

    assert spc_variation_words(row) == (
        "–",
        "none",
        "No SPC verdict: the chart has no point for Q4 2025/26 (latest: Q4 2016/17).",
    )
    assert spc_cell(row) == "SPC: none (latest point Q4 2016/17)"
    out = CliRunner().invoke(cli, ["score", "--period", "2025-26-Q4"], env={"DATABASE_URL": database_url}, catch_exceptions=False)
    line = next(text for text in out.output.splitlines() if text.startswith("CSP3"))
    assert "none: latest Q4 2016/17" in line and "common cause" not in line


def test_the_indicator_page_spc_view_gives_no_verdict_past_its_last_point(demo_engine):
    from views.spc_chart import assurance_words, no_icons_reason, spc_title, spc_view, variation_words

    with session_scope(demo_engine) as session:
        then = spc_view(session, "CSP3", Quarter(2016, 4), "E09000016")
        later = spc_view(session, "CSP3", Quarter(2017, 1), "E09000016")
    assert not then.stale and variation_words(then)
    assert later.stale and variation_words(later) == "" and assurance_words(later) == ""
    assert no_icons_reason(later) == (
        "The chart has no point for Q1 2017/18 (latest: Q4 2016/17), so no variation or assurance verdict is given for it."
    )
    assert spc_title(later) == "No point for Q1 2017/18: the chart ends March 2017"
