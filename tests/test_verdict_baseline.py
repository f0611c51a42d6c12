"""One plain verdict per indicator and a new baseline offered where the process shifted
(issue 20 part 2), on the Havering demo in SQLite and PostgreSQL: the indicator page's current
row says what the scorecard says, the run rule finds the shift, and recording a new baseline
(a series break with who and why) rebases the chart, whose short baseline is then said in words."""

from __future__ import annotations

from sqlalchemy import select

from rules.periods import Quarter
from rules.verdict import baseline_words, process_shift
from store.db import session_scope
from store.models import SeriesAnnotation
from store.queries import indicator_detail
from store.scorecard import build_scorecard
from store.spc_series import attach_spc, indicator_spc
from views.wording import verdict_answers
from web.parts.new_baseline import record_new_baseline

Q3 = Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"


def test_indicator_page_row_says_what_the_scorecard_says(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        card = build_scorecard(session, Q3, HAVERING)
        attach_spc(session, card)
        for row in card.rows:
            if not row.rated:
                continue
            page_row = indicator_detail(session, row.code, Q3, HAVERING).history[-1]
            assert page_row.summary_sentence == row.summary_sentence, row.code
        tno = next(r for r in card.rows if r.code == "CSP1").summary_sentence
        # ASB: "Worse, a real change" beside an SPC verdict, each with the question it answers.
        asb = verdict_answers(next(r for r in card.rows if r.code == "CSP3"))
        assert asb[0] == "Rating — is this period's figure within its target and tolerance? Red."
        assert (
            asb[1]
            == "Long-term arrow — is the figure different from the same period last year, by more than chance? Worse, a real change."
        )
        assert asb[2].startswith("SPC variation — is the latest point unusual for this indicator's own history? ")
        assert asb[3].startswith("SPC assurance — on that history, will the target consistently be met? ")
        # Havering Q3 2016/17 as the committee saw it: 743 above target, up 4.5%.
        assert tno is not None and tno.startswith(
            "Red: 743 above target; up 4.5% on last year, a real rise; monthly figures have run above the target line"
        )


def test_a_new_baseline_is_offered_at_the_shift_and_recorded_only_when_asked(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        before = len(session.scalars(select(SeriesAnnotation)).all())
        chart = indicator_spc(session, "CSP1", HAVERING, "month", until=Q3.key)
        shift = process_shift(chart.result)
        # The level rose in October 2015: 15 months in a row above the mean, as the issue found.
        assert shift is not None and (shift.period, shift.points, shift.side) == ("2015-10", 15, 1)
        assert baseline_words(chart.result, "month") == ""  # one baseline: nothing rebased yet
        attach_spc(session, build_scorecard(session, Q3, HAVERING))
        # Never automatic: scoring and charting record no break.
        assert len(session.scalars(select(SeriesAnnotation)).all()) == before
    day = record_new_baseline(demo_engine, "CSP1", shift.period, "New crime recording system", "analyst1")
    with session_scope(demo_engine) as session:
        stored = session.scalars(select(SeriesAnnotation).where(SeriesAnnotation.indicator_code == "CSP1")).all()
        assert [(a.date, a.reason, a.updated_by) for a in stored if a.date == day] == [
            (day, "New crime recording system", "analyst1")
        ]
        rebased = indicator_spc(session, "CSP1", HAVERING, "month", until=Q3.key)
        assert rebased.periods[rebased.result.current.start] == shift.period
        assert process_shift(rebased.result) is None
        # 15 months since the change: enough for the SPC rules, so assurance is judged on them.
        assert rebased.result.current.size == 15 and not rebased.result.provisional
        assert rebased.result.assurance is not None and baseline_words(rebased.result, "month") == ""
        # Nine months earlier the same break leaves too short a baseline, and the page says so.
        early = indicator_spc(session, "CSP1", HAVERING, "month", until="2016-17-Q1")
        assert early.result.current.size == 9 and early.result.assurance is None
        assert baseline_words(early.result, "month") == (
            "Too few months since the change — 9 of 13 — to judge whether the target will be met."
        )
