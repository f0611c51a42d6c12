"""Every value a published document freezes survives JSON and is read back with its type:
series-break dates, Decimals (PostgreSQL NUMERIC), notes, corrective actions, comparators,
comparator gaps and the arrows' figures. Publishing with a series break on record works on
both databases (it used to stop with "Object of type date is not JSON serializable")."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from reporting.actions import ActionEntry
from reporting.frozen_json import NotFreezable, frozen_value
from rules.breaks import SeriesBreak
from rules.direction import Direction
from rules.periods import Quarter
from rules.projection import OnTrack, Projection
from rules.rating import Rating, Target
from store.db import session_scope
from store.measures import PeriodValue
from store.published_document import canonical_json, indicator_detail_from_document, row_document, row_from_document
from store.queries import CommentaryEntry, IndicatorDetail, IndicatorInfo
from store.scorecard import ScoreRow

Q3 = Quarter.parse("2016-17-Q3")
HAVERING = "E09000016"
BREAK = SeriesBreak(date(2016, 4, 1), "New recording rules")


def full_row(period: str = Q3.key) -> ScoreRow:
    """A score row with every field holding a value of the type the scorecard gives it (some
    of the numbers as Decimals, as PostgreSQL's NUMERIC columns return them)."""
    return ScoreRow(
        code="CSP1", name="Total notifiable offences", goal="Safe", area_code=HAVERING, period=period, basis="ytd",
        unit="count", polarity="lower", rated=True, actual=Decimal("13143"), quarter_value=4321.0, ytd_value=13143.0,
        previous_quarter=4400.0, same_period_last_year=12900.0, quarter_last_year=4250.0, ytd_last_year=12900.0,
        target=Target(12400.0, None, None, 2.5, "pct"), rag=Rating.RED, reason="above target by more than tolerance",
        no_comparator=False, dot_short=Direction.BETTER, dot_long=Direction.WORSE, comparator_area="E61000001",
        comparator_label="@London", comparator_change=-1.25, comparator_note="not available (only 1 of 33 boroughs loaded)",
        comparator_rate=61.2, home_rate=58.0, comparator_rank="Havering 9th of 16 (1st = lowest rate)", comparator_members=15,
        comparator_rate_note="rates not compared: no population held for London",
        notes=["partial actual", "published year to date"], note_figures=["quarter", "ytd"], commentary="Up on last year.",
        corrective_action="=Extra patrols from January", description="All recorded crime.", flags=["partial"],
        short_values=(PeriodValue(4321.0), PeriodValue(4400.0, Decimal("4400"), None)),
        long_values=(PeriodValue(13143.0, 13143.0, 100.0), PeriodValue(12900.0)),
        dot_short_breaks=[BREAK], dot_long_breaks=[BREAK, SeriesBreak(date(2015, 7, 1), "Boundary change")],
        gap=Decimal("743.0"), spc=None, spc_variation="special cause concern", spc_assurance="fail",
        summary_sentence="Red: 743 above target; up 4.5% on last year, a real rise",
        projection=Projection(
            17637.9, 17552.0, 17723.9, "seasonal ratio; 80% Poisson interval", "", "13,143 × 16,873 ÷ 12,573 …",
            OnTrack.OFF_TRACK, "off track: the whole range is beyond the year-end target (16,600) and its tolerance", 16600.0, 17015.0,
        ),
        actions=[ActionEntry(7, "CSP1", HAVERING, period, "=Extra patrols", "Jo Bloggs", date(2017, 3, 31), "open")],
        previous_actions=[ActionEntry(3, "CSP1", HAVERING, "2016-17-Q2", "Hotspot review", "", None, "done")],
    )  # fmt: skip


def through_json(value):
    """As stored and read back: the canonical text the hash is taken of, parsed again."""
    return json.loads(canonical_json(value))


def test_frozen_json_fills_every_score_row_field_and_reads_it_back() -> None:
    row = full_row()
    defaults = ScoreRow(
        **{
            f.name: None
            for f in dataclasses.fields(ScoreRow)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
    )
    unfilled = [
        f.name for f in dataclasses.fields(ScoreRow) if f.name != "spc" and getattr(row, f.name) == getattr(defaults, f.name)
    ]
    assert unfilled == [], f"add a value for the new ScoreRow fields {unfilled} here, and check they are frozen"

    again = row_from_document(through_json(row_document(row)))
    for f in dataclasses.fields(ScoreRow):
        if f.name != "spc":
            assert getattr(again, f.name) == getattr(row, f.name), f.name
    assert again.dot_long_breaks[0].date == date(2016, 4, 1) and isinstance(again.dot_long_breaks[0].date, date)
    assert isinstance(again.actual, float) and isinstance(again.rag, Rating)
    assert again.dot_long_test is not None and again.dot_long_test.p_value == row.dot_long_test.p_value


def test_frozen_json_fills_every_indicator_page_field_and_reads_it_back() -> None:
    info = IndicatorInfo(
        "CSP1",
        "Total notifiable offences",
        "Safe",
        "count",
        "lower",
        "ytd",
        "crime:total",
        True,
        "All crime.",
        "E61000001",
        "London",
        "ytd",
        1,
    )
    detail = IndicatorDetail(
        indicator=info, period=Q3, area_code=HAVERING, area_name="Havering",
        history=[full_row(Q3.previous().key), full_row()],
        comparator={Q3.previous().key: Decimal("101.5"), Q3.key: 99.0},
        monthly=[("2016-10", 1450), ("2016-11", 1431)],
        commentary=[
            CommentaryEntry(Q3, "Up on last year.", "Extra patrols", (ActionEntry(7, "CSP1", HAVERING, Q3.key, "Extra patrols", "Jo", date(2017, 3, 31)),))
        ],
        comparator_gaps={Q3.key: "not available (only 1 of 33 boroughs loaded)"},
        value_notes=["Q3 2016/17 is the uploaded value 1,000; counts give 1,322"],
    )  # fmt: skip
    assert all(getattr(detail, f.name) for f in dataclasses.fields(IndicatorDetail)), "fill every field"
    document = through_json(
        {"period": {"key": Q3.key}, "area": {"code": HAVERING, "name": "Havering"}, "indicators": {"CSP1": _detail_doc(detail)}}
    )
    again = indicator_detail_from_document(document, "CSP1")
    assert again is not None
    for f in dataclasses.fields(IndicatorDetail):
        if f.name != "history":
            assert getattr(again, f.name) == getattr(detail, f.name), f.name
    assert [r.dot_long_breaks for r in again.history] == [r.dot_long_breaks for r in detail.history]


def _detail_doc(detail: IndicatorDetail):
    from store.published_document import _detail_doc as detail_doc

    return detail_doc(detail)


def test_frozen_json_turns_dates_decimals_and_timestamps_into_text_and_numbers() -> None:
    assert frozen_value({"d": date(2016, 4, 1), "t": datetime(2017, 1, 17, 10, tzinfo=UTC), "n": Decimal("2.50"), "x": float("nan")}) == {
        "d": "2016-04-01", "t": "2017-01-17T10:00:00+00:00", "n": 2.5, "x": None,
    }  # fmt: skip
    with pytest.raises(NotFreezable, match=r"document\.what: a object"):
        frozen_value({"what": object()})


def test_frozen_json_publishing_with_a_series_break_on_record(demo_engine) -> None:
    """The break of 1 April 2016 falls inside the year-on-year comparison of Q3 2016/17: the
    published scorecard and indicator page keep it, dated, on both databases."""
    from store.annotations import save_annotation
    from store.publishing import publish_quarter, published_indicator_detail, published_scorecard
    from store.users import Principal

    with session_scope(demo_engine) as session:
        save_annotation(session, when=date(2016, 4, 1), reason="New rules", user="ada", indicator_code="CSP1")
    with session_scope(demo_engine) as session:
        info = publish_quarter(
            session, Q3, HAVERING, Principal("lee", "lead"), files={"pdf": b"%PDF-1.7 stand-in"}, force=True, reason="t"
        )
    assert info.version == 1
    with session_scope(demo_engine) as session:
        card = published_scorecard(session, Q3, HAVERING).card
        detail = published_indicator_detail(session, "CSP1", Q3, HAVERING)
    row = next(r for r in card.rows if r.code == "CSP1")
    assert row.dot_long_breaks == [SeriesBreak(date(2016, 4, 1), "New rules")]
    assert detail is not None and detail.current.dot_long_breaks == row.dot_long_breaks


def test_frozen_json_numpy_scalars_become_plain_numbers() -> None:
    import numpy as np

    assert frozen_value([np.int64(3), np.float64(2.5), np.bool_(True), np.float32("nan")]) == [3, 2.5, True, None]
