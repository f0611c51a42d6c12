"""The indicator page's baseline panel (issue 20): where Making Data Count's run rule finds a
shift in the process (7 or more points one side of the mean, starting after the baseline
does), say since when, and offer an analyst a new baseline there — a series break recorded
with who and why, as on the targets page. Never automatic: the limits move only when an
analyst records the break. Where the current baseline (after a break) is too short for the
SPC rules, say so in words.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash
from dash import dcc, html
from dash.development.base_component import Component

from rules.breaks import period_span
from rules.gaps import period_label
from rules.verdict import baseline_words, process_shift, shift_words
from store.annotations import save_annotation
from store.db import Engine, session_scope
from web.access import can, current_user, guard_write
from web.parts import components as ui
from web.parts.context import current_engine
from web.parts.fields import textarea_field

PANEL_ID = "indicator-baseline"


def baseline_panel(spc: Any, code: str, area: str) -> Component | None:
    """``spc``: the page's ``views.spc_chart.SpcView``. None where there is nothing to say."""
    stored = spc.stored
    if stored is None or spc.stale:
        return None
    result, by = stored.result, stored.by
    parts: list[Component] = []
    shift = process_shift(result)
    if shift is not None:
        since = period_label(shift.period)
        parts += [
            html.H3(f"The process has changed since {since}", className="baseline__heading"),
            html.P(
                f"{shift_words(shift, by)} Verdicts on this chart (its variation, and whether the target will be met) are still "
                "judged on limits that mix the months before and after the change.",
                id="indicator-baseline-shift",
            ),
        ]
        if can("analyst"):
            parts.append(_form(code, area, shift.period, since))
        else:
            parts.append(html.P(
                f"An analyst can start a new baseline from {since} (a series break, recorded with who and why). "
                "It is never done automatically.",
                className="cell-note", id="indicator-baseline-who",
            ))  # fmt: skip
    short = baseline_words(result, by)
    if short:
        parts.append(html.P(short, id="indicator-baseline-short"))
    if not parts:
        return None
    return html.Div(
        parts, id=PANEL_ID, className="baseline-panel", role="region", **ui.attrs({"aria-label": "Baseline of the SPC chart"})
    )


def _form(code: str, area: str, period: str, since: str) -> html.Div:
    return html.Div(
        [
            textarea_field(
                "baseline-reason",
                "Why the process changed",
                "",
                hint="Recorded with your name on the series breaks, for example: new anti-social behaviour recording system from July.",
                rows=2,
            ),  # fmt: skip
            html.Button(
                f"Start a new baseline from {since}", id="baseline-save", className="button button--secondary", n_clicks=0
            ),
            html.Div(id="baseline-message", role="status"),
            dcc.Store(id="baseline-context", data={"indicator": code, "area": area, "period": period}),
        ],
        className="baseline__form no-print",
    )


def record_new_baseline(engine: Engine, code: str, period: str, reason: str, user: str) -> date:
    """Record a series break for ``code`` on the first day of ``period`` (which then starts a
    new baseline) and mark the cached pages stale. Raises ValueError (words for the reader)."""
    day = period_span(period)[0]
    with session_scope(engine) as session:
        save_annotation(session, when=day, reason=reason, user=user, indicator_code=code)  # counts the change
    return day


def save_baseline(clicks: int, context: dict[str, str] | None, reason: str | None) -> Any:
    """The panel's button (``dashboards.indicator`` registers it as a callback: Dash Pages
    re-registers a page's callbacks for every app, not those of a module like this one)."""
    if not clicks or not context:
        raise dash.exceptions.PreventUpdate
    guard_write("analyst", context.get("area"), "start a new SPC baseline")
    user = current_user()
    assert user is not None  # requires_role (on the page's callback) refuses anyone not signed in as an analyst
    reason = (reason or "").strip()
    if not reason:
        return ui.notice(
            "There is a problem: nothing was saved", "Say why the process changed: the reason is recorded with the break."
        )
    try:
        day = record_new_baseline(current_engine(), context["indicator"], context["period"], reason, user.name)
    except ValueError as exc:
        return ui.notice("There is a problem: nothing was saved", str(exc))
    return html.P(
        [f"New baseline from {day:%-d %B %Y} recorded by {user.name}. ", html.A("Reload the page", href=""), " to see the chart re-based."],
        className="saved", id="baseline-saved",
    )  # fmt: skip


__all__ = ["baseline_panel", "record_new_baseline", "save_baseline"]
