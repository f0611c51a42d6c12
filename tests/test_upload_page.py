"""The upload page: a file is checked by the real loader (a dry run), every problem is listed
with row, column, value and reason, and only a confirmed, clean file is stored."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import func, select

from store.db import session_scope
from store.models import ChangeLog, MaracReturn, Upload
from tests.conftest import serious_axe_violations, table_counts
from tests.helpers import screenshot
from web.parts import upload_steps as steps

GOOD_MARAC = b"area_code,quarter,cases_discussed,repeat_cases\nE09000016,2017-18-Q1,50,12\n"
BAD_MARAC = (
    b"area_code,quarter,cases_discussed,repeat_cases\n"
    b"E09000016,2017-18-Q1,fifty,12\n"  # text in a count
    b"E09000099,2017-18-Q1,40,9\n"  # unknown area
    b"E09000016,2017-18-Q5,40,9\n"  # not a quarter
)
BAD_PROBLEMS = [
    (2, "cases_discussed", "fifty", "not a number: counts must be whole numbers"),
    (3, "area_code", "E09000099", "unknown area: declare it first"),
    (4, "quarter", "2017-18-Q5", "not a quarter; write it like 2016-17-Q3"),
]


def rendered(component) -> str:
    """A component tree as the JSON Dash sends, for asserting on the text a reader sees."""
    from plotly.utils import PlotlyJSONEncoder

    return json.dumps(component, cls=PlotlyJSONEncoder)


# ----- checking a file -----------------------------------------------------------------------


def test_upload_page_check_valid_file_reports_what_would_change_and_stores_nothing(demo_engine):
    before = table_counts(demo_engine)
    outcome = steps.check_upload(demo_engine, "marac", "marac.csv", GOOD_MARAC, "priya")
    assert outcome.ok and outcome.summary.dry_run
    assert (outcome.summary.rows, outcome.summary.stored, outcome.summary.periods) == (1, 1, ["2017-18-Q1"])
    assert table_counts(demo_engine) == before
    text = rendered(steps.render_check(outcome))
    assert "marac.csv is ready to load: no problems found" in text
    assert "Nothing has been stored yet" in text


def test_upload_page_check_broken_file_lists_every_problem(demo_engine):
    before = table_counts(demo_engine)
    outcome = steps.check_upload(demo_engine, "marac", "marac.csv", BAD_MARAC, "priya")
    assert not outcome.ok
    found = sorted((p.row, p.column, p.value, p.reason) for p in outcome.error.problems)
    assert found == BAD_PROBLEMS
    assert table_counts(demo_engine) == before
    text = rendered(steps.render_check(outcome))
    assert "marac.csv: 3 problems found; nothing was loaded." in text
    for row, column, value, reason in BAD_PROBLEMS:
        assert all(json.dumps(cell) in text for cell in (str(row), column, value, reason))
    assert "cspdash" not in text  # the page offers its own upload, never a command to run


def test_upload_page_replacing_held_values_is_called_out(demo_engine):
    held = b"area_code,quarter,cases_discussed,repeat_cases\nE09000016,2016-17-Q3,52,15\n"
    outcome = steps.check_upload(demo_engine, "marac", "marac.csv", held, "priya")
    assert outcome.summary.replaced == 1
    assert "1 value already held for these periods and areas will be replaced." in rendered(steps.render_check(outcome))


def test_upload_page_needs_a_kind(demo_engine):
    outcome = steps.check_upload(demo_engine, None, "marac.csv", GOOD_MARAC, "priya")
    assert outcome.message == "Choose what kind of file this is before checking it."


def test_upload_page_unexpected_error_is_a_message_not_a_trace(demo_engine, monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(steps, "run_load", explode)
    outcome = steps.check_upload(demo_engine, "marac", "marac.csv", GOOD_MARAC, "priya")
    text = rendered(steps.render_check(outcome))
    assert "Something went wrong on the server while handling this file, so nothing was stored." in text
    assert "Traceback" not in text and "database on fire" not in text
    assert "database on fire" in caplog.text  # but the administrator can find it


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        (None, "No file was received. Choose the file again."),
        ("data:text/csv,plain", "The file arrived in a form the page does not understand. Choose it again."),
        ("data:text/csv;base64,@@@", "The file did not arrive intact. Choose it again."),
    ],
)
def test_upload_page_decode_problems(contents, message):
    with pytest.raises(steps.UploadProblem) as caught:
        steps.decode_contents(contents)
    assert str(caught.value) == message


def test_upload_page_decode_round_trips():
    assert steps.decode_contents("data:text/csv;base64," + base64.b64encode(GOOD_MARAC).decode()) == GOOD_MARAC


# ----- loading it --------------------------------------------------------------------------------


def test_upload_page_load_stores_data_with_who_and_a_change_log_entry(demo_engine):
    before = table_counts(demo_engine)
    outcome = steps.load_upload(demo_engine, "marac", "marac.csv", GOOD_MARAC, "priya")
    assert outcome.ok and not outcome.summary.dry_run
    after = table_counts(demo_engine)
    assert after["marac_return"] == before["marac_return"] + 1
    assert after["upload"] == before["upload"] + 1
    with session_scope(demo_engine) as session:
        row = session.scalars(select(MaracReturn).where(MaracReturn.quarter == "2017-18-Q1")).one()
        assert (row.area_code, row.cases_discussed, row.repeat_cases) == ("E09000016", 50, 12)
        upload = session.get(Upload, row.upload_id)
        assert (upload.loaded_by, upload.kind, upload.file_name) == ("priya", "marac", "marac.csv")
        entry = session.scalars(select(ChangeLog).where(ChangeLog.entity == "upload")).one()
        assert (entry.user, entry.action, entry.key) == ("priya", "upload", "marac marac.csv")
        assert entry.detail["upload_id"] == upload.id and entry.detail["rows"] == 1
    text = rendered(steps.render_loaded(outcome, "E09000016"))
    assert "Loaded marac.csv" in text
    assert "See the scorecard for Q1 2017/18" in text and "/?period=2017-18-Q1&area=E09000016" in text


def test_upload_page_load_of_broken_file_stores_nothing(demo_engine):
    before = table_counts(demo_engine)
    outcome = steps.load_upload(demo_engine, "marac", "marac.csv", BAD_MARAC, "priya")
    assert outcome.error.total == 3
    assert table_counts(demo_engine) == before
    with session_scope(demo_engine) as session:
        assert session.scalar(select(func.count()).select_from(ChangeLog)) == 0


def test_upload_page_history_lists_uploads(demo_engine):
    steps.load_upload(demo_engine, "marac", "new-marac.csv", GOOD_MARAC, "priya")
    text = rendered(steps.history_table(demo_engine))
    assert "new-marac.csv" in text and "priya" in text


@pytest.mark.parametrize(
    ("periods", "expected"),
    [(["2016-10", "2017-01"], "2016-17-Q4"), (["2017-18-Q1"], "2017-18-Q1"), (["2016-17"], "2016-17-Q4"), ([], None)],
)
def test_upload_page_latest_quarter_of_a_load(periods, expected):
    found = steps.latest_quarter(periods)
    assert (found.key if found else None) == expected


def test_upload_page_preview_is_a_semantic_table():
    text = rendered(steps.preview("marac.csv", GOOD_MARAC))
    assert "First row of marac.csv" in text
    assert '"scope": "col"' in text and '"cases_discussed"' in text


# ----- in a real browser ---------------------------------------------------------------------------------


def _choose_file(page, name: str, data: bytes) -> None:
    page.set_input_files("#upload-file input[type=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])


@pytest.mark.browser
def test_upload_page_in_browser_check_confirm_and_errors(web_live, web_browser, demo_engine, tmp_path):
    page = web_browser
    page.goto(f"{web_live}/upload")
    page.get_by_role("link", name="Sign in as an analyst to upload data").click()
    assert serious_axe_violations(page) == []  # the sign-in form
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#upload-file")
    assert page.locator(".account-bar").inner_text().startswith("Signed in as priya (analyst).")

    # A clean file for a new quarter: what would change, then confirm.
    before = table_counts(demo_engine)
    page.get_by_label("What kind of file is it?").select_option("marac")
    _choose_file(page, "marac-2017-18-q1.csv", GOOD_MARAC)
    page.wait_for_selector("#upload-summary")
    assert "marac-2017-18-q1.csv is ready to load" in page.locator("#upload-check").inner_text()
    assert page.locator("#upload-preview-table").is_visible()
    assert table_counts(demo_engine) == before
    page.get_by_role("button", name="Confirm and load").click()
    page.wait_for_selector("#upload-scorecard-link")
    assert "Loaded marac-2017-18-q1.csv" in page.locator("#upload-outcome").inner_text()
    # The confirmation says what the new quarter still lacks (issue 12 item 12).
    assert page.locator("#upload-gaps").inner_text().splitlines() == [
        "Q1 2017/18: no target for CSP2, so not rated.",
        "Q1 2017/18: no London or national comparator figure for CSP2.",
        # …and, per source, what the quarter lacks (issue 19 part 2).
        "Q1 2017/18: Recorded crime (CSP1): no figures after March 2017.",
        "Q1 2017/18: ASB (CSP3): no figures after March 2017.",
    ]
    assert page.locator("#upload-scorecard-link").get_attribute("href") == "/p/E09000016/?period=2017-18-Q1&area=E09000016"
    assert "marac-2017-18-q1.csv" in page.locator("#upload-history").inner_text()
    assert not page.get_by_role("button", name="Confirm and load").is_visible()
    after_good = table_counts(demo_engine)
    assert after_good["marac_return"] == before["marac_return"] + 1

    # A broken file: every problem on the page, nothing stored, no confirm button.
    _choose_file(page, "marac-broken.csv", BAD_MARAC)
    page.wait_for_selector("#upload-problems")
    assert "marac-broken.csv: 3 problems found; nothing was loaded." in page.locator("#upload-check").inner_text()
    rows = page.locator("#upload-problems tbody tr")
    assert rows.count() == 3
    shown = sorted(
        (int(cells[1]), cells[2], cells[3], cells[4])
        for cells in (rows.nth(i).locator("th, td").all_inner_texts() for i in range(3))
    )
    assert shown == BAD_PROBLEMS
    assert not page.get_by_role("button", name="Confirm and load").is_visible()
    assert table_counts(demo_engine) == after_good
    screenshot(page, tmp_path / "upload-errors.png", full_page=True)  # for people debugging a failure
    assert serious_axe_violations(page) == []
    assert page.console_errors == []


@pytest.mark.browser
def test_upload_page_sign_out_button_ends_the_session(web_live, web_browser, demo_engine):
    page = web_browser
    page.goto(f"{web_live}/login?next=/upload")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#upload-file")
    page.locator(".account-bar").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{web_live}/p/E09000016/")  # "/", then the partnership's address
    page.goto(f"{web_live}/upload")
    page.get_by_role("link", name="Sign in as an analyst to upload data").wait_for()
    assert page.locator("#upload-file").count() == 0
    assert serious_axe_violations(page) == []


def test_upload_page_shows_how_far_the_check_and_the_load_have_got(engine, database_url, tmp_path):
    """The check and then the load name the sheet and the rows read as they go; the page's poll
    (another request, which may reach another worker) reads the latest line from the shared
    cache, keyed by who uploads and the file chosen (the check runs before the page knows any
    digest)."""
    from tests.conftest import add_web_user, callback_body, make_web_app, web_sign_in
    from tests.helpers import load
    from tests.test_access import data_url
    from tests.test_csp_crime_indicator import write_workbook
    from tests.test_csp_lookup import write_lookup
    from tests.test_csp_tables_load import LOOKUP_ROWS
    from web.parts import progress_notes, upload_progress

    load(engine, "csp-lookup", write_lookup(tmp_path / "lookup.csv", LOOKUP_ROWS))
    add_web_user(engine, "priya", "analyst")
    app = make_web_app(database_url)
    client = app.server.test_client()
    web_sign_in(client, "priya")
    data = write_workbook(tmp_path / "prc-csp-tables.xlsx").read_bytes()
    poll = callback_body(
        app, "upload-progress.children", {"upload-poll.n_intervals": 2}, {"upload-file.filename": "prc-csp-tables.xlsx"}
    )

    def said() -> str:
        progress_notes._LOCAL.clear()  # another worker's memory holds nothing: the line comes from the shared cache
        line = client.post("/_dash-update-component", json=poll).get_json()["response"]["upload-progress"]["children"]
        return "".join(str(part) for part in line["props"]["children"]) if line else ""

    assert said() == ""  # nothing checked or loading: nothing said
    check = callback_body(
        app, "upload-check.children", {"upload-file.contents": data_url(data), "upload-kind-value.data": "csp-tables"},
        {"upload-file.filename": "prc-csp-tables.xlsx"},
    )  # fmt: skip
    checked_answer = client.post("/_dash-update-component", json=check).get_json()["response"]
    checked = checked_answer["upload-pending"]["data"]
    assert checked["sha256"]
    words = said()
    assert words.startswith("Sheet 2024_25: 20 rows read (") and words.endswith(" s so far)"), words
    with app.server.app_context():  # the check's last line, set aside: the load's own lines follow
        key = upload_progress.progress_key(app.server.config["CSPDASH_SETTINGS"].database_url, "priya", "prc-csp-tables.xlsx")
        progress_notes.put_note(key, ["Checked", 0.0], timeout=60)
    assert said().startswith("Checked")
    confirm = callback_body(
        app, "upload-history.children", {"upload-confirm.n_clicks": 1},
        {"upload-file.contents": data_url(data), "upload-file.filename": "prc-csp-tables.xlsx", "upload-pending.data": checked,
         "upload-missing-choice.value": None, "upload-accept-drops.value": []},
    )  # fmt: skip
    loaded = client.post("/_dash-update-component", json=confirm)
    assert loaded.status_code == 200 and "Loaded prc-csp-tables.xlsx" in loaded.get_data(as_text=True)
    words = said()
    assert words.startswith("Sheet 2024_25: 20 rows read (") and words.endswith(" s so far)"), words
