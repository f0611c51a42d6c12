"""Targets and commentary (``/targets``, analysts): for an indicator, quarter and area, edit
the target (or band) and tolerance, and write the commentary and corrective action the
committee reads. Saving records who and when, and logs old and new values.

Every callback writes to a ``targets-…`` id, which dashboards/access.py refuses to anyone but
an analyst. ``?indicator=CSP1&period=2016-17-Q3&area=E09000016`` opens a given row.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html
from dash.development.base_component import Component

from dashboards import components as ui
from dashboards import targets_form as form
from dashboards.access import can, current_user
from dashboards.context import current_engine, current_settings
from dashboards.login import account_bar, sign_in_prompt
from rag.periods import PeriodError, Quarter
from rag.rating import Rating
from store.db import session_scope
from store.queries import area_choices, latest_quarter
from store.scorecard import indicators

dash.register_page(
    __name__, path="/targets", name="Targets & commentary", title="Targets and commentary – Community Safety Partnership performance", order=4
)

PATH = "/targets"
WORDS = {"abs": "In units of the measure (percentage points for a percentage)", "pct": "As a percentage of the target"}


def layout(indicator: str | None = None, period: str | None = None, area: str | None = None, **_: Any) -> Component:
    try:
        intro = [html.H1("Targets and commentary"), account_bar(PATH)]
        if not can("analyst"):
            return html.Div([*intro, sign_in_prompt("edit targets and commentary", PATH)])
        settings = current_settings()
        with session_scope(current_engine()) as session:
            rows = indicators(session)
            if not rows:
                return html.Div([*intro, ui.notice("No indicators yet", "Load indicator definitions on the Upload page first.", kind="info")])
            latest = latest_quarter(session)
            try:
                chosen = Quarter.parse(period) if period else latest or Quarter.parse("2016-17-Q1")
            except PeriodError:
                chosen = latest or Quarter.parse("2016-17-Q1")
            years = form.year_choices(session, latest or chosen)
            if chosen.financial_year not in years:
                years.append(chosen.financial_year)
            areas = area_choices(session, settings.home_area)
            area_codes = {a.code for a in areas}
            area = area if area in area_codes else settings.home_area
            code = indicator if indicator in {i.code for i in rows} else rows[0].code
            state = form.load_form(session, code, chosen, area)
            indicator_options = [{"label": f"{i.code} – {i.name}", "value": i.code} for i in rows]
        area_options = [{"label": a.label, "value": a.code} for a in areas] or [{"label": state.area_name, "value": area}]
        year_options = [{"label": y.label, "value": y.key} for y in years]
        return html.Div([*intro, _chooser(indicator_options, year_options, area_options, state), _editor(state)])
    except Exception as exc:  # noqa: BLE001 - the reader gets a message, the log gets the trace
        return ui.failure(exc)


def _field(label: str, input_id: str, control: Component, hint: str | None = None, **extra: Any) -> html.Div:
    hint_el = [html.P(hint, id=f"{input_id}-hint", className="hint")] if hint else []
    return html.Div([html.Label(label, htmlFor=input_id, className="field__label"), *hint_el, control], className="field", **extra)


def _text_input(input_id: str, value: str, width: str = "field__input--number") -> dcc.Input:
    # Text, not type=number: the browser's number box silently drops "12,400"; we parse it
    # ourselves and say what is wrong.
    return dcc.Input(id=input_id, type="text", inputMode="decimal", value=value, debounce=False, className=f"field__input {width}", autoComplete="off")


def _chooser(indicator_options: list, year_options: list, area_options: list, state: form.FormState) -> html.Div:
    return html.Div(
        [
            _field("Indicator", "targets-indicator", dcc.Dropdown(id="targets-indicator", options=indicator_options, value=state.indicator, clearable=False, className="field__dropdown field__dropdown--wide")),
            _field("Financial year", "targets-year", dcc.Dropdown(id="targets-year", options=year_options, value=state.period.financial_year.key, clearable=False, searchable=False, className="field__dropdown field__dropdown--year")),
            html.Fieldset(
                [
                    html.Legend("Quarter", className="field__label"),
                    dcc.RadioItems(id="targets-quarter", options=[{"label": f"Q{q}", "value": f"Q{q}"} for q in (1, 2, 3, 4)], value=f"Q{state.period.q}", inline=True, className="radios", labelClassName="radios__item", inputClassName="radios__input"),
                ],
                className="field field--fieldset",
            ),
            _field("Area", "targets-area", dcc.Dropdown(id="targets-area", options=area_options, value=state.area, clearable=False, className="field__dropdown field__dropdown--area")),
        ],
        className="controls",
        role="group",
        **{"aria-label": "Choose the indicator, quarter and area"},
    )  # fmt: skip


def _editor(state: form.FormState) -> html.Div:
    band = state.polarity == "band"
    return html.Div(
        [
            html.Div(rating_panel(state), id="targets-rating"),
            html.Fieldset(
                [
                    html.Legend(html.H2("Target", className="fieldset__heading")),
                    html.P(state.target_note, id="targets-target-note", className="hint"),
                    _field("Target", "targets-target", _text_input("targets-target", state.target), "The value to reach: lower is better or higher is better, as the indicator says.", id="targets-target-field", hidden=band),
                    html.Div(
                        [
                            _field("Bottom of the band", "targets-low", _text_input("targets-low", state.low)),
                            _field("Top of the band", "targets-high", _text_input("targets-high", state.high)),
                        ],
                        id="targets-band-field", hidden=not band, className="field-row",
                    ),
                    html.Div(
                        [
                            _field("Tolerance", "targets-tolerance", _text_input("targets-tolerance", state.tolerance), "How far outside the target still counts as Green. 0 or more."),
                            html.Fieldset(
                                [
                                    html.Legend("The tolerance is", className="field__label"),
                                    dcc.RadioItems(id="targets-tolerance-type", options=[{"label": WORDS[k], "value": k} for k in ("abs", "pct")], value=state.tolerance_type, className="radios radios--stacked", labelClassName="radios__item", inputClassName="radios__input"),
                                ],
                                className="field field--fieldset",
                            ),
                        ],
                        className="field-row",
                    ),
                    html.Fieldset(
                        [
                            html.Legend("The target applies to", className="field__label"),
                            dcc.RadioItems(id="targets-scope", options=scope_options(state), value=state.scope, className="radios radios--stacked", labelClassName="radios__item", inputClassName="radios__input"),
                        ],
                        className="field field--fieldset",
                    ),
                ],
                className="form-section",
            ),
            html.Fieldset(
                [
                    html.Legend(html.H2("Commentary", className="fieldset__heading", id="targets-commentary-heading")),
                    html.P(commentary_intro(state), id="targets-commentary-intro", className="hint"),
                    html.P(state.commentary_note, id="targets-commentary-note", className="hint"),
                    _field("Commentary", "targets-commentary", dcc.Textarea(id="targets-commentary", value=state.commentary, className="field__textarea", rows=5), "What happened this quarter and why, in plain words for councillors."),
                    _field("Corrective action", "targets-action", dcc.Textarea(id="targets-action", value=state.corrective_action, className="field__textarea", rows=3), "What the partnership will do about it. Required when the indicator is rated Red."),
                ],
                className="form-section",
            ),
            html.Div(id="targets-errors"),
            html.Button("Save", id="targets-save", className="button", n_clicks=0),
            html.Div(id="targets-message", role="status"),
            dcc.Store(id="targets-versions", data=versions(state)),
        ]
    )  # fmt: skip


def scope_options(state: form.FormState) -> list[dict[str, str]]:
    return [
        {"label": "Every area (the usual case)", "value": form.ALL_AREAS},
        {"label": f"{state.area_name} only", "value": form.THIS_AREA},
    ]


def commentary_intro(state: form.FormState) -> str:
    return f"For {state.area_name}, {state.period.label}."


def versions(state: form.FormState) -> dict[str, Any]:
    return {"target": state.target_versions, "commentary": state.commentary_version}


def rating_panel(state: form.FormState) -> Component:
    row = state.rating
    if row is None:
        return html.P("")
    parts: list[Component | str] = [f"{state.indicator_name}, {state.area_name}, {state.period.label}: ", ui.rag_badge(row.rag), " ", row.reason + "."]
    warn = []
    if row.rag == Rating.RED and not state.corrective_action.strip():
        warn = [html.P("Rated Red with no corrective action: the committee expects one.", className="flag")]
    return html.Div([html.P(parts, className="reason"), *warn], className="rating-now")


def error_summary(problems: list[tuple[str, str]]) -> Component:
    """GOV.UK-style: a list of what to fix, each linking to its field."""
    items = [html.Li(html.A(message, href=f"#{form.FIELD_IDS.get(name, 'targets-indicator')}")) for name, message in problems]
    return ui.notice("There is a problem: nothing was saved", html.Ul(items))


_FIELDS = [
    Output("targets-target", "value"), Output("targets-low", "value"), Output("targets-high", "value"),
    Output("targets-tolerance", "value"), Output("targets-tolerance-type", "value"), Output("targets-scope", "value"),
    Output("targets-scope", "options"), Output("targets-commentary", "value"), Output("targets-action", "value"),
    Output("targets-target-field", "hidden"), Output("targets-band-field", "hidden"),
    Output("targets-target-note", "children"), Output("targets-commentary-note", "children"),
    Output("targets-commentary-intro", "children"), Output("targets-rating", "children"), Output("targets-versions", "data"),
]  # fmt: skip


def _fill(state: form.FormState) -> list[Any]:
    band = state.polarity == "band"
    return [
        state.target, state.low, state.high, state.tolerance, state.tolerance_type, state.scope, scope_options(state),
        state.commentary, state.corrective_action, band, not band, state.target_note, state.commentary_note,
        commentary_intro(state), rating_panel(state), versions(state),
    ]  # fmt: skip


@callback(
    *_FIELDS,
    Output("targets-errors", "children"),
    Output("targets-message", "children"),
    Input("targets-indicator", "value"),
    Input("targets-year", "value"),
    Input("targets-quarter", "value"),
    Input("targets-area", "value"),
    prevent_initial_call=True,
)
def choose(indicator: str | None, year: str | None, quarter: str | None, area: str | None) -> list[Any]:
    try:
        period = form.period_of(year, quarter)
        with session_scope(current_engine()) as session:
            state = form.load_form(session, indicator or "", period, area or current_settings().home_area)
    except (PeriodError, LookupError) as exc:
        return [dash.no_update] * len(_FIELDS) + [error_summary([("choice", f"{str(exc)[0].upper()}{str(exc)[1:]}.")]), None]
    except Exception as exc:  # noqa: BLE001
        return [dash.no_update] * len(_FIELDS) + [ui.failure(exc), None]
    return [*_fill(state), None, None]


@callback(
    *[Output(o.component_id, o.component_property, allow_duplicate=True) for o in _FIELDS],
    Output("targets-errors", "children", allow_duplicate=True),
    Output("targets-message", "children", allow_duplicate=True),
    Input("targets-save", "n_clicks"),
    State("targets-indicator", "value"), State("targets-year", "value"), State("targets-quarter", "value"),
    State("targets-area", "value"), State("targets-scope", "value"), State("targets-target", "value"),
    State("targets-low", "value"), State("targets-high", "value"), State("targets-tolerance", "value"),
    State("targets-tolerance-type", "value"), State("targets-commentary", "value"), State("targets-action", "value"),
    State("targets-versions", "data"),
    prevent_initial_call=True,
)  # fmt: skip
def save(clicks: int | None, indicator, year, quarter, area, scope, target, low, high, tolerance, tolerance_type, commentary, action, known) -> list[Any]:  # noqa: ANN001, PLR0913
    if not clicks:
        raise dash.exceptions.PreventUpdate
    user = current_user()
    assert user is not None  # access.py refuses this callback to anyone not signed in as an analyst
    # The versions the form was opened with, so a save can't silently overwrite someone
    # else's; without them (an old page) saving goes ahead unchecked.
    submission = form.Submission(
        indicator, year, quarter, area, scope, target, low, high, tolerance, tolerance_type, commentary, action,
        target_version=(known.get("target") or {}).get(scope or form.ALL_AREAS, "") if known else None,
        commentary_version=known.get("commentary", "") if known else None,
    )  # fmt: skip
    try:
        result = form.save(current_engine(), submission, user.name)
    except Exception as exc:  # noqa: BLE001
        return [dash.no_update] * len(_FIELDS) + [ui.failure(exc), None]
    if result.problems:
        return [dash.no_update] * len(_FIELDS) + [error_summary(result.problems), None]
    assert result.state is not None
    message = [html.P(result.message, className="saved", id="targets-saved")]
    message += [html.P(w, className="flag", role="alert") for w in result.warnings]
    return [*_fill(result.state), None, message]
