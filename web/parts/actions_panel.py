"""Corrective actions on pages (issue 20 part 4): read-only lists for the indicator page and
scorecard, and the editor on the Targets page (status, owner and due date of each listed
action, and a new one). Status is in words everywhere; "Overdue" is worked out from the date.
"""

from __future__ import annotations

import json
from datetime import date

from dash import dcc, html
from dash.development.base_component import Component

from reporting.actions import STATUS_WORDS, ActionEntry, date_words, outcome_words
from rules.periods import Quarter
from web.parts.components import attrs

STATUS_ID, OWNER_ID, DUE_ID = "targets-action-status", "targets-action-owner-of", "targets-action-due-of"


def action_items(actions: list[ActionEntry] | tuple[ActionEntry, ...], today: date | None, item_id: str | None = None) -> html.Ul:
    """Each action as ``text`` then, in words, owner, due date and status."""
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(a.text, className="action__text"),
                    " ",
                    html.Span(f"({a.details(today)})", className="action__details"),
                ],
                className=f"action action--{'overdue' if today and a.overdue(today) else a.status}",
            )
            for a in actions
        ],
        className="action-list",
        **attrs({"id": item_id} if item_id else {}),
    )


def follow_up(
    period: Quarter, actions: list[ActionEntry] | tuple[ActionEntry, ...], previous: list[ActionEntry] | tuple[ActionEntry, ...],
    today: date | None, prefix: str,
) -> html.Section:  # fmt: skip
    """This quarter's actions and last quarter's with how they ended, beside the rating."""
    last = period.previous()
    parts: list[Component] = [html.H2("Corrective actions", className="actions__heading")]
    if actions:
        parts += [html.H3(f"Set for {period.label}"), action_items(actions, today, f"{prefix}-actions-now")]
    else:
        parts.append(html.P(f"No corrective action has been set for {period.label}.", id=f"{prefix}-actions-none"))
    if previous:
        parts += [
            html.H3(f"Set last quarter ({last.label}) and how they ended"),
            html.P(outcome_words(list(previous), today) + ".", className="hint"),
            action_items(previous, today, f"{prefix}-actions-last"),
        ]
    return html.Section(parts, className="actions-panel", id=f"{prefix}-actions")


def _status_select(a: ActionEntry) -> html.Label:
    control_id = {"type": STATUS_ID, "index": a.id}
    store_id = {"type": f"{STATUS_ID}-value", "index": a.id}
    return html.Label(
        [
            html.Span("Status", className="field__label"),
            html.Select(
                [html.Option(words, value=value, selected=value == a.status) for value, words in STATUS_WORDS.items()],
                id=control_id,
                className="field__select",
                **attrs({"data-store": json.dumps(store_id, sort_keys=True)}),
            ),
            dcc.Store(id=store_id, data=a.status),
        ],
        className="field",
    )


def _text_input(kind: str, label: str, value: str, a: ActionEntry, hint: str = "") -> html.Label:
    return html.Label(
        [
            html.Span(label, className="field__label"),
            *([html.Span(hint, className="hint")] if hint else []),
            dcc.Input(id={"type": kind, "index": a.id}, type="text", value=value, autoComplete="off", className="field__input"),
        ],
        className="field",
    )


def _editable(a: ActionEntry, today: date) -> html.Fieldset:
    return html.Fieldset(
        [
            html.Legend([a.text, html.Span(f" (now: {a.status_text(today)})", className="hint")], className="action__legend"),
            html.Div(
                [
                    _status_select(a),
                    _text_input(OWNER_ID, "Owner", a.owner, a),
                    _text_input(DUE_ID, "Due date", date_words(a.due_date), a, "For example, 31 March 2017"),
                ],
                className="field-row",
            ),
        ],
        className="action-edit",
        id=f"targets-action-{a.id}",
    )


def editor(period: Quarter, actions: list[ActionEntry], previous: list[ActionEntry], today: date) -> list[Component]:
    """The Targets page's actions: last quarter's (to record how they ended) and this
    quarter's, each editable; the fields for a new action follow (in the page)."""
    out: list[Component] = []
    if previous:
        out += [
            html.H3(f"Last quarter's actions ({period.previous().label})"),
            html.P(outcome_words(previous, today) + ". Record how each ended: done, or dropped.", className="hint"),
            *[_editable(a, today) for a in previous],
        ]
    out.append(html.H3(f"Actions for {period.label}"))
    if actions:
        out += [_editable(a, today) for a in actions]
    else:
        out.append(html.P(f"No action has been set for {period.label} yet.", id="targets-actions-none"))
    return out
