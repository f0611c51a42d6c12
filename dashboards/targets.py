"""Targets and commentary (``/targets``, analysts): for an indicator, quarter and area, edit
the target (or band) and tolerance, and write the commentary and corrective action the
committee reads. Saving records who and when, and logs old and new values.

What is being edited lives in the URL (``?indicator=CSP1&year=2016-17&quarter=Q3&area=…``,
or ``period=2016-17-Q3``): changing a choice re-renders the page from the URL, so the form
always shows what is stored. The one callback, Save, writes to ``targets-…`` ids, which
web/access.py refuses to anyone but an analyst.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, clientside_callback, dcc, html
from dash.development.base_component import Component

from reporting.actions import date_words
from rules.periods import PeriodError, Quarter
from rules.rating import Rating
from web.access import can, current_user, guard_write, requires_role
from web.addresses import here
from web.login import account_bar, sign_in_prompt
from web.parts import actions_panel, targets_page
from web.parts import annual_target_form as annual_form
from web.parts import components as ui
from web.parts import pack_text_form as pack_form
from web.parts import targets_form as form
from web.parts import targets_overview as overview
from web.parts.context import current_engine, current_settings
from web.parts.fields import parse_day, select_field, text_field, textarea_field, words_field

dash.register_page(
    __name__,
    path="/targets",
    name="Targets & commentary",
    title="Targets and commentary – Community Safety Partnership performance",
    order=4,
)

PATH = "/targets"
TOLERANCE_TYPES = [
    ("abs", "In units of the measure (percentage points for a percentage)"),
    ("pct", "As a percentage of the target"),
]
FALLBACK_PERIOD = Quarter(2016, 1)


@ui.safe_layout
def layout(
    indicator: str | None = None,
    year: str | None = None,
    quarter: str | None = None,
    area: str | None = None,
    period: str | None = None,
    **_: Any,
) -> Component:
    if not can("analyst"):
        return html.Div([html.H1("Targets and commentary"), sign_in_prompt("edit targets and commentary", PATH)])
    intro = [html.H1("Targets and commentary"), account_bar(PATH)]
    page = targets_page.load_page(
        current_engine(), current_settings().home_area, indicator, area, _period(year, quarter, period), FALLBACK_PERIOD
    )
    state = page.state
    if state is None:
        return html.Div(
            [*intro, ui.notice("No indicators yet", "Load indicator definitions on the Upload page first.", kind="info")]
        )
    return html.Div(
        [
            *intro, _chooser(page.choices, state), _overview(page.grid or [], state, page.annual_rows or []), _editor(state, page.ytd),
            *([_annual(page.annual)] if page.annual is not None else []), _breaks(state, page.source, page.breaks or []),
            pack_form.section(pack_form.load(current_engine(), state.period, state.area, state.area_name), current_settings()),
        ]
    )  # fmt: skip


def _overview(
    grid: list[overview.OverviewRow], state: form.FormState, annual_rows: list[overview.AnnualRow] | None = None
) -> html.Section:
    """Every indicator's targets for the year at a glance, with what needs attention."""
    year = state.period.financial_year
    rows: list[list[Component | str]] = []
    for r in grid:
        link = html.A(
            f"{r.code} – {r.name}",
            href=here(f"{PATH}?indicator={r.code}&year={year.key}&quarter=Q{state.period.q}&area={state.area}"),
        )
        name = [link, html.Span(" (target is for the year to date)", className="cell-note")] if r.ytd else [link]
        cells = []
        for c in r.cells:
            words: list[Component | str] = [c.target or html.Strong("No target", className="flag")]
            if c.red_without_action:
                words += [html.Br(), html.Strong("Red, no corrective action", className="flag")]
            cells.append(html.Span(words))
        attention = []
        if r.rated and r.missing:
            attention.append(f"No target for {', '.join(r.missing)}: not rated.")
        if r.reds_without_action:
            attention.append(f"Red with no corrective action in {', '.join(r.reds_without_action)}.")
        rows.append([html.Span(name), *cells, " ".join(attention) or ("Context only" if not r.rated else "Complete")])
    headers = ["Indicator", *(f"Q{q}" for q in (1, 2, 3, 4)), "Needs attention"]
    caption = f"Targets and tolerances for {year.label}, {state.area_name}"
    return html.Section(
        [
            html.H2(f"Targets for {year.label} at a glance", id="targets-overview-heading"),
            html.P("Each indicator's target and tolerance by quarter; choose an indicator to edit it.", className="hint"),
            ui.scroll_region(caption, ui.table(caption, headers, rows, table_id="targets-overview")),
            _annual_list(annual_rows or [], year.label, state.area_name),
        ],
        id="targets-overview-section",
    )


def _annual_list(rows: list[overview.AnnualRow], year: str, area: str) -> Component:
    """The annual targets set for the year: the quarters above come from them unless typed."""
    if not rows:
        return html.P(f"No annual targets are set for {year}.", id="targets-annual-list", className="hint")
    caption = f"Annual targets for {year} that apply to {area}"
    body = [
        [
            r.code,
            r.area,
            r.target,
            r.profile,
            html.Strong(f"Gives no quarter targets: {r.problem}.", className="flag")
            if r.problem
            else "Gives the quarter targets not typed by hand",
        ]
        for r in rows
    ]
    return ui.scroll_region(
        caption,
        ui.table(
            caption, ["Indicator", "Applies to", "Annual target", "Profile", "Quarters"], body, table_id="targets-annual-list"
        ),
    )


def _annual(state: annual_form.AnnualState) -> html.Fieldset:
    """Set a whole year's target once, spread by a profile; the quarters it gives are shown as
    the analyst types (``annual_preview``)."""
    heading = html.Legend(html.H2(f"Set the whole of {state.year.label}", className="fieldset__heading"))
    if state.band:
        return html.Fieldset(
            [heading, html.P(f"{state.indicator} is rated against a band: set its band for each quarter above.", className="hint")],
            className="form-section", id="targets-annual-section",
        )  # fmt: skip
    spread = (
        "A count's target is spread over the months by the profile."
        if state.unit == "count"
        else "A percentage or rate is not spread: the annual target is the target for every quarter."
    )
    scopes = [(form.ALL_AREAS, "Every area (the usual case)"), (form.THIS_AREA, f"{state.area_name} only")]
    return html.Fieldset(
        [
            heading,
            html.P(f"One target for the year; {spread} A quarter target typed above wins for its quarter.", className="hint"),
            html.P(state.note, id="targets-annual-note", className="hint"),
            html.Div(id="targets-annual-errors"),
            html.Div(
                [
                    text_field("targets-annual-target", "Annual target", state.target, hint="The value to reach over the whole year."),
                    text_field("targets-annual-tolerance", "Annual tolerance", state.tolerance, hint="How far outside the target still counts as Green: 0 or more."),
                    select_field("targets-annual-tolerance-type", "The annual tolerance is", TOLERANCE_TYPES, state.tolerance_type, store=True),
                ],
                className="field-row",
            ),
            select_field("targets-annual-profile", "Spread over the year", annual_form.PROFILES, state.profile, store=True),
            textarea_field(
                "targets-annual-shares", "Custom shares (custom profile only)", state.shares, rows=2,
                hint="Twelve shares of the year, April to March, separated by ; and adding up to 1, like 0.09; 0.08; …",
            ),
            select_field("targets-annual-scope", "The annual target applies to", scopes, state.scope, store=True),
            html.Div(annual_preview(state.preview), id="targets-annual-preview", **ui.attrs({"aria-live": "polite"})),
            html.Button("Set the annual target", id="targets-annual-save", className="button", n_clicks=0),
            html.Div(id="targets-annual-message", role="status"),
            dcc.Store(id="targets-annual-context", data={"indicator": state.indicator, "year": state.year.key, "area": state.area}),
        ],
        className="form-section",
        id="targets-annual-section",
    )  # fmt: skip


def annual_preview(shown: annual_form.Preview) -> Component:
    """The quarters the annual target gives (or why it gives none), and the monthly shares."""
    if shown.problems:
        return html.Ul([html.Li(message, className="flag") for _, message in shown.problems], id="targets-annual-problems")
    parts: list[Component] = []
    if shown.quarters:
        caption = "The quarter targets this annual target gives"
        parts.append(
            ui.table(
                caption,
                ["Quarter", "Target"],
                [list(q) for q in shown.quarters],
                numeric=(1,),
                table_id="targets-annual-quarters",
            )
        )
    if shown.shares_text:
        parts.append(
            html.P(f"Share of the year by month: {shown.shares_text}.", id="targets-annual-shares-text", className="hint")
        )
    return html.Div(parts)


def _breaks(state: form.FormState, source: str, breaks: list) -> html.Fieldset:
    """Series breaks on this indicator: listed, and a form to record one (for the indicator or
    for every indicator from its source)."""
    listed = (
        html.Ul(
            [
                html.Li(f"{b.date:%-d %B %Y}: {b.reason}" + ("" if b.indicator_code else f" (every {b.source} indicator)"))
                for b in breaks
            ],
            id="targets-break-list",
        )
        if breaks
        else html.P("No series breaks are recorded for this indicator.", id="targets-break-list")
    )
    scopes = [("indicator", f"{state.indicator} only"), ("source", f"Every indicator from the {source} figures")]
    return html.Fieldset(
        [
            html.Legend(html.H2("Series breaks", className="fieldset__heading")),
            html.P(
                "A break marks a date where the series changed for reasons other than performance, such as new recording "
                "rules or a new crime system. Charts show it and the control limits start again from it.",
                className="hint",
            ),
            html.Div(listed, id="targets-breaks"),
            html.Div(
                [
                    html.Label("Date of the break", htmlFor="targets-break-date", className="field__label"),
                    html.P("For example 1 April 2014, or 2014-04-01.", id="targets-break-date-hint", className="hint"),
                    dcc.Input(id="targets-break-date", type="text", className="field__input", autoComplete="off"),
                ],
                className="field",
            ),
            textarea_field(
                "targets-break-reason", "Reason", "", hint="For example: Home Office counting rules tightened.", rows=2
            ),
            select_field("targets-break-scope", "The break applies to", scopes, "indicator", store=True),
            html.Button("Record the break", id="targets-break-save", className="button button--secondary", n_clicks=0),
            html.Div(id="targets-break-message", role="status"),
            dcc.Store(id="targets-break-context", data={"indicator": state.indicator, "source": source, "area": state.area}),
        ],
        className="form-section",
        id="targets-breaks-section",
    )


def _period(year: str | None, quarter: str | None, period: str | None) -> Quarter | None:
    try:
        if year and quarter:
            return Quarter.parse(f"{year}-{quarter}")
        return Quarter.parse(period) if period else None
    except PeriodError:
        return None  # a mistyped URL shows the latest quarter rather than an error


def _chooser(choices: dict[str, list[tuple[str, str]]], state: form.FormState) -> html.Form:
    """A GET form: with JavaScript a change re-renders the page in place (assets/forms.js),
    without it "Show" loads the page for the choice."""
    quarters = [(f"Q{q}", f"Q{q}") for q in (1, 2, 3, 4)]
    return html.Form(
        [
            select_field("targets-indicator", "Indicator", choices["indicator"], state.indicator, name="indicator"),
            select_field("targets-year", "Financial year", choices["year"], state.period.financial_year.key, name="year"),
            select_field("targets-quarter", "Quarter", quarters, f"Q{state.period.q}", name="quarter"),
            select_field("targets-area", "Area", choices["area"], state.area, name="area"),
            html.Button("Show", type="submit", className="button button--secondary", id="targets-show"),
            dcc.Location(id="targets-location", refresh="callback-nav"),
        ],
        method="get",
        action=here(PATH),
        className="controls",
        id="targets-controls",
        role="search",
        **ui.attrs({"aria-label": "Choose the indicator, quarter and area", "data-query-location": "targets-location"}),
    )


def _editor(state: form.FormState, ytd: bool = False) -> html.Div:
    band = state.polarity == "band"
    target_hint = "The value to reach; whether lower or higher is better comes from the indicator."
    basis = (
        f"This target is for the year to date: the total from April to the end of Q{state.period.q}, not the quarter alone."
        if ytd
        else "This target is for the quarter alone."
    )
    return html.Div(
        [
            # Problems are summarised above the form, where the reader starts (GOV.UK pattern).
            html.Div(id="targets-errors"),
            html.Div(rating_panel(state), id="targets-rating"),
            html.Fieldset(
                [
                    html.Legend(html.H2("Target and tolerance", className="fieldset__heading")),
                    html.P(basis, id="targets-basis", className="hint"),
                    html.P(state.target_note, id="targets-target-note", className="hint"),
                    text_field("targets-target", "Target", state.target, hint=target_hint, id="targets-target-field", hidden=band),
                    html.Div(
                        [text_field("targets-low", "Bottom of the band", state.low), text_field("targets-high", "Top of the band", state.high)],
                        id="targets-band-field",
                        hidden=not band,
                        className="field-row",
                    ),
                    html.Div(
                        [
                            text_field("targets-tolerance", "Tolerance", state.tolerance, hint="How far outside the target still counts as Green: 0 or more."),
                            select_field("targets-tolerance-type", "The tolerance is", TOLERANCE_TYPES, state.tolerance_type, store=True),
                        ],
                        className="field-row",
                    ),
                    select_field("targets-scope", "The target applies to", scope_options(state), state.scope, store=True),
                ],
                className="form-section",
            ),
            html.Fieldset(
                [
                    html.Legend(html.H2(f"Commentary for {state.area_name}, {state.period.label}", className="fieldset__heading")),
                    html.P(state.commentary_note, id="targets-commentary-note", className="hint"),
                    *_draft(state),
                    textarea_field("targets-commentary", "Commentary", state.commentary, hint="What happened this quarter and why, in plain words for councillors.", rows=5),
                ],
                className="form-section",
            ),
            html.Fieldset(
                [
                    html.Legend(html.H2(f"Corrective actions for {state.area_name}", className="fieldset__heading")),
                    html.P(
                        "A Red rating needs at least one action that is open or done this quarter. "
                        "Each change is saved with your name and the time.",
                        className="hint",
                    ),
                    html.Div(actions_panel.editor(state.period, state.actions, state.previous_actions, date.today()), id="targets-actions"),
                    html.H3(f"Add an action for {state.period.label}"),
                    textarea_field("targets-action", "What will be done", "", hint="One action: what the partnership will do about it, in plain words.", rows=3),
                    html.Div(
                        [
                            words_field("targets-action-owner", "Owner", "", hint="Who will do it (a name or a role)."),
                            words_field("targets-action-due", "Due date", "", hint="For example, 31 March 2017."),
                        ],
                        className="field-row",
                    ),
                ],
                className="form-section",
                id="targets-actions-section",
            ),
            html.Button("Save", id="targets-save", className="button", n_clicks=0),
            html.Div(id="targets-message", role="status"),
            dcc.Store(id="targets-context", data=context(state)),
        ]
    )  # fmt: skip


def _draft(state: form.FormState) -> list[Component]:
    """The commentary drafted from the figures, offered as a starting point: it fills the box
    only when the analyst asks, and is saved only if they then save it."""
    row = state.rating
    if row is None or not row.rated:
        return []
    try:
        text = row.narrative
    except Exception:  # a draft is a courtesy; the form works without it
        return []
    if not text:
        return []
    return [
        html.Div(
            [
                html.P("Drafted from the figures (not saved unless you use it and save):", className="field__label"),
                html.Blockquote(text, id="targets-draft", className="draft"),
                html.Button(
                    "Use the drafted text",
                    id="targets-use-draft",
                    type="button",
                    className="button button--secondary",
                    n_clicks=0,
                ),
            ],
            className="field",
        )
    ]


# Copies the draft into the commentary box in the browser; nothing is sent or stored.
clientside_callback(
    """
    function (clicks, draft) {
        if (!clicks) { return window.dash_clientside.no_update; }
        return draft;
    }
    """,
    Output("targets-commentary", "value"),
    Input("targets-use-draft", "n_clicks"),
    State("targets-draft", "children"),
    prevent_initial_call=True,
)


def scope_options(state: form.FormState) -> list[tuple[str, str]]:
    return [(form.ALL_AREAS, "Every area (the usual case)"), (form.THIS_AREA, f"{state.area_name} only")]


def context(state: form.FormState) -> dict[str, Any]:
    """What the form edits, and the versions it showed (to refuse overwriting a later save)."""
    return {
        "indicator": state.indicator, "year": state.period.financial_year.key, "quarter": f"Q{state.period.q}",
        "area": state.area, "target_versions": state.target_versions, "commentary_version": state.commentary_version,
        # Each listed action as shown: only those changed are saved, and not over a later save.
        "actions": {
            str(a.id): {"status": a.status, "owner": a.owner, "due": date_words(a.due_date), "version": a.version}
            for a in [*state.previous_actions, *state.actions]
        },
    }  # fmt: skip


def rating_panel(state: form.FormState) -> Component:
    row = state.rating
    if row is None:
        return html.P("")
    parts: list[Component | str] = [
        f"{state.indicator_name}, {state.area_name}, {state.period.label}: ",
        ui.rag_badge(row.rag),
        " ",
        row.reason + ".",
    ]
    warn = []
    if row.rag == Rating.RED and not state.has_action:
        warn = [html.P("Rated Red with no corrective action: the committee expects one.", className="flag")]
    return html.Div([html.P(parts, className="reason"), *warn], className="rating-now")


def _changed(shown: dict[str, Any] | None, status: str | None, owner: str | None, due: str | None) -> bool:
    """Whether a listed action's fields differ from what the form showed (True if not known)."""
    if shown is None:
        return True
    typed = (status or "", (owner or "").strip(), " ".join((due or "").split()))
    return typed != (shown.get("status") or "", shown.get("owner") or "", shown.get("due") or "")


def _field_id(name: str) -> str:
    """The element a problem links to: a field, or the listed action it is about."""
    if name.startswith(("action_due_", "action_status_")):
        return f"targets-action-{name.rsplit('_', 1)[1]}"
    return form.FIELD_IDS.get(name, "targets-indicator")


def error_summary(problems: list[tuple[str, str]]) -> Component:
    """GOV.UK-style: what to fix, each linking to its field."""
    items = [html.Li(html.A(message, href=f"#{_field_id(name)}")) for name, message in problems]
    return ui.notice("There is a problem: nothing was saved", html.Ul(items))


@callback(
    Output("targets-errors", "children"),
    Output("targets-message", "children"),
    Output("targets-rating", "children"),
    Output("targets-target-note", "children"),
    Output("targets-commentary-note", "children"),
    Output("targets-context", "data"),
    Output("targets-actions", "children"),
    Output("targets-action", "value"),
    Output("targets-action-owner", "value"),
    Output("targets-action-due", "value"),
    Input("targets-save", "n_clicks"),
    State("targets-context", "data"),
    State("targets-target", "value"),
    State("targets-low", "value"),
    State("targets-high", "value"),
    State("targets-tolerance", "value"),
    State("targets-tolerance-type-value", "data"),
    State("targets-scope-value", "data"),
    State("targets-commentary", "value"),
    State("targets-action", "value"),
    State("targets-action-owner", "value"),
    State("targets-action-due", "value"),
    State({"type": f"{actions_panel.STATUS_ID}-value", "index": ALL}, "id"),
    State({"type": f"{actions_panel.STATUS_ID}-value", "index": ALL}, "data"),
    State({"type": actions_panel.OWNER_ID, "index": ALL}, "value"),
    State({"type": actions_panel.DUE_ID, "index": ALL}, "value"),
    prevent_initial_call=True,
)
@requires_role("analyst")
def save(
    clicks,
    editing,
    target,
    low,
    high,
    tolerance,
    tolerance_type,
    scope,
    commentary,
    action,
    action_owner,
    action_due,
    action_ids,
    statuses,
    owners,
    dues,
) -> tuple[Any, ...]:
    if not clicks or not editing:
        raise dash.exceptions.PreventUpdate
    guard_write("analyst", editing.get("area"), "save target, commentary and actions")
    user = current_user()
    assert user is not None  # access.py refuses this callback to anyone not signed in as an analyst
    keep = (dash.no_update,) * 8
    # The listed actions' fields are laid out together, so the lists are in step. Only the ones
    # changed since the form was shown are sent, with the version shown.
    shown = editing.get("actions") or {}
    edits = [
        form.ActionEdit(int(i["index"]), status, owner, due, (shown.get(str(i["index"])) or {}).get("version"))
        for i, status, owner, due in zip(action_ids or [], statuses or [], owners or [], dues or [], strict=False)
        if _changed(shown.get(str(i["index"])), status, owner, due)
    ]
    submission = form.Submission(
        editing.get("indicator"), editing.get("year"), editing.get("quarter"), editing.get("area"), scope or form.ALL_AREAS,
        target, low, high, tolerance, tolerance_type, commentary, action,
        # Without the versions (a hand-made request) the save goes ahead unchecked.
        target_version=(editing.get("target_versions") or {}).get(scope or form.ALL_AREAS, "") if "target_versions" in editing else None,
        commentary_version=editing.get("commentary_version"),
        action_owner=action_owner, action_due=action_due, action_edits=edits,
    )  # fmt: skip
    try:
        result = form.save(current_engine(), submission, user.name)
    except Exception as exc:
        return ui.failure(exc), None, *keep
    if result.problems:
        return error_summary(result.problems), None, *keep
    state = result.state
    assert state is not None
    message = [html.P(result.message, className="saved", id="targets-saved")]
    message += [html.P(w, className="flag", role="alert") for w in result.warnings]
    return (
        None, message, rating_panel(state), state.target_note, state.commentary_note, context(state),
        actions_panel.editor(state.period, state.actions, state.previous_actions, date.today()), "", "", "",
    )  # fmt: skip


@callback(
    Output("targets-break-message", "children"),
    Output("targets-breaks", "children"),
    Input("targets-break-save", "n_clicks"),
    State("targets-break-context", "data"),
    State("targets-break-date", "value"),
    State("targets-break-reason", "value"),
    State("targets-break-scope-value", "data"),
    prevent_initial_call=True,
)
@requires_role("analyst")
def save_break(clicks, editing, when, reason, scope) -> tuple[Any, ...]:
    if not clicks or not editing:
        raise dash.exceptions.PreventUpdate
    guard_write("analyst", editing.get("area"), "record a break in a series")
    user = current_user()
    assert user is not None  # access.py refuses this callback to anyone not signed in as an analyst
    day = parse_day(when)
    if day is None:
        return ui.notice(
            "There is a problem: nothing was saved", "Enter the date of the break, like 1 April 2014."
        ), dash.no_update
    by_source = scope == "source"
    try:
        breaks = targets_page.record_break(
            current_engine(), day, (reason or "").strip(), user.name,
            indicator_code="" if by_source else editing.get("indicator", ""), source=editing.get("source", "") if by_source else "",
            shown=editing.get("indicator", ""), area=editing.get("area", ""),
        )  # fmt: skip
    except ValueError as exc:
        return ui.notice("There is a problem: nothing was saved", str(exc)), dash.no_update
    listed = html.Ul(
        [
            html.Li(f"{b.date:%-d %B %Y}: {b.reason}" + ("" if b.indicator_code else f" (every {b.source} indicator)"))
            for b in breaks
        ],
        id="targets-break-list",
    )
    return html.P(f"Break of {day:%-d %B %Y} recorded.", className="saved", id="targets-break-saved"), listed


def _annual_submission(
    editing: dict[str, Any], target, tolerance, tolerance_type, profile, shares, scope
) -> annual_form.AnnualSubmission:
    return annual_form.AnnualSubmission(
        editing.get("indicator"), editing.get("year"), editing.get("area"), scope or form.ALL_AREAS,
        target, tolerance, tolerance_type or "abs", profile, shares,
    )  # fmt: skip


ANNUAL_FIELDS = (
    State("targets-annual-target", "value"),
    State("targets-annual-tolerance", "value"),
    State("targets-annual-tolerance-type-value", "data"),
    State("targets-annual-profile-value", "data"),
    State("targets-annual-shares", "value"),
    State("targets-annual-scope-value", "data"),
)


@callback(
    Output("targets-annual-preview", "children"),
    Input("targets-annual-target", "value"),
    Input("targets-annual-tolerance", "value"),
    Input("targets-annual-tolerance-type-value", "data"),
    Input("targets-annual-profile-value", "data"),
    Input("targets-annual-shares", "value"),
    Input("targets-annual-scope-value", "data"),
    State("targets-annual-context", "data"),
    prevent_initial_call=True,
)
@requires_role("analyst")
def show_annual_quarters(target, tolerance, tolerance_type, profile, shares, scope, editing) -> Any:
    """The derived quarters as the analyst types; nothing is stored."""
    if not editing:
        raise dash.exceptions.PreventUpdate
    sub = _annual_submission(editing, target, tolerance, tolerance_type, profile, shares, scope)
    return annual_preview(annual_form.preview(current_engine(), sub))


@callback(
    Output("targets-annual-errors", "children"),
    Output("targets-annual-message", "children"),
    Output("targets-annual-note", "children"),
    Input("targets-annual-save", "n_clicks"),
    State("targets-annual-context", "data"),
    *ANNUAL_FIELDS,
    prevent_initial_call=True,
)
@requires_role("analyst")
def save_annual(clicks, editing, target, tolerance, tolerance_type, profile, shares, scope) -> tuple[Any, ...]:
    if not clicks or not editing:
        raise dash.exceptions.PreventUpdate
    guard_write("analyst", editing.get("area"), "save an annual target")
    user = current_user()
    assert user is not None  # access.py refuses this callback to anyone not signed in as an analyst
    sub = _annual_submission(editing, target, tolerance, tolerance_type, profile, shares, scope)
    try:
        result = annual_form.save(current_engine(), sub, user.name)
    except Exception as exc:  # the page says what failed rather than leaving the button dead
        return ui.failure(exc), None, dash.no_update
    if result.problems:
        items = [
            html.Li(html.A(message, href=f"#{annual_form.FIELD_IDS.get(name, 'targets-annual-target')}"))
            for name, message in result.problems
        ]
        return ui.notice("There is a problem: nothing was saved", html.Ul(items)), None, dash.no_update
    assert result.state is not None
    message = html.P(result.message, className="saved", id="targets-annual-saved")
    return None, message, result.state.note


PACK_FIELDS = [State(field_id, "value") for field_id in pack_form.FIELD_IDS.values()]


@callback(
    Output("targets-pack-errors", "children"),
    Output("targets-pack-message", "children"),
    Output("targets-pack-context", "data"),
    Input("targets-pack-save", "n_clicks"),
    State("targets-pack-context", "data"),
    *PACK_FIELDS,
    prevent_initial_call=True,
)
@requires_role("analyst")
def save_pack_text(clicks, editing, *values) -> tuple[Any, ...]:
    """The committee pack's words for the quarter: contact details, implications, background papers."""
    if not clicks or not editing:
        raise dash.exceptions.PreventUpdate
    guard_write("analyst", editing.get("area"), "save the pack's words")
    user = current_user()
    assert user is not None  # access.py refuses this callback to anyone not signed in as an analyst
    try:
        result = pack_form.save(current_engine(), editing, dict(zip(pack_form.FIELD_IDS, values, strict=True)), user.name)
    except Exception as exc:  # the page says what failed rather than leaving the button dead
        return ui.failure(exc), None, dash.no_update
    if result.problems:
        items = [
            html.Li(html.A(message, href=f"#{pack_form.FIELD_IDS.get(name, 'targets-pack-save')}"))
            for name, message in result.problems
        ]
        return ui.notice("There is a problem: nothing was saved", html.Ul(items)), None, dash.no_update
    return None, html.P(result.message, className="saved", id="targets-pack-saved"), {**editing, "version": result.version}
