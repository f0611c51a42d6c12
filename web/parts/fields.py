"""Labelled form fields for the upload and targets pages.

Choices are native <select>s, not Dash 4's Dropdown or RadioItems (which fail axe: hidden
focus targets, radios inside listbox options). A select whose value a callback needs names
a ``dcc.Store`` in ``data-store``; assets/forms.js copies each change into it. A hint is
``<id>-hint``; forms.js points the control's aria-describedby at it (dcc.Input and
dcc.Textarea take no aria props).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dash import dcc, html
from dash.development.base_component import Component

from web.parts.components import attrs


def _label(label: str, control_id: str, hint: str | None) -> list[Component]:
    out: list[Component] = [html.Label(label, htmlFor=control_id, className="field__label")]
    if hint:
        out.append(html.P(hint, id=f"{control_id}-hint", className="hint"))
    return out


def select_field(
    control_id: str,
    label: str,
    options: list[tuple[str, str]],
    value: str | None,
    *,
    name: str | None = None,
    hint: str | None = None,
    store: bool = False,
    **extra: Any,
) -> html.Div:
    """A labelled native select; with ``store`` also a dcc.Store ``<id>-value`` holding its value."""
    select = html.Select(
        [html.Option(text, value=v, selected=v == value) for v, text in options],
        id=control_id,
        name=name or control_id,
        className="field__select",
        **attrs({"data-store": f"{control_id}-value"} if store else {}),
    )
    children = [*_label(label, control_id, hint), select]
    if store:
        children.append(dcc.Store(id=f"{control_id}-value", data=value))
    return html.Div(children, className="field", **extra)


def text_field(control_id: str, label: str, value: str, *, hint: str | None = None, **extra: Any) -> html.Div:
    # Text, not type=number: the browser's number box silently drops "12,400"; the server
    # parses it and says exactly what is wrong.
    control = dcc.Input(
        # "decimal" is an HTML inputmode Dash's typed signature leaves out; Dash passes it through.
        id=control_id,
        type="text",
        inputMode="decimal",  # type: ignore[arg-type]
        value=value,
        autoComplete="off",
        className="field__input field__input--number",
    )
    return html.Div([*_label(label, control_id, hint), control], className="field", **extra)


def line_field(
    control_id: str, label: str, value: str, *, hint: str | None = None, kind: str = "text", autocomplete: str = "off"
) -> html.Div:
    """A labelled one-line text box for words (``kind`` ``text``, ``email`` or ``tel``), not a number."""
    control = dcc.Input(
        id=control_id,
        type=kind,  # type: ignore[arg-type]
        value=value,
        autoComplete=autocomplete,
        className="field__input",
    )
    return html.Div([*_label(label, control_id, hint), control], className="field")


def parse_day(text: str | None) -> date | None:
    """A date as people write it: 2017-01-17, 17 January 2017 or 17 Jan 2017; None otherwise."""
    cleaned = " ".join((text or "").split())
    for parse in (
        date.fromisoformat,
        lambda t: datetime.strptime(t, "%d %B %Y").date(),
        lambda t: datetime.strptime(t, "%d %b %Y").date(),
    ):
        try:
            return parse(cleaned)
        except ValueError:
            continue
    return None


def textarea_field(control_id: str, label: str, value: str, *, hint: str | None = None, rows: int = 4) -> html.Div:
    control = dcc.Textarea(id=control_id, value=value, rows=rows, className="field__textarea")
    return html.Div([*_label(label, control_id, hint), control], className="field")


def words_field(control_id: str, label: str, value: str, *, hint: str | None = None, **extra: Any) -> html.Div:
    """A labelled one-line text box for words (a name, a date), not a number."""
    control = dcc.Input(id=control_id, type="text", value=value, autoComplete="off", className="field__input")
    return html.Div([*_label(label, control_id, hint), control], className="field", **extra)
