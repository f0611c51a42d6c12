"""Corrective actions (issue 20 part 4): the rules (overdue, what counts as acting on a Red),
the store (add, edit, drop with the change log; overdue actions), the migration that turns each
old one-text corrective action into one open action and back, publishing's readiness rule, the
published document that freezes them, and the pack that lists them, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select, text

from reporting.actions import (
    ActionEntry,
    ActionError,
    action_summary,
    has_action,
    is_overdue,
    outcome_words,
)
from rules.periods import Quarter
from rules.rating import Rating
from store.actions import ActionChange, add_action, drop_action, list_actions, overdue_actions, update_action
from store.db import session_scope
from store.models import ChangeLog, CorrectiveAction

Q2, Q3, Q4 = Quarter.parse("2016-17-Q2"), Quarter.parse("2016-17-Q3"), Quarter.parse("2016-17-Q4")
HAVERING = "E09000016"
AT = datetime(2017, 1, 10, 9, 0, tzinfo=UTC)


def entry(status: str = "open", due: date | None = None, period: str = Q3.key, text_: str = "Patrols.") -> ActionEntry:
    return ActionEntry(1, "CSP1", HAVERING, period, text_, "Jo Bloggs", due, status)


# --- Rules -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "due", "today", "overdue"),
    [
        ("open", date(2017, 3, 31), date(2017, 4, 1), True),
        ("open", date(2017, 3, 31), date(2017, 3, 31), False),  # due today is not yet overdue
        ("open", None, date(2030, 1, 1), False),  # no due date: never overdue
        ("done", date(2017, 3, 31), date(2017, 4, 1), False),
        ("dropped", date(2017, 3, 31), date(2017, 4, 1), False),
    ],
)
def test_actions_overdue_is_open_and_due_before_today(status, due, today, overdue) -> None:
    assert is_overdue(status, due, today) is overdue
    assert entry(status, due).overdue(today) is overdue


def test_actions_words() -> None:
    late = entry("open", date(2017, 3, 31))
    assert late.status_text(date(2017, 4, 1)) == "Overdue (due 31 March 2017)"
    assert late.status_text() == "Open"
    assert (
        late.sentence(date(2017, 4, 1)) == "Patrols. (Owner: Jo Bloggs; due 31 March 2017; status: Overdue (due 31 March 2017))"
    )
    bare = ActionEntry(None, "CSP1", HAVERING, Q3.key, "Audit.")
    assert bare.details() == "No owner named; no due date; status: Open"
    assert ActionEntry.from_dict(late.as_dict()) == late
    actions = [late, entry("done"), entry("dropped"), entry("open")]
    assert outcome_words(actions, date(2017, 4, 1)) == "Last quarter's 4 actions: 1 done, 1 open, 1 overdue, 1 dropped"
    assert outcome_words([], date(2017, 4, 1)) == ""


def test_actions_a_red_needs_an_open_or_done_action_this_quarter() -> None:
    assert has_action([entry("open")], Q3.key) and has_action([entry("done")], Q3.key)
    assert not has_action([entry("dropped")], Q3.key)
    assert not has_action([entry("open", period=Q2.key)], Q3.key)  # last quarter's does not answer this quarter's Red
    assert not has_action([], Q3.key)
    assert (
        action_summary([entry("open", text_="A."), entry("dropped", text_="B."), entry("done", text_="C.")], Q3.key) == "A.; C."
    )


def test_actions_score_row_flags_a_red_without_an_open_or_done_action() -> None:
    from reporting.scoring import RED_WITHOUT_ACTION, add_commentary
    from tests.test_reporting_workflow import row as make_row

    red = make_row("CSP1", Rating.RED)
    add_commentary(red, "", actions=[entry("dropped")])
    assert RED_WITHOUT_ACTION in red.flags and red.corrective_action == ""
    red = make_row("CSP1", Rating.RED)
    add_commentary(red, "", actions=[entry("done", text_="Done it.")], previous_actions=[entry("open", period=Q2.key)])
    assert RED_WITHOUT_ACTION not in red.flags and red.corrective_action == "Done it."
    assert [a.period for a in red.previous_actions] == [Q2.key]


# --- Store ---------------------------------------------------------------------------------------


def test_actions_add_edit_drop_are_logged_and_overdue_ones_found(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        session.execute(delete(CorrectiveAction))
        late = add_action(session, "CSP1", HAVERING, Q3, " Patrols. ", "priya", AT, owner="Jo", due_date=date(2017, 3, 31))
        later = add_action(session, "CSP3", HAVERING, Q3, "Audit.", "priya", AT, due_date=date(2017, 6, 30))
        add_action(session, "CSP3", HAVERING, Q3, "No date.", "priya", AT)
        with pytest.raises(ActionError, match="needs a description"):
            add_action(session, "CSP1", HAVERING, Q3, "  ", "priya", AT)
        with pytest.raises(ActionError, match="'late' is not one of open, done or dropped"):
            add_action(session, "CSP1", HAVERING, Q3, "X.", "priya", AT, status="late")
    assert late.text == "Patrols."
    with session_scope(demo_engine) as session:
        assert [a.text for a in overdue_actions(session, date(2017, 4, 1))] == ["Patrols."]
        assert [a.text for a in overdue_actions(session, date(2017, 7, 1))] == ["Patrols.", "Audit."]
        assert overdue_actions(session, date(2017, 3, 31)) == []
        assert update_action(session, late.id, ActionChange(owner="Jo"), "lee", AT) is None  # nothing changed
        done = update_action(session, late.id, ActionChange(status="done", clear_due_date=True), "lee", AT)
        assert done is not None and (done.status, done.due_date) == ("done", None)
        dropped = drop_action(session, later.id, "lee", AT)
        assert dropped is not None and dropped.status == "dropped"
        assert overdue_actions(session, date(2030, 1, 1)) == []
        with pytest.raises(ActionError, match="no corrective action 999999"):
            update_action(session, 999999, ActionChange(status="done"), "lee", AT)
    with session_scope(demo_engine) as session:
        log = list(session.scalars(select(ChangeLog).where(ChangeLog.entity == "corrective_action").order_by(ChangeLog.id)))
        assert [(c.user, c.action) for c in log] == [("priya", "add")] * 3 + [("lee", "edit")] * 2
        assert log[3].key == f"CSP1 {HAVERING} {Q3.key} #{late.id}"
        assert log[3].detail == {
            "old": {"text": "Patrols.", "owner": "Jo", "due_date": "2017-03-31", "status": "open"},
            "new": {"text": "Patrols.", "owner": "Jo", "due_date": None, "status": "done"},
        }
        assert [a.status for a in list_actions(session, area=HAVERING, periods=[Q3])] == ["done", "dropped", "open"]


def test_actions_scorecard_shows_last_quarters_actions_and_the_rule_follows_status(demo_engine) -> None:
    from store.scorecard import build_scorecard

    with session_scope(demo_engine) as session:
        session.execute(delete(CorrectiveAction).where(CorrectiveAction.indicator_code == "CSP1"))
        add_action(session, "CSP1", HAVERING, Q2, "Set in Q2.", "priya", AT, due_date=date(2016, 12, 31))
        dropped = add_action(session, "CSP1", HAVERING, Q3, "Dropped in Q3.", "priya", AT, status="dropped")
    with session_scope(demo_engine) as session:
        csp1 = next(r for r in build_scorecard(session, Q3, HAVERING).rows if r.code == "CSP1")
        assert csp1.rag == Rating.RED and "Red without corrective action" in csp1.flags
        assert [a.text for a in csp1.previous_actions] == ["Set in Q2."]
        assert [a.text for a in csp1.actions] == ["Dropped in Q3."]
        update_action(session, dropped.id, ActionChange(status="open"), "priya", AT)
    with session_scope(demo_engine) as session:
        csp1 = next(r for r in build_scorecard(session, Q3, HAVERING).rows if r.code == "CSP1")
        assert "Red without corrective action" not in csp1.flags and csp1.corrective_action == "Dropped in Q3."


# --- Publishing, the frozen document and the pack --------------------------------------------------


def test_actions_publishing_a_red_with_only_dropped_actions_needs_a_reason_and_freezes_them(demo_engine) -> None:
    from store.publishing import NotReady, publish_quarter, published_scorecard
    from store.users import Principal

    lead = Principal("lee", "lead")
    files = {"pdf": b"%PDF-1.7 stand-in", "html": b"<!doctype html><title>pack</title>", "docx": b"PK stand-in"}
    with session_scope(demo_engine) as session:
        for a in list_actions(session, indicator="CSP1", area=HAVERING, periods=[Q3]):
            drop_action(session, a.id, "priya", AT)
        add_action(session, "CSP1", HAVERING, Q2, "Hotspot review.", "priya", AT, owner="Jo Bloggs", due_date=date(2016, 12, 31))
    with pytest.raises(NotReady) as refused, session_scope(demo_engine) as session:
        publish_quarter(session, Q3, HAVERING, lead, files=files)
    assert "CSP1 Total notifiable offences: Red without corrective action" in refused.value.missing
    with session_scope(demo_engine) as session:
        publish_quarter(session, Q3, HAVERING, lead, files=files, force=True, reason="Actions agreed at the meeting.")
    with session_scope(demo_engine) as session:
        # Later edits do not change what was published.
        add_action(session, "CSP1", HAVERING, Q3, "Added after publishing.", "priya", AT)
        published = published_scorecard(session, Q3, HAVERING)
    csp1 = next(r for r in published.card.rows if r.code == "CSP1")
    assert {a.status for a in csp1.actions} == {"dropped"} and "Added after publishing." not in [a.text for a in csp1.actions]
    last_quarter = [(a.text, a.owner, a.due_date) for a in csp1.previous_actions]
    assert ("Hotspot review.", "Jo Bloggs", date(2016, 12, 31)) in last_quarter
    from store.publishing import published_indicator_detail

    with session_scope(demo_engine) as session:
        detail = published_indicator_detail(session, "CSP1", Q3, HAVERING)
    q3 = next(e for e in detail.commentary if e.period == Q3)
    assert {a.status for a in q3.actions} == {"dropped"}


def test_actions_pack_lists_them_under_the_indicator_with_owner_due_date_and_status(demo_engine) -> None:
    from exports.html_pack import render_html
    from exports.pack_content import build_pack_content
    from settings import Settings

    with session_scope(demo_engine) as session:
        session.execute(delete(CorrectiveAction).where(CorrectiveAction.indicator_code == "CSP1"))
        add_action(session, "CSP1", HAVERING, Q3, "Joint patrols.", "priya", AT, owner="Sam Smith", due_date=date(2017, 3, 31))
        add_action(session, "CSP1", HAVERING, Q2, "Hotspot review.", "priya", AT, owner="Jo Bloggs", due_date=date(2016, 12, 31))
    with session_scope(demo_engine) as session:
        content = build_pack_content(session, Q3, HAVERING, Settings.from_env({}), dt.date(2017, 1, 17))
    csp1 = next(s for s in content.sections if s.code == "CSP1")
    assert csp1.actions == ["Joint patrols. (Owner: Sam Smith; due 31 March 2017; status: Open)"]
    # Judged on the pack's date: last quarter's action was due 31 December 2016.
    assert csp1.previous_heading == "Set last quarter (Q2 2016/17), 1 action: 1 overdue."
    assert csp1.previous_actions == [
        "Hotspot review. (Owner: Jo Bloggs; due 31 December 2016; status: Overdue (due 31 December 2016))"
    ]
    html = render_html(content, {c.name: b"\x89PNG" for c in content.charts})
    assert (
        '<ul class="actions" id="actions-CSP1"><li>Joint patrols. (Owner: Sam Smith; due 31 March 2017; status: Open)</li></ul>'
        in html
    )
    assert "Hotspot review. (Owner: Jo Bloggs" in html


def test_actions_word_pack_lists_them(demo_engine) -> None:
    import io

    from docx import Document
    from PIL import Image

    from exports.docx_pack import render_docx
    from exports.pack_content import build_pack_content
    from settings import Settings

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    png = buffer.getvalue()

    with session_scope(demo_engine) as session:
        add_action(session, "CSP1", HAVERING, Q3, "Word pack action.", "priya", AT, owner="Sam Smith")
        content = build_pack_content(session, Q3, HAVERING, Settings.from_env({}), dt.date(2017, 1, 17))
    document = Document(io.BytesIO(render_docx(content, {c.name: png for c in content.charts})))
    texts = [p.text for p in document.paragraphs]
    assert "• Word pack action. (Owner: Sam Smith; no due date; status: Open)" in texts


# --- Migration -----------------------------------------------------------------------------------


def test_actions_migration_moves_each_text_into_one_open_action_and_back(demo_engine) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from store.schema import alembic_config, current_revision, head_revision, upgrade

    with session_scope(demo_engine) as session:
        session.execute(delete(CorrectiveAction))
        add_action(session, "CSP1", HAVERING, Q3, "First.", "priya", AT, owner="Jo", due_date=date(2017, 3, 31))
        add_action(session, "CSP1", HAVERING, Q3, "Second.", "priya", AT, status="done")
        add_action(session, "CSP1", HAVERING, Q3, "Dropped.", "priya", AT, status="dropped")
        add_action(session, "CSP3", HAVERING, Q4, "No commentary row yet.", "priya", AT)

    def column() -> dict[tuple[str, str], str]:
        with demo_engine.connect() as conn:
            rows = conn.execute(text("SELECT indicator_code, period, corrective_action FROM commentary")).all()
        return {(c, p): a for c, p, a in rows if a}

    assert column() == {}  # the old column is left empty once actions exist
    config = alembic_config()
    before = ScriptDirectory.from_config(config).get_revision("0020_actions").down_revision
    with demo_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, before)
    assert column() == {("CSP1", Q3.key): "First.; Second.", ("CSP3", Q4.key): "No commentary row yet."}
    upgrade(demo_engine)
    assert current_revision(demo_engine) == head_revision()
    assert column() == {}
    with session_scope(demo_engine) as session:
        got = [(a.indicator_code, a.period, a.text, a.owner, a.due_date, a.status) for a in list_actions(session, area=HAVERING)]
    assert sorted(got) == [
        ("CSP1", Q3.key, "First.; Second.", "", None, "open"),
        ("CSP3", Q4.key, "No commentary row yet.", "", None, "open"),
    ]


# --- CLI -------------------------------------------------------------------------------------------


def test_actions_cli_lists_them_with_status_in_words(demo_engine, database_url, monkeypatch) -> None:
    from click.testing import CliRunner

    from cli.main import cli

    monkeypatch.setenv("DATABASE_URL", database_url)
    with session_scope(demo_engine) as session:
        session.execute(delete(CorrectiveAction))
        add_action(session, "CSP1", HAVERING, Q3, "Joint patrols.", "priya", AT, owner="Sam Smith", due_date=date(2017, 3, 31))
        add_action(session, "CSP3", HAVERING, Q3, "Ended.", "priya", AT, status="done")
    runner = CliRunner()
    table = runner.invoke(cli, ["actions", "list", "--period", "2016-17-Q3"], catch_exceptions=False)
    assert table.exit_code == 0
    assert "Q3 2016/17  CSP1  Overdue (due 31 March 2017)  (Sam Smith; due 31 March 2017)  Joint patrols." in table.output
    assert "Q3 2016/17  CSP3  Done  (no owner; no due date)  Ended." in table.output
    done = runner.invoke(cli, ["actions", "list", "--status", "done", "--format", "csv"], catch_exceptions=False)
    assert done.output.splitlines() == ["period,indicator,action,owner,due_date,status", "2016-17-Q3,CSP3,Ended.,,,Done"]
    bad = runner.invoke(cli, ["actions", "list", "--period", "Q9"])
    assert bad.exit_code == 2 and "Q9" in bad.output
