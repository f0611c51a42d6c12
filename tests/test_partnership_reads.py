"""Every read of a partnership's rows follows the partnership (issue 23): two partnerships in one
database each hold an indicator K1 with their own targets, annual targets, values, commentary,
actions and annotations, and every read returns only its own partnership's; what one changes is
never blamed on, shown to or told to the other. And the partnerships held are read once per
session, however many reads ask which one is in force. Real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event

from reporting.edits import TargetKey, TargetValues
from reporting.notifications import Event
from rules.periods import Quarter
from store.actions import add_action, list_actions
from store.annotations import annotations_for, save_annotation
from store.annual_targets import annual_target_for, annual_targets_of_year, derived_target, save_annual_target
from store.boundary_queries import codes_with_data
from store.db import session_scope
from store.edits import save_target
from store.figure_years import missing_in, rated_quarters
from store.indicator_queries import indicator_by_code, target_years_held
from store.notifications import pending, recipients, record_overdue_actions, subscribe
from store.partnerships import PartnershipNotChosen, add_partnership, chosen_partnership, partnership_in_force
from store.publishing import publish_quarter
from store.queries import latest_quarter, quarters_by_source
from store.revisions import revisions
from store.scorecard import build_scorecard
from store.spc_series import attach_spc
from store.users import Principal, add_user, set_role
from tests.conftest import WEB_PASSWORD
from tests.helpers import load, write

HAVERING, BARKING = "E09000016", "E09000002"
Q3, NEXT_Q1 = Quarter.parse("2016-17-Q3"), Quarter.parse("2017-18-Q1")
INDICATORS = "code,name,goal,unit,polarity,basis,measure,rated\nK1,Calls for help,Safe,count,lower,quarter,values,true\n"
# What each partnership holds: its K1 value's quarter, its quarter target and the words it wrote.
HELD = {
    HAVERING: {"quarter": Q3, "target": 100, "value": 90, "said": "Havering is on track", "action": "Havering patrols"},
    BARKING: {"quarter": NEXT_Q1, "target": 50, "value": 70, "said": "Barking is behind", "action": "Barking audit"},
}


def _two_partnerships(engine, tmp_path) -> None:
    with session_scope(engine) as session:
        add_partnership(session, HAVERING, "Havering CSP")
        add_partnership(session, BARKING, "Barking and Dagenham CSP")
    for code, held in HELD.items():
        folder = tmp_path / code
        folder.mkdir()
        quarter: Quarter = held["quarter"]  # type: ignore[assignment]
        files = {
            "indicators": INDICATORS,
            "targets": "code,year,quarter,target,tolerance,tolerance_type\n"
            f"K1,{quarter.financial_year.key},Q{quarter.q},{held['target']},0,abs\n",
            "values": f"indicator_code,area_code,period,value\nK1,{code},{quarter.key},{held['value']}\n",
            "commentary": "indicator_code,area_code,period,commentary,corrective_action\n"
            f"K1,{code},{quarter.key},{held['said']},{held['action']}\n",
            # The same key in both: each partnership's note is its own.
            "annotations": f"indicator_code,source,area_code,date,kind,reason\nK1,,,2016-05-01,note,{held['said']}\n",
        }
        for kind, text in files.items():
            load(engine, kind, write(folder / f"{kind}.csv", text), partnership=code)


def test_each_partnership_reads_only_its_own_quarters_targets_annotations_and_actions(engine, tmp_path):
    _two_partnerships(engine, tmp_path)
    with session_scope(engine) as session:
        for code, held in HELD.items():
            quarter: Quarter = held["quarter"]  # type: ignore[assignment]
            with chosen_partnership(code):
                assert quarters_by_source(session)["values"] == {quarter}, code
                assert latest_quarter(session) == quarter, code
                assert rated_quarters(session) == {"K1": {quarter}}, code
                other = NEXT_Q1 if quarter == Q3 else Q3
                assert missing_in(session, other) == [f"Partner returns (K1): no value after {quarter.label}"], code
                assert missing_in(session, quarter) == [], code
                assert target_years_held(session) == {quarter.financial_year.key}, code
                assert codes_with_data(session) == {code}, code
            indicator = indicator_by_code(session, "K1", code)
            assert [a.reason for a in annotations_for(session, indicator, code)] == [held["said"]], code
            assert [a.text for a in list_actions(session, area=code)] == [held["action"]], code
            assert [a.text for a in list_actions(session, indicator="K1", partnership=code)] == [held["action"]], code
        # Several held, none chosen: a shared read (outlines loaded for all) sees every partnership's.
        assert codes_with_data(session) == {HAVERING, BARKING}


def test_annual_targets_and_breaks_saved_for_one_partnership_leave_the_other_s_alone(engine, tmp_path):
    """The same indicator, year and key in both: saving one's never finds and overwrites the other's."""
    _two_partnerships(engine, tmp_path)
    now = datetime(2017, 2, 1, tzinfo=UTC)
    annual = {HAVERING: 1200.0, BARKING: 600.0}
    with session_scope(engine) as session:
        for code, target in annual.items():
            values = {"target": target, "tolerance": 0.0, "tolerance_type": "abs", "profile": "even", "shares": None}
            with chosen_partnership(code):
                assert save_annual_target(session, "K1", "2016-17", None, values, "ana", now)
                save_annotation(session, when=date(2016, 6, 1), reason=f"break in {code}", user="ana", indicator_code="K1")
    with session_scope(engine) as session:
        for code, target in annual.items():
            held = annual_target_for(session, "K1", "2016-17", code)
            assert held is not None and (held.partnership_code, held.target) == (code, target)
            assert [(a.partnership_code, a.target) for a, _ in annual_targets_of_year(session, "2016-17", code)] == [
                (code, target)
            ]
            derived = derived_target(session, "K1", "2016-17", 4, code)  # no quarter target typed for Q4
            assert derived is not None and derived.target == target / 4, code
            indicator = indicator_by_code(session, "K1", code)
            breaks = [a.reason for a in annotations_for(session, indicator, code) if a.kind == "break"]
            assert breaks == [f"break in {code}"], code


def test_the_scorecard_s_spc_reads_the_partnership_s_own_indicator(engine, tmp_path):
    """Each has a K1 value only in its own area: each chart is of its own value."""
    _two_partnerships(engine, tmp_path)
    with session_scope(engine) as session:
        for code, held in HELD.items():
            card = build_scorecard(session, held["quarter"], code)  # type: ignore[arg-type]
            attach_spc(session, card)
            assert [(r.code, r.quarter_value, r.commentary) for r in card.rows] == [("K1", held["value"], held["said"])]
            assert card.rows[0].spc is not None, code


def test_pages_cached_for_one_partnership_are_never_served_for_another(engine, database_url, tmp_path):
    """Neither has a target or commentary, so nothing but the partnership tells their cache keys
    apart: the page's quarters are each one's own all the same."""
    from views import data

    with session_scope(engine) as session:
        add_partnership(session, HAVERING, "Havering CSP")
        add_partnership(session, BARKING, "Barking and Dagenham CSP")
    for code, held in HELD.items():
        load(engine, "indicators", write(tmp_path / f"i{code}.csv", INDICATORS), partnership=code)
        values = f"indicator_code,area_code,period,value\nK1,{code},{held['quarter'].key},{held['value']}\n"
        load(engine, "values", write(tmp_path / f"v{code}.csv", values), partnership=code)
    data.clear_caches()
    try:
        for code, held in HELD.items():
            with chosen_partnership(code):
                state = data.resolve(database_url, code, None, None)
                assert (state.period, state.available) == (held["quarter"], [held["quarter"]]), code
    finally:
        data.clear_caches()


def test_changes_since_publication_blame_only_the_partnership_s_own_edits(engine, tmp_path):
    """Havering publishes Q3; then Havering's analyst and Barking's each change K1's 2016-17 Q3
    target in their own partnership: Havering's revision names only its own analyst's edit."""
    _two_partnerships(engine, tmp_path)
    key = TargetKey("K1", "2016-17", 3, None)
    with session_scope(engine) as session:
        publish_quarter(session, Q3, HAVERING, Principal("lee", "lead"), files={"html": b"<p>pack</p>"})
    with session_scope(engine) as session:
        save_target(session, key, TargetValues(80, None, None, 0, "abs"), "ana", datetime.now(UTC), partnership=HAVERING)
        save_target(session, key, TargetValues(75, None, None, 0, "abs"), "bob", datetime.now(UTC), partnership=BARKING)
    with session_scope(engine) as session:
        report = revisions(session, Q3, HAVERING)
        assert report is not None
        moved = [r for r in report.revisions if r.field in ("target", "rag")]
        assert moved and all({s.by for s in r.sources} == {"ana"} for r in moved), [(r.field, r.sources) for r in moved]


def test_notices_go_only_to_members_of_the_partnership_they_are_about(engine, tmp_path):
    """ana holds a role in Havering only, bea in Barking only, root is an admin: Havering's
    publication is told to ana and root, Barking's overdue action to bea and root."""
    _two_partnerships(engine, tmp_path)
    with session_scope(engine) as session:
        for name, role, code in (("ana", "analyst", HAVERING), ("bea", "analyst", BARKING), ("root", "admin", None)):
            add_user(session, name, WEB_PASSWORD, role, by="test", partnership=code)
            subscribe(session, name, [Event.PUBLISHED, Event.ACTION_OVERDUE], now=datetime(2016, 1, 1, tzinfo=UTC))
        set_role(session, "bea", "analyst", partnership=BARKING)
        add_action(session, "K1", BARKING, NEXT_Q1, "Barking's late audit", "bea", datetime.now(UTC), due_date=date(2017, 6, 30))
    with session_scope(engine) as session:
        publish_quarter(session, Q3, HAVERING, Principal("lee", "lead"), files={"html": b"<p>pack</p>"})
        assert record_overdue_actions(session, datetime(2017, 8, 1, tzinfo=UTC)) == 1
    with session_scope(engine) as session:
        told = {r.name: sorted(h.kind.value for h in pending(session, r, datetime.now(UTC))) for r in recipients(session)}
    assert told == {"ana": ["published"], "bea": ["action_overdue"], "root": ["action_overdue", "published"]}
    # Each notice links to its page under its own partnership's address.
    with session_scope(engine) as session:
        links = {
            h.kind.value: h.link for r in recipients(session) if r.name == "root" for h in pending(session, r, datetime.now(UTC))
        }
    assert links["published"].startswith(f"/p/{HAVERING}/?") and links["action_overdue"].startswith(f"/p/{BARKING}/indicator/K1?")


# --- The partnerships held, read once ---------------------------------------------------------


def _reads_of_partnerships(engine):
    """A list that gains each statement reading the partnership table."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if "FROM partnership" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    return seen, lambda: event.remove(engine, "before_cursor_execute", count)


def test_a_scorecard_reads_the_partnerships_held_once_and_adding_one_is_seen_at_once(demo_engine):
    from store.queries import indicator_detail

    seen, stop = _reads_of_partnerships(demo_engine)
    try:
        with session_scope(demo_engine) as session:
            card = build_scorecard(session, Q3, HAVERING)
            attach_spc(session, card)
            indicator_detail(session, "CSP1", Q3, HAVERING)
            assert len(card.rows) > 5 and partnership_in_force(session) == HAVERING
            assert len(seen) == 1, seen
            # Adding a partnership is seen by the same session's next read: with two held and
            # none chosen, it asks which.
            add_partnership(session, BARKING, "Barking and Dagenham CSP")
            with pytest.raises(PartnershipNotChosen):
                partnership_in_force(session)
        with session_scope(demo_engine) as session:  # a new transaction reads them afresh
            before = len(seen)
            assert partnership_in_force(session, BARKING) == BARKING
            assert len(seen) == before + 1
    finally:
        stop()


def test_a_comparator_s_uploaded_values_are_the_partnership_s_own(engine, tmp_path):
    """Both compare K1 with London and each uploads London's figures: each row's comparator
    change on last year is worked out from its own upload (+10% and -50%)."""
    london = "E12000007"
    definitions = INDICATORS.replace("rated\n", "rated,comparator_area\n").replace("true\n", f"true,{london}\n")
    with session_scope(engine) as session:
        add_partnership(session, HAVERING, "Havering CSP")
        add_partnership(session, BARKING, "Barking and Dagenham CSP")
    for code, now in ((HAVERING, 110), (BARKING, 50)):
        load(engine, "indicators", write(tmp_path / f"i{code}.csv", definitions), partnership=code)
        values = (
            f"indicator_code,area_code,period,value\nK1,{code},{Q3.key},90\n"
            f"K1,{london},2015-16-Q3,100\nK1,{london},{Q3.key},{now}\n"
        )
        load(engine, "values", write(tmp_path / f"v{code}.csv", values), partnership=code)
    with session_scope(engine) as session:
        changes = {code: [r.comparator_change for r in build_scorecard(session, Q3, code).rows] for code in (HAVERING, BARKING)}
    assert changes == {HAVERING: [pytest.approx(10.0)], BARKING: [pytest.approx(-50.0)]}
