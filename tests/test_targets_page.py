"""The targets page: validation in the rating rules' terms, saves that record who and when with
old and new values in the change log, a warning for Red without corrective action, and no
silent overwriting of someone else's save."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from rules.periods import Quarter
from rules.rating import Rating
from store.db import session_scope
from store.models import ChangeLog, Commentary, CorrectiveAction, Target
from tests.conftest import serious_axe_violations, table_counts
from tests.helpers import ARTIFACTS, screenshot
from web.parts import targets_form as form

Q3 = Quarter.parse("2016-17-Q3")
HOME = "E09000016"
NOW = datetime(2017, 1, 20, 14, 5, tzinfo=UTC)


def submission(**changes) -> form.Submission:
    values = {
        "indicator": "CSP1", "year": "2016-17", "quarter": "Q3", "area": HOME, "scope": "all", "target": "12,400",
        "tolerance": "2.5", "tolerance_type": "pct", "commentary": "Up 4.5% year to date.",
        "corrective_action": "Problem-solving in Romford.",
    }  # fmt: skip
    values.update(changes)
    return form.Submission(**values)


def changes(engine, entity: str) -> list[ChangeLog]:
    with session_scope(engine) as session:
        return list(session.scalars(select(ChangeLog).where(ChangeLog.entity == entity).order_by(ChangeLog.id)))


# ----- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("polarity", "fields", "expected"),
    [
        ("lower", {"target": "lots"}, [("target", "The target must be a number, like 12400 or 28.5; “lots” is not.")]),
        ("lower", {"target": ""}, [("target", "Enter the target.")]),
        ("lower", {"target": "100", "tolerance": "-1"}, [("tolerance", "The tolerance cannot be negative: enter 0 or more.")]),
        ("lower", {"target": "100", "tolerance": "nan"}, [("tolerance", "The tolerance must be an ordinary number.")]),
        ("lower", {"target": "100", "tolerance_type": "miles"},
         [("tolerance_type", "Choose whether the tolerance is in units of the measure or a percentage of the target.")]),
        ("band", {"low": "40", "high": "28"}, [("low", "The bottom of the band (40) is above the top (28).")]),
        ("band", {"low": "28", "high": ""}, [("high", "Enter the top of the band.")]),
    ],
)  # fmt: skip
def test_targets_page_validation_messages(polarity, fields, expected):
    values, problems = form.validate_target(polarity, submission(**fields))
    assert values is None
    assert problems == expected


@pytest.mark.parametrize(
    ("polarity", "fields", "expected"),
    [
        ("lower", {"target": "12,400", "tolerance": "2.5%", "tolerance_type": "pct"}, (12400.0, None, None, 2.5, "pct")),
        ("higher", {"target": " 55.5 ", "tolerance": ""}, (55.5, None, None, 0.0, "pct")),
        ("band", {"low": "28", "high": "40", "tolerance": "3", "tolerance_type": "abs"}, (None, 28.0, 40.0, 3.0, "abs")),
    ],
)
def test_targets_page_validation_accepts_numbers_as_people_type_them(polarity, fields, expected):
    values, problems = form.validate_target(polarity, submission(**fields))
    assert problems == []
    assert (values.target, values.low, values.high, values.tolerance, values.tolerance_type) == expected


# ----- saving --------------------------------------------------------------------------------------


def test_targets_page_save_stores_value_who_when_and_change_log(demo_engine):
    before = table_counts(demo_engine)
    result = form.save(demo_engine, submission(target="12000", tolerance="3"), "priya", now=NOW)
    assert result.saved and result.problems == []
    assert result.message == "Saved by priya at 20 Jan 2017 14:05: CSP1, Q3 2016/17, every area."
    with session_scope(demo_engine) as session:
        row = session.scalars(
            select(Target).where(Target.indicator_code == "CSP1", Target.year == "2016-17", Target.quarter == 3)
        ).one()
        assert (row.target, row.tolerance, row.tolerance_type, row.area_code) == (12000.0, 3.0, "pct", None)
        assert row.updated_by == "priya"
        assert row.updated_at.replace(tzinfo=UTC) == NOW if row.updated_at.tzinfo is None else row.updated_at == NOW
    assert table_counts(demo_engine)["target"] == before["target"]  # edited in place
    [entry] = changes(demo_engine, "target")
    assert (entry.user, entry.action, entry.key) == ("priya", "edit", "CSP1 2016-17 Q3 every area")
    assert entry.detail["old"] == {"target": 12400.0, "low": None, "high": None, "tolerance": 2.5, "tolerance_type": "pct"}
    assert entry.detail["new"] == {"target": 12000.0, "low": None, "high": None, "tolerance": 3.0, "tolerance_type": "pct"}
    assert "Target last saved by priya at 20 Jan 2017 14:05." in result.state.target_note


def test_targets_page_save_commentary_logs_old_and_new(demo_engine):
    result = form.save(demo_engine, submission(commentary="New words.", corrective_action="New action."), "priya", now=NOW)
    assert result.saved
    with session_scope(demo_engine) as session:
        row = session.scalars(select(Commentary).where(Commentary.indicator_code == "CSP1", Commentary.period == Q3.key)).one()
        # The typed action is a new open action; the old one-text column is left as it was (empty).
        assert (row.commentary, row.corrective_action, row.updated_by) == ("New words.", "", "priya")
        added = session.scalars(select(CorrectiveAction).where(CorrectiveAction.text == "New action.")).one()
        assert (added.indicator_code, added.area_code, added.period, added.status, added.created_by) == (
            "CSP1", HOME, Q3.key, "open", "priya",
        )  # fmt: skip
    [entry] = changes(demo_engine, "commentary")
    assert entry.key == f"CSP1 {HOME} 2016-17-Q3"
    assert entry.detail["old"]["commentary"].startswith("Total notifiable offences are up 4.5%")
    assert entry.detail["new"] == {"commentary": "New words.", "corrective_action": ""}
    [logged] = changes(demo_engine, "corrective_action")
    assert (logged.user, logged.action, logged.detail["old"]) == ("priya", "add", None)
    assert logged.detail["new"] == {"text": "New action.", "owner": "", "due_date": None, "status": "open"}
    assert changes(demo_engine, "target") == []  # the target did not change, so it is not logged


def test_targets_page_area_only_target_is_a_new_row(demo_engine):
    before = table_counts(demo_engine)
    result = form.save(
        demo_engine,
        submission(area="E05000306", scope="area", target="300", commentary="", corrective_action=""),
        "priya",
        now=NOW,
    )
    assert result.saved and result.state.scope == "area"
    assert table_counts(demo_engine)["target"] == before["target"] + 1
    assert changes(demo_engine, "target")[0].detail["old"] is None


def test_targets_page_band_target_for_a_quarter_overrides_the_year(demo_engine):
    state_before = _load(demo_engine, "CSP2")
    assert (state_before.low, state_before.high) == ("28", "40")
    assert "set for every quarter of 2016/17" in state_before.target_note
    sub = submission(
        indicator="CSP2", low="25", high="38", target="", tolerance="3", tolerance_type="abs", commentary="", corrective_action=""
    )
    assert form.save(demo_engine, sub, "priya", now=NOW).saved
    state = _load(demo_engine, "CSP2")
    assert (state.low, state.high) == ("25", "38")
    assert _load(demo_engine, "CSP2", Quarter.parse("2016-17-Q2")).low == "28"  # other quarters keep the year's band


def _load(engine, code: str, period: Quarter = Q3, area: str = HOME) -> form.FormState:
    with session_scope(engine) as session:
        return form.load_form(session, code, period, area)


def test_targets_page_nothing_changed_saves_nothing(demo_engine):
    state = _load(demo_engine, "CSP1")
    sub = submission(
        target=state.target, tolerance=state.tolerance, commentary=state.commentary, corrective_action=state.corrective_action
    )
    result = form.save(demo_engine, sub, "priya", now=NOW)
    assert not result.saved
    assert result.message == "Nothing had changed for CSP1, Q3 2016/17, every area, so nothing was saved."
    assert changes(demo_engine, "target") == [] and changes(demo_engine, "commentary") == []


def test_targets_page_red_without_corrective_action_warns(demo_engine):
    state = _load(demo_engine, "CSP3")
    assert state.rating.rag == Rating.RED
    # Dropping every action of the quarter leaves the Red without corrective action.
    dropped = [form.ActionEdit(a.id, "dropped", a.owner, "") for a in state.actions]
    result = form.save(
        demo_engine,
        submission(indicator="CSP3", target="3650", tolerance="5", corrective_action="", action_edits=dropped),
        "priya",
        now=NOW,
    )
    assert result.saved
    assert result.warnings == [
        "Anti-social behaviour incidents is rated Red for Q3 2016/17: add a corrective action before the report goes to committee."
    ]


def test_targets_page_invalid_input_stores_nothing(demo_engine):
    before = table_counts(demo_engine)
    result = form.save(demo_engine, submission(target="twelve thousand", tolerance="-2"), "priya", now=NOW)
    assert not result.saved
    assert [name for name, _ in result.problems] == ["target", "tolerance"]
    assert table_counts(demo_engine) == before
    assert changes(demo_engine, "target") == []


def test_targets_page_refuses_to_overwrite_someone_elses_save(demo_engine):
    opened = _load(demo_engine, "CSP1")
    form.save(demo_engine, submission(target="12100"), "sam", now=NOW)  # sam saves first
    late = submission(target="11900", target_version=opened.target_versions["all"], commentary_version=opened.commentary_version)
    result = form.save(demo_engine, late, "priya", now=NOW)
    assert not result.saved
    assert result.problems[0][1].startswith("sam saved a change to this target at 20 Jan 2017 14:05 after you opened it")
    assert _load(demo_engine, "CSP1").target == "12100"


def test_targets_page_version_survives_a_round_trip(demo_engine):
    """The version the page remembers after saving must match what a fresh read says, on both backends."""
    first = form.save(demo_engine, submission(target="12100"), "priya", now=NOW)
    again = submission(
        target="12200", target_version=first.state.target_versions["all"], commentary_version=first.state.commentary_version
    )
    assert form.save(demo_engine, again, "priya").saved


# ----- in a real browser ---------------------------------------------------------------------------------


@pytest.mark.browser
def test_targets_page_in_browser_edit_and_save(web_live, web_browser, demo_engine, tmp_path):
    page = web_browser
    page.goto(f"{web_live}/login?next=/targets%3Findicator%3DCSP1%26period%3D2016-17-Q3")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#targets-save")
    assert page.get_by_label("Target", exact=True).input_value() == "12400"
    assert "Red" in page.locator("#targets-rating").inner_text()
    page.get_by_label("Target", exact=True).fill("twelve")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#targets-errors [role=alert]")
    assert "The target must be a number" in page.locator("#targets-errors").inner_text()
    page.get_by_label("Target", exact=True).fill("13,000")
    page.get_by_label("What will be done").fill("Joint patrols in Romford town centre.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#targets-saved")
    assert page.locator("#targets-saved").inner_text().startswith("Saved by priya at ")
    assert page.locator("#targets-errors").inner_text() == ""
    with session_scope(demo_engine) as session:
        row = session.scalars(
            select(Target).where(Target.indicator_code == "CSP1", Target.year == "2016-17", Target.quarter == 3)
        ).one()
        assert (row.target, row.updated_by) == (13000.0, "priya")
    page.get_by_label("Indicator", exact=True).select_option("CSP2")  # re-renders the page from the URL
    page.wait_for_function("document.getElementById('targets-low') && document.getElementById('targets-low').value === '28'")
    assert "indicator=CSP2" in page.url
    assert page.locator("#targets-target-field").is_hidden()
    assert serious_axe_violations(page) == []
    screenshot(page, tmp_path / "targets.png", full_page=True)
    assert page.console_errors == []


# ----- corrective actions ---------------------------------------------------------------------------


def test_targets_page_action_edits_status_owner_due_date_logged(demo_engine):
    form.save(
        demo_engine,
        submission(corrective_action="Extra patrols.", action_owner="Jo Bloggs", action_due="31 March 2017"),
        "priya",
        now=NOW,
    )
    state = _load(demo_engine, "CSP1")
    [added] = [a for a in state.actions if a.text == "Extra patrols."]
    assert (added.owner, added.due_date.isoformat(), added.status) == ("Jo Bloggs", "2017-03-31", "open")
    edit = form.ActionEdit(added.id, "done", "Sam Smith", "2017-02-28")
    result = form.save(demo_engine, submission(corrective_action="", action_edits=[edit]), "lee", now=NOW)
    assert result.saved
    [now_held] = [a for a in result.state.actions if a.id == added.id]
    assert (now_held.owner, now_held.due_date.isoformat(), now_held.status) == ("Sam Smith", "2017-02-28", "done")
    logged = changes(demo_engine, "corrective_action")
    assert [(c.user, c.action) for c in logged] == [("priya", "add"), ("lee", "edit")]
    assert logged[1].detail["old"] == {"text": "Extra patrols.", "owner": "Jo Bloggs", "due_date": "2017-03-31", "status": "open"}
    assert logged[1].detail["new"] == {"text": "Extra patrols.", "owner": "Sam Smith", "due_date": "2017-02-28", "status": "done"}


def test_targets_page_bad_due_date_saves_nothing(demo_engine):
    before = table_counts(demo_engine)
    result = form.save(demo_engine, submission(action_owner="Jo", action_due="next Tuesday"), "priya", now=NOW)
    assert not result.saved
    assert result.problems == [
        ("action_due", "The due date must be a date, like 31 March 2017 or 2017-03-31; \u201cnext Tuesday\u201d is not.")
    ]
    assert table_counts(demo_engine) == before
    assert changes(demo_engine, "corrective_action") == []


def test_targets_page_action_of_another_indicator_is_refused(demo_engine):
    other = _load(demo_engine, "CSP3").actions
    assert other, "the demo sets an action for CSP3 in Q3"
    before = table_counts(demo_engine)
    result = form.save(demo_engine, submission(action_edits=[form.ActionEdit(other[0].id, "done", "", "")]), "priya", now=NOW)
    assert not result.saved and result.problems[0][0] == "corrective_action"
    assert table_counts(demo_engine) == before


def test_targets_page_shows_last_quarters_actions(demo_engine):
    form.save(demo_engine, submission(corrective_action="Set in Q3.", action_due="2017-03-31"), "priya", now=NOW)
    state = _load(demo_engine, "CSP1", Quarter.parse("2016-17-Q4"))
    assert "Set in Q3." in [a.text for a in state.previous_actions]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_targets_page_in_browser_add_and_edit_an_action(web_live, web_browser, demo_engine, width):
    page = web_browser
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{web_live}/login?next=/targets%3Findicator%3DCSP1%26period%3D2016-17-Q3")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#targets-save")
    page.get_by_label("What will be done").fill("Joint patrols in Romford town centre.")
    page.locator("#targets-action-owner").fill("Jo Bloggs")
    page.locator("#targets-action-due").fill("31 March 2017")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#targets-saved")
    assert page.get_by_label("What will be done").input_value() == ""  # cleared for the next one
    listed = page.locator("#targets-actions fieldset", has_text="Joint patrols in Romford town centre.")
    listed.wait_for()
    assert "(now: Overdue (due 31 March 2017))" in listed.inner_text()  # open, and due before today
    assert listed.get_by_label("Owner").input_value() == "Jo Bloggs"
    assert listed.get_by_label("Due date").input_value() == "31 March 2017"
    assert serious_axe_violations(page) == []
    screenshot(page, ARTIFACTS / f"actions/targets-actions-added-{width}.png", full_page=True)
    listed.get_by_label("Status").select_option("done")
    listed.get_by_label("Owner").fill("Sam Smith")
    page.get_by_role("button", name="Save").click()
    page.wait_for_function(
        "Array.from(document.querySelectorAll('#targets-actions fieldset')).some("
        "f => f.innerText.includes('Joint patrols') && f.innerText.includes('(now: Done)'))"
    )
    with session_scope(demo_engine) as session:
        row = session.scalars(
            select(CorrectiveAction).where(CorrectiveAction.text == "Joint patrols in Romford town centre.")
        ).one()
        assert (row.status, row.owner, row.due_date.isoformat(), row.updated_by) == ("done", "Sam Smith", "2017-03-31", "priya")
    assert [c.action for c in changes(demo_engine, "corrective_action")] == ["add", "edit"]
    assert serious_axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than a phone
    screenshot(page, ARTIFACTS / f"actions/targets-actions-edited-{width}.png", full_page=True)
    assert page.console_errors == []


def test_targets_page_refuses_to_overwrite_someone_elses_action_edit(demo_engine):
    from store.actions import ActionChange, update_action

    opened = _load(demo_engine, "CSP1")
    shown = opened.actions[0]
    with session_scope(demo_engine) as session:  # sam marks it done first
        update_action(session, shown.id, ActionChange(status="done"), "sam", NOW)
    before = table_counts(demo_engine)
    stale = form.ActionEdit(shown.id, "dropped", shown.owner, "", shown.version)
    result = form.save(demo_engine, submission(corrective_action="", action_edits=[stale]), "priya", now=NOW)
    assert not result.saved
    assert result.problems[0][1].startswith("sam saved a change to this corrective action at ")
    assert table_counts(demo_engine) == before
    assert [a.status for a in _load(demo_engine, "CSP1").actions if a.id == shown.id] == ["done"]
