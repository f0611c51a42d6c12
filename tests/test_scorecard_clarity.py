"""Issue 12 items 1-3 and issue 11 on the scorecard, below the page: why each rating, neutral
movement for context indicators, ward rows not rated against borough targets, and the SPC
verdicts beside each rating (real SQLite and PostgreSQL, the demo data)."""

from __future__ import annotations

from rules.direction import Direction, movement
from rules.periods import Quarter
from rules.rating import Rating
from rules.summary import RagCounts
from store.db import session_scope
from store.scorecard import build_scorecard
from store.spc_series import attach_spc
from views.wording import (
    dot_words,
    movement_phrase,
    spc_assurance_words,
    spc_variation_words,
    summary_finding,
    why_line,
)

Q3 = Quarter.parse("2016-17-Q3")
WARD = "E05000306"  # Brooklands: the demo has no ward targets


def card_of(engine, area="E09000016"):
    with session_scope(engine) as session:
        card = build_scorecard(session, Q3, area)
        attach_spc(session, card)
        return {r.code: r for r in card.rows}


def test_movement_is_neutral() -> None:
    assert movement(110, 100) is Direction.UP
    assert movement(90, 100) is Direction.DOWN
    assert movement(100, 100) is Direction.SAME
    assert movement(None, 100) is Direction.NA
    assert movement_phrase(103.2, 100) == "up 3.2%"
    assert movement_phrase(98.9, 100) == "down 1.1%"
    assert movement_phrase(100, 100) == "no change"
    assert movement_phrase(31.0, 29.5, "percent") == "up 1.5 percentage points"


def test_context_indicators_move_up_or_down_never_better_or_worse(demo_engine) -> None:
    rows = card_of(demo_engine)
    context = [r for r in rows.values() if not r.rated]
    assert context, "the demo has context indicators"
    for r in context:
        assert {r.dot_short, r.dot_long} <= {Direction.UP, Direction.DOWN, Direction.SAME, Direction.NA}, r.code
        for which in ("short", "long"):
            assert dot_words(r, which).split()[0] in ("up", "down", "no"), (r.code, dot_words(r, which))
    # DP1 rose 2.9% on the same quarter last year: "up", not "Worse" or "Better"
    assert dot_words(rows["DP1"], "long") == "up 2.9%"
    assert rows["DP1"].csv_record()["dot_long"] == "up"
    for r in rows.values():
        if r.rated:
            assert Direction.UP not in (r.dot_short, r.dot_long) and Direction.DOWN not in (r.dot_short, r.dot_long)


def test_each_rating_says_why_in_one_plain_line(demo_engine) -> None:
    rows = card_of(demo_engine)
    assert why_line(rows["CSP1"]) == (
        "743 above target, more than the 2.5% tolerance, and worse than the same period last year (12,573 in Q3 2015/16)"
    )
    assert why_line(rows["CSP3"]).startswith("1,160 above target, more than the 5% tolerance, and worse than")


def test_ward_is_not_rated_or_assured_against_borough_targets(demo_engine) -> None:
    rows = card_of(demo_engine, WARD)
    csp1 = rows["CSP1"]
    assert csp1.rag is Rating.NOT_RATED and "no target for this ward" in why_line(csp1).lower()
    # The SPC chart is still drawn, but there is no ward target to assure against.
    assert csp1.spc_assurance is None
    assert spc_assurance_words(csp1)[1] == "none" and "no target for this ward" in spc_assurance_words(csp1)[2]
    assert spc_variation_words(csp1)[1].startswith(("common cause", "special cause"))


def test_summary_finding_with_nothing_rated() -> None:
    assert summary_finding(RagCounts(), "Q3 2016/17") == "No indicator is rated in Q3 2016/17"


def test_cli_score_table_words_context_directions_neutrally(demo_engine, database_url) -> None:
    from click.testing import CliRunner

    from cli.main import cli

    result = CliRunner().invoke(cli, ["score", "--period", Q3.key], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    dp1 = next(line for line in result.output.splitlines() if line.startswith("DP1 "))
    assert "down 2.6%" in dp1 and "up 2.9%" in dp1
    assert "better" not in dp1 and "worse" not in dp1
    csp1 = next(line for line in result.output.splitlines() if line.startswith("CSP1 "))
    assert "better" in csp1 and "worse" in csp1
