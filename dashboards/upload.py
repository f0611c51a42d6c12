"""Upload data (``/upload``, analysts): choose the kind, choose a file, see the first rows and
the loader's verdict, then confirm to store it.

The check is the CLI's ``--dry-run``: the real loader runs and is rolled back, so what the page
promises is what the load does. Every callback here writes to an ``upload-…`` id, which
web/access.py refuses to anyone but an analyst, whoever sends the request.
"""

from __future__ import annotations

import hashlib
from typing import Any

import dash
from dash import (
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    dcc,
    html,
    no_update,
)
from dash.development.base_component import Component
from dash.exceptions import PreventUpdate

from web.access import can, current_user, guard_write, requires_role
from web.login import account_bar, sign_in_prompt
from web.parts import components as ui
from web.parts import upload_steps as steps
from web.parts.context import current_engine, current_settings
from web.parts.fields import select_field
from web.parts.upload_progress import PageProgress, progress_key, progress_line, read_line
from web.serving.memory import release_after_request

dash.register_page(
    __name__, path="/upload", name="Upload", title="Upload data – Community Safety Partnership performance", order=3
)

PATH = "/upload"


@ui.safe_layout
def layout(kind: str | None = None, **_: Any) -> Component:
    # Other pages link here with the kind chosen (``/upload?kind=population``) when a figure
    # they need has not been loaded.
    chosen = steps.chosen_kind(kind)
    if not can("analyst"):
        return html.Div([html.H1("Upload data"), sign_in_prompt("upload data", f"{PATH}?kind={chosen}" if chosen else PATH)])
    intro = [html.H1("Upload data"), account_bar(PATH)]
    return html.Div([*intro, _form(chosen), _history()])


def _form(kind: str = "") -> html.Section:
    return html.Section(
        [
            html.P(
                "Files are checked in full before anything is stored: you will see every problem with its "
                "row and column, or what would change, and then confirm.",
                className="lead",
            ),
            select_field(
                "upload-kind",
                "What kind of file is it?",
                [("", "Choose the kind of file"), *steps.kind_options()],
                kind,
                hint=steps.kind_help(kind or None),
                store=True,
            ),
            html.Div(
                [html.P("The file", className="field__label", id="upload-file-label"), steps.file_picker()],
                className="field",
            ),
            html.P(id="upload-status", role="status", className="status", hidden=True),
            dcc.Loading(html.Div([html.Div(id="upload-preview"), html.Div(id="upload-check")]), type="circle", delay_show=200),
            html.Fieldset(
                [
                    html.Legend("Indicators not in this file", className="field__label"),
                    html.P(id="upload-missing-question"),
                    dcc.RadioItems(
                        id="upload-missing-choice",
                        options=[
                            {
                                "label": " Retire them: no longer scored or listed; their figures, targets and published versions are kept",
                                "value": "retire",
                            },
                            {"label": " Keep them", "value": "keep"},
                        ],
                        value=None,
                    ),
                ],
                id="upload-missing",
                className="field",
                hidden=True,
            ),  # fmt: skip
            # Shown only when the check found figures that would fall by more than half.
            html.Div(
                dcc.Checklist(
                    id="upload-accept-drops",
                    options=[{"label": " I have checked the falls listed above: the file is right, load it", "value": "accept"}],
                    value=[],
                ),
                id="upload-drops-confirm",
                className="field",
                hidden=True,
            ),
            html.Button("Confirm and load", id="upload-confirm", className="button", hidden=True, n_clicks=0),
            html.P("Loading the file into the database…", id="upload-loading", role="status", className="status", hidden=True),
            # How far the load has got (sheet and rows read), polled about once a second while it runs.
            html.P(id="upload-progress", className="status", hidden=True, **ui.attrs({"aria-live": "polite"})),
            dcc.Interval(id="upload-poll", interval=1000, disabled=True),
            dcc.Loading(html.Div(id="upload-outcome"), type="circle", delay_show=200),
            dcc.Store(id="upload-pending"),
        ],
        className="upload-form",
    )


def _history() -> html.Section:
    return html.Section(
        [html.H2("Upload history", id="upload-heading"), html.Div(steps.history_table(current_engine()), id="upload-history")]
    )


@callback(Output("upload-kind-hint", "children"), Input("upload-kind-value", "data"), prevent_initial_call=True)
@requires_role("analyst")
def show_kind_help(kind: str | None) -> str:
    return steps.kind_help(kind)


# Names the file and its size the moment it is chosen, in the browser; the check callback's
# ``running`` shows this only while the server works on it.
clientside_callback(
    """
    function (contents, filename) {
        if (!contents) { return ""; }
        var bytes = Math.round((contents.length - contents.indexOf(",") - 1) * 3 / 4);
        var size = bytes < 1048576 ? Math.max(1, Math.round(bytes / 1024)) + " KB" : (bytes / 1048576).toFixed(1) + " MB";
        return "Checking " + (filename || "the file") + " (" + size + ")… large files can take a minute.";
    }
    """,
    Output("upload-status", "children"),
    Input("upload-file", "contents"),
    State("upload-file", "filename"),
    prevent_initial_call=True,
)


@callback(
    Output("upload-preview", "children"),
    Output("upload-check", "children"),
    Output("upload-confirm", "hidden"),
    Output("upload-pending", "data"),
    Output("upload-outcome", "children"),
    Output("upload-drops-confirm", "hidden"),
    Output("upload-accept-drops", "value"),
    Input("upload-file", "contents"),
    Input("upload-kind-value", "data"),
    State("upload-file", "filename"),
    running=[
        (Output("upload-status", "hidden"), False, True),
        (Output("upload-progress", "hidden"), False, True),
        (Output("upload-poll", "disabled"), False, True),  # polled only while the check runs
    ],
    prevent_initial_call=True,
)
@requires_role("analyst")
def check(contents: str | None, kind: str | None, filename: str | None) -> tuple[Any, ...]:
    if not contents:
        raise PreventUpdate  # a kind chosen before any file: nothing to check yet
    name = filename or "upload.csv"
    release_after_request()  # the file and its checking are garbage once this answer is sent
    try:
        data = steps.decode_contents(contents)
    except steps.UploadProblem as problem:
        return None, ui.notice(f"{name} could not be read", str(problem)), True, None, None, True, []
    user = current_user()
    assert user is not None  # access.py refuses this callback to anyone not signed in
    progress = PageProgress(_progress_key(user.name, name), f"Checking {name}")
    outcome = steps.check_upload(current_engine(), kind, name, data, user.name, progress=progress)
    pending = (
        {"kind": kind, "file_name": name, "sha256": outcome.summary.sha256, "missing": outcome.summary.missing_indicators}
        if outcome.summary is not None
        else None
    )
    drops = bool(outcome.summary is not None and outcome.summary.drops)
    return steps.preview(name, data), steps.render_check(outcome), not outcome.ok, pending, None, not drops, []


@callback(
    Output("upload-missing", "hidden"),
    Output("upload-missing-question", "children"),
    Output("upload-missing-choice", "value"),
    Input("upload-pending", "data"),
    prevent_initial_call=True,
)
@requires_role("analyst")
def ask_about_missing(pending: dict | None) -> tuple[Any, ...]:
    """An indicator list that leaves out indicators held now: ask whether to retire or keep them."""
    missing = (pending or {}).get("missing") or []
    return not missing, steps.missing_question(missing) if missing else "", None


@callback(
    Output("upload-outcome", "children", allow_duplicate=True),
    Output("upload-confirm", "hidden", allow_duplicate=True),
    Output("upload-pending", "data", allow_duplicate=True),
    Output("upload-check", "children", allow_duplicate=True),
    Output("upload-history", "children"),
    Output("upload-drops-confirm", "hidden", allow_duplicate=True),
    Input("upload-confirm", "n_clicks"),
    State("upload-file", "contents"),
    State("upload-file", "filename"),
    State("upload-pending", "data"),
    State("upload-missing-choice", "value"),
    State("upload-accept-drops", "value"),
    running=[
        (Output("upload-loading", "hidden"), False, True),
        (Output("upload-confirm", "disabled"), True, False),  # one click, one load
        (Output("upload-progress", "hidden"), False, True),
        (Output("upload-poll", "disabled"), False, True),  # polled only while the load runs
    ],
    prevent_initial_call=True,
)
@requires_role("analyst")
def confirm(
    clicks: int | None,
    contents: str | None,
    filename: str | None,
    pending: dict | None,
    missing_choice: str | None = None,
    accepted: list | None = None,
) -> tuple[Any, ...]:
    guard_write("analyst", None, "load an uploaded file")  # into the request's partnership
    if not clicks or not pending:
        raise PreventUpdate
    release_after_request()
    if pending.get("missing") and missing_choice not in ("retire", "keep"):
        message = "Choose whether to retire or keep the indicators this file does not contain, then confirm."
        return ui.notice("Nothing was loaded yet", message), False, no_update, no_update, no_update, no_update
    try:
        data = steps.decode_contents(contents)
    except steps.UploadProblem as problem:
        return ui.notice("Nothing was loaded", str(problem)), True, None, no_update, no_update, True
    # Load exactly the file and kind that were checked, not whatever the page now holds.
    if hashlib.sha256(data).hexdigest() != pending.get("sha256") or (filename or "upload.csv") != pending.get("file_name"):
        return (
            ui.notice("Nothing was loaded", "The file changed after it was checked. Choose it again."),
            True,
            None,
            no_update,
            no_update,
            True,
        )
    user = current_user()
    assert user is not None
    engine = current_engine()
    accept_drops = "accept" in (accepted or [])  # the confirmation of the falls the check listed
    missing = missing_choice if pending.get("missing") else None
    progress = PageProgress(_progress_key(user.name, pending["file_name"]), f"Reading {pending['file_name']}")
    outcome = steps.load_upload(
        engine, pending.get("kind"), pending["file_name"], data, user.name, missing, accept_drops=accept_drops, progress=progress
    )
    if outcome.falls_unconfirmed:  # not ticked: the file stays checked, to tick and confirm
        return steps.render_check(outcome), False, pending, no_update, no_update, False
    # The check's "nothing stored yet" would now be wrong, so the outcome replaces it.
    home = current_settings().home_area
    gaps = steps.gaps_after_load(engine, outcome.summary.periods, home) if outcome.ok and outcome.summary else None
    return steps.render_loaded(outcome, home, gaps), True, None, None, steps.history_table(engine), True


def _progress_key(user: str, file_name: str) -> str:
    """The check's and the load's progress key: who uploads and the file chosen, so the poll
    finds it from the page's own state without a job id (the check runs before any digest is
    known to the page)."""
    return progress_key(current_settings().database_url, user, file_name)


@callback(
    Output("upload-progress", "children"),
    Input("upload-poll", "n_intervals"),
    State("upload-file", "filename"),
    prevent_initial_call=True,
)
@requires_role("analyst")
def show_progress(_ticks: int | None, filename: str | None) -> Any:
    user = current_user()
    if not filename or user is None:
        raise PreventUpdate
    return progress_line(read_line(_progress_key(user.name, filename)))
