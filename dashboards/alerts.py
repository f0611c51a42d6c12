"""Email alerts (``/alerts``, anyone signed in): choose the events to be emailed about — a
quarter published, a rating changed, special cause on an SPC chart, a corrective action
overdue. Saving writes to ``alerts-…`` ids, which web/access.py refuses to anyone not signed
in; without mail settings the choice is recorded and the page says email is not set up."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, callback, html
from dash.development.base_component import Component

from reporting.notifications import EVENT_WORDS, Event
from web.access import current_user, login_url, requires_role
from web.login import account_bar
from web.parts import alerts_form as form
from web.parts import components as ui
from web.parts.context import current_engine, current_settings
from web.parts.fields import select_field

dash.register_page(
    __name__, path="/alerts", name="Email alerts", title="Email alerts – Community Safety Partnership performance", order=8
)

PATH = "/alerts"
HOW_OFTEN = (
    "You get at most one summary email an hour listing what happened, each item with its figures and a link to the page "
    "that shows it; an overdue corrective action is emailed at once."
)


CHOICES = [("no", "Do not email me"), ("yes", "Email me")]


def _field_id(event: Event) -> str:
    return f"alerts-{event.value.replace('_', '-')}"


def _fields(held: list[Event]) -> list[Component]:
    """One native select per event (Dash's Checklist fails axe: it has no accessible name)."""
    return [
        select_field(_field_id(e), f"When {EVENT_WORDS[e]}", CHOICES, "yes" if e in held else "no", store=True) for e in Event
    ]


def _notices(state: form.AlertsState) -> list[Component]:
    out: list[Component] = []
    if not state.mail_ready:
        out.append(
            ui.notice(
                "Email is not set up on this site",
                "Your choices are recorded, but no email is sent until an administrator sets up the mail server.",
                kind="info",
            )
        )
    if not state.email:
        out.append(
            ui.notice(
                "No email address is held for you",
                "Ask an administrator to add your email address; until then nothing can be sent to you.",
                kind="info",
            )
        )
    return out


@ui.safe_layout
def layout(**_: Any) -> Component:
    user = current_user()
    if user is None:
        return html.Div(
            [
                html.H1("Email alerts"),
                html.P([html.A("Sign in to choose your email alerts", href=login_url(PATH)), "."], className="sign-in-prompt"),
            ]
        )
    state = form.load(current_engine(), current_settings(), user.name)
    address = f"Emails go to {state.email}." if state.email else ""
    return html.Div(
        [
            html.H1("Email alerts"),
            account_bar(PATH),
            html.P([HOW_OFTEN, " ", address]),
            html.Div(_notices(state), id="alerts-notices"),
            html.Form(
                [
                    html.Fieldset(
                        [html.Legend("Email me", className="fieldset__heading"), *_fields(state.events)],
                        className="field--fieldset",
                    ),
                    html.Button("Save my email alerts", id="alerts-save", type="button", className="button", n_clicks=0),
                ],
                className="alerts-form",
            ),
            html.P(state.said, id="alerts-status", role="status", className="status"),
        ]
    )


@callback(
    Output("alerts-status", "children"),
    Input("alerts-save", "n_clicks"),
    *[State(f"{_field_id(e)}-value", "data") for e in Event],
    prevent_initial_call=True,
)
@requires_role("viewer")
def save(clicks: int | None, *answers: str | None) -> Any:
    if not clicks:
        raise dash.exceptions.PreventUpdate
    chosen = [e.value for e, answer in zip(Event, answers, strict=True) if answer == "yes"]
    user = current_user()
    assert user is not None  # access.py refuses this callback to anyone not signed in
    try:
        state = form.save(current_engine(), current_settings(), user.name, chosen)
    except Exception as exc:
        return ui.failure(exc)
    return f"Saved. {state.said}"
